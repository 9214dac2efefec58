import { Counter } from "prom-client";
import type { Metrics } from "./metrics.ts";

/**
 * What a replica served without Redis (docs/scale-out.md, "fail narrow" and "fail open to
 * local state"), read from the shared state when scraped: attempts decided by a route's
 * local breaker, and free-model requests admitted within this replica's share of a limit.
 */
export function addSharedStateCounters(
  metrics: Metrics,
  read: () => { breaker: number; narrowAdmits: number; leaseLost: number },
): void {
  new Counter({
    name: "tollgate_lease_lost_total",
    help: "Holds whose lease ran out while their call was still running (a paused or cut-off replica): the call went on, its charge capped by PostgreSQL",
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(read().leaseLost);
    },
  });
  new Counter({
    name: "tollgate_shared_state_fallbacks_total",
    help: "Calls decided without Redis: kind=breaker (a route's local breaker), kind=narrow_admit (a free request within the replica's share)",
    labelNames: ["kind"],
    registers: [metrics.registry],
    collect() {
      const f = read();
      this.reset();
      this.inc({ kind: "breaker" }, f.breaker);
      this.inc({ kind: "narrow_admit" }, f.narrowAdmits);
    },
  });
}
