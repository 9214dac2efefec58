import { HoldRefused } from "../billing/cluster-book.ts";
import { formatAmount } from "../billing/money.ts";
import { assertReservation } from "../billing/reserve-plan.ts";
import { spendRefusal } from "../billing/spend-limits.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import type { SurfaceCodec } from "../core/codec.ts";
import type { Dialect } from "../core/dialect.ts";
import type { JsonBody } from "../core/json-body.ts";
import type { CoreRequest } from "../core/request.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Target, UpstreamResult } from "../providers/provider.ts";
import { providerFor } from "../providers/registry.ts";
import { attemptRoutes, retryable } from "../routing/attempts.ts";
import { RequestDeadline } from "../routing/deadline.ts";
import { countText, imageTokenBound } from "../tokens/count.ts";
import type { LogRow } from "../usage-log/request-log.ts";
import type { BilledCall } from "./billed-call.ts";
import type { RoutingServices } from "./call-services.ts";
import { refinedPlan } from "./reserve-refine.ts";
import { streamResponse } from "./stream-response.ts";
import { firstEventArrived } from "./stream-start.ts";

/** A chat-kind request (chat, responses, messages, generateContent) as routing needs it. */
export type MeteredRequest = {
  requestId: string;
  startedAt: number;
  /** A monotonic start: the request deadline counts from it. */
  t0: number;
  key: KeyRecord;
  /** The model asked for; its fallbacks follow it. */
  model: ModelRecord;
  stream: boolean;
  inbound: { dialect: Dialect; body: JsonBody; headers?: Record<string, string> };
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

/** The call's plan on what is free (this replica's view, or what a refused shared hold said is free). */
function reserve(gw: RoutingServices, req: MeteredRequest, model: ModelRecord, refused?: HoldRefused) {
  const available = refused?.available ?? gw.book.available(req.key);
  const base = {
    prices: model.prices,
    requestedMaxTokens: req.requestedMaxTokens,
    defaultMaxTokens: model.maxOutputTokens ?? gw.settings.defaultMaxOutputTokens,
    modelMaxTokens: model.maxOutputTokens,
    choices: req.choices,
    available,
  };
  // The byte bound is loose (about 4 bytes a token): counted for real before it refuses or cuts the answer.
  const plan = refinedPlan(base, req.inputBound, () => req.codec.countInput(imageTokenBound(model)));
  if (!plan.ok)
    throw spendRefusal(
      gw.book,
      req.key,
      gw.settings.currency,
      `needs at least ${formatAmount(plan.needed)} ${gw.settings.currency} (the prompt and a minimal answer)`,
      refused?.headroom,
    );
  return plan;
}

/**
 * Awaits a shared hold (replicas: Redis decides). Refused, the call is planned once more on
 * what Redis said is free (a lower max_tokens, docs/cost-bounds.md) and reserved again; a
 * second refusal is the client's insufficient_quota, as on one box.
 */
async function sharedHold(
  gw: RoutingServices,
  call: BilledCall,
  req: MeteredRequest,
  model: ModelRecord,
  held: Promise<void>,
): Promise<ReturnType<typeof reserve> | null> {
  try {
    await held;
    return null;
  } catch (err) {
    if (!(err instanceof HoldRefused)) throw err;
    const plan = reserve(gw, req, model, err);
    try {
      await call.reserve(assertReservation(plan.amount));
    } catch (again) {
      if (!(again instanceof HoldRefused)) throw again;
      // Still refused (other replicas reserved meanwhile): the refusal of one box, with what Redis saw free.
      reserve(gw, req, model, again);
      throw refusal(gw, req, again);
    }
    return plan;
  }
}

function refusal(gw: RoutingServices, req: MeteredRequest, refused: HoldRefused) {
  return spendRefusal(gw.book, req.key, gw.settings.currency, "cannot be reserved", refused.headroom);
}

/** The requested model, then its fallbacks that are enabled and that the key may use. */
function fallbackChain(gw: RoutingServices, key: KeyRecord, model: ModelRecord): ModelRecord[] {
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
  ctx: { model: ModelRecord; signal: AbortSignal; log: LogRow },
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
    capabilities: ctx.model.capabilities,
    dropped,
    signal: ctx.signal,
  });
  ctx.log.droppedFields = dropped;
  if (result.kind !== "stream") return result;
  return { ...result, events: await firstEventArrived(result.events) };
}

/**
 * Routes one billed chat-kind call: idempotency, a reservation per model of the fallback
 * chain, the provider call with retries and failover, then the answer. The billed call ends
 * here for a JSON answer (settled before the client gets it) and in the stream for a stream;
 * anything thrown ends it as failed in the client pipeline.
 */
export async function meteredCall(
  gw: RoutingServices,
  call: BilledCall,
  req: MeteredRequest,
): Promise<Response> {
  const replay = await call.claimIdempotency(req, req.headers);
  if (replay) return replay;
  const log = call.log;
  // Our own controller, so a cancelled body stream aborts the upstream even if the request
  // signal stays quiet; the client leaving and the deadline abort it too.
  const local = new CallAbort(req.signal);
  // One deadline over every attempt, retry and fallback below, counted from the request's arrival.
  const deadline = new RequestDeadline(gw.settings.requestTimeoutMs, req.t0, local);
  const signal = local.signal;
  let routed: Awaited<ReturnType<typeof route>>;
  try {
    routed = await route(gw, call, req, signal);
  } finally {
    // An answer started (a stream's first event, or a whole JSON body), or none will: the deadline is over.
    deadline.disarm();
  }
  const { result, target, model } = routed;
  log.provider = target.provider.id;
  log.upstreamModel = target.model;
  if (gw.settings.exposeRouteHeaders)
    req.headers["x-tollgate-route"] = `${target.provider.id}:${target.model}`;
  req.headers["x-tollgate-model"] = model.id;

  if (result.kind === "stream")
    return streamResponse(call, {
      tap: req.codec.stream(result),
      events: result.events,
      codec: req.codec,
      headers: req.headers,
      // The controller itself, not an arrow: an arrow here would keep this call's whole scope
      // (the request, its parsed body) alive for as long as the stream is held.
      upstream: local,
    });

  const out = req.codec.json(result);
  const usage = out.usage ?? {
    inputTokens: req.codec.countInput(),
    cachedTokens: 0,
    outputTokens: countText(out.outputText()),
  };
  await call.settle({
    usage,
    source: out.usage ? "upstream" : "estimated",
    status: 200,
    outcome: "ok",
    error: null,
    replay: { body: out.body, headers: { "content-type": "application/json" } },
  });
  return new Response(out.body, {
    status: 200,
    headers: { ...req.headers, "content-type": "application/json" },
  });
}

/**
 * The call's controller, aborted when the request's signal aborts (with its reason). It is
 * its own listener: no closure per call, and none over meteredCall's scope, which a held
 * stream would keep alive for as long as the request lives.
 */
class CallAbort extends AbortController implements EventListenerObject {
  constructor(private readonly request: AbortSignal) {
    super();
    if (request.aborted) this.abort(request.reason);
    else request.addEventListener("abort", this, { once: true });
  }

  handleEvent(): void {
    this.abort(this.request.reason);
  }
}

/** The requested model, then each fallback, each reserved at its own prices before it is tried. */
async function route(
  gw: RoutingServices,
  call: BilledCall,
  req: MeteredRequest,
  signal: AbortSignal,
): Promise<{ result: UpstreamResult; target: Target; model: ModelRecord }> {
  const log = call.log;
  const chain = fallbackChain(gw, req.key, req.model);
  let failure: unknown = null;
  for (let i = 0; ; i++) {
    const model = chain[i]!;
    call.serve(model);
    call.release();
    let plan: ReturnType<typeof reserve>;
    try {
      plan = reserve(gw, req, model);
      const held = call.reserve(assertReservation(plan.amount));
      if (held) plan = (await sharedHold(gw, call, req, model, held)) ?? plan;
    } catch (err) {
      // A fallback the balance cannot afford: the client should hear why the model it asked for failed.
      throw failure ?? err;
    }
    if (plan.clamped) req.headers["x-tollgate-max-tokens-clamped"] = String(plan.maxTokens);
    else delete req.headers["x-tollgate-max-tokens-clamped"];
    log.maxTokensClamped = plan.clamped ? plan.maxTokens : null;
    try {
      const routed = await attemptRoutes(
        {
          catalog: gw.catalog,
          routes: gw.routes,
          cfg: gw.settings.routing,
          hooks: { onAttempt: (r, outcome, retry) => gw.metrics.attempt(r, outcome, retry) },
        },
        model,
        (target) => callTarget(req, target, plan, { model, signal, log }),
        { signal, attempts: log.attempts, attemptsLeft: { n: gw.settings.routing.maxAttempts } },
      );
      return { ...routed, model };
    } catch (err) {
      if (i === chain.length - 1 || !retryable(err)) throw err;
      failure = err;
    }
  }
}
