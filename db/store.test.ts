/**
 * The Store contract on both engines: the same calls against SQLite (db/queries/store.ts)
 * and a real PostgreSQL (db/pg/queries/store.ts, server/testing/pg-server.ts) give the same
 * answers: the same row shapes (numbers for money and times, parsed JSON, booleans), the
 * same ledger order and sums, the same misses. What only the group commit writes (charges,
 * log rows) is written by each engine's own executor.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BatchExecutor } from "../server/store/batch-executor.ts";
import { blankLogRow } from "../server/testing/log-row.ts";
import { type PgServer, startPg } from "../server/testing/pg-server.ts";
import { migrateDb, openDb } from "./client.ts";
import { migratePg, openPg } from "./pg/client.ts";
import { pgStore } from "./pg/queries/store.ts";
import { commitBatch, type PgEntry } from "./pg/queries/writes.ts";
import { accountPlans as pgAccountPlans, plans as pgPlans } from "./pg/schema/index.ts";
import { sqliteStore } from "./queries/store.ts";
import { accountPlans, plans } from "./schema/index.ts";
import type { Store } from "./store.ts";

const MIGRATIONS = `${import.meta.dir}/migrations`;

type Engine = {
  store: Store;
  /** Commits group-commit entries (charges, log rows) with the engine's own executor. */
  commit(entries: PgEntry[]): Promise<void>;
  seedPlan(): Promise<void>;
  close(): Promise<void>;
};

const plan = {
  id: "plan_pro",
  name: "Pro",
  isDefault: true,
  requestsPerMinute: 60,
  requestsPerDay: null,
  tokensPerDay: 1_000_000,
  concurrentRequests: null,
  models: ["gpt-a"],
  priceMultiplierPpm: 900_000,
  monthlyFee: 0,
  configHash: null,
  createdAt: 1,
  updatedAt: 1,
};
const assignment = {
  accountId: "acc_1",
  planId: "plan_pro",
  periodStart: 10,
  assignedAt: 10,
  lapsedPlanId: null,
  lapsedAt: null,
};

function sqliteEngine(): Engine {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, MIGRATIONS);
  const executor = new BatchExecutor(sqlite);
  return {
    store: sqliteStore(db),
    async commit(entries) {
      expect(executor.run(entries).failed).toEqual([]);
    },
    async seedPlan() {
      db.insert(plans).values(plan).run();
      db.insert(accountPlans).values(assignment).run();
    },
    async close() {
      sqlite.close();
    },
  };
}

let pg: PgServer;
async function pgEngine(name = "store_contract"): Promise<Engine> {
  const { client, db } = openPg(await pg.createDatabase(name), { max: 4 });
  await migratePg(db);
  return {
    store: pgStore(db),
    async commit(entries) {
      expect((await commitBatch(db, entries)).failed).toEqual([]);
    },
    async seedPlan() {
      await db.insert(pgPlans).values(plan);
      await db.insert(pgAccountPlans).values(assignment);
    },
    async close() {
      await client.close();
    },
  };
}

beforeAll(async () => {
  pg = await startPg();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

/** Every call of the Store, in an order that exercises each; the answers, in one object to compare. */
async function script(e: Engine) {
  const { store } = e;
  const out: Record<string, unknown> = {};
  out.setupEmpty = await store.setupFacts();
  await store.accounts.insert(
    {
      id: "acc_1",
      name: "team",
      balance: 5000,
      used: 0,
      configHash: null,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: 1,
    },
    { id: "led_open", note: "opening" },
  );
  await store.accounts.insert(
    {
      id: "acc_2",
      name: "empty",
      balance: 0,
      used: 0,
      configHash: "h",
      status: "active",
      lowBalanceThreshold: 7,
      createdAt: 2,
    },
    null,
  );
  out.credit = await store.accounts.credit({
    id: "led_top",
    accountId: "acc_1",
    kind: "topup",
    amount: 1500,
    note: "top-up",
    createdAt: 3,
  });
  out.creditUnknown = await store.accounts.credit({
    id: "led_x",
    accountId: "nope",
    kind: "adjustment",
    amount: -1,
    note: null,
    createdAt: 3,
  });
  out.updated = await store.accounts.update("acc_2", { status: "suspended", lowBalanceThreshold: null });
  out.updateUnknown = await store.accounts.update("nope", { status: "active" });
  out.named = await store.accounts.named("team");
  out.namedMissing = await store.accounts.named("nobody");

  const key = {
    id: "key_1",
    accountId: "acc_1",
    name: "k",
    prefix: "sk-tg-ab",
    hash: "hash_1",
    status: "active" as const,
    rpmLimit: null,
    dailyRequestLimit: 100,
    spendLimit: 2000,
    used: 0,
    budgetPeriod: "monthly" as const,
    models: ["gpt-a", "gpt-b"],
    expiresAt: null,
    lastUsedAt: null,
    createdAt: 4,
  };
  await store.keys.insert(key);
  out.keyPatched = await store.keys.update("key_1", { name: "renamed", models: null });
  out.keyRead = await store.keys.update("key_1", {});
  out.keyUnknown = await store.keys.update("nope", { name: "x" });

  await e.commit([
    [
      {
        op: "request_log.insert",
        row: {
          ...blankLogRow("req_1", 100),
          keyId: "key_1",
          accountId: "acc_1",
          model: "gpt-a",
          inputTokens: 10,
          outputTokens: 5,
          cost: 300,
        },
      },
      {
        charge: {
          ledgerId: "led_c1",
          accountId: "acc_1",
          keyId: "key_1",
          amount: 300,
          requestId: "req_1",
          at: 100,
        },
      },
    ],
    [
      {
        op: "request_log.insert",
        row: {
          ...blankLogRow("req_2", 200),
          keyId: "key_1",
          accountId: "acc_1",
          model: "gpt-b",
          inputTokens: 1,
          outputTokens: 2,
          cost: 200,
        },
      },
      {
        charge: {
          ledgerId: "led_c2",
          accountId: "acc_1",
          keyId: "key_1",
          amount: 200,
          requestId: "req_2",
          at: 200,
        },
      },
    ],
    [
      {
        op: "request_log.insert",
        row: {
          ...blankLogRow("req_3", 300),
          keyId: "key_1",
          accountId: "acc_1",
          errorCode: "rate_limit_exceeded",
          status: 429,
          outcome: "error",
        },
      },
    ],
    ...[100, 400].map((at, i) => [
      {
        op: "idempotency.put" as const,
        row: {
          keyId: "key_1",
          idemKey: `idem_${i}`,
          bodyHash: `h${i}`,
          status: 200,
          headers: { "content-type": "application/json", "x-request-id": `req_${i}` },
          body: `{"n":${i}}`,
          createdAt: at,
        },
      },
    ]),
  ]);
  // The admin log's reads: newest first, with names; the free text matches ids, names (any case) and a pasted key.
  const page = { limit: 10, offset: 0 };
  const ids = async (f: Parameters<Store["requests"]["search"]>[0], p = page) => {
    const { rows, total } = await store.requests.search(f, p);
    return { ids: rows.map((r) => r.id), total };
  };
  out.requestsFirstTwo = await store.requests.search({}, { limit: 2, offset: 0 });
  out.requestsByAccountName = await ids({ q: " TEA " });
  out.requestsByPastedKey = await ids({ q: "sk-tg-abSECRET" });
  out.requestsById = await ids({ q: "req_2" });
  out.requestsWindow = await ids({ keyId: "key_1", from: 150, to: 300 });
  out.requestsErrors = await ids({ statusClass: "errors" });
  out.requestsNone = await ids({ q: "nothing" });
  out.requestsPaged = await ids({ accountId: "acc_1" }, { limit: 1, offset: 1 });
  // The overview's sums: per window, per bucket (shifted by a time zone), per account, model and key.
  out.usageAll = await store.requests.usageSince(0);
  out.usageLate = await store.requests.usageSince(150);
  out.usageNone = await store.requests.usageSince(1000);
  const byBucket = (rows: { bucket: number }[]) => [...rows].sort((a, b) => a.bucket - b.bucket);
  out.buckets = byBucket(await store.requests.usageBuckets(0, 150, 0));
  out.bucketsShifted = byBucket(await store.requests.usageBuckets(150, 100, 30));
  out.spendByAccount = await store.requests.spendByAccount(0);
  out.topModels = await store.requests.topModels(0, 5);
  out.topModelsOne = await store.requests.topModels(0, 1);
  out.topKeys = await store.requests.topKeys(0, 5);
  out.topKeysNone = await store.requests.topKeys(1000, 5);
  // Export pages resume after the last row of the one before (created_at, then id, newest first).
  const after = async (
    f: Parameters<Store["requests"]["after"]>[0],
    cursor: { createdAt: number; id: string } | null,
  ) => (await store.requests.after(f, cursor, 2)).map((r) => r.id);
  out.exportFirst = await after({}, null);
  out.exportNext = await after({}, { createdAt: 200, id: "req_2" });
  out.exportTie = await after({}, { createdAt: 200, id: "req_3" });
  out.exportFiltered = await after({ from: 150, q: "renamed" }, { createdAt: 300, id: "req_3" });
  // The admin views' usage figures: a key's lifetime, a key's and an account's days.
  out.keyTotals = await store.requests.keyTotals("key_1");
  out.keyTotalsNone = await store.requests.keyTotals("nope");
  out.keyDaily = await store.requests.keyDaily("key_1", 0);
  out.accountDailyLate = await store.requests.accountDaily("acc_1", 150);
  out.accountDailyNone = await store.requests.accountDaily("acc_2", 0);
  out.requestFound = await store.requests.find("req_2");
  out.requestUnknown = await store.requests.find("nope");
  await e.commit(
    [100, 400].map((expiresAt, i) => [
      {
        op: "generated_media.insert" as const,
        row: {
          id: `img_${i}`,
          kind: "image" as const,
          accountId: "acc_1",
          keyId: "key_1",
          requestId: "req_1",
          providerId: "prov_1",
          upstreamRefEnc: `sealed_${i}`,
          mimeType: i === 0 ? null : "image/png",
          meta: { size: "1024x1024", n: i },
          createdAt: 50,
          expiresAt,
        },
      },
    ]),
  );
  out.adminsNone = await store.admins.count();
  for (const [i, name] of ["zed", "amy"].entries())
    await store.admins.insert({
      id: `adm_${i}`,
      username: name,
      passwordHash: `hash_${name}`,
      createdAt: 10 + i,
      lastLoginAt: null,
    });
  await store.admins.recordSignIn("adm_1", 99);
  out.adminsList = await store.admins.list();
  out.adminNamed = await store.admins.named("amy");
  out.adminById = (await store.admins.byId("adm_0"))?.username;
  out.adminUnknown = await store.admins.named("nobody");
  await store.admins.delete("adm_0");
  out.adminsAfterDelete = await store.admins.count();
  const session = (
    id: string,
    userId: string | null,
    tokenFingerprint: string | null,
    createdAt: number,
  ) => ({
    id,
    tokenHash: `th_${id}`,
    userId,
    tokenFingerprint,
    createdAt,
    expiresAt: createdAt + 100,
  });
  await store.adminSessions.insert(session("ses_old", null, "fp_old", 10));
  await store.adminSessions.insert(session("ses_tok", null, "fp_new", 20));
  await store.adminSessions.insert(session("ses_usr", "adm_1", null, 30));
  await store.adminSessions.deleteStale("fp_new");
  out.sessionStale = await store.adminSessions.live("th_ses_old", 50);
  out.sessionToken = await store.adminSessions.live("th_ses_tok", 50);
  out.sessionUser = await store.adminSessions.live("th_ses_usr", 50);
  out.sessionExpired = await store.adminSessions.live("th_ses_usr", 130);
  // A new session sweeps the expired ones first.
  await store.adminSessions.insert(session("ses_new", "adm_1", null, 125));
  out.sessionSwept = await store.adminSessions.live("th_ses_tok", 0);
  await store.adminSessions.delete("th_ses_new");
  out.sessionDeleted = await store.adminSessions.live("th_ses_new", 130);
  for (const [i, at] of [10, 30, 30].entries())
    await store.alerts.insertDelivery({
      id: `alt_${i}`,
      event: i === 0 ? "test" : "account.low_balance",
      payload: `{"i":${i}}`,
      url: i === 2 ? "mailto:ops@example.com" : "https://hooks.example.com/t",
      status: "pending",
      attempts: 0,
      responseStatus: null,
      lastError: null,
      createdAt: at,
      updatedAt: at,
    });
  await store.alerts.updateDelivery("alt_0", {
    status: "failed",
    attempts: 3,
    responseStatus: 500,
    lastError: "HTTP 500",
    updatedAt: 90,
  });
  out.deliveriesFirst = await store.alerts.deliveryPage(2, 0);
  out.deliveriesRest = await store.alerts.deliveryPage(2, 2);
  out.mediaFound = await store.media.find("img_1");
  out.mediaUnknown = await store.media.find("img_9");
  await store.media.purge(400);
  out.mediaPurged = await store.media.find("img_0");
  out.mediaKept = (await store.media.find("img_1"))?.expiresAt;
  out.idemFound = await store.idempotency.find("key_1", "idem_1");
  out.idemOtherKey = await store.idempotency.find("key_2", "idem_1");
  await store.idempotency.purge(400);
  out.idemPurged = await store.idempotency.find("key_1", "idem_0");
  out.idemKept = (await store.idempotency.find("key_1", "idem_1"))?.createdAt;
  out.setup = await store.setupFacts();
  out.keys = await store.keys.all();
  out.lastUsed = [...(await store.keys.lastUsed())];
  out.accounts = (await store.accounts.all()).sort((a, b) => a.id.localeCompare(b.id));
  out.balance = await store.accounts.balance("acc_1");
  out.balanceUnknown = await store.accounts.balance("nope");
  out.chargedSince = await store.ledger.keyChargedSince("acc_1", "key_1", 150);
  out.keysChargedSince = [...(await store.ledger.keysChargedSince(150))].sort();
  out.keysChargedSinceAll = [...(await store.ledger.keysChargedSince(0))].sort();
  out.keysChargedSinceNone = [...(await store.ledger.keysChargedSince(Number.MAX_SAFE_INTEGER))];
  out.ledgerPage = await store.ledger.page("acc_1", 2, 0, null);
  out.ledgerPageRest = await store.ledger.page("acc_1", 10, 2, null);
  const charges = await store.ledger.page("acc_1", 10, 0, ["charge"]);
  out.ledgerCharges = { ids: charges.rows.map((r) => r.id), total: charges.total };
  out.ledgerNone = await store.ledger.page("nope", 10, 0, null);
  out.chargedFor = await store.ledger.chargedFor("req_1");
  out.chargedForNone = await store.ledger.chargedFor("req_3");
  // Positions differ between engines (rowid, identity); their order and what follows a position do not.
  const moves = await store.ledger.after(0);
  out.moves = moves.map(({ position: _p, ...m }) => m);
  expect(await store.ledger.lastPosition()).toBe(moves.at(-1)?.position ?? -1);
  out.movesAfterSecond = (await store.ledger.after(moves[1]!.position)).map((m) => m.id);
  // The ledger export: commit order, page after page from the last row's seq; names joined in.
  const exported = await store.ledger.exportAfter({}, 0, 3);
  const noSeq = (rows: { seq: number }[]) => rows.map(({ seq: _s, ...r }) => r);
  out.exportLedger = noSeq(exported);
  out.exportLedgerRest = (await store.ledger.exportAfter({}, exported.at(-1)!.seq, 3)).map((r) => r.id);
  out.exportLedgerAccount = (
    await store.ledger.exportAfter({ accountId: "acc_1", from: 150, to: 1000 }, 0, 10)
  ).map((r) => r.id);
  out.exportLedgerNone = await store.ledger.exportAfter({ accountId: "nope" }, 0, 10);
  out.seed = await store.requests.rateWindowSeed(150);
  out.usage = await store.requests.accountUsageSince(0);

  const now = 50;
  await store.catalog.insertProvider({
    id: "prov_1",
    kind: "openai",
    baseUrl: "http://127.0.0.1:1",
    apiKeyEnc: "sealed",
    options: { organization: "o" },
    headers: { "x-a": "b" },
    headersEnc: null,
    timeouts: { connectMs: 1000 },
    enabled: true,
    configHash: null,
    createdAt: now,
    updatedAt: now,
  } as never);
  await store.catalog.updateProvider("prov_1", { enabled: false, updatedAt: 60 });
  out.provider = await store.catalog.provider("prov_1");
  out.providerMissing = await store.catalog.provider("nope");
  await store.catalog.insertModel({
    id: "gpt-a",
    enabled: true,
    kind: null,
    ownedBy: null,
    routes: [{ provider: "prov_1", model: "up-a" }],
    priceInput: 10,
    priceCachedInput: 5,
    priceOutput: 20,
    priceCacheWrite: null,
    priceCacheWrite1h: null,
    priceExtras: {},
    maxOutputTokens: 4096,
    contextWindow: null,
    capabilities: { vision: true },
    fallbacks: ["gpt-b"],
    configHash: "c",
    createdAt: now,
    updatedAt: now,
  } as never);
  await store.catalog.insertModel({
    ...((await store.catalog.model("gpt-a")) as never as object),
    id: "gpt-b",
  } as never);
  await store.catalog.updateModel("gpt-b", { priceOutput: 30 });
  await store.catalog.deleteModel("gpt-a");
  out.models = await store.catalog.models();
  out.providers = await store.catalog.providers();
  await store.catalog.deleteModel("gpt-b");
  await store.catalog.deleteProvider("prov_1");
  out.emptyCatalog = [await store.catalog.models(), await store.catalog.providers()];

  // Read, decide and write in one transaction; three started at once each see what the one
  // before wrote, so exactly one creates the row. (Whether they overlapped is up to the
  // pool: this shows the outcome, not that the advisory lock was needed for it.)
  const provider = (id: string) => ({
    id,
    kind: "openai",
    baseUrl: "http://127.0.0.1:1",
    apiKeyEnc: null,
    options: {},
    headers: {},
    headersEnc: null,
    timeouts: { connectMs: 1 },
    enabled: true,
    configHash: "h1",
    createdAt: 70,
    updatedAt: 70,
  });
  const once = () =>
    store.catalog.reconcile(({ providers }) =>
      providers.some((p) => p.id === "prov_once")
        ? { writes: [{ updateProvider: { id: "prov_once", set: { configHash: "h2" } } }], result: "updated" }
        : { writes: [{ insertProvider: provider("prov_once") as never }], result: "created" },
    );
  out.reconciled = (await Promise.all([once(), once(), once()])).sort();
  out.afterReconcile = await store.catalog.provider("prov_once");

  await e.seedPlan();
  out.plans = await store.plans.all();
  out.assignments = await store.plans.assignments();
  // Plans' own writes: a new default takes the flag from the old one; an update can take it back.
  const plansById = async () => (await store.plans.all()).sort((a, b) => a.id.localeCompare(b.id));
  await store.plans.insert({
    ...plan,
    id: "plan_free",
    name: "Free",
    models: null,
    createdAt: 2,
    updatedAt: 2,
  });
  out.plansAfterInsert = await plansById();
  await store.plans.update("plan_pro", { name: "Pro 2", models: ["gpt-b", "gpt-c"], updatedAt: 3 }, true);
  out.plansAfterUpdate = await plansById();
  await store.plans.update("plan_free", { monthlyFee: 0, configHash: "h", updatedAt: 4 }, false);
  out.plansAfterPlainUpdate = await plansById();
  out.onPlans = [await store.plans.accountsOn("plan_pro"), await store.plans.accountsOn("plan_free")];
  await store.plans.saveAssignment({
    ...assignment,
    planId: "plan_free",
    lapsedPlanId: "plan_pro",
    lapsedAt: 30,
  });
  out.assignmentsAfterSave = await store.plans.assignments();
  out.onPlansAfterSave = [
    await store.plans.accountsOn("plan_pro"),
    await store.plans.accountsOn("plan_free"),
  ];
  await store.plans.remove("plan_pro");
  await store.plans.removeAssignment("acc_1");
  await store.plans.removeAssignment("acc_none");
  out.plansAfterRemove = await plansById();
  out.assignmentsAfterRemove = await store.plans.assignments();

  await store.settings.bump("generation");
  await store.settings.bump("generation");
  out.generation = await store.settings.read("generation");
  await store.settings.upsert("name", "a");
  await store.settings.upsert("name", "b");
  out.name = await store.settings.read("name");
  await store.settings.delete("name");
  out.deleted = await store.settings.read("name");
  return out;
}

/** Outcomes of calls made at once, sorted: which of them won is the engines' business, how many is the contract's. */
const raced = async <T>(n: number, call: () => Promise<T>) =>
  (await Promise.all(Array.from({ length: n }, call))).map((r) => (r ? "won" : "lost")).sort();

/** The identity and OAuth groups: users, memberships, invites, codes, sessions, mail, external subjects, apps, codes, grants. */
async function identityScript(e: Engine) {
  const { store } = e;
  const id = store.identity;
  const out: Record<string, unknown> = {};
  await store.accounts.insert(
    {
      id: "acc_1",
      name: "team",
      balance: 0,
      used: 0,
      configHash: null,
      status: "active",
      lowBalanceThreshold: null,
      createdAt: 1,
    },
    null,
  );
  for (const k of ["key_1", "key_2", "key_3"])
    await store.keys.insert({
      id: k,
      accountId: "acc_1",
      name: k,
      prefix: `sk-tg-${k}`,
      hash: `hash_${k}`,
      status: "active",
      rpmLimit: null,
      dailyRequestLimit: null,
      spendLimit: null,
      used: 0,
      budgetPeriod: null,
      models: null,
      expiresAt: null,
      lastUsedAt: 50,
      createdAt: 1,
    });

  // Users
  const user = (n: number) => ({
    id: `usr_${n}`,
    email: `u${n}@x.test`,
    name: null,
    status: "active" as const,
    createdAt: n,
    lastLoginAt: null,
  });
  out.insertUser = [await id.insertUser(user(1)), await id.insertUser(user(2))];
  out.insertTaken = await id.insertUser({ ...user(3), email: "u1@x.test" });
  let tries = 0;
  out.signUpsAtOnce = await raced(3, () => id.insertUser({ ...user(4), id: `usr_4_${tries++}` }));
  out.user = await id.user("usr_1");
  out.userByEmail = await id.userByEmail("u2@x.test");
  out.userUnknown = [await id.user("nope"), await id.userByEmail("nope@x.test")];
  out.updateUser = await id.updateUser("usr_1", { name: "Ann", lastLoginAt: 9 });
  out.updateUnknown = await id.updateUser("nope", { name: "x" });
  // Which of the sign-ups at once won is the engine's business: its id is not compared.
  const page = await id.users(2, 0);
  out.users = { ...page, rows: page.rows.map((r) => ({ ...r, id: r.id.replace(/^usr_4_\d$/, "usr_4") })) };
  out.usersRest = await id.users(2, 2);

  // Memberships
  await id.insertMembership({
    accountId: "acc_1",
    userId: "usr_1",
    role: "owner",
    keyId: "key_1",
    createdAt: 5,
  });
  await id.insertMembership({
    accountId: "acc_1",
    userId: "usr_2",
    role: "member",
    keyId: "key_2",
    createdAt: 6,
  });
  out.membershipsOf = await id.membershipsOf("usr_1");
  out.membersOf = await id.membersOf("acc_1");
  await id.setMemberRole("acc_1", "usr_2", "owner");
  out.allMemberships = (await id.allMemberships()).sort((a, b) => a.userId.localeCompare(b.userId));
  out.membership = [await id.membership("acc_1", "usr_2"), await id.membership("acc_1", "usr_9")];
  await id.deleteMembership("acc_1", "usr_2");
  out.membersAfterDelete = (await id.membersOf("acc_1")).map((m) => m.userId);

  // Invites
  const invite = (n: number, accountId: string | null, expiresAt = 1000) => ({
    id: `inv_${n}`,
    email: "new@x.test",
    accountId,
    role: "member" as const,
    invitedBy: "admin",
    createdAt: n,
    expiresAt,
    acceptedAt: null,
    revokedAt: null,
  });
  await id.insertInvite(invite(1, "acc_1"));
  await id.insertInvite(invite(2, null));
  await id.insertInvite(invite(3, "acc_1", 10));
  await id.insertInvite(invite(4, "acc_1"));
  out.pendingInvites = (await id.pendingInvites("new@x.test", 20)).map((i) => i.id);
  out.invitesOfAccount = (await id.invites("acc_1", 2)).map((i) => i.id);
  out.invitesAll = (await id.invites(null, 10)).map((i) => i.id);
  out.invite = await id.invite("inv_2");
  out.inviteUnknown = await id.invite("nope");
  out.acceptAtOnce = await raced(3, () => id.acceptInvite("inv_1", 30));
  await id.revokeInvite("inv_1", 31);
  await id.revokeInvite("inv_4", 32);
  out.acceptRevoked = await id.acceptInvite("inv_4", 33);
  out.invitesAfter = (await id.invites(null, 10)).map((i) => [i.id, i.acceptedAt, i.revokedAt]);

  // E-mail codes: attempts and tickets are taken once each, however many calls at once.
  const code = (n: number) => ({
    id: `code_${n}`,
    email: "c@x.test",
    codeHash: `mac_${n}`,
    clientAddress: "127.0.0.1",
    attempts: 0,
    createdAt: 100 + n,
    expiresAt: 1000,
    usedAt: null,
    ticketHash: null,
    ticketExpiresAt: null,
    ticketUsedAt: null,
  });
  await id.issueCode(code(1));
  await id.issueCode(code(2));
  out.openCode = await id.openCode("c@x.test", 200);
  out.openExpired = await id.openCode("c@x.test", 1000);
  out.attemptsAtOnce = await raced(8, () => id.attemptCode("code_2", 3, 200));
  out.burnt = await id.openCode("c@x.test", 200);
  out.codesAfterAttempts = await Promise.all([1, 2].map((n) => id.openCode(`none${n}@x.test`, 0)));
  await id.issueCode(code(3));
  out.attemptOne = await id.attemptCode("code_3", 3, 200);
  out.redeemAtOnce = await raced(3, () => id.redeemCode("code_3", { hash: "ticket_3", expiresAt: 500 }, 201));
  out.spendAtOnce = await raced(3, () => id.spendTicket("ticket_3", 300));
  out.spendUnknown = await id.spendTicket("nope", 300);
  await id.issueCode(code(4));
  await id.redeemCode("code_4", { hash: "ticket_4", expiresAt: 250 }, 201);
  out.spendExpired = await id.spendTicket("ticket_4", 250);

  // Sessions: a refresh token's rotation replaces it once.
  const session = (n: number, familyId: string, userId = "usr_1") => ({
    id: `ses_${n}`,
    userId,
    kind: "refresh" as const,
    tokenHash: `th_${n}`,
    familyId,
    accountId: "acc_1",
    createdAt: n,
    expiresAt: 1000,
    lastUsedAt: null,
    revokedAt: null,
    replacedBy: null,
    clientAddress: null,
    userAgent: "ua",
  });
  await id.insertSession(session(1, "fam_1"));
  await id.insertSession(session(2, "fam_1"));
  await id.insertSession(session(3, "fam_2"));
  await id.insertSession(session(4, "fam_3", "usr_2"));
  out.sessionByHash = await id.sessionByHash("th_2");
  out.sessionUnknown = await id.sessionByHash("nope");
  out.liveOfFamily = (await id.liveSessionOfFamily("fam_1", 10))?.id;
  out.liveExpired = await id.liveSessionOfFamily("fam_1", 1000);
  out.replaceAtOnce = await raced(3, () => id.replaceSession("ses_2", "ses_9", 20));
  out.replaced = await id.sessionByHash("th_2");
  out.liveAfterReplace = (await id.liveSessionOfFamily("fam_1", 10))?.id;
  out.revokeFamily = (await id.revokeFamily("fam_1", 21)).sort();
  out.revokeFamilyAgain = await id.revokeFamily("fam_1", 22);
  out.revokeUser = await id.revokeUserSessions("usr_1", 23);
  out.liveOfOther = (await id.liveSessionOfFamily("fam_3", 10))?.id;

  // Mail
  const mail = (n: number) => ({
    id: `mail_${n}`,
    to: "a@x.test",
    subject: `s${n}`,
    text: n === 1 ? "code 123456" : null,
    purpose: "code" as const,
    transport: "outbox" as const,
    status: "stored" as const,
    error: null,
    createdAt: 10 * n,
    sentAt: null,
  });
  await id.insertMail(mail(1));
  await id.insertMail(mail(2));
  await id.insertMail(mail(3));
  await id.updateMail("mail_2", { status: "failed", error: "refused" });
  out.mail = await id.mail(2, 0);
  out.mailRest = await id.mail(2, 2);

  // External subjects
  await id.insertExternalIdentity({
    id: "ext_1",
    issuer: "https://idp",
    subject: "s1",
    accountId: "acc_1",
    keyId: "key_3",
    createdAt: 7,
  });
  out.external = await id.externalIdentity("https://idp", "s1");
  out.externalOtherIssuer = await id.externalIdentity("https://other", "s1");
  out.externals = await id.externalIdentities();
  out.externalDeleted = await id.deleteExternalIdentity("ext_1");
  out.externalDeletedAgain = await id.deleteExternalIdentity("ext_1");

  // OAuth: apps, a code spent once, its grant recorded with it.
  const oauth = store.oauth;
  const app = (n: number, ownerUserId: string | null) => ({
    id: `tgapp_${n}`,
    name: `App ${n}`,
    redirectUris: ["https://app.test/cb", "http://127.0.0.1/cb"],
    status: "active" as const,
    ownerUserId,
    createdAt: n,
    deletedAt: null,
  });
  await oauth.insertApp(app(1, null));
  await oauth.insertApp(app(2, "usr_1"));
  await oauth.insertApp(app(3, "usr_1"));
  out.app = await oauth.app("tgapp_1");
  out.apps = await oauth.apps(2, 0);
  out.appsOfUser = await oauth.apps(10, 0, "usr_1");
  out.updateApp = await oauth.updateApp("tgapp_1", { name: "Renamed", redirectUris: ["https://b.test/cb"] });
  await oauth.updateApp("tgapp_3", { deletedAt: 40, status: "disabled" });
  out.deletedApp = [await oauth.app("tgapp_3"), await oauth.updateApp("tgapp_3", { name: "x" })];
  out.appsAfterDelete = (await oauth.apps(10, 0)).total;
  const oauthCode = (n: number) => ({
    id: `oac_${n}`,
    codeHash: `hash_oac_${n}`,
    appId: "tgapp_1",
    redirectUri: "https://b.test/cb",
    codeChallenge: "challenge",
    userId: "usr_1",
    accountId: "acc_1",
    spendLimit: 5000,
    createdAt: 60,
    expiresAt: 120,
    usedAt: null,
    grantId: null,
  });
  for (const n of [1, 2, 3, 4]) await oauth.insertCode(oauthCode(n));
  out.exchangesAtOnce = await raced(4, () => oauth.spendCode("hash_oac_1", 61));
  out.spendUnknownCode = await oauth.spendCode("nope", 61);
  const grant = (n: number, appId: string, keyId: string) => ({
    id: `oag_${n}`,
    appId,
    userId: "usr_1",
    accountId: "acc_1",
    keyId,
    createdAt: 60 + n,
    revokedAt: null,
  });
  out.replayUnused = await oauth.replayCode("hash_oac_4");
  out.replayUnknown = await oauth.replayCode("nope");
  out.recorded = [
    await oauth.recordGrant(grant(1, "tgapp_1", "key_2"), "oac_1"),
    await oauth.recordGrant({ ...grant(9, "tgapp_1", "key_2"), id: "oag_again" }, "oac_1"),
  ];
  await oauth.spendCode("hash_oac_2", 62);
  out.recordedOther = await oauth.recordGrant(grant(2, "tgapp_2", "key_3"), "oac_2");
  // A code replayed while its exchange is in flight: no grant is recorded for it after.
  await oauth.spendCode("hash_oac_3", 63);
  out.replayInFlight = await oauth.replayCode("hash_oac_3");
  out.recordAfterReplay = await oauth.recordGrant(grant(3, "tgapp_1", "key_3"), "oac_3");
  out.replayGranted = (await oauth.replayCode("hash_oac_1"))?.grantId;
  out.codeAfterGrant = await oauth.code("hash_oac_1");
  out.codeUnknown = await oauth.code("nope");
  out.grants = await oauth.grants({}, 10, 0);
  out.grantsOfApp = await oauth.grants({ appId: "tgapp_2", userId: "usr_1" }, 10, 0);
  out.grantsNone = await oauth.grants({ accountId: "nope" }, 10, 0);
  out.grant = await oauth.grant("oag_1");
  out.grantUnknown = await oauth.grant("nope");
  out.grantCounts = [...(await oauth.activeGrantCounts())].sort();
  await oauth.revokeGrant("oag_1", 70);
  await oauth.revokeGrant("oag_1", 71);
  out.activeGrants = await oauth.activeGrants({ userId: "usr_1" });
  out.grantRevoked = (await oauth.grant("oag_1"))?.revokedAt;
  out.grantCountsAfter = [...(await oauth.activeGrantCounts())].sort();
  await oauth.purgeCodes(121);
  out.codePurged = await oauth.code("hash_oac_1");
  return out;
}

describe("Store: the same answers on SQLite and PostgreSQL", () => {
  test("every call", async () => {
    const lite = sqliteEngine();
    const post = await pgEngine();
    try {
      const a = await script(lite);
      const b = await script(post);
      expect(b).toEqual(a);
      // Not vacuous: the script saw the charges, the caps and the misses.
      expect(a).toMatchObject({
        credit: 6500,
        creditUnknown: undefined,
        balance: 6000,
        chargedSince: 200,
        keysChargedSince: [["key_1", 200]],
        keysChargedSinceAll: [["key_1", 500]],
        keysChargedSinceNone: [],
        adminsNone: 0,
        adminsList: [
          { username: "zed", lastLoginAt: null },
          { username: "amy", lastLoginAt: 99 },
        ],
        adminNamed: { id: "adm_1", passwordHash: "hash_amy" },
        adminById: "zed",
        adminUnknown: undefined,
        adminsAfterDelete: 1,
        sessionStale: undefined,
        sessionToken: { id: "ses_tok", userId: null, tokenFingerprint: "fp_new", username: null },
        sessionUser: { id: "ses_usr", userId: "adm_1", username: "amy", expiresAt: 130 },
        sessionExpired: undefined,
        sessionSwept: undefined,
        sessionDeleted: undefined,
        deliveriesFirst: { total: 3, rows: [{ id: "alt_2" }, { id: "alt_1" }] },
        deliveriesRest: {
          total: 3,
          rows: [{ id: "alt_0", status: "failed", attempts: 3, responseStatus: 500, updatedAt: 90 }],
        },
        mediaFound: { id: "img_1", mimeType: "image/png", meta: { n: 1 }, upstreamRefEnc: "sealed_1" },
        mediaUnknown: undefined,
        mediaPurged: undefined,
        mediaKept: 400,
        idemFound: { idemKey: "idem_1", status: 200, headers: { "x-request-id": "req_1" }, createdAt: 400 },
        idemOtherKey: undefined,
        idemPurged: undefined,
        idemKept: 400,
        chargedFor: 300,
        setupEmpty: { account: false, key: false, firstRequest: false },
        setup: { account: true, key: true, firstRequest: true },
        ledgerCharges: { ids: ["led_c2", "led_c1"], total: 2 },
        ledgerNone: { rows: [], total: 0 },
        generation: "2",
        name: "b",
        deleted: undefined,
        movesAfterSecond: ["led_c1", "led_c2"],
        exportLedger: [
          {
            id: "led_open",
            accountName: "team",
            kind: "topup",
            balanceAfter: 5000,
            keyName: null,
            model: null,
          },
          { id: "led_top", amount: 1500, balanceAfter: 6500, note: "top-up" },
          {
            id: "led_c1",
            kind: "charge",
            amount: -300,
            balanceAfter: 6200,
            keyName: "renamed",
            model: "gpt-a",
          },
        ],
        exportLedgerRest: ["led_c2"],
        exportLedgerAccount: ["led_c2"],
        exportLedgerNone: [],
        reconciled: ["created", "updated", "updated"],
        afterReconcile: { id: "prov_once", configHash: "h2" },
        requestsFirstTwo: {
          total: 3,
          rows: [
            { id: "req_3", keyName: "renamed", accountName: "team", errorCode: "rate_limit_exceeded" },
            { id: "req_2", keyName: "renamed", accountName: "team", cost: 200, stream: false },
          ],
        },
        requestsByAccountName: { ids: ["req_3", "req_2", "req_1"], total: 3 },
        requestsByPastedKey: { ids: ["req_3", "req_2", "req_1"], total: 3 },
        requestsById: { ids: ["req_2"], total: 1 },
        requestsWindow: { ids: ["req_2"], total: 1 },
        requestsErrors: { ids: ["req_3"], total: 1 },
        usageAll: { requests: 3, errors: 1, input: 11, output: 7, spend: 500 },
        usageLate: { requests: 2, errors: 1, input: 1, output: 2, spend: 200 },
        usageNone: { requests: 0, errors: 0, input: 0, output: 0, spend: 0 },
        buckets: [
          { bucket: 0, requests: 1, errors: 0, input: 10, output: 5, spend: 300 },
          { bucket: 1, requests: 1, errors: 0, input: 1, output: 2, spend: 200 },
          { bucket: 2, requests: 1, errors: 1, input: 0, output: 0, spend: 0 },
        ],
        bucketsShifted: [
          { bucket: 2, requests: 1, spend: 200 },
          { bucket: 3, requests: 1, spend: 0 },
        ],
        spendByAccount: [{ accountId: "acc_1", name: "team", requests: 3, spend: 500 }],
        topModels: [
          { model: "gpt-a", requests: 1, input: 10, output: 5, spend: 300 },
          { model: "gpt-b", requests: 1, input: 1, output: 2, spend: 200 },
        ],
        topModelsOne: [{ model: "gpt-a" }],
        topKeys: [{ keyId: "key_1", name: "renamed", accountId: "acc_1", requests: 3, spend: 500 }],
        topKeysNone: [],
        requestsNone: { ids: [], total: 0 },
        requestsPaged: { ids: ["req_2"], total: 3 },
        keyTotals: { requests: 3, errors: 1, input: 11, cached: 0, output: 7, spend: 500 },
        keyTotalsNone: { requests: 0, errors: 0, input: 0, cached: 0, output: 0, spend: 0 },
        keyDaily: [{ day: 0, requests: 3, input: 11, output: 7, spend: 500 }],
        accountDailyLate: [{ day: 0, requests: 2, input: 1, output: 2, spend: 200 }],
        accountDailyNone: [],
        exportFirst: ["req_3", "req_2"],
        exportNext: ["req_1"],
        exportTie: ["req_2", "req_1"],
        exportFiltered: ["req_2"],
        requestFound: {
          id: "req_2",
          keyName: "renamed",
          accountName: "team",
          inputTokens: 1,
          outputTokens: 2,
        },
        requestUnknown: undefined,
        plansAfterInsert: [
          { id: "plan_free", isDefault: true, models: null },
          { id: "plan_pro", isDefault: false, models: ["gpt-a"] },
        ],
        plansAfterUpdate: [
          { id: "plan_free", isDefault: false },
          { id: "plan_pro", name: "Pro 2", isDefault: true, models: ["gpt-b", "gpt-c"], updatedAt: 3 },
        ],
        plansAfterPlainUpdate: [
          { id: "plan_free", isDefault: false, configHash: "h", updatedAt: 4 },
          { id: "plan_pro", isDefault: true },
        ],
        onPlans: [1, 0],
        assignmentsAfterSave: [
          { accountId: "acc_1", planId: "plan_free", lapsedPlanId: "plan_pro", lapsedAt: 30 },
        ],
        onPlansAfterSave: [0, 1],
        plansAfterRemove: [{ id: "plan_free" }],
        assignmentsAfterRemove: [],
      });
    } finally {
      await lite.close();
      await post.close();
    }
  });
  test("identity and OAuth, single-use steps under concurrency", async () => {
    const lite = sqliteEngine();
    const post = await pgEngine("store_identity");
    try {
      const a = await identityScript(lite);
      const b = await identityScript(post);
      expect(b).toEqual(a);
      // Not vacuous: each single-use step was won exactly once, and the misses missed.
      expect(a).toMatchObject({
        insertUser: [true, true],
        insertTaken: false,
        signUpsAtOnce: ["lost", "lost", "won"],
        user: { id: "usr_1", email: "u1@x.test", status: "active" },
        userUnknown: [undefined, undefined],
        updateUser: { id: "usr_1", name: "Ann", lastLoginAt: 9 },
        updateUnknown: undefined,
        users: { total: 3, rows: [{ email: "u4@x.test" }, { id: "usr_2" }] },
        usersRest: { total: 3, rows: [{ id: "usr_1" }] },
        membershipsOf: [
          { accountId: "acc_1", role: "owner", keyId: "key_1", accountName: "team", email: "u1@x.test" },
        ],
        membersOf: [{ userId: "usr_1" }, { userId: "usr_2", role: "member" }],
        allMemberships: [{ userId: "usr_1" }, { userId: "usr_2", role: "owner" }],
        membership: [{ accountId: "acc_1", userId: "usr_2", role: "owner", keyId: "key_2" }, undefined],
        membersAfterDelete: ["usr_1"],
        pendingInvites: ["inv_1", "inv_2", "inv_4"],
        invitesOfAccount: ["inv_4", "inv_3"],
        invitesAll: ["inv_4", "inv_3", "inv_2", "inv_1"],
        invite: { id: "inv_2", accountId: null },
        inviteUnknown: undefined,
        acceptAtOnce: ["lost", "lost", "won"],
        acceptRevoked: false,
        invitesAfter: [
          ["inv_4", null, 32],
          ["inv_3", null, null],
          ["inv_2", null, null],
          ["inv_1", 30, null],
        ],
        openCode: { id: "code_2", attempts: 0 },
        openExpired: undefined,
        attemptsAtOnce: ["lost", "lost", "lost", "lost", "lost", "won", "won", "won"],
        burnt: undefined,
        attemptOne: { id: "code_3", attempts: 1, usedAt: null },
        redeemAtOnce: ["lost", "lost", "won"],
        spendAtOnce: ["lost", "lost", "won"],
        spendUnknown: undefined,
        spendExpired: undefined,
        sessionByHash: { id: "ses_2", familyId: "fam_1", userAgent: "ua" },
        sessionUnknown: undefined,
        liveOfFamily: "ses_2",
        liveExpired: undefined,
        replaceAtOnce: ["lost", "lost", "won"],
        replaced: { revokedAt: 20, replacedBy: "ses_9", lastUsedAt: 20 },
        liveAfterReplace: "ses_1",
        revokeFamily: ["ses_1"],
        revokeFamilyAgain: [],
        revokeUser: ["ses_3"],
        liveOfOther: "ses_4",
        mail: { total: 3, rows: [{ id: "mail_3" }, { id: "mail_2", status: "failed", error: "refused" }] },
        mailRest: { total: 3, rows: [{ id: "mail_1", text: "code 123456" }] },
        external: { id: "ext_1", keyId: "key_3" },
        externalOtherIssuer: undefined,
        externals: [{ id: "ext_1" }],
        externalDeleted: { id: "ext_1" },
        externalDeletedAgain: undefined,
        app: {
          id: "tgapp_1",
          redirectUris: ["https://app.test/cb", "http://127.0.0.1/cb"],
          ownerUserId: null,
        },
        apps: { total: 3, rows: [{ id: "tgapp_3" }, { id: "tgapp_2" }] },
        appsOfUser: { total: 2 },
        updateApp: { name: "Renamed", redirectUris: ["https://b.test/cb"] },
        deletedApp: [undefined, undefined],
        appsAfterDelete: 2,
        exchangesAtOnce: ["lost", "lost", "lost", "won"],
        spendUnknownCode: undefined,
        replayUnused: undefined,
        replayUnknown: undefined,
        recorded: [true, false],
        recordedOther: true,
        replayInFlight: { id: "oac_3", usedAt: 63, grantId: "replayed" },
        recordAfterReplay: false,
        replayGranted: "oag_1",
        codeAfterGrant: { id: "oac_1", usedAt: 61, grantId: "oag_1", spendLimit: 5000 },
        codeUnknown: undefined,
        grants: {
          total: 2,
          rows: [
            { id: "oag_2", appName: "App 2", keyPrefix: "sk-tg-key_3" },
            {
              id: "oag_1",
              appName: "Renamed",
              accountName: "team",
              userEmail: "u1@x.test",
              keyPrefix: "sk-tg-key_2",
              keyLastUsedAt: 50,
            },
          ],
        },
        grantsOfApp: { total: 1, rows: [{ id: "oag_2" }] },
        grantsNone: { total: 0, rows: [] },
        grant: { id: "oag_1", revokedAt: null },
        grantUnknown: undefined,
        grantCounts: [
          ["tgapp_1", 1],
          ["tgapp_2", 1],
        ],
        activeGrants: [{ id: "oag_2" }],
        grantRevoked: 70,
        grantCountsAfter: [["tgapp_2", 1]],
        codePurged: undefined,
      });
    } finally {
      await lite.close();
      await post.close();
    }
  });
});
