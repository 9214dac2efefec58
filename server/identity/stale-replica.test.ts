/**
 * Someone made on one replica and calling another before that one's caches heard of it (the
 * change signal takes up to a second; under load a load balancer's next call comes sooner).
 * Two replicas here are two sets of in-memory caches over one store and one cipher, with no
 * signal between them, so the second one's caches are stale for certain: the first call
 * there must be served with what the table holds, not refused with a 401.
 */
import { expect, spyOn, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import { GatewayError } from "../errors.ts";
import { createCipher } from "../secrets/cipher.ts";
import { identityOver } from "../testing/identity-services.ts";
import { resolveSignedToken } from "./bearer.ts";
import { SignIn } from "./sign-in.ts";

async function twoReplicas() {
  const { db } = openDb(":memory:");
  migrateDb(db, `${import.meta.dir}/../../db/migrations`);
  const store = sqliteStore(db);
  const cipher = createCipher(randomBytes(32));
  return [await identityOver(store, cipher), await identityOver(store, cipher)] as const;
}

test("an external subject provisioned on one replica is served on another with the same key", async () => {
  const [a, b] = await twoReplicas();
  const first = await a.external!.keyFor({ sub: "late-cache" }, Date.now());
  expect(first?.id).toStartWith("key_");
  expect(b.gw.keys.get(first!.id)).toBeUndefined(); // b has not heard of it, nor of its account
  expect(b.gw.book.get(first!.accountId)).toBeUndefined();
  const onB = await b.external!.keyFor({ sub: "late-cache" }, Date.now());
  expect(onB?.id).toBe(first!.id);
  expect(onB?.status).toBe("active");
  expect(b.gw.book.get(first!.accountId)?.name).toBe("external:late-cache");
  expect((await b.external!.keyFor({ sub: "late-cache" }, Date.now()))?.id).toBe(first!.id);
  expect(b.gw.keys.all().filter((k) => k.accountId === first!.accountId)).toHaveLength(1);
});

test("a user signed up on one replica calls another with their access token at once", async () => {
  const [a, b] = await twoReplicas();
  const signIn = new SignIn(a);
  const now = Date.now();
  await signIn.sendCode("new@x.test", "198.51.100.7", now);
  const { rows } = await a.gw.store.identity.mail(10, 0);
  const code = /\b(\d{6})\b/.exec(rows.find((m) => m.to === "new@x.test")!.text ?? "")![1]!;
  const ticket = (await signIn.verifyEmail("new@x.test", code, "198.51.100.7", now)).registration_token;
  const tokens = await signIn.complete(ticket, {}, { clientAddress: null, userAgent: null }, now);
  expect(b.users.membership(tokens.account.id, tokens.user.id)).toBeUndefined(); // b has not heard of it
  expect(b.gw.book.get(tokens.account.id)).toBeUndefined();
  // The user's first calls reach b together: the keys and accounts are read twice at most, not once each.
  // (The keys' read made slow, as a PostgreSQL round trip under load is: the calls overlap it.)
  const readKeys = b.gw.store.keys.all.bind(b.gw.store.keys);
  const slow = spyOn(b.gw.store.keys, "all").mockImplementation(async () => {
    await Bun.sleep(20);
    return readKeys();
  });
  const loads = spyOn(b.gw.keys, "load");
  const refreshes = spyOn(b.gw.book, "refresh");
  const burst = await Promise.all(
    Array.from({ length: 20 }, () => resolveSignedToken(b, tokens.access_token, Date.now())),
  );
  expect(new Set(burst.map((p) => p.key.id)).size).toBe(1);
  expect(loads.mock.calls.length).toBeLessThanOrEqual(2);
  expect(refreshes.mock.calls.length).toBeLessThanOrEqual(2);
  for (const spy of [slow, loads, refreshes]) spy.mockRestore();
  const onB = burst[0]!;
  expect(onB.userId).toBe(tokens.user.id);
  expect(onB.key.accountId).toBe(tokens.account.id);
  expect(b.gw.book.get(tokens.account.id)?.id).toBe(tokens.account.id); // the API's auth finds it
  expect(onB.key.id).toBe(a.users.membership(tokens.account.id, tokens.user.id)!.keyId);

  // Removed on b (its cache holds the membership now): refused there at once.
  await b.users.removeMember(tokens.account.id, tokens.user.id, { force: true });
  expect(b.users.membership(tokens.account.id, tokens.user.id)).toBeUndefined();
  const reads = spyOn(b.gw.store.identity, "membership");
  for (let i = 0; i < 5; i++) {
    const refused = await resolveSignedToken(b, tokens.access_token, Date.now()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).code).toBe("access_revoked");
  }
  // The ex-member's token, still valid for minutes, costs one read, not one a call.
  expect(reads).toHaveBeenCalledTimes(1);
  reads.mockRestore();
});
