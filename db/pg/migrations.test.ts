/**
 * The committed PostgreSQL migrations apply to a real server started here, twice without
 * harm, and the tables take the rows the gateway writes: bigint money past 2^31, JSON,
 * booleans, the ledger's commit order from its identity column.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { asc, eq } from "drizzle-orm";
import { type PgServer, startPg } from "../../server/testing/pg-server.ts";
import { migratePg, openPg } from "./client.ts";
import { accounts, ledger, ledgerEntries, models } from "./schema/index.ts";

let pg: PgServer;
let conn: ReturnType<typeof openPg>;

beforeAll(async () => {
  pg = await startPg();
  conn = openPg(await pg.createDatabase("migrations_test"));
});
afterAll(async () => {
  await conn?.client.close();
  await pg?.stop();
});

test("the migrations apply, and applying them again changes nothing", async () => {
  await migratePg(conn.db);
  await migratePg(conn.db);
  const tables =
    await conn.client`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
  expect(tables.map((r: { table_name: string }) => r.table_name)).toEqual([
    "account_members",
    "account_plans",
    "accounts",
    "admin_sessions",
    "admin_users",
    "alert_deliveries",
    "api_keys",
    "email_codes",
    "external_identities",
    "generated_media",
    "idempotency",
    "invites",
    "ledger",
    "ledger_entries",
    "mail_outbox",
    "models",
    "oauth_apps",
    "oauth_codes",
    "oauth_grants",
    "plans",
    "providers",
    "request_log",
    "settings",
    "user_sessions",
    "users",
  ]);
});

test("money past 2^31 nano-units, JSON and booleans round-trip; the ledger reads in commit order", async () => {
  const big = 5_000_000_000_123; // 5,000 dollars in nano-units
  await conn.db.insert(accounts).values({ id: "acc_1", name: "one", balance: big, used: 0, createdAt: 1 });
  for (const [i, id] of ["txn_z", "txn_a", "txn_m"].entries())
    await conn.db.insert(ledgerEntries).values({
      id,
      accountId: "acc_1",
      kind: "topup",
      amount: big + i,
      balanceAfter: big + i,
      createdAt: 1,
    });
  await conn.db.insert(models).values({
    id: "m",
    routes: [{ provider: "p", model: "x", priority: 0, weight: 1 }],
    fallbacks: ["a", "b"],
    enabled: false,
    createdAt: 2,
    updatedAt: 2,
  });
  const [acct] = await conn.db.select().from(accounts).where(eq(accounts.id, "acc_1"));
  expect(acct?.balance).toBe(big);
  expect(acct?.version).toBe(0);
  const order = await conn.db
    .select({ id: ledger.id, amount: ledger.amount })
    .from(ledger)
    .orderBy(asc(ledger.position));
  expect(order).toEqual([
    { id: "txn_z", amount: big },
    { id: "txn_a", amount: big + 1 },
    { id: "txn_m", amount: big + 2 },
  ]);
  const [model] = await conn.db.select().from(models);
  expect(model?.enabled).toBe(false);
  expect(model?.fallbacks).toEqual(["a", "b"]);
  expect(model?.routes[0]?.weight).toBe(1);
  expect(model?.priceExtras).toEqual({});
  // Stored as JSON, not as a JSON string (Drizzle's jsonb() under Bun.SQL does that: db/pg/schema/json.ts).
  const [types] =
    await conn.client`select jsonb_typeof(fallbacks) f, jsonb_typeof(routes) r, jsonb_typeof(price_extras) e from models`;
  expect(types).toEqual({ f: "array", r: "array", e: "object" });
});
