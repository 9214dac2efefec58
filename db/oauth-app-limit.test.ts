/**
 * The apps-per-user limit holds across processes (docs/scale-out.md "What is left", item 3):
 * `Store.oauth.insertApp(row, ownerLimit)` counts and inserts in one conditional statement,
 * on PostgreSQL after locking the owner's row, so registrations at once from several
 * replicas (here: separate pools on one PostgreSQL, separate connections on one SQLite file)
 * store exactly up to the limit. Before, each process counted its own registrations in flight.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PgServer, startPg } from "../server/testing/pg-server.ts";
import { migrateDb, openDb } from "./client.ts";
import { migratePg, openPg } from "./pg/client.ts";
import { pgStore } from "./pg/queries/store.ts";
import type { AppRow } from "./queries/oauth.ts";
import { sqliteStore } from "./queries/store.ts";
import type { Store } from "./store.ts";

const LIMIT = 5;
let pg: PgServer;
let dir: string;
beforeAll(async () => {
  pg = await startPg();
  dir = mkdtempSync(join(tmpdir(), "tg-app-limit-"));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const app = (ownerUserId: string | null): AppRow => ({
  id: `tgapp_${++n}`,
  name: `App ${n}`,
  redirectUris: ["https://app.test/cb"],
  status: "active",
  ownerUserId,
  createdAt: n,
  deletedAt: null,
});

/** Two users, one near the limit; then registrations at once through every "replica". */
async function script(replicas: Store[]) {
  const [a] = replicas as [Store];
  for (const id of ["usr_1", "usr_2"])
    await a.identity.insertUser({
      id,
      email: `${id}@x.test`,
      name: null,
      status: "active",
      createdAt: 1,
      lastLoginAt: null,
    });
  for (let i = 0; i < LIMIT - 1; i++) expect(await a.oauth.insertApp(app("usr_1"), LIMIT)).toBe(true);
  // A deleted app does not count.
  const gone = app("usr_1");
  expect(await a.oauth.insertApp(gone, LIMIT)).toBe(true);
  await a.oauth.updateApp(gone.id, { deletedAt: 2, status: "disabled" });

  const atOnce = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      (replicas[i % replicas.length] as Store).oauth.insertApp(app("usr_1"), LIMIT),
    ),
  );
  expect(atOnce.filter(Boolean)).toHaveLength(1);
  expect((await a.oauth.apps(100, 0, "usr_1")).total).toBe(LIMIT);
  // Full: refused, and the row is not there.
  const refused = app("usr_1");
  expect(await a.oauth.insertApp(refused, LIMIT)).toBe(false);
  expect(await a.oauth.app(refused.id)).toBeUndefined();
  // Another user's count is their own; an admin's app (no owner) has no limit.
  expect(await a.oauth.insertApp(app("usr_2"), LIMIT)).toBe(true);
  expect(await a.oauth.insertApp(app(null), LIMIT)).toBe(true);
  // The stored row reads back as written (the columns of INSERT … SELECT in the table's order).
  const back = app("usr_2");
  expect(await a.oauth.insertApp(back, LIMIT)).toBe(true);
  expect(await a.oauth.app(back.id)).toEqual(back);
}

test("SQLite: registrations at once over several connections to one file stop at the limit", async () => {
  const file = join(dir, "apps.db");
  const conns = [openDb(file), openDb(file), openDb(file)];
  migrateDb(conns[0]!.db, `${import.meta.dir}/migrations`);
  try {
    await script(conns.map((c) => sqliteStore(c.db)));
  } finally {
    for (const c of conns) c.sqlite.close();
  }
});

test("PostgreSQL: registrations at once from three pools (replicas) stop at the limit", async () => {
  const url = await pg.createDatabase("app_limit");
  const pools = [openPg(url, { max: 4 }), openPg(url, { max: 4 }), openPg(url, { max: 4 })];
  await migratePg(pools[0]!.db);
  try {
    await script(pools.map((p) => pgStore(p.db)));
  } finally {
    for (const p of pools) await p.client.close();
  }
}, 60_000);
