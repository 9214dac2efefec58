import type { Hold } from "../billing/account-book.ts";
import { costOf, formatAmount } from "../billing/money.ts";
import { assertReservation } from "../billing/reserve-plan.ts";
import { spendRefusal } from "../billing/spend-limits.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import type { Dialect } from "../core/dialect.ts";
import type { CoreRequest } from "../core/request.ts";
import type { Usage } from "../core/usage.ts";
import { GatewayError } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Claim } from "../limits/idempotency.ts";
import { ClientClosed, scrub, upstreamStreamCut } from "../providers/errors.ts";
import type { Target, UpstreamResult } from "../providers/provider.ts";
import { providerFor } from "../providers/registry.ts";
import { attemptRoutes, retryable } from "../routing/attempts.ts";
import { RequestDeadline } from "../routing/deadline.ts";
import { sha256 } from "../secrets/tokens.ts";
import type { SseEvent } from "../sse/parser.ts";
import type { Write } from "../store/writes.ts";
import { countText, imageTokenBound } from "../tokens/count.ts";
import { type LogRow, logWrites } from "../usage-log/request-log.ts";
import type { SurfaceCodec } from "./codec.ts";
import type { Gateway } from "./gateway.ts";
import { refinedPlan } from "./reserve-refine.ts";
import { streamResponse } from "./stream-response.ts";

export type MeteredRequest = {
  requestId: string;
  /** Epoch ms and a monotonic start, for the log row and latencies. */
  startedAt: number;
  t0: number;
  endpoint: string;
  key: KeyRecord;
  /** The model being served; a fallback replaces it. */
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
  /** The request text for the log line, read only when `logging.prompts` is on. */
  promptText?: () => string;
};

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

/** Settles a finished call: charge, log row (and idempotent replay) in one group commit. */
export async function settleCall(
  gw: Gateway,
  call: {
    req: Pick<MeteredRequest, "model" | "key" | "requestId" | "t0" | "promptText">;
    hold: Hold;
    log: LogRow;
    claim: Claim | null;
  },
  result: {
    usage: Usage;
    source: "upstream" | "estimated" | "none";
    status: number;
    outcome: LogRow["outcome"];
    error: GatewayError | null;
    replay?: { body: string; headers: Record<string, string> };
    /** The cost when it is not the tokens at the model's prices (images, video seconds). */
    cost?: number;
  },
): Promise<void> {
  const { req, hold, log } = call;
  const now = Date.now();
  const cost =
    result.cost ??
    costOf(req.model.prices, {
      input: result.usage.inputTokens,
      cached: result.usage.cachedTokens,
      output: result.usage.outputTokens,
      cacheWrite: result.usage.cacheWriteTokens,
      cacheWrite1h: result.usage.cacheWrite1hTokens,
    });
  const { charged, write, revert } = gw.book.settle(hold, req.key, cost, { requestId: req.requestId, now });
  Object.assign(log, {
    status: result.status,
    outcome: result.outcome,
    inputTokens: result.usage.inputTokens,
    cachedTokens: result.usage.cachedTokens,
    outputTokens: result.usage.outputTokens,
    cacheWriteTokens: result.usage.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: result.usage.cacheWrite1hTokens ?? 0,
    usageSource: result.source,
    cost: charged,
    latencyMs: Math.round(performance.now() - req.t0),
    errorCode: result.error?.code ?? (result.outcome === "client_closed" ? "client_closed" : null),
    errorMessage: result.error?.message ?? null,
  } satisfies Partial<LogRow>);
  // The charge, the log row and the replay commit together or not at all.
  const entry: Write[] = write ? [write, ...logWrites(log)] : logWrites(log);
  if (call.claim && result.replay)
    entry.push(gw.idempotency.completeWrite(call.claim, { status: result.status, ...result.replay }, now));
  try {
    await gw.commits.enqueue(entry);
  } catch (err) {
    // Not written: the charge never happened.
    revert();
    throw err;
  } finally {
    if (call.claim) gw.idempotency.finish(call.claim);
  }
  gw.recordRequest(log, req.promptText);
}

/** Logs a call that failed before anything was sent to the client; nothing is charged. */
export async function logFailure(
  gw: Gateway,
  req: Pick<MeteredRequest, "t0" | "promptText">,
  log: LogRow,
  err: unknown,
): Promise<void> {
  const closed = err instanceof ClientClosed;
  const g = err instanceof GatewayError ? err : null;
  Object.assign(log, {
    status: closed ? 499 : (g?.status ?? 500),
    outcome: closed ? "client_closed" : "error",
    latencyMs: Math.round(performance.now() - req.t0),
    errorCode: closed ? "client_closed" : (g?.code ?? "internal_error"),
    errorMessage: closed ? null : (g?.message ?? "internal error"),
    // A failed call is billed nothing, even if a settlement had filled these in before its write failed.
    cost: 0,
  } satisfies Partial<LogRow>);
  try {
    await gw.commits.enqueue(logWrites(log));
  } catch {
    // The database refused even the log row; the client still gets its error.
  }
  gw.recordRequest(log, req.promptText);
}

function reserve(gw: Gateway, req: MeteredRequest) {
  const available = gw.book.available(req.key);
  const base = {
    prices: req.model.prices,
    requestedMaxTokens: req.requestedMaxTokens,
    defaultMaxTokens: req.model.maxOutputTokens ?? gw.settings.defaultMaxOutputTokens,
    modelMaxTokens: req.model.maxOutputTokens,
    choices: req.choices,
    available,
  };
  // The byte bound is loose (about 4 bytes a token): counted for real before it refuses or cuts the answer.
  const plan = refinedPlan(base, req.inputBound, () => req.codec.countInput(imageTokenBound(req.model)));
  if (!plan.ok)
    throw spendRefusal(
      gw.book,
      req.key,
      gw.settings.currency,
      `needs at least ${formatAmount(plan.needed)} ${gw.settings.currency} (the prompt and a minimal answer)`,
    );
  return plan;
}

/** The requested model, then its fallbacks that are enabled and that the key may use. */
function fallbackChain(gw: Gateway, key: KeyRecord, model: ModelRecord): ModelRecord[] {
  const chain = [model];
  for (const id of model.fallbacks) {
    const m = gw.catalog.model(id);
    // A fallback of another kind (an embeddings model behind a chat model) could not answer.
    if (
      m?.enabled &&
      m.kind === model.kind &&
      (!key.models || key.models.has(id)) &&
      gw.plans.modelAllowed(key.accountId, id) &&
      !chain.includes(m)
    )
      chain.push(m);
  }
  return chain;
}

/**
 * One attempt on one route. A stream is only handed on once its first event arrived:
 * a stream that dies before its first byte reached the client can still be retried.
 */
async function callTarget(
  req: MeteredRequest,
  target: Target,
  plan: { maxTokens: number; clamped: boolean },
  ctx: { signal: AbortSignal; log: LogRow },
): Promise<UpstreamResult> {
  // Each attempt records the hints its own provider dropped; the answering one's stay on the row.
  const dropped: string[] = [];
  const result = await providerFor(target.provider.kind).chat({
    requestId: req.requestId,
    target,
    inbound: req.inbound,
    core: req.core,
    stream: req.stream,
    // Always: the upstream must be held to what was reserved (the client's limit, or the model's).
    maxTokens: plan.maxTokens,
    capabilities: req.model.capabilities,
    dropped,
    signal: ctx.signal,
  });
  ctx.log.droppedFields = dropped;
  if (result.kind !== "stream") return result;
  const it = result.events[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw upstreamStreamCut();
  // An error as the stream's first word is a failed attempt, worth the next route.
  const failure = streamOpensWithError(first.value);
  if (failure) {
    await it.return?.();
    throw failure;
  }
  // The first batch again, then the rest, without another generator layer on every event.
  let held: SseEvent[] | null = first.value;
  const events: AsyncIterableIterator<SseEvent[]> = {
    next: () => {
      if (held === null) return it.next();
      const value = held;
      held = null;
      return Promise.resolve({ value, done: false });
    },
    return: (value?: unknown) =>
      it.return?.(value) ?? Promise.resolve({ value: undefined, done: true as const }),
    [Symbol.asyncIterator]() {
      return events;
    },
  };
  return { ...result, events };
}

/**
 * An upstream error reported as the first thing in a stream (OpenAI and Gemini `{"error": ...}`,
 * Anthropic `event: error`), as a retryable upstream failure; null when the stream opens normally.
 */
function streamOpensWithError(events: SseEvent[]): GatewayError | null {
  for (const ev of events) {
    if (ev.event !== "error" && !ev.data.includes('"error"')) continue;
    let body: { error?: unknown; type?: unknown };
    try {
      body = JSON.parse(ev.data);
    } catch {
      continue;
    }
    if (ev.event !== "error" && !(body.error && typeof body.error === "object") && body.type !== "error")
      continue;
    const err = (body.error ?? {}) as { message?: unknown };
    const message = typeof err.message === "string" ? scrub(err.message, []).slice(0, 300) : "an error event";
    return new GatewayError(
      "upstream",
      `The upstream provider failed at the start of the stream: ${message}`,
      {
        code: "upstream_stream_error",
      },
    );
  }
  return null;
}

/**
 * Starts an Idempotency-Key claim: the stored answer (as a Response, logged as a replay)
 * when the key was already used for this body, else the claim (null without a key).
 */
export async function claimIdempotency(
  gw: Gateway,
  req: Pick<
    MeteredRequest,
    "key" | "idempotencyKey" | "rawBody" | "stream" | "startedAt" | "t0" | "headers" | "promptText"
  >,
  log: LogRow,
): Promise<Response | Claim | null> {
  if (req.idempotencyKey === null) return null;
  const r = gw.idempotency.begin({
    keyId: req.key.id,
    idemKey: req.idempotencyKey,
    bodyHash: sha256(req.rawBody),
    stream: req.stream,
    now: req.startedAt,
  });
  if (!("replay" in r)) return r.claim;
  log.status = r.replay.status;
  log.errorCode = "idempotent_replay";
  log.latencyMs = Math.round(performance.now() - req.t0);
  await gw.commits.enqueue(logWrites(log));
  gw.recordRequest(log, req.promptText);
  return new Response(r.replay.body, {
    status: r.replay.status,
    headers: { ...r.replay.headers, ...req.headers, "idempotent-replayed": "true" },
  });
}

/**
 * One billed upstream call: idempotency, reservation, provider call, then settlement
 * committed before the client receives the end of the answer.
 */
export async function meteredCall(gw: Gateway, req: MeteredRequest): Promise<Response> {
  const log = draftLog(req, req.key, req.model.id);
  const claimed = await claimIdempotency(gw, req, log);
  if (claimed instanceof Response) return claimed;
  const claim = claimed;

  let hold: Hold | null = null;
  /** Set once the settlement's row is committed. */
  let written = false;
  // Our own controller, so a cancelled body stream aborts the upstream even if the request signal stays quiet.
  const local = new AbortController();
  // One deadline over every attempt, retry and fallback below, counted from the request's arrival.
  const deadline = new RequestDeadline(gw.settings.requestTimeoutMs, req.t0);
  const signal = AbortSignal.any([req.signal, local.signal, deadline.signal]);
  try {
    const chain = fallbackChain(gw, req.key, req.model);
    let routed: { result: UpstreamResult; target: Target } | null = null;
    let failure: unknown = null;
    for (let i = 0; i < chain.length && !routed; i++) {
      // Each model of the chain is reserved at its own prices before it is tried.
      req.model = chain[i]!;
      log.model = req.model.id;
      if (hold) gw.book.release(hold, req.key);
      hold = null;
      let plan: ReturnType<typeof reserve>;
      try {
        plan = reserve(gw, req);
      } catch (err) {
        // A fallback the balance cannot afford: the client should hear why the model it asked for failed.
        throw failure ?? err;
      }
      hold = gw.book.hold(req.key, assertReservation(plan.amount));
      if (plan.clamped) req.headers["x-tollgate-max-tokens-clamped"] = String(plan.maxTokens);
      else delete req.headers["x-tollgate-max-tokens-clamped"];
      log.maxTokensClamped = plan.clamped ? plan.maxTokens : null;
      try {
        routed = await attemptRoutes(
          {
            catalog: gw.catalog,
            routes: gw.routes,
            cfg: gw.settings.routing,
            hooks: { onAttempt: (route, outcome, retry) => gw.metrics.attempt(route, outcome, retry) },
          },
          req.model,
          (target) => callTarget(req, target, plan, { signal, log }),
          { signal, attempts: log.attempts, attemptsLeft: { n: gw.settings.routing.maxAttempts } },
        );
      } catch (err) {
        if (i === chain.length - 1 || !retryable(err)) throw err;
        failure = err;
      }
    }
    // An answer started (a stream's first event, or a whole JSON body): the deadline is over.
    deadline.disarm();
    const { result, target } = routed!;
    const held = hold!;
    log.provider = target.provider.id;
    log.upstreamModel = target.model;
    if (gw.settings.exposeRouteHeaders)
      req.headers["x-tollgate-route"] = `${target.provider.id}:${target.model}`;
    req.headers["x-tollgate-model"] = req.model.id;

    if (result.kind === "stream") {
      const tap = req.codec.stream(result);
      hold = null; // the stream owns the hold from here
      return streamResponse(gw, {
        req,
        hold: held,
        log,
        claim,
        tap,
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
    hold = null;
    await settleCall(
      gw,
      { req, hold: held, log, claim },
      {
        usage,
        source,
        status: 200,
        outcome: "ok",
        error: null,
        replay: { body: out.body, headers: { "content-type": "application/json" } },
      },
    );
    written = true;
    return new Response(out.body, { status: 200, headers });
  } catch (err) {
    deadline.disarm();
    if (hold) gw.book.release(hold, req.key);
    if (claim) gw.idempotency.finish(claim);
    const last = log.attempts.at(-1);
    if (last) {
      log.provider = last.provider;
      log.upstreamModel = last.model;
    }
    // Once the settlement's row is committed, a later failure must not log the request again.
    if (!written) await logFailure(gw, req, log, err);
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
