import type { Hold } from "../billing/account-book.ts";
import { costOf } from "../billing/money.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { type Usage, ZERO_USAGE } from "../core/usage.ts";
import { ClientClosed, GatewayError, storeOutcomeUnknown, storeUnavailable } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { PendingAdmission } from "../limits/admission.ts";
import type { Claim } from "../limits/idempotency.ts";
import { sha256 } from "../secrets/tokens.ts";
import { CommitOutcomeUnknown, type Committed, type Write } from "../store/writes.ts";
import { type LogRow, logWrites, MAX_MODEL_CHARS } from "../usage-log/request-log.ts";
import type { CallServices } from "./call-services.ts";

/** What a billed call needs of the gateway: the books, the commit queue, idempotency, observation. */
export type BilledCallDeps = Pick<
  CallServices,
  "book" | "commits" | "idempotency" | "recordRequest" | "inFlight"
>;

/** How a call that reached an answer ends: what to charge and what the row says. */
export type Settlement = {
  usage: Usage;
  source: LogRow["usageSource"];
  status: number;
  outcome: LogRow["outcome"];
  error: GatewayError | null;
  /** The cost when it is not the tokens at the model's prices (images, video seconds). */
  cost?: number;
  /** The answer to store for Idempotency-Key replays (successful JSON answers only). */
  replay?: { body: string; headers: Record<string, string> };
};

/**
 * The one owner of a client request's money and log row, from its arrival to its end.
 *
 * It holds the draft log row, the key once authenticated, the Idempotency-Key claim and the
 * reservation (hold), and it ends exactly once, in one of three ways:
 * - `settle`: the upstream answered (in full, or a stream cut or left mid-way): the charge,
 *   the row and the stored replay commit in one group commit;
 * - `fail`: the request was refused or the upstream failed: the hold is released, nothing is
 *   billed, the row says why (499 when the client left);
 * - `replay`: the Idempotency-Key was used before for this body: the stored answer, logged.
 * Whichever comes first wins; any later ending is a no-op that waits for the first one, so
 * routing, streaming and media code never decide whether to write. The call counts as in
 * flight (graceful shutdown waits for it) until its row is committed.
 */
export class BilledCall {
  /** The row as it is filled in; written once, by the ending. */
  readonly log: LogRow;
  /** The request text for the log line, written only when `logging.prompts` is on. */
  promptText: string | undefined;
  private key: KeyRecord | null = null;
  /** The catalog model being served (a fallback replaces it); its prices bill token usage. */
  private model: ModelRecord | null = null;
  private claim: Claim | null = null;
  private hold: Hold | null = null;
  /** Rate windows left to the first reservation (replicas); counted late if the call ends before one. */
  private admission: PendingAdmission | null = null;
  private ending: Promise<Usage> | null = null;

  private constructor(
    private readonly deps: BilledCallDeps,
    /** The request's monotonic start, for latencies. */
    readonly t0: number,
    log: LogRow,
  ) {
    this.log = log;
  }

  /** Opens the call as the request arrives, so a request refused at any step still gets its row. */
  static open(
    deps: BilledCallDeps,
    req: { requestId: string; startedAt: number; t0: number; endpoint: string; stream: boolean },
  ): BilledCall {
    deps.inFlight++;
    return new BilledCall(deps, req.t0, draftRow(req));
  }

  get requestId(): string {
    return this.log.id;
  }

  /** Whether the call has ended (settled, failed or replayed). */
  get ended(): boolean {
    return this.ending !== null;
  }

  /** The authenticated key: the row is the key's and its account's from here on. */
  identify(key: KeyRecord): void {
    this.key = key;
    this.log.keyId = key.id;
    this.log.accountId = key.accountId;
  }

  /**
   * Rate windows the shared limiter left to this call's reservation (replicas): the first
   * reservation decides them in its script; a call that ends before any script decided
   * them has them counted afterwards (PendingAdmission).
   */
  admitWith(admission: PendingAdmission): void {
    this.admission = admission;
  }

  /** The model as the client named it (bounded: it may be anything), before it is resolved. */
  named(modelId: string, stream: boolean): void {
    this.log.model = modelId.slice(0, MAX_MODEL_CHARS);
    this.log.stream = stream;
  }

  /** The catalog model served from now on (the requested one, then a fallback). */
  serve(model: ModelRecord): void {
    this.model = model;
    this.log.model = model.id;
  }

  /**
   * Claims an Idempotency-Key (a no-op without one). When the key was already used for this
   * body, the call ends as a replay and the stored answer comes back; else null, and the
   * claim is completed by the settlement or abandoned by the failure.
   */
  async claimIdempotency(
    req: { idempotencyKey: string | null; rawBody: string; stream: boolean; startedAt: number },
    headers: Record<string, string>,
  ): Promise<Response | null> {
    if (req.idempotencyKey === null) return null;
    let r = this.deps.idempotency.begin({
      keyId: this.keyOrThrow().id,
      idemKey: req.idempotencyKey,
      bodyHash: sha256(req.rawBody),
      stream: req.stream,
      now: req.startedAt,
    });
    if (r instanceof Promise) r = await r;
    if (!("replay" in r)) {
      this.claim = r.claim;
      return null;
    }
    const { replay } = r;
    await this.end(async () => {
      this.log.status = replay.status;
      this.log.errorCode = "idempotent_replay";
      this.log.latencyMs = this.elapsed();
      try {
        await this.deps.commits.enqueue(logWrites(this.log));
      } catch (err) {
        await this.writeFailure(err);
        throw err;
      }
      this.deps.recordRequest(this.log, this.promptText);
      return ZERO_USAGE;
    });
    return new Response(replay.body, {
      status: replay.status,
      headers: { ...replay.headers, ...headers, "idempotent-replayed": "true" },
    });
  }

  /**
   * Reserves `amount` for the call (after `release` of any earlier reservation), before any
   * upstream is called, so a call refused here cost nothing (store_unavailable too). Decided at
   * once on one box; a promise when replicas share the holds (Redis decides: await it, and
   * a refusal rejects it). Callers await only what is a promise, so SQLite stays synchronous.
   */
  reserve(amount: number): undefined | Promise<void> {
    const key = this.keyOrThrow();
    if (this.ended || this.hold) throw new Error("a billed call holds one reservation, until it ends");
    // PostgreSQL known unreachable: the charge could not be committed, so the upstream (which
    // the operator pays) is not called; the client gets the 503 a failed commit would give.
    if (!this.deps.commits.reachable) throw storeUnavailable();
    const held = this.deps.book.reserve(key, amount, this.admission ?? undefined);
    if (!(held instanceof Promise)) {
      this.hold = held;
      return;
    }
    return held.then((hold) => {
      // The call ended while Redis answered (the client left): the hold is not needed.
      if (this.ended || this.hold) {
        this.deps.book.release(hold, key);
        throw new ClientClosed();
      }
      this.hold = hold;
    });
  }

  /** Releases the reservation, so that a fallback can be planned on what is free without it. */
  release(): void {
    if (this.hold && this.key) this.deps.book.release(this.hold, this.key);
    this.hold = null;
  }

  /**
   * Ends the call with a charge for what was produced: the charge, the row and the replay
   * commit together before this resolves (so before the client gets the end of its answer).
   * Resolves to the usage billed. A commit that fails reverts the charge, logs the request
   * as failed and rejects. A second ending returns the first one's promise (a function is
   * only called for the first ending: counting a stream's usage is not free).
   */
  settle(result: Settlement | (() => Settlement)): Promise<Usage> {
    return this.end(() => this.commitSettlement(result));
  }

  /**
   * Ends the call as failed: the hold released, nothing billed, the row says why (499 when
   * the client left). Never rejects: the client is getting an error already. After another
   * ending, a no-op that waits for it.
   */
  fail(err: unknown): Promise<void> {
    const ending = this.end(async () => {
      this.release();
      this.finishClaim();
      await this.writeFailure(err);
      return ZERO_USAGE;
    });
    return ending.then(
      () => {},
      () => {},
    );
  }

  /** Runs the first ending only; the call leaves the in-flight count once it is done. */
  private end(ending: () => Promise<Usage>): Promise<Usage> {
    if (this.ending) return this.ending;
    this.admission?.late();
    const p = ending();
    this.ending = p;
    const done = () => {
      this.deps.inFlight--;
    };
    p.then(done, done);
    return p;
  }

  private async commitSettlement(result: Settlement | (() => Settlement)): Promise<Usage> {
    const { hold, key, log } = this;
    this.hold = null;
    const now = Date.now();
    let r: Settlement;
    try {
      if (!hold || !key) throw new Error("a billed call settles against its key's reservation");
      r = typeof result === "function" ? result() : result;
      const cost =
        r.cost ??
        costOf(this.modelOrThrow().prices, {
          input: r.usage.inputTokens,
          cached: r.usage.cachedTokens,
          output: r.usage.outputTokens,
          cacheWrite: r.usage.cacheWriteTokens,
          cacheWrite1h: r.usage.cacheWrite1hTokens,
        });
      const { charged, write, revert, committed } = this.deps.book.settle(hold, key, cost, {
        requestId: log.id,
        now,
      });
      Object.assign(log, {
        status: r.status,
        outcome: r.outcome,
        inputTokens: r.usage.inputTokens,
        cachedTokens: r.usage.cachedTokens,
        outputTokens: r.usage.outputTokens,
        cacheWriteTokens: r.usage.cacheWriteTokens ?? 0,
        cacheWrite1hTokens: r.usage.cacheWrite1hTokens ?? 0,
        usageSource: r.source,
        cost: charged,
        latencyMs: this.elapsed(),
        errorCode: r.error?.code ?? (r.outcome === "client_closed" ? "client_closed" : null),
        errorMessage: r.error?.message ?? null,
      } satisfies Partial<LogRow>);
      // The charge, the log row and the replay commit together or not at all.
      const entry: Write[] = write ? [write, ...logWrites(log)] : logWrites(log);
      if (this.claim && r.replay)
        entry.push(this.deps.idempotency.completeWrite(this.claim, { status: r.status, ...r.replay }, now));
      let done: Committed;
      try {
        // Should PostgreSQL stop answering with this commit sent, its writer puts this call's
        // failure row in before it reads what landed, so the commit cannot land after (pg-writer.ts).
        // (Built only then: a row per call for nothing on SQLite, which never doubts.)
        const ifUnknown = () => logWrites({ ...log, ...this.failureFields(storeOutcomeUnknown()) });
        done = await this.deps.commits.enqueue(entry, { ifUnknown });
      } catch (err) {
        if (err instanceof CommitOutcomeUnknown) {
          // Sent, and the database stopped answering: it may hold the charge. Memory keeps it
          // until the writer learns what PostgreSQL holds, then follows it: reverted if it did
          // not land (or was capped to nothing), else as a commit.
          err.learned.then(
            (c) => {
              if ((c?.settled ?? []).reduce((sum, s) => sum + s.charged, 0) === 0) revert();
              committed?.(c);
            },
            () => {},
          );
          throw storeOutcomeUnknown();
        }
        // Not written: the charge never happened, and the client may retry (the writer logged the cause).
        revert();
        throw storeUnavailable();
      }
      // Shared holds end here, with what PostgreSQL committed (a no-op on one box); a charge
      // it capped is what the row says (the writer corrected the stored row in the same commit).
      const capped = committed?.(done);
      if (capped !== undefined) log.cost = capped;
    } catch (err) {
      // Nothing was billed (or, outcome unknown, the hold ends with what PostgreSQL holds once
      // learned: ClusterBook's `committed`): the request is logged as failed, if the database
      // takes even that (a row under the same id: refused if the charged one landed).
      const unknown = err instanceof GatewayError && err.code === "store_outcome_unknown";
      if (hold && key && !unknown) this.deps.book.release(hold, key);
      this.finishClaim();
      await this.writeFailure(err);
      throw err;
    }
    this.finishClaim();
    this.deps.recordRequest(log, this.promptText);
    return r.usage;
  }

  /** What a failed call's log row says, whatever a settlement had filled in before. */
  private failureFields(err: unknown) {
    const closed = err instanceof ClientClosed;
    const g = err instanceof GatewayError ? err : null;
    return {
      status: closed ? 499 : (g?.status ?? 500),
      outcome: closed ? "client_closed" : "error",
      latencyMs: this.elapsed(),
      errorCode: closed ? "client_closed" : (g?.code ?? "internal_error"),
      errorMessage: closed ? null : (g?.message ?? "internal error"),
      // A failed call is billed nothing, even if a settlement had filled these in before its write failed.
      cost: 0,
    } satisfies Partial<LogRow>;
  }

  private async writeFailure(err: unknown): Promise<void> {
    const last = this.log.attempts.at(-1);
    // A call that never answered names the route it tried last.
    if (last && this.log.provider === null) {
      this.log.provider = last.provider;
      this.log.upstreamModel = last.model;
    }
    Object.assign(this.log, this.failureFields(err));
    // While PostgreSQL is known unreachable the failure's row could not be written (a server
    // gone silent would hold it until TCP gives up, and the client's 503 with it): the JSON log
    // line and the metrics record it. Nothing was billed, so nothing waits to be made durable.
    if (this.deps.commits.reachable)
      try {
        await this.deps.commits.enqueue(logWrites(this.log));
      } catch {
        // The database refused even the log row; the client still gets its error.
      }
    this.deps.recordRequest(this.log, this.promptText);
  }

  private finishClaim(): void {
    // A shared claim (Redis) is released in the background: a failure leaves it to expire.
    if (this.claim) void this.deps.idempotency.finish(this.claim);
  }

  private elapsed(): number {
    return Math.round(performance.now() - this.t0);
  }

  private keyOrThrow(): KeyRecord {
    if (!this.key) throw new Error("a billed call needs its authenticated key first");
    return this.key;
  }

  private modelOrThrow(): ModelRecord {
    if (!this.model) throw new Error("a billed call bills tokens at the prices of the model it serves");
    return this.model;
  }
}

function draftRow(req: { requestId: string; startedAt: number; endpoint: string; stream: boolean }): LogRow {
  return {
    id: req.requestId,
    createdAt: req.startedAt,
    keyId: null,
    accountId: null,
    endpoint: req.endpoint,
    model: null,
    provider: null,
    upstreamModel: null,
    status: 0,
    outcome: "ok",
    stream: req.stream,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    usageSource: "none",
    cost: 0,
    latencyMs: 0,
    ttftMs: null,
    maxTokensClamped: null,
    errorCode: null,
    errorMessage: null,
    attempts: [],
    droppedFields: [],
  };
}
