/**
 * An API key made on one replica and presented to another before that one's change signal
 * arrived. Two replicas here are two key stores and account books over one store, with no
 * signal between them, so the second one's caches are certainly stale.
 */
import { expect, spyOn, test } from "bun:test";
import { Elysia } from "elysia";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import type { Store } from "../../db/store.ts";
import { AccountBook } from "../billing/account-book.ts";
import { GatewayError } from "../errors.ts";
import { KeyStore } from "../keys/key-store.ts";
import { presentedKey } from "./client-auth.ts";
import { freshApiKey } from "./fresh-api-key.ts";

async function replica(store: Store) {
  const keys = new KeyStore(store);
  const book = new AccountBook(store);
  await Promise.all([keys.load(), book.load()]);
  return { keys, book, store, commits: { reachable: true } };
}

/** A replica's app: the arrival check, then a route that authenticates as client routes do. */
function appOf(r: Awaited<ReturnType<typeof replica>>, withCheck: boolean, clock?: () => number) {
  return new Elysia()
    .use(withCheck ? freshApiKey(r, { clock }) : new Elysia())
    .get("/v1/whoami", ({ request, set }) => {
      try {
        const key = r.keys.authenticate(presentedKey(request) ?? "", Date.now());
        return { key: key.id, account: r.book.get(key.accountId)?.name ?? null };
      } catch (err) {
        set.status = err instanceof GatewayError ? err.status : 500;
        return { error: err instanceof GatewayError ? err.code : String(err) };
      }
    });
}

const call = async (app: ReturnType<typeof appOf>, key: string) => {
  const res = await app.handle(
    new Request("http://localhost/v1/whoami", { headers: { authorization: `Bearer ${key}` } }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function twoReplicas() {
  const { db } = openDb(":memory:");
  migrateDb(db, `${import.meta.dir}/../../db/migrations`);
  const store = sqliteStore(db);
  const a = await replica(store);
  const b = await replica(store);
  const acct = await a.book.create({ name: "made-on-a", balance: 0 }, Date.now());
  const { record, key } = await a.keys.create({ accountId: acct.id, name: "fresh" }, Date.now());
  return { a, b, store, record, key };
}

test("a key made on one replica a moment ago is served by another at once, with its account", async () => {
  const { b, record, key } = await twoReplicas();
  // Without the check, b refuses it (its caches have not heard of the key): the case this is for.
  expect((await call(appOf(b, false), key)).status).toBe(401);
  const answered = await call(appOf(b, true), key);
  expect(answered).toEqual({ status: 200, body: { key: record.id, account: "made-on-a" } });
});

test("unknown keys cost the database at most the budget a second; a repeated guess costs nothing more", async () => {
  const { b, store } = await twoReplicas();
  const lookups = spyOn(store.keys, "hashExists");
  let now = 1_000_000;
  const app = appOf(b, true, () => now);
  const guesses = Array.from({ length: 30 }, (_, i) => `sk-tg-guess${String(i).padStart(27, "0")}`);
  const statuses = await Promise.all(guesses.map((g) => call(app, g).then((r) => r.status)));
  expect(statuses).toEqual(Array(30).fill(401));
  expect(lookups).toHaveBeenCalledTimes(20);
  lookups.mockClear();
  for (let i = 0; i < 10; i++) await call(app, guesses[0]!);
  // Not of our shape: never looked up.
  await call(app, "not-a-tollgate-key");
  await call(app, `sk-tg-${"x".repeat(100)}`);
  expect(lookups).toHaveBeenCalledTimes(0);
  // The next second: one more lookup of the repeated guess, and the budget is new.
  now += 1000;
  for (let i = 0; i < 3; i++) await call(app, guesses[0]!);
  expect(lookups).toHaveBeenCalledTimes(1);
  lookups.mockRestore();
});

test("a database known unreachable is not asked; one gone silent holds the request no longer than its deadline", async () => {
  const { b, store, key } = await twoReplicas();
  const lookups = spyOn(store.keys, "hashExists");
  b.commits.reachable = false;
  expect((await call(appOf(b, true), key)).status).toBe(401);
  expect(lookups).toHaveBeenCalledTimes(0);
  b.commits.reachable = true;
  // Never answers (a server gone silent): the request still gets its answer, the 401 of before.
  lookups.mockImplementation(() => new Promise<boolean>(() => {}));
  expect((await call(appOf(b, true), key)).status).toBe(401);
  expect(lookups).toHaveBeenCalledTimes(1);
  lookups.mockRestore();
});
