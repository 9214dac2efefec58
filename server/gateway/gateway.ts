import type { Store } from "../../db/store.ts";
import { Alerts } from "../alerts/alerts.ts";
import { AccountBook } from "../billing/account-book.ts";
import { Catalog } from "../catalog/catalog.ts";
import type { Config } from "../config/schema.ts";
import { type Settings, settingsOf } from "../config/settings.ts";
import { KeyStore } from "../keys/key-store.ts";
import type { Limiter } from "../limits/admission.ts";
import { type Idempotency, IdempotencyStore } from "../limits/idempotency.ts";
import { RateLimiter } from "../limits/rate-limit.ts";
import { MediaLinks } from "../media-links/store.ts";
import { addBalanceGauge } from "../metrics/balance-gauge.ts";
import { Metrics } from "../metrics/metrics.ts";
import { addSharedStateCounters } from "../metrics/shared-state-counters.ts";
import { PlanBook } from "../plans/plan-book.ts";
import { PlanLimits } from "../plans/plan-limits.ts";
import { RouteStates } from "../routing/route-state.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { PgEngine } from "../store/pg-engine.ts";
import type { SqliteEngine } from "../store/sqlite-engine.ts";
import type { Writer } from "../store/writer.ts";
import { LineWriter } from "../usage-log/line-writer.ts";
import { requestLine } from "../usage-log/log-line.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import type { CallServices } from "./call-services.ts";
import { type SharedState, sharedState } from "./shared-state.ts";
import { reachableLookup } from "./unreachable-books.ts";

export type GatewayOptions = {
  version: string;
  quiet?: boolean;
  /** TOLLGATE_REDIS: rate windows, idempotency claims, breakers and invalidation shared by replicas. */
  shared?: SharedState | null;
};

/**
 * The services one request needs, built once at start, on the engine boot.ts chose
 * (store/engine.ts). Hot-path state (keys, models, balances, rate windows) lives in memory;
 * when another process (the CLI, another replica) committed a change, the engine's change
 * signal says so and the caches are rebuilt.
 */
export class Gateway implements CallServices {
  /** Where group-committed writes go: in-thread until start() hands over a writer thread. */
  commits: Writer;
  readonly keys: KeyStore;
  readonly catalog: Catalog;
  readonly book: AccountBook;
  readonly limiter: Limiter;
  /** Account plans; their limits join the rate limiter's, their multipliers the book's prices. */
  readonly plans: PlanBook;
  readonly planLimits: PlanLimits;
  readonly idempotency: Idempotency;
  /** Completed responses in the books (swept here; read by the shared claims too). */
  private readonly idempotencyRows: IdempotencyStore;
  /** What replicas share through Redis; null on one box (nothing below changes then). */
  readonly shared: ReturnType<typeof sharedState> | null;
  readonly media: MediaLinks;
  readonly settings: Settings;
  readonly metrics: Metrics;
  readonly routes: RouteStates;
  readonly alerts: Alerts;
  /** Where request log lines go (stdout unless quiet). */
  private readonly lines: LineWriter | null;
  /** The books through the engine-neutral async queries (db/store.ts): loads and reloads. */
  readonly store: Store;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  /** Caches of layers built on the gateway (identity's, wired by start.ts) that reload with its own. */
  readonly alsoReload: (() => Promise<void>)[] = [];
  /** The reload in flight after another process's change, which requests arriving meanwhile wait for. */
  private reloading: Promise<void> | undefined;
  /** Requests and streams in flight, for graceful shutdown. */
  inFlight = 0;
  readonly startedAt = Date.now();

  constructor(
    readonly engine: SqliteEngine | PgEngine,
    readonly cipher: Cipher,
    config: Config,
    opts: GatewayOptions,
  ) {
    const store = engine.store;
    this.store = store;
    this.settings = settingsOf(config, opts.version);
    this.lines =
      opts.quiet || !config.logging.requests ? null : new LineWriter((text) => process.stdout.write(text));
    this.metrics = new Metrics({ currency: config.currency, keyLabels: config.metrics.key_labels });
    this.shared = opts.shared ? sharedState(opts.shared, () => this.reloadOnSignal()) : null;
    this.routes = new RouteStates(this.settings.breaker, this.settings.retryBudget, this.shared?.breakers);
    if (this.shared) addSharedStateCounters(this.metrics, this.shared.fallbacks);
    this.routes.onBreakerChange = (route, _from, to) => this.metrics.breakerState(route, to);
    this.book = this.shared?.book(store) ?? new AccountBook(store);
    if (config.metrics.balance_gauge) addBalanceGauge(this.metrics, this.book, config.currency);
    this.keys = new KeyStore(store);
    this.catalog = new Catalog(cipher, store);
    this.alerts = new Alerts(store, cipher, config.currency);
    this.book.onMoved = (acct, key, now) => {
      try {
        this.alerts.accountMoved(acct, now);
        if (key !== null && key.spendLimit !== null) this.alerts.keyCharged(key, this.catalog.models(), now);
      } catch (err) {
        console.error(JSON.stringify({ level: "error", msg: "alert check failed", error: String(err) }));
      }
    };
    const rateDefaults = {
      keyRpm: config.defaults.rate_limits.key_rpm,
      keyRpd: config.defaults.rate_limits.key_rpd,
      accountRpm: config.defaults.rate_limits.account_rpm,
      globalRph: config.defaults.rate_limits.global_rph,
    };
    this.plans = new PlanBook(this.book, store);
    this.planLimits = new PlanLimits(this.plans);
    this.limiter =
      this.shared?.limiter(rateDefaults, this.planLimits, this.plans) ??
      localLimiter(rateDefaults, this.planLimits);
    this.book.multiplier = (accountId) => this.plans.multiplierPpm(accountId);
    // SQLite's prepared lookups keep the request path synchronous; the Store's idempotency on PostgreSQL.
    this.idempotencyRows = new IdempotencyStore(
      engine.kind === "postgres"
        ? reachableLookup(engine.idempotencyRows, engine.unreachable)
        : engine.idempotencyRows,
    );
    this.idempotency = this.shared?.idempotency(this.idempotencyRows) ?? this.idempotencyRows;
    this.media = new MediaLinks(store.media, cipher);
    this.commits = this.setWriter(engine.writer());
  }

  /** Sends group commits to `writer` from now on (the server starts a writer thread). */
  setWriter(writer: Writer): Writer {
    writer.onFailure = (err) => {
      // The failed entries' charges are reverted in memory by their callers (settleCall).
      console.error(JSON.stringify({ level: "error", msg: "group commit failed", error: String(err) }));
    };
    this.commits = writer;
    return writer;
  }

  /** Loads every cache and seeds the rate windows from today's log. */
  async start(now: number): Promise<void> {
    await this.reload();
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    // Shared windows live in Redis and outlive a replica: only in-process ones are seeded.
    if (this.limiter instanceof RateLimiter)
      this.limiter.seed(await this.store.requests.rateWindowSeed(dayStart), now);
    await this.planLimits.seed(this.store, now);
    await this.idempotencyRows.sweep(now);
    await this.media.sweep(now);
    this.sweeper = setInterval(() => {
      const t = Date.now();
      this.limiter.sweep(t);
      const failed = (what: string) => (err: unknown) =>
        console.error(JSON.stringify({ level: "error", msg: `${what} sweep failed`, error: String(err) }));
      Promise.resolve(this.idempotencyRows.sweep(t)).catch(failed("idempotency"));
      this.media.sweep(t).catch(failed("media link"));
    }, 60_000);
    this.sweeper.unref?.();
    this.engine.changes.watch(() => this.reloadOnSignal());
  }

  /**
   * Reloads every cache from the store. The marks are read first: a commit that lands while
   * the loads are in flight moves them again, so the next check reloads once more rather
   * than missing it.
   */
  async reload(): Promise<void> {
    const seen = await this.engine.changes.mark();
    await Promise.all([
      this.keys.load(),
      this.catalog.load(),
      this.book.refresh(),
      this.plans.load(),
      this.alerts.load(),
      ...this.alsoReload.map((load) => load()),
    ]);
    seen();
  }

  /**
   * Another replica changed keys, models, prices or balances (TOLLGATE_REDIS's signal, or
   * PostgreSQL's generation poll): reload, and let requests arriving meanwhile wait for it as for another process's commit.
   */
  private reloadOnSignal(): void {
    const reloading: Promise<void> = this.reload()
      .catch((err) => {
        console.error(
          JSON.stringify({ level: "error", msg: "reload after a change signal failed", error: String(err) }),
        );
      })
      .finally(() => {
        if (this.reloading === reloading) this.reloading = undefined;
      });
    this.reloading = reloading;
  }

  /**
   * Picks up commits made by another process since the last request. Cheap: on SQLite one
   * pragma at most once a millisecond; on PostgreSQL nothing (its poll runs on a timer).
   * Called in one place, as each HTTP request arrives (http/cache-sync.ts); a CLI command opens its own
   * gateway, loaded fresh.
   */
  syncExternalChanges(): Promise<void> | undefined {
    if (!this.engine.changes.poll()) return this.reloading;
    // Requests arriving meanwhile wait for the same reload (cache-sync.ts awaits it).
    const reloading = this.reload().finally(() => {
      if (this.reloading === reloading) this.reloading = undefined;
    });
    this.reloading = reloading;
    return reloading;
  }

  /** After a request's row committed: metrics and one JSON line on stdout (no secrets; prompt only if enabled). */
  recordRequest(row: LogRow, prompt?: string): void {
    // Observing a request must never fail it: its row is already committed.
    try {
      this.planLimits.observe(row);
      this.limiter.observe?.(row);
      this.metrics.request(row);
      this.lines?.push(requestLine(row, this.settings.logPrompts ? loggedPrompt(prompt) : undefined));
    } catch (err) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "recording a request failed",
          request_id: row.id,
          error: String(err),
        }),
      );
    }
  }

  /** Tells the other replicas that keys, models, prices or balances changed (a no-op on one box). */
  announceChange(): void {
    this.shared?.announce();
  }

  /** Stops the timers and commits what is queued; the caller closes the database after. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.engine.changes.stop();
    this.shared?.stop();
    this.lines?.flush();
    await this.commits.close();
  }
}

function localLimiter(
  defaults: ConstructorParameters<typeof RateLimiter>[0],
  plans: PlanLimits,
): RateLimiter {
  const limiter = new RateLimiter(defaults);
  limiter.extra = plans;
  return limiter;
}

/** The request text as the log line carries it: the first 20,000 characters. */
function loggedPrompt(prompt: string | undefined): string | undefined {
  return prompt !== undefined && prompt.length > 20_000 ? `${prompt.slice(0, 20_000)}…` : prompt;
}
