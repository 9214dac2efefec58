import { HoldRefused } from "../billing/cluster-book.ts";
import { formatAmount } from "../billing/money.ts";
import { spendRefusal } from "../billing/spend-limits.ts";
import type { ModelRecord } from "../catalog/catalog.ts";
import { kindMismatch, MEDIA_KIND } from "../catalog/model-kind.ts";
import type { Usage } from "../core/usage.ts";
import { badRequest } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import type { Provider, Target } from "../providers/provider.ts";
import { providerFor } from "../providers/registry.ts";
import { attemptRoutes } from "../routing/attempts.ts";
import { orderedTargets } from "../routing/pick-route.ts";
import type { BilledCall } from "./billed-call.ts";
import type { RoutingServices } from "./call-services.ts";
import type { MeteredRequest } from "./metered-call.ts";

/** What a media route contributes to a billed call: what it may cost, and the call itself. */
export interface MediaMeter {
  /** The provider capability the route needs (a kind without it answers 400, before reserving). */
  capability: "embeddings" | "images" | "videos";
  /** Request fields the target cannot take, dropped and named on the log row. */
  dropped?: string[];
  /**
   * The most this call can cost in nano-units (n images x price, seconds x price, a bound
   * of the input tokens x price). Throws a 400 when the model has no price for what is asked.
   */
  reserve(model: ModelRecord): number;
  /** Runs the call on the chosen target and returns the client's answer and what to bill. */
  run(target: Target, ctx: MediaRunContext): Promise<MediaOutcome>;
}

export type MediaRunContext = {
  requestId: string;
  model: ModelRecord;
  key: KeyRecord;
  /** The gateway's origin for links it hands out (public_url, else the request's origin). */
  origin: string;
  signal: AbortSignal;
};

export type MediaOutcome = {
  /** The client's JSON answer. */
  body: string;
  /** Cost in nano-units, from what the upstream produced. */
  cost: number;
  /** Tokens for the log row (input tokens of embeddings; image tokens where reported). */
  usage: Usage;
  source: "upstream" | "estimated";
};

export type MediaRequest = Pick<
  MeteredRequest,
  "requestId" | "startedAt" | "key" | "model" | "rawBody" | "idempotencyKey" | "signal" | "headers"
> & { meter: MediaMeter; origin: string };

/**
 * A reservation is a whole, non-negative number of nano-units: anything else is a bug in a
 * meter (a negative one would raise what the account may spend beside it).
 */
function reservation(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new Error(`media reservation ${amount} is not a non-negative integer`);
  return amount;
}

/**
 * A billed media call on the same rails as chat (idempotency, reservation, the model's
 * routes with failover and retries, settlement and log row in one group commit, nothing
 * billed on failure), with the route's own reservation and cost instead of token prices.
 * Every route of a media model must have the capability: the first one is checked.
 */
export async function mediaCall(gw: RoutingServices, call: BilledCall, req: MediaRequest): Promise<Response> {
  const log = call.log;
  log.droppedFields.push(...(req.meter.dropped ?? []));
  const replay = await call.claimIdempotency({ ...req, stream: false }, req.headers);
  if (replay) return replay;
  const target = orderedTargets(req.model, gw.catalog)[0]!;
  const provider: Provider = providerFor(target.provider.kind);
  if (!provider[req.meter.capability])
    throw badRequest(
      `The model '${req.model.id}' does not support ${req.meter.capability}: its provider (${target.provider.kind}) has no ${req.meter.capability} API.`,
      "model",
      "unsupported_endpoint",
    );
  const amount = reservation(req.meter.reserve(req.model));
  // After the price check, so a chat model without media prices keeps that more specific refusal.
  const mismatch = kindMismatch(req.model, MEDIA_KIND[req.meter.capability]);
  if (mismatch) throw mismatch;
  const refuse = (seen?: HoldRefused["headroom"]) =>
    spendRefusal(
      gw.book,
      req.key,
      gw.settings.currency,
      `may cost up to ${formatAmount(amount)} ${gw.settings.currency}`,
      seen,
    );
  if (amount > gw.book.available(req.key)) throw refuse();
  const held = call.reserve(amount);
  // Replicas: Redis decides, counting every replica's holds.
  if (held)
    await held.catch((err: unknown) => {
      throw err instanceof HoldRefused ? refuse(err.headroom) : err;
    });
  const { result: out, target: answered } = await attemptRoutes(
    {
      catalog: gw.catalog,
      routes: gw.routes,
      cfg: gw.settings.routing,
      hooks: { onAttempt: (route, outcome, retry) => gw.metrics.attempt(route, outcome, retry) },
    },
    req.model,
    (t) =>
      req.meter.run(t, {
        requestId: req.requestId,
        model: req.model,
        key: req.key,
        origin: req.origin,
        signal: req.signal,
      }),
    { signal: req.signal, attempts: log.attempts, attemptsLeft: { n: gw.settings.routing.maxAttempts } },
  );
  log.provider = answered.provider.id;
  log.upstreamModel = answered.model;
  if (gw.settings.exposeRouteHeaders)
    req.headers["x-tollgate-route"] = `${answered.provider.id}:${answered.model}`;
  await call.settle({
    usage: out.usage,
    source: out.source,
    status: 200,
    outcome: "ok",
    error: null,
    // Never more than reserved: the client agreed to that much (an upstream that made more
    // than it was asked for is not the client's to pay).
    cost: Math.min(Math.max(0, out.cost), amount),
    replay: { body: out.body, headers: { "content-type": "application/json" } },
  });
  return new Response(out.body, {
    status: 200,
    headers: { ...req.headers, "content-type": "application/json" },
  });
}
