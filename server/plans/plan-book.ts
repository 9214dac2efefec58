import type { AccountPlanRow, PlanRow } from "../../db/queries/plans.ts";
import type { Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import { formatAmount } from "../billing/money.ts";
import { PPM } from "../billing/multiplier.ts";
import { GatewayError, notFound } from "../errors.ts";
import { monthName, monthStart } from "./period.ts";

export type Plan = Readonly<{
  id: string;
  name: string;
  isDefault: boolean;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  tokensPerDay: number | null;
  concurrentRequests: number | null;
  models: ReadonlySet<string> | null;
  priceMultiplierPpm: number;
  monthlyFee: number;
  configHash: string | null;
  createdAt: number;
  updatedAt: number;
}>;

/** What a plan is made of (without its bookkeeping). */
export type PlanFields = {
  name: string;
  isDefault: boolean;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  tokensPerDay: number | null;
  concurrentRequests: number | null;
  models: string[] | null;
  priceMultiplierPpm: number;
  monthlyFee: number;
};

export type Assignment = Readonly<AccountPlanRow>;

const toPlan = (r: PlanRow): Plan => ({ ...r, models: r.models ? new Set(r.models) : null });

const conflict = (message: string, code: string) => new GatewayError("conflict", message, { code });

/**
 * Plans and assignments, in memory (read on every request), written through to the
 * database. The monthly fee is charged from the balance as each UTC month starts: at the
 * account's first request of the month, or by the minute sweep, whichever comes first. A
 * fee the balance cannot pay moves the account to the default plan (which has no fee).
 */
export class PlanBook {
  private plans = new Map<string, Plan>();
  private assigned = new Map<string, AccountPlanRow>();

  constructor(
    private readonly book: AccountBook,
    private readonly store: Store,
  ) {}

  async load(): Promise<void> {
    this.apply(...(await Promise.all([this.store.plans.all(), this.store.plans.assignments()])));
  }

  /**
   * After this book's own plan writes, the plans read back (a new default changed others).
   * Assignments are not reread: they are this book's own, saved in memory first, and a
   * write of one still in flight must not be replaced by an older row.
   */
  private async reread(): Promise<void> {
    this.setPlans(await this.store.plans.all());
  }

  private apply(plans: PlanRow[], assigned: AccountPlanRow[]): void {
    this.setPlans(plans);
    this.assigned = new Map(assigned.map((r) => [r.accountId, r]));
  }

  private setPlans(plans: PlanRow[]): void {
    this.plans = new Map(plans.map((r) => [r.id, toPlan(r)]));
  }

  list(): Plan[] {
    return [...this.plans.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  get(id: string): Plan | undefined {
    return this.plans.get(id);
  }

  defaultPlan(): Plan | undefined {
    for (const p of this.plans.values()) if (p.isDefault) return p;
    return undefined;
  }

  assignment(accountId: string): Assignment | undefined {
    return this.assigned.get(accountId);
  }

  /** The account's plan without renewing it (a fee due this month is settled by `current`). */
  peek(accountId: string): Plan | null {
    const a = this.assigned.get(accountId);
    return a ? (this.plans.get(a.planId) ?? null) : null;
  }

  /** The account's plan at `now`: when a new month started, its fee is charged first (or it lapses). */
  current(accountId: string, now: number): Plan | null {
    const a = this.assigned.get(accountId);
    if (!a) return null;
    const plan = this.plans.get(a.planId);
    if (!plan) return null;
    const month = monthStart(now);
    if (a.periodStart >= month) return plan;
    if (this.pay(accountId, plan, month, now, () => this.restore(accountId, a))) {
      void this.save({ ...a, periodStart: month }).catch(logFailed(accountId));
      return plan;
    }
    const fallback = this.defaultPlan();
    if (!fallback) {
      void this.unassign(accountId).catch(logFailed(accountId));
      return null;
    }
    void this.save({
      ...a,
      planId: fallback.id,
      periodStart: month,
      lapsedPlanId: plan.id,
      lapsedAt: now,
    }).catch(logFailed(accountId));
    return fallback;
  }

  /** Settles every account's month (the minute sweep): fees are due when the month starts, used or not. */
  renewAll(now: number): void {
    const month = monthStart(now);
    for (const a of [...this.assigned.values()]) if (a.periodStart < month) this.current(a.accountId, now);
  }

  /**
   * Puts the account on `planId` (null: no plan) from now. A plan with a fee is paid for
   * the current month at once; a balance that cannot pay it refuses the change (402).
   */
  async assign(accountId: string, planId: string | null, now: number): Promise<Plan | null> {
    if (!this.book.get(accountId)) throw notFound(`No account with id '${accountId}'.`, "account_not_found");
    if (planId === null) {
      await this.unassign(accountId);
      return null;
    }
    const plan = this.plans.get(planId);
    if (!plan) throw notFound(`No plan with id '${planId}'.`, "plan_not_found");
    const prev = this.assigned.get(accountId);
    const month = monthStart(now);
    // Staying on the plan already paid for this month costs nothing more.
    const paid = prev?.planId === planId && prev.periodStart >= month;
    if (!paid && plan.monthlyFee > 0) {
      const fee = this.pay(accountId, plan, month, now, () => this.restore(accountId, prev));
      if (!fee) {
        const free = this.free(accountId);
        throw new GatewayError(
          "insufficient_quota",
          `The balance (${formatAmount(free)}) cannot pay the plan's monthly fee (${formatAmount(plan.monthlyFee)}).`,
          { code: "insufficient_quota" },
        );
      }
      // An admin's change answers once the fee is in the books (on PostgreSQL the write is
      // not done when `credit` returns); a fee that could not be written fails the change.
      await fee;
    }
    await this.save({
      accountId,
      planId,
      periodStart: month,
      assignedAt: paid && prev ? prev.assignedAt : now,
      lapsedPlanId: null,
      lapsedAt: null,
    });
    return plan;
  }

  async create(id: string, fields: PlanFields, now: number, configHash: string | null = null): Promise<Plan> {
    if (this.plans.has(id)) throw conflict(`A plan with id '${id}' exists.`, "plan_exists");
    this.check(id, fields);
    const row: PlanRow = { id, ...fields, configHash, createdAt: now, updatedAt: now };
    await this.store.plans.insert(row);
    await this.reread();
    return this.plans.get(id)!;
  }

  async update(
    id: string,
    patch: Partial<PlanFields>,
    now: number,
    configHash?: string | null,
  ): Promise<Plan> {
    const prev = this.plans.get(id);
    if (!prev) throw notFound(`No plan with id '${id}'.`, "plan_not_found");
    const next = { ...fieldsOf(prev), ...patch };
    this.check(id, next);
    if (prev.isDefault && !next.isDefault)
      throw conflict(
        "The default plan stays default until another plan is made the default.",
        "default_plan_required",
      );
    await this.store.plans.update(
      id,
      { ...patch, ...(configHash !== undefined ? { configHash } : {}), updatedAt: now },
      patch.isDefault === true,
    );
    await this.reread();
    return this.plans.get(id)!;
  }

  async remove(id: string): Promise<void> {
    const plan = this.plans.get(id);
    if (!plan) throw notFound(`No plan with id '${id}'.`, "plan_not_found");
    const n = await this.store.plans.accountsOn(id);
    if (n > 0) throw conflict(`${n} account(s) are on plan '${id}': move them first.`, "plan_in_use");
    if (plan.isDefault && [...this.plans.values()].some((p) => p.monthlyFee > 0))
      throw conflict(
        "Plans with a fee fall back to the default plan: make another plan the default first.",
        "default_plan_required",
      );
    await this.store.plans.remove(id);
    this.plans.delete(id);
  }

  /** Whether the account's plan lets it use the model (no plan, or no list: every model). */
  modelAllowed(accountId: string, modelId: string): boolean {
    const models = this.peek(accountId)?.models;
    return !models || models.has(modelId);
  }

  /** The models a key may use, its own list narrowed by its account's plan (null: every model). */
  usableModels(key: { accountId: string; models: ReadonlySet<string> | null }): ReadonlySet<string> | null {
    const plan = this.peek(key.accountId)?.models ?? null;
    if (!plan) return key.models;
    if (!key.models) return plan;
    return new Set([...key.models].filter((m) => plan.has(m)));
  }

  /** The account's price multiplier in millionths (list prices without a plan). */
  multiplierPpm(accountId: string): number {
    return this.peek(accountId)?.priceMultiplierPpm ?? PPM;
  }

  /** A plan's invariants: the default plan has no fee (it is where unpaid plans land). */
  private check(id: string, f: PlanFields): void {
    if (f.isDefault && f.monthlyFee > 0)
      throw new GatewayError(
        "invalid_request",
        "The default plan cannot have a monthly fee: accounts that cannot pay fall back to it.",
        { code: "invalid_plan", param: "monthly_fee" },
      );
    const other = this.defaultPlan();
    if (f.monthlyFee > 0 && !f.isDefault && (!other || other.id === id))
      throw new GatewayError(
        "invalid_request",
        "A plan with a monthly fee needs a default plan (without a fee) to fall back to: create or mark one first.",
        { code: "default_plan_required", param: "monthly_fee" },
      );
  }

  private free(accountId: string): number {
    const acct = this.book.get(accountId);
    return acct ? acct.balance - acct.reserved : 0;
  }

  /**
   * Charges the plan's fee for the month starting at `month`, if the free balance covers it.
   * The balance moves in memory at once (AccountBook.credit), so the request path does not
   * wait for the write (on SQLite it is already done); a write that fails gives the money
   * back in memory and runs `unpaid`, which puts the assignment back so the fee is due again.
   * Returns the write (an admin's assignment awaits it), or false when the balance cannot pay.
   */
  private pay(
    accountId: string,
    plan: Plan,
    month: number,
    now: number,
    unpaid: () => void,
  ): Promise<unknown> | false {
    if (plan.monthlyFee === 0) return Promise.resolve();
    if (this.free(accountId) < plan.monthlyFee) return false;
    const write = this.book.credit(
      accountId,
      -plan.monthlyFee,
      "fee",
      `Plan ${plan.name}: ${monthName(month)}`,
      now,
    );
    if (!write) return false;
    write.catch((err) => {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "plan fee not written",
          account_id: accountId,
          error: String(err),
        }),
      );
      unpaid();
    });
    return write;
  }

  /** Puts back what the account had (none: no plan). */
  private restore(accountId: string, prev: AccountPlanRow | undefined): void {
    void (prev ? this.save(prev) : this.unassign(accountId)).catch(logFailed(accountId));
  }

  /**
   * Memory first, in the caller's turn, then the write. The request path (`current`) does
   * not await it: on SQLite the Store has written the row when the call returns, so the
   * hot path adds no await; on PostgreSQL a failed write is logged and memory stands.
   */
  private save(row: AccountPlanRow): Promise<void> {
    this.assigned.set(row.accountId, row);
    return this.store.plans.saveAssignment(row);
  }

  private unassign(accountId: string): Promise<void> {
    this.assigned.delete(accountId);
    return this.store.plans.removeAssignment(accountId);
  }
}

const logFailed = (accountId: string) => (err: unknown) =>
  console.error(
    JSON.stringify({
      level: "error",
      msg: "plan assignment not written",
      account_id: accountId,
      error: String(err),
    }),
  );

function fieldsOf(p: Plan): PlanFields {
  return {
    name: p.name,
    isDefault: p.isDefault,
    requestsPerMinute: p.requestsPerMinute,
    requestsPerDay: p.requestsPerDay,
    tokensPerDay: p.tokensPerDay,
    concurrentRequests: p.concurrentRequests,
    models: p.models ? [...p.models] : null,
    priceMultiplierPpm: p.priceMultiplierPpm,
    monthlyFee: p.monthlyFee,
  };
}
