import type { Catalog, ModelRecord } from "../catalog/catalog.ts";
import { GatewayError } from "../errors.ts";
import { ClientClosed, providerSecrets, scrub } from "../providers/errors.ts";
import type { Target, UpstreamResult } from "../providers/provider.ts";
import type { Attempt } from "../usage-log/request-log.ts";
import { backoffMs, retryAfterMs } from "./backoff.ts";
import { deadlineReason } from "./deadline.ts";
import { orderedTargets } from "./pick-route.ts";
import { type RouteStates, routeId } from "./route-state.ts";

/** An attempt's message in the log: enough for the upstream's own words, bounded per attempt. */
const MAX_ATTEMPT_MESSAGE = 500;

export type RoutingConfig = { maxAttempts: number; backoff: { baseMs: number; maxMs: number } };

export type AttemptHooks = {
  /** Called for every attempt's end, for metrics. */
  onAttempt(route: string, outcome: "ok" | "error" | "client_closed", retry: boolean): void;
};

/** Upstream failures worth another attempt: 429, 5xx, timeouts, connection errors, a stream dead before its first event. */
export function retryable(err: unknown): boolean {
  return (
    err instanceof GatewayError &&
    !err.final &&
    (err.kind === "rate_limit" ||
      err.kind === "upstream" ||
      err.kind === "timeout" ||
      err.kind === "unavailable")
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(deadlineReason(signal) ?? new ClientClosed());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(deadlineReason(signal) ?? new ClientClosed());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Tries a model's routes until one answers: in priority order (weighted inside a
 * priority), skipping routes whose breaker is open or that are cooling down after a
 * 429; a failure moves to the next route at once (failover), and only when every route
 * was tried does it retry one, after an exponential backoff with jitter (or the
 * upstream's Retry-After), within the route's retry budget. Never retries a 4xx caused
 * by the request. Every attempt lands in `attempts`.
 */
export async function attemptRoutes<R = UpstreamResult>(
  deps: { catalog: Catalog; routes: RouteStates; cfg: RoutingConfig; hooks: AttemptHooks },
  model: ModelRecord,
  call: (target: Target) => Promise<R>,
  ctx: { signal: AbortSignal; attempts: Attempt[]; attemptsLeft: { n: number } },
): Promise<{ result: R; target: Target }> {
  const targets = orderedTargets(model, deps.catalog);
  const tries = new Map<string, number>();
  let lastError: unknown = null;
  let retryNo = 0;

  while (ctx.attemptsLeft.n > 0) {
    const now = Date.now();
    let target = targets.find((t) => !tries.has(routeId(t)) && deps.routes.get(t).usable(now));
    let isRetry = false;
    if (!target) {
      // Nothing usable right now. Wait for a route that soon will be: an untried one cooling
      // after a 429, else a retry of the least-tried one (budget and backoff permitting).
      const untried = targets
        .filter((t) => !tries.has(routeId(t)))
        .sort((a, b) => deps.routes.get(a).coolUntil - deps.routes.get(b).coolUntil);
      const tried = targets
        .filter((t) => tries.has(routeId(t)))
        .sort((a, b) => (tries.get(routeId(a)) ?? 0) - (tries.get(routeId(b)) ?? 0));
      let waitMs = 0;
      for (const t of [...untried, ...tried]) {
        const st = deps.routes.get(t);
        const cool = Math.max(0, st.coolUntil - now);
        if (cool > deps.cfg.backoff.maxMs || !st.breaker.available(now + cool)) continue;
        const again = tries.has(routeId(t));
        if (again && !st.budget.tryRetry(now)) continue;
        target = t;
        isRetry = again;
        waitMs = again ? Math.max(cool, backoffMs(retryNo++, deps.cfg.backoff)) : cool;
        break;
      }
      if (!target) break;
      await sleep(waitMs, ctx.signal);
    }
    const state = deps.routes.get(target);
    // A shared breaker (Redis) answers with a promise; the in-process one at once.
    const acquired = state.breaker.tryAcquire(Date.now());
    if (!(typeof acquired === "boolean" ? acquired : await acquired)) {
      tries.set(routeId(target), (tries.get(routeId(target)) ?? 0) + 1);
      continue;
    }
    ctx.attemptsLeft.n--;
    tries.set(routeId(target), (tries.get(routeId(target)) ?? 0) + 1);
    state.budget.recordCall(Date.now());
    const started = performance.now();
    const base = { provider: target.provider.id, model: target.model, publicModel: model.id };
    try {
      const result = await call(target);
      const told = state.breaker.success();
      if (told) await told;
      state.lastSuccessAt = Date.now();
      state.successes++;
      ctx.attempts.push({
        ...base,
        status: 200,
        latencyMs: Math.round(performance.now() - started),
        retry: isRetry,
      });
      deps.hooks.onAttempt(state.id, "ok", isRetry);
      return { result, target };
    } catch (err) {
      const latencyMs = Math.round(performance.now() - started);
      if (err instanceof ClientClosed) {
        // The attempt was cut from our side: the client left, or the request's deadline passed
        // (then the route is not blamed either: it may only have had what earlier attempts left).
        const told = state.breaker.abandon();
        if (told) await told;
        const deadline = deadlineReason(ctx.signal);
        ctx.attempts.push({
          ...base,
          status: deadline ? deadline.status : null,
          latencyMs,
          error: deadline ? deadline.code : "client_closed",
          ...(deadline && { message: deadline.message }),
          retry: isRetry,
        });
        deps.hooks.onAttempt(state.id, deadline ? "error" : "client_closed", isRetry);
        throw deadline ?? err;
      }
      const g = err instanceof GatewayError ? err : null;
      ctx.attempts.push({
        ...base,
        status: g?.status ?? null,
        latencyMs,
        error: g?.code ?? "internal_error",
        ...(g?.upstreamStatus != null && { upstreamStatus: g.upstreamStatus }),
        // Already scrubbed where an upstream's text became the message; again here, since
        // the log keeps it (an internal error's own text is never kept: it may say anything).
        ...(g && {
          message: scrub(g.message, providerSecrets(target.provider)).slice(0, MAX_ATTEMPT_MESSAGE),
        }),
        retry: isRetry,
      });
      deps.hooks.onAttempt(state.id, "error", isRetry);
      if (!retryable(err)) {
        // The route answered; the request was at fault. It says nothing against the route.
        const told = state.breaker.success();
        if (told) await told;
        throw err;
      }
      const told = state.breaker.failure(Date.now());
      if (told) await told;
      state.lastFailureAt = Date.now();
      state.failures++;
      state.lastError = g?.message ?? "internal error";
      const ra = retryAfterMs(g?.headers["retry-after"]);
      if (g?.kind === "rate_limit" && ra !== null) state.coolUntil = Date.now() + ra;
      lastError = err;
    }
  }
  if (lastError) throw lastError;
  const now = Date.now();
  const cooling = targets.map((t) => deps.routes.get(t).coolUntil - now).filter((ms) => ms > 0);
  if (cooling.length > 0) {
    const wait = Math.ceil(Math.min(...cooling) / 1000);
    throw new GatewayError(
      "rate_limit",
      `Every route of model '${model.id}' is rate limited upstream. Try again in ${wait} s.`,
      {
        code: "upstream_rate_limited",
        headers: { "retry-after": String(wait) },
      },
    );
  }
  throw new GatewayError(
    "unavailable",
    `No healthy route for model '${model.id}' right now: its circuit breakers are open. Retry later or choose another model.`,
    {
      code: "no_healthy_route",
    },
  );
}
