import type { Store } from "../../db/store.ts";
import type { ExtraLimits, LimitCheck, Subject } from "../limits/rate-limit.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import { dayStart } from "./period.ts";
import type { PlanBook } from "./plan-book.ts";

const MINUTE = 60_000;
/** A request whose row never arrived (it should not happen) stops holding a concurrency slot after this. */
const STALE_SLOT_MS = 3_600_000;

type Day = { start: number; requests: number; tokens: number };
type Slot = { accountId: string; at: number };

/** An account's use today (UTC) and right now. */
export type AccountUsage = { requestsToday: number; tokensToday: number; concurrent: number };

/**
 * The limits of an account's plan, checked by the rate limiter with the key's own
 * windows (a request refused by either is counted by neither): requests per minute and
 * per UTC day, tokens per UTC day, and requests in flight. Requests and tokens are
 * counted for every account (plan or not), so `/auth/me` can say what today used.
 *
 * Tokens are known only once a request ends: its committed row adds them (`observe`),
 * and the day's limit is checked as requests arrive, so the request that crosses it
 * finishes and the next one is refused. A request's row also ends its concurrency slot.
 */
export class PlanLimits implements ExtraLimits {
  private minutes = new Map<string, { start: number; count: number }>();
  private days = new Map<string, Day>();
  private slots = new Map<string, Slot>();
  private inFlight = new Map<string, number>();

  constructor(private readonly plans: PlanBook) {}

  checks(s: Subject, now: number): LimitCheck[] {
    const plan = this.plans.current(s.accountId, now);
    if (!plan) return [];
    const out: LimitCheck[] = [];
    const named = `on the ${plan.name} plan`;
    if (plan.requestsPerMinute !== null) {
      const start = Math.floor(now / MINUTE) * MINUTE;
      const w = this.minutes.get(s.accountId);
      out.push({
        limit: plan.requestsPerMinute,
        used: w && w.start === start ? w.count : 0,
        resetAt: start + MINUTE,
        what: `requests per minute ${named}`,
      });
    }
    const day = this.day(s.accountId, now);
    const tomorrow = day.start + 86_400_000;
    if (plan.requestsPerDay !== null)
      out.push({
        limit: plan.requestsPerDay,
        used: day.requests,
        resetAt: tomorrow,
        what: `requests per day ${named}`,
      });
    if (plan.tokensPerDay !== null)
      out.push({
        limit: plan.tokensPerDay,
        used: day.tokens,
        resetAt: tomorrow,
        what: `tokens per day ${named}`,
      });
    if (plan.concurrentRequests !== null)
      out.push({
        limit: plan.concurrentRequests,
        used: this.inFlight.get(s.accountId) ?? 0,
        // A slot frees when a request ends: no clock says when, so one second.
        resetAt: now + 1000,
        what: `concurrent requests ${named}`,
      });
    return out;
  }

  admitted(s: Subject, now: number, requestId: string | undefined): void {
    const start = Math.floor(now / MINUTE) * MINUTE;
    const w = this.minutes.get(s.accountId);
    this.minutes.set(s.accountId, { start, count: w && w.start === start ? w.count + 1 : 1 });
    this.day(s.accountId, now).requests++;
    if (requestId === undefined) return;
    this.slots.set(requestId, { accountId: s.accountId, at: now });
    this.inFlight.set(s.accountId, (this.inFlight.get(s.accountId) ?? 0) + 1);
  }

  /** A request's committed row: its tokens count for its day, and its concurrency slot ends. */
  observe(row: LogRow): void {
    this.release(row.id);
    if (row.accountId === null) return;
    const tokens = row.inputTokens + row.outputTokens;
    if (tokens === 0) return;
    const day = this.days.get(row.accountId);
    if (day && day.start === dayStart(row.createdAt)) day.tokens += tokens;
  }

  usage(accountId: string, now: number): AccountUsage {
    const day = this.days.get(accountId);
    const today = day && day.start === dayStart(now);
    return {
      requestsToday: today ? day.requests : 0,
      tokensToday: today ? day.tokens : 0,
      concurrent: this.inFlight.get(accountId) ?? 0,
    };
  }

  /** Today's requests and tokens per account, from the log (start-up). */
  /** Today's requests and tokens per account, from the log: at start. */
  async seed(store: Pick<Store, "requests">, now: number): Promise<void> {
    const start = dayStart(now);
    for (const r of await store.requests.accountUsageSince(start))
      this.days.set(r.accountId, { start, requests: r.requests, tokens: r.tokens });
  }

  sweep(now: number): void {
    this.plans.renewAll(now);
    const today = dayStart(now);
    for (const [id, d] of this.days) if (d.start < today) this.days.delete(id);
    for (const [id, w] of this.minutes) if (w.start + MINUTE <= now) this.minutes.delete(id);
    for (const [id, slot] of this.slots) if (slot.at + STALE_SLOT_MS <= now) this.release(id);
  }

  private release(requestId: string): void {
    const slot = this.slots.get(requestId);
    if (!slot) return;
    this.slots.delete(requestId);
    const n = (this.inFlight.get(slot.accountId) ?? 1) - 1;
    if (n > 0) this.inFlight.set(slot.accountId, n);
    else this.inFlight.delete(slot.accountId);
  }

  private day(accountId: string, now: number): Day {
    const start = dayStart(now);
    let d = this.days.get(accountId);
    if (!d || d.start !== start) {
      d = { start, requests: 0, tokens: 0 };
      this.days.set(accountId, d);
    }
    return d;
  }
}
