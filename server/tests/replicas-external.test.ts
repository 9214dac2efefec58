/**
 * An external issuer's subject used for the first time on two replicas at once (two real
 * gateway processes on one PostgreSQL and one Redis): one account per subject, not one per
 * replica. Its id is derived from the issuer and the subject, so the second replica's insert
 * is refused by the table's key and it uses the account the first made; both calls are served
 * on it. Before, each replica made an account and the one that lost the link kept a spare.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { PROVIDER_SECRET } from "../testing/harness.ts";
import { type PgReplicaSet, startPgReplicaSet } from "../testing/pg-replica-set.ts";
import type { Spawned } from "../testing/process.ts";

const IDP = "https://idp.example.test/";
const IDP_SECRET = "idp-shared-secret-0123456789abcdefghij";
let set: PgReplicaSet;
let replicas: Spawned[];

beforeAll(async () => {
  set = await startPgReplicaSet({
    database: "replicas_external",
    n: 2,
    config: (mockUrl) => `
currency: USD
providers:
  - { id: mock, kind: openai, base_url: ${mockUrl}, api_key: ${PROVIDER_SECRET} }
models:
  - { id: priced, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
identity:
  external_jwt:
    issuer: "${IDP}"
    audience: tollgate
    secret: ${IDP_SECRET}
    provision: true
`,
  });
  replicas = set.replicas;
}, 120_000);

afterAll(async () => {
  await set?.stop();
}, 30_000);

const token = (sub: string) =>
  new SignJWT({ sub, iss: IDP, aud: "tollgate", exp: Math.floor(Date.now() / 1000) + 300 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(IDP_SECRET));

async function balance(url: string, bearer: string): Promise<{ status: number; accountId: unknown }> {
  const res = await fetch(`${url}/billing/balance`, { headers: { authorization: `Bearer ${bearer}` } });
  const body = (await res.json()) as { user_id?: unknown };
  return { status: res.status, accountId: body.user_id };
}

test("a subject's first use on two replicas at once makes one account, served on both", async () => {
  const subjects = Array.from({ length: 8 }, (_, i) => `race-${i}`);
  const tokens = await Promise.all(subjects.map(token));
  // Each subject's first call goes to both replicas at the same moment.
  const answers = await Promise.all(tokens.map((t) => Promise.all(replicas.map((r) => balance(r.url, t)))));
  for (const [a, b] of answers) {
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect(a?.accountId).toBe(b?.accountId as string);
  }
  const rows = (await set.books.client`
    SELECT name FROM accounts WHERE name LIKE 'external:race-%' ORDER BY name`) as { name: string }[];
  expect(rows.map((r) => r.name)).toEqual(subjects.map((s) => `external:${s}`).sort());
  const links = (await set.books.client`
    SELECT subject, account_id FROM external_identities WHERE subject LIKE 'race-%'`) as {
    subject: string;
    account_id: string;
  }[];
  expect(links).toHaveLength(subjects.length);
  // Later calls on either replica use the same account.
  for (const [i, t] of tokens.entries())
    for (const r of replicas)
      expect((await balance(r.url, t)).accountId).toBe(answers[i]?.[0]?.accountId as string);
}, 60_000);
