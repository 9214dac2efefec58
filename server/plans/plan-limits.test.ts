import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { migrateDb, openDb } from "../../db/client.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import { AccountBook } from "../billing/account-book.ts";
import { divideDown, MAX_PPM, MIN_PPM, multiplyUp, PPM } from "../billing/multiplier.ts";
import { RateLimiter } from "../limits/rate-limit.ts";
import { DEFAULT_MIGRATIONS } from "../start.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import { PlanBook, type PlanFields } from "./plan-book.ts";
import { PlanLimits } from "./plan-limits.ts";

const DAY = 86_400_000;
const base: PlanFields = {
  name: "P",
  isDefault: false,
  requestsPerMinute: null,
  requestsPerDay: null,
  tokensPerDay: null,
  concurrentRequests: null,
  models: null,
  priceMultiplierPpm: PPM,
  monthlyFee: 0,
};

/** A plan book on a fresh database, a rate limiter with its limits, and one account on `plan`. */
async function rig(plan: Partial<PlanFields>, balance = 0, now = Date.UTC(2027, 0, 15)) {
  const { db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  const store = sqliteStore(db);
  const book = new AccountBook(store);
  await book.load();
  const plans = new PlanBook(book, store);
  await plans.load();
  const limits = new PlanLimits(plans);
  const limiter = new RateLimiter({ keyRpm: null, keyRpd: null, accountRpm: null });
  limiter.extra = limits;
  await plans.create("free", { ...base, name: "Free", isDefault: true }, now);
  await plans.create("p", { ...base, ...plan }, now);
  const acct = await book.create({ name: "a", balance }, now);
  await plans.assign(acct.id, "p", now);
  const key = { id: "k", accountId: acct.id, rpmLimit: null, dailyRequestLimit: null };
  return { db, store, book, plans, limits, limiter, acct, key };
}

const row = (id: string, accountId: string, createdAt: number, tokens: number): LogRow =>
  ({ id, accountId, createdAt, inputTokens: tokens, outputTokens: 0 }) as LogRow;

describe("plan limits with an injected clock", () => {
  test("requests per day: the last one of the day, refused until exactly midnight UTC", async () => {
    const midnight = Date.UTC(2027, 2, 10);
    const { limiter, key } = await rig({ requestsPerDay: 2 });
    limiter.admit(key, midnight - 2000);
    limiter.admit(key, midnight - 1000);
    expect(() => limiter.admit(key, midnight - 1)).toThrow("2 requests per day on the P plan");
    try {
      limiter.admit(key, midnight - 1500);
    } catch (e) {
      expect((e as { headers: Record<string, string> }).headers["retry-after"]).toBe("2");
    }
    expect(limiter.admit(key, midnight)).toBeTruthy();
  });

  test("tokens count for the day their request started in; a request refused by any limit counts for none", async () => {
    const midnight = Date.UTC(2027, 2, 10);
    const { limiter, limits, key, acct } = await rig({ tokensPerDay: 100, requestsPerMinute: 1 });
    limiter.admit(key, midnight - 5000, "r1");
    // Finishes after midnight, started before: yesterday's tokens.
    limits.observe(row("r1", acct.id, midnight - 5000, 500));
    expect(limiter.admit(key, midnight + 10, "r2")).toBeTruthy();
    limits.observe(row("r2", acct.id, midnight + 10, 100));
    // The minute window refuses first (a refused request is not counted anywhere).
    expect(() => limiter.admit(key, midnight + 20)).toThrow("per minute");
    expect(() => limiter.admit(key, midnight + 60_000)).toThrow("100 tokens per day");
    expect(limits.usage(acct.id, midnight + 60_000)).toEqual({
      requestsToday: 1,
      tokensToday: 100,
      concurrent: 0,
    });
  });

  test("a concurrency slot is held from admission until the request's row, and a lost one is swept after an hour", async () => {
    const t = Date.UTC(2027, 2, 10, 12);
    const { limiter, limits, key, acct } = await rig({ concurrentRequests: 1 });
    limiter.admit(key, t, "a");
    expect(() => limiter.admit(key, t, "b")).toThrow("1 concurrent requests");
    limits.observe(row("a", acct.id, t, 0));
    limiter.admit(key, t + 1, "c");
    limits.sweep(t + 3_600_000);
    expect(limits.usage(acct.id, t + 3_600_000).concurrent).toBe(1);
    limits.sweep(t + 3_600_001);
    expect(limits.usage(acct.id, t + 3_600_001).concurrent).toBe(0);
  });

  test("the monthly fee: paid at assignment, again when a month starts (the sweep, unused or not), else the default plan", async () => {
    const april = Date.UTC(2027, 3, 20);
    const { plans, limits, book, acct, db } = await rig({ monthlyFee: 300 }, 700, april);
    expect(book.get(acct.id)!.balance).toBe(400);
    limits.sweep(Date.UTC(2027, 4, 1) - 1);
    expect(book.get(acct.id)!.balance).toBe(400);
    limits.sweep(Date.UTC(2027, 4, 1));
    expect(book.get(acct.id)!.balance).toBe(100);
    expect(plans.current(acct.id, Date.UTC(2027, 4, 31))?.id).toBe("p");
    expect(plans.current(acct.id, Date.UTC(2027, 5, 1))?.id).toBe("free");
    expect(plans.assignment(acct.id)).toMatchObject({
      planId: "free",
      lapsedPlanId: "p",
      periodStart: Date.UTC(2027, 5, 1),
    });
    const fees = db.$client
      .query("SELECT amount, note FROM ledger WHERE kind = 'fee' ORDER BY position")
      .all();
    expect(fees).toEqual([
      { amount: -300, note: "Plan P: 2027-04" },
      { amount: -300, note: "Plan P: 2027-05" },
    ]);
  });

  test("a fee the free balance cannot cover is not charged: what is reserved for requests in flight is not free", async () => {
    const { plans, book, acct } = await rig({}, 1000);
    await plans.create("paid", { ...base, monthlyFee: 900 }, Date.UTC(2027, 0, 15));
    const key = { id: "k", accountId: acct.id, spendLimit: null, used: 0, reserved: 0 } as never;
    const hold = book.hold(key, 200);
    await expect(plans.assign(acct.id, "paid", Date.UTC(2027, 0, 16))).rejects.toThrow("cannot pay");
    book.release(hold, key);
    expect((await plans.assign(acct.id, "paid", Date.UTC(2027, 0, 16)))?.id).toBe("paid");
  });

  test("seeded at start from the log: today's requests and tokens per account", async () => {
    const now = Date.UTC(2027, 2, 10, 15);
    const { db, store, limits, acct } = await rig({});
    const insert = db.$client.prepare(
      "INSERT INTO request_log (id, created_at, key_id, account_id, endpoint, status, outcome, input_tokens, output_tokens, error_code) VALUES (?, ?, 'k', ?, 'chat', ?, 'ok', ?, ?, ?)",
    );
    insert.run("y", now - DAY, acct.id, 200, 50, 50, null);
    insert.run("a", now - 1000, acct.id, 200, 10, 5, null);
    insert.run("b", now - 500, acct.id, 200, 1, 1, null);
    insert.run("c", now - 400, acct.id, 429, 0, 0, "rate_limit_exceeded");
    await limits.seed(store, now);
    expect(limits.usage(acct.id, now)).toEqual({ requestsToday: 2, tokensToday: 17, concurrent: 0 });
  });
});

describe("price multiplier arithmetic", () => {
  test("a hold planned on what is free never exceeds it; a charge never undercuts the multiplied price", () => {
    fc.assert(
      fc.property(
        // Up to 8,796 currency units (2^43 nano-units), multipliers 0.001 to 1000: the range plans allow.
        fc.integer({ min: 0, max: 2 ** 43 }),
        fc.integer({ min: MIN_PPM, max: MAX_PPM }),
        (free, ppm) => {
          expect(multiplyUp(divideDown(free, ppm), ppm)).toBeLessThanOrEqual(free);
          const up = multiplyUp(free, ppm);
          expect(BigInt(up) * BigInt(PPM)).toBeGreaterThanOrEqual(BigInt(free) * BigInt(ppm));
          expect(BigInt(up - 1) * BigInt(PPM)).toBeLessThan(
            BigInt(free) * BigInt(ppm) + (free === 0 ? 1n : 0n),
          );
        },
      ),
      { numRuns: Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300) },
    );
  });

  test("shrunk counterexample: a tiny multiplier on a large balance no longer leaves exact integers (capped)", () => {
    expect(divideDown(2376719133989, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(multiplyUp(divideDown(2376719133989, 1), 1)).toBeLessThanOrEqual(2376719133989);
  });
});
