import type { Hold } from "../billing/account-book.ts";
import { costOf, formatAmount } from "../billing/money.ts";
import { planReservation } from "../billing/reserve-plan.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import type { Dialect } from "../core/dialect.ts";
import type { CoreRequest } from "../core/request.ts";
import type { Usage } from "../core/usage.ts";
import { GatewayError, insufficientQuota } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Claim } from "../limits/idempotency.ts";
import { ClientClosed } from "../providers/errors.ts";
import type { UpstreamResult } from "../providers/provider.ts";
import { providerFor } from "../providers/registry.ts";
import { orderedTargets } from "../routing/pick-route.ts";
import { sha256 } from "../secrets/tokens.ts";
import { countText } from "../tokens/count.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import type { SurfaceCodec } from "./codec.ts";
import type { Gateway } from "./gateway.ts";
import { streamResponse } from "./stream-response.ts";

export type MeteredRequest = {
  requestId: string;
  /** Epoch ms and a monotonic start, for the log row and latencies. */
  startedAt: number;
  t0: number;
  endpoint: string;
  key: KeyRecord;
  model: ModelRecord;
  stream: boolean;
  inbound: { dialect: Dialect; body: Record<string, unknown>; headers?: Record<string, string> };
  /** The request in canonical form, decoded on first use (only for another dialect upstream). */
  core: () => CoreRequest;
  rawBody: string;
  idempotencyKey: string | null;
  /** Upper bound of the prompt's tokens, computed without tokenizing. */
  inputBound: number;
  requestedMaxTokens: number | null;
  choices: number;
  signal: AbortSignal;
  /** Response headers gathered so far (rate limits); the call adds its own. */
  headers: Record<string, string>;
  codec: SurfaceCodec;
};

/** How much of an estimate to add when refining a reservation with the tokenizer. */
const TOKENIZER_MARGIN = 1.25;

export function draftLog(
  req: Pick<MeteredRequest, "requestId" | "startedAt" | "endpoint" | "stream">,
  key: KeyRecord | null,
  model: string | null,
): LogRow {
  return {
    id: req.requestId,
    createdAt: req.startedAt,
    keyId: key?.id ?? null,
    accountId: key?.accountId ?? null,
    endpoint: req.endpoint,
    model,
    provider: null,
    upstreamModel: null,
    status: 0,
    outcome: "ok",
    stream: req.stream,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
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

/** Settles a finished call: charge, log row (and idempotent replay) in one group commit. */
export async function settleCall(
  gw: Gateway,
  call: { req: MeteredRequest; hold: Hold; log: LogRow; claim: Claim | null },
  result: {
    usage: Usage;
    source: "upstream" | "estimated";
    status: number;
    outcome: LogRow["outcome"];
    error: GatewayError | null;
    replay?: { body: string; headers: Record<string, string> };
  },
): Promise<void> {
  const { req, hold, log } = call;
  const now = Date.now();
  const cost = costOf(req.model.prices, {
    input: result.usage.inputTokens,
    cached: result.usage.cachedTokens,
    output: result.usage.outputTokens,
  });
  const { charged, op } = gw.book.settle(hold, req.key, cost, { requestId: req.requestId, now });
  Object.assign(log, {
    status: result.status,
    outcome: result.outcome,
    inputTokens: result.usage.inputTokens,
    cachedTokens: result.usage.cachedTokens,
    outputTokens: result.usage.outputTokens,
    usageSource: result.source,
    cost: charged,
    latencyMs: Math.round(performance.now() - req.t0),
    errorCode: result.error?.code ?? (result.outcome === "client_closed" ? "client_closed" : null),
    errorMessage: result.error?.message ?? null,
  } satisfies Partial<LogRow>);
  const logOp = gw.log.op(log);
  const idemOp =
    call.claim && result.replay
      ? gw.idempotency.completeOp(call.claim, { status: result.status, ...result.replay }, now)
      : null;
  try {
    await gw.commits.enqueue(() => {
      op?.();
      logOp();
      idemOp?.();
    });
  } finally {
    if (call.claim) gw.idempotency.finish(call.claim);
  }
}

/** Logs a call that failed before anything was sent to the client; nothing is charged. */
async function logFailure(gw: Gateway, req: MeteredRequest, log: LogRow, err: unknown): Promise<void> {
  const closed = err instanceof ClientClosed;
  const g = err instanceof GatewayError ? err : null;
  Object.assign(log, {
    status: closed ? 499 : (g?.status ?? 500),
    outcome: closed ? "client_closed" : "error",
    latencyMs: Math.round(performance.now() - req.t0),
    errorCode: closed ? "client_closed" : (g?.code ?? "internal_error"),
    errorMessage: closed ? null : (g?.message ?? "internal error"),
  } satisfies Partial<LogRow>);
  try {
    await gw.commits.enqueue(gw.log.op(log));
  } catch {
    // The database refused even the log row; the client still gets its error.
  }
}

function reserve(gw: Gateway, req: MeteredRequest) {
  const available = gw.book.available(req.key);
  const base = {
    prices: req.model.prices,
    requestedMaxTokens: req.requestedMaxTokens,
    defaultMaxTokens: req.model.maxOutputTokens ?? gw.settings.defaultMaxOutputTokens,
    choices: req.choices,
    available,
  };
  let plan = planReservation({ ...base, inputTokens: req.inputBound });
  if (!plan.ok) {
    // The byte bound is loose (about 4 bytes a token); count for real before refusing.
    const counted = Math.ceil(req.codec.countInput() * TOKENIZER_MARGIN) + 16;
    if (counted < req.inputBound) plan = planReservation({ ...base, inputTokens: counted });
  }
  if (!plan.ok) {
    const c = gw.settings.currency;
    throw insufficientQuota(
      `Insufficient balance: this request needs at least ${formatAmount(plan.needed)} ${c} (the prompt and a minimal answer) and ${formatAmount(Math.max(0, available))} ${c} is available. Top up or send a shorter request.`,
    );
  }
  return plan;
}

/**
 * One billed upstream call: idempotency, reservation, provider call, then settlement
 * committed before the client receives the end of the answer.
 */
export async function meteredCall(gw: Gateway, req: MeteredRequest): Promise<Response> {
  const log = draftLog(req, req.key, req.model.id);
  let claim: Claim | null = null;
  if (req.idempotencyKey !== null) {
    const r = gw.idempotency.begin({
      keyId: req.key.id,
      idemKey: req.idempotencyKey,
      bodyHash: sha256(req.rawBody),
      stream: req.stream,
      now: req.startedAt,
    });
    if ("replay" in r) {
      log.status = r.replay.status;
      log.errorCode = "idempotent_replay";
      log.latencyMs = Math.round(performance.now() - req.t0);
      await gw.commits.enqueue(gw.log.op(log));
      return new Response(r.replay.body, {
        status: r.replay.status,
        headers: { ...r.replay.headers, ...req.headers, "idempotent-replayed": "true" },
      });
    }
    claim = r.claim;
  }

  let hold: Hold | null = null;
  // Our own controller, so a cancelled body stream aborts the upstream even if the request signal stays quiet.
  const local = new AbortController();
  const signal = AbortSignal.any([req.signal, local.signal]);
  try {
    const plan = reserve(gw, req);
    hold = gw.book.hold(req.key, plan.amount);
    if (plan.clamped) {
      req.headers["x-tollgate-max-tokens-clamped"] = String(plan.maxTokens);
      log.maxTokensClamped = plan.maxTokens;
    }
    const target = orderedTargets(req.model, gw.catalog)[0]!;
    log.provider = target.provider.id;
    log.upstreamModel = target.model;
    const started = performance.now();
    let result: UpstreamResult;
    try {
      result = await providerFor(target.provider.kind).chat({
        requestId: req.requestId,
        target,
        inbound: req.inbound,
        core: req.core,
        stream: req.stream,
        maxTokens: plan.clamped ? plan.maxTokens : null,
        outputLimit: plan.maxTokens,
        capabilities: req.model.capabilities,
        dropped: log.droppedFields,
        signal,
      });
      log.attempts.push({
        provider: target.provider.id,
        model: target.model,
        status: 200,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      const g = err instanceof GatewayError ? err : null;
      log.attempts.push({
        provider: target.provider.id,
        model: target.model,
        status: g?.status ?? null,
        latencyMs: Math.round(performance.now() - started),
        error: g?.code ?? (err instanceof ClientClosed ? "client_closed" : "internal_error"),
      });
      throw err;
    }
    req.headers["x-tollgate-route"] = target.provider.id;

    if (result.kind === "stream") {
      const h = hold;
      hold = null; // the stream owns the hold from here
      return streamResponse(gw, {
        req,
        hold: h,
        log,
        claim,
        tap: req.codec.stream(result),
        events: result.events,
        abort: () => local.abort(),
      });
    }

    const out = req.codec.json(result);
    let usage = out.usage;
    const source = usage ? "upstream" : "estimated";
    usage ??= {
      inputTokens: req.codec.countInput(),
      cachedTokens: 0,
      outputTokens: countText(out.outputText()),
    };
    const headers = { ...req.headers, "content-type": "application/json" };
    const h = hold;
    hold = null;
    await settleCall(
      gw,
      { req, hold: h, log, claim },
      {
        usage,
        source,
        status: 200,
        outcome: "ok",
        error: null,
        replay: { body: out.body, headers: { "content-type": "application/json" } },
      },
    );
    return new Response(out.body, { status: 200, headers });
  } catch (err) {
    if (hold) gw.book.release(hold, req.key);
    if (claim) gw.idempotency.finish(claim);
    await logFailure(gw, req, log, err);
    throw new MeteredFailure(err);
  }
}

/** An error that meteredCall already logged; the pipeline unwraps it. */
export class MeteredFailure extends Error {
  constructor(override readonly cause: unknown) {
    super("metered call failed");
    this.name = "MeteredFailure";
  }
}
