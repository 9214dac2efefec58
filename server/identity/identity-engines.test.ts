/**
 * The identity services on either engine, with calls that arrive at once. Over SQLite a
 * Store call has happened when it returns, so requests hardly interleave; over PostgreSQL
 * every call is a round trip on a pool, and two requests' reads and writes do interleave.
 * The single-use steps (a code's attempts, its ticket, an invite, an OAuth code, a refresh
 * token's rotation) and the attempt windows must hold on both: the same script runs over
 * an in-memory SQLite and a real PostgreSQL (server/testing/pg-server.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { migrateDb, openDb } from "../../db/client.ts";
import { migratePg, openPg } from "../../db/pg/client.ts";
import { pgStore } from "../../db/pg/queries/store.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import type { Store } from "../../db/store.ts";
import { GatewayError } from "../errors.ts";
import { identityOver } from "../testing/identity-services.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import type { Identity } from "./identity.ts";
import { OAuthError } from "./oauth.ts";
import { SignIn } from "./sign-in.ts";

let pg: PgServer;
beforeAll(async () => {
  pg = await startPg();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
}, 30_000);

type Engine = { store: Store; close(): Promise<void> };

function sqlite(): Engine {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, `${import.meta.dir}/../../db/migrations`);
  return { store: sqliteStore(db), close: async () => sqlite.close() };
}

async function postgres(name: string): Promise<Engine> {
  const { client, db } = openPg(await pg.createDatabase(name), { max: 8 });
  await migratePg(db);
  return { store: pgStore(db), close: () => client.close() };
}

/** What calls made at once came to: each outcome (a value's kind, or an error's code), sorted. */
async function atOnce<T>(n: number, call: (i: number) => Promise<T>): Promise<string[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => call(i)));
  return settled
    .map((s) => {
      if (s.status === "fulfilled") return "ok";
      const e = s.reason;
      if (e instanceof GatewayError) return e.code;
      if (e instanceof OAuthError) return e.error;
      throw e;
    })
    .sort();
}

const wrong = (code: string, by: number) => String((Number(code) + by) % 1_000_000).padStart(6, "0");
const times = (n: number, what: string) => Array<string>(n).fill(what);
const meta = { clientAddress: null, userAgent: null };

let clients = 0;
const client = () => `198.51.100.${++clients}`;

/** Sends a code and reads it from the outbox, as an operator without SMTP would. */
async function codeFor(id: Identity, signIn: SignIn, email: string): Promise<string> {
  await signIn.sendCode(email, client(), Date.now());
  const { rows } = await id.gw.store.identity.mail(50, 0);
  const text = rows.find((m) => m.to === email && m.purpose === "code")?.text ?? "";
  return /\b(\d{6})\b/.exec(text)![1]!;
}

async function script(id: Identity) {
  const signIn = new SignIn(id);
  const now = () => Date.now();
  const out: Record<string, unknown> = {};

  // Four wrong guesses at once each take one of the code's three attempts: the right code after is refused.
  let code = await codeFor(id, signIn, "burn@x.test");
  out.burnGuesses = await atOnce(4, (i) =>
    signIn.verifyEmail("burn@x.test", wrong(code, i + 1), client(), now()),
  );
  out.burnRight = await atOnce(1, () => signIn.verifyEmail("burn@x.test", code, client(), now()));

  // Twelve at once against the address's six failures an hour: six answered, six refused before any read.
  code = await codeFor(id, signIn, "flood@x.test");
  out.flood = await atOnce(12, (i) =>
    signIn.verifyEmail("flood@x.test", wrong(code, i + 1), client(), now()),
  );
  out.floodRight = await atOnce(1, () => signIn.verifyEmail("flood@x.test", code, client(), now()));

  // The right code four times at once: one ticket; that ticket spent four times at once: one sign-in.
  code = await codeFor(id, signIn, "twice@x.test");
  const tickets: string[] = [];
  out.rightAtOnce = await atOnce(4, async () => {
    tickets.push((await signIn.verifyEmail("twice@x.test", code, client(), now())).registration_token);
  });
  out.ticketAtOnce = await atOnce(4, () => signIn.complete(tickets[0]!, {}, meta, now()));

  // Two sign-ups of one invited address at once: one user, the invite taken once, one membership.
  const owner = await signIn.complete(
    (await signIn.verifyEmail("owner@x.test", await codeFor(id, signIn, "owner@x.test"), client(), now()))
      .registration_token,
    {},
    meta,
    now(),
  );
  await id.invites.create(
    { email: "pair@x.test", accountId: owner.account.id, role: "member", invitedBy: owner.user.id },
    now(),
  );
  const pair: string[] = [];
  for (let i = 0; i < 2; i++)
    pair.push(
      (await signIn.verifyEmail("pair@x.test", await codeFor(id, signIn, "pair@x.test"), client(), now()))
        .registration_token,
    );
  const signedUp = await Promise.all(pair.map((t) => signIn.complete(t, {}, meta, now())));
  out.pairOneUser = signedUp[0]!.user.id === signedUp[1]!.user.id;
  out.pairInvites = (await id.invites.list(owner.account.id)).map((i) => i.acceptedAt !== null);
  out.pairMembers = (await id.users.membersOf(owner.account.id)).map((m) => [m.email, m.role]);

  // Two sign-ups of one new address at once, no invite: one user, one account of their own.
  const solo: string[] = [];
  for (let i = 0; i < 2; i++)
    solo.push(
      (await signIn.verifyEmail("solo@x.test", await codeFor(id, signIn, "solo@x.test"), client(), now()))
        .registration_token,
    );
  const soloIn = await Promise.all(solo.map((t) => signIn.complete(t, {}, meta, now())));
  out.soloOneUser = soloIn[0]!.user.id === soloIn[1]!.user.id;
  out.soloAccounts = (await id.users.membershipsOf(soloIn[0]!.user.id)).map((m) => [m.accountName, m.role]);

  // A refresh token used three times at once: one rotation; the others end the family.
  out.refreshAtOnce = await atOnce(3, () => signIn.refresh(owner.refresh_token, undefined, meta, now()));

  // An OAuth code exchanged once: a live key. Four times at once: whichever exchange gets
  // the code, the others are replays, so no key of it stays live (RFC 6749 §4.1.2).
  const app = await id.oauth.createApp({ name: "App", redirectUris: ["https://app.test/cb"] }, now());
  const approve = async () => {
    const verifier = randomBytes(32).toString("base64url");
    const code = await id.oauth.issueCode(
      {
        app,
        redirectUri: "https://app.test/cb",
        codeChallenge: createHash("sha256").update(verifier).digest("base64url"),
        userId: owner.user.id,
        accountId: owner.account.id,
        spendLimit: null,
      },
      now(),
    );
    return { code, verifier };
  };
  const once = await id.oauth.exchange(await approve(), now());
  out.exchangeOnce = [
    id.gw.keys.get(once.grant.keyId)?.status,
    (await id.oauth.grant(once.grant.id))?.revokedAt,
  ];
  const replayed = await approve();
  const settled = await Promise.allSettled(
    Array.from({ length: 4 }, () => id.oauth.exchange(replayed, now())),
  );
  out.exchangeAtOnceWins = settled.filter((r) => r.status === "fulfilled").length <= 1;
  out.exchangeAtOnceRefused = settled.every(
    (r) => r.status === "fulfilled" || (r.reason instanceof OAuthError && r.reason.error === "invalid_grant"),
  );
  out.exchangeAtOnceLive = settled.filter(
    (r) => r.status === "fulfilled" && id.gw.keys.get(r.value.grant.keyId)?.status === "active",
  ).length;
  out.liveGrants = (await id.oauth.grants({ appId: app.id }, 10, 0)).rows.filter(
    (g) => g.revokedAt === null,
  ).length;

  // An external subject's first calls at once: one account and one key for it, shared.
  const subjectKeys = await Promise.all(
    Array.from({ length: 3 }, () => id.external!.keyFor({ sub: "ext-1" }, now())),
  );
  out.subjectKeys = new Set(subjectKeys.map((k) => k?.id)).size;
  out.subjectAccounts = id.gw.book.all().filter((a) => a.name.startsWith("external:ext-1")).length;
  out.subjectLinks = (await id.gw.store.identity.externalIdentities()).length;
  return out;
}

const expected = {
  burnGuesses: times(4, "invalid_code"),
  burnRight: ["invalid_code"],
  flood: [...times(6, "invalid_code"), ...times(6, "too_many_attempts")],
  floodRight: ["too_many_attempts"],
  rightAtOnce: ["invalid_code", "invalid_code", "invalid_code", "ok"],
  ticketAtOnce: [
    "invalid_registration_token",
    "invalid_registration_token",
    "invalid_registration_token",
    "ok",
  ],
  pairOneUser: true,
  pairInvites: [true],
  pairMembers: [
    ["owner@x.test", "owner"],
    ["pair@x.test", "member"],
  ],
  soloOneUser: true,
  soloAccounts: [["solo@x.test", "owner"]],
  refreshAtOnce: ["invalid_refresh_token", "invalid_refresh_token", "ok"],
  exchangeOnce: ["active", null],
  exchangeAtOnceWins: true,
  exchangeAtOnceRefused: true,
  exchangeAtOnceLive: 0,
  liveGrants: 1,
  subjectKeys: 1,
  subjectAccounts: 1,
  subjectLinks: 1,
};

describe("identity's single-use steps and windows, calls at once", () => {
  for (const [engine, open] of [
    ["SQLite", async () => sqlite()],
    ["PostgreSQL", () => postgres("identity_engines")],
  ] as const)
    test(`on ${engine}`, async () => {
      const e = await open();
      const id = await identityOver(e.store);
      try {
        expect(await script(id)).toEqual(expected);
      } finally {
        await id.stop();
        await e.close();
      }
    });
});
