import { GatewayError } from "../errors.ts";

/** The answer when a request's deadline passed before an upstream answered: 504, never retried. */
export const requestTimeout = (ms: number) =>
  new GatewayError(
    "timeout",
    `No upstream answered within the gateway's limit of ${ms} ms for one request (routing.request_timeout_ms), across every attempt and retry.`,
    { code: "request_timeout", final: true },
  );

/**
 * One deadline for a whole client request, counted from its arrival: every upstream attempt,
 * retry and backoff wait runs inside it, so a hung upstream costs the client this long at
 * most, not `max_attempts` times the provider's first-byte timeout. It aborts with the 504
 * as the signal's reason, which the routing loop hands on instead of a closed client.
 * Disarmed once an answer started: a stream flowing to the client is not cut by it.
 */
export class RequestDeadline {
  private readonly timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `ms` 0 is no deadline; `t0` is the request's start on the performance clock. Aborts
   * `controller` (the call's own: one signal per call, not one per cause joined by
   * AbortSignal.any) with the 504 as its reason.
   */
  constructor(
    ms: number,
    t0: number,
    private readonly controller: AbortController = new AbortController(),
  ) {
    if (ms <= 0) return;
    const left = ms - (performance.now() - t0);
    this.timer = setTimeout(() => this.controller.abort(requestTimeout(ms)), Math.max(0, left));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  disarm(): void {
    clearTimeout(this.timer);
  }
}

/** The deadline's 504 when `signal` was aborted by one, else null (the client went away). */
export function deadlineReason(signal: AbortSignal): GatewayError | null {
  return signal.aborted && signal.reason instanceof GatewayError ? signal.reason : null;
}
