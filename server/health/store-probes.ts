import type { Registry } from "prom-client";
import { StoreGauges } from "../metrics/store-gauges.ts";
import type { Check } from "./checks.ts";

/** One shared store the deployment depends on: its component name in /health and its probe. */
export type StoreProbe = { name: "postgres" | "redis"; check(): Promise<Check> };

/**
 * Runs the probes of the shared stores (store-checks.ts) side by side, each under its own
 * deadline, and records each outcome in the metrics gauges. No probes (a SQLite deployment
 * without Redis): nothing runs and nothing is awaited by the health routes.
 */
export class StoreProbes {
  private readonly gauges: StoreGauges | null;

  constructor(
    readonly probes: readonly StoreProbe[],
    registry: Registry,
  ) {
    this.gauges = probes.length > 0 ? new StoreGauges(registry) : null;
  }

  get any(): boolean {
    return this.probes.length > 0;
  }

  has(name: StoreProbe["name"]): boolean {
    return this.probes.some((p) => p.name === name);
  }

  async run(): Promise<Record<string, Check>> {
    const checks = await Promise.all(this.probes.map((p) => p.check()));
    const out: Record<string, Check> = {};
    this.probes.forEach((p, i) => {
      const c = checks[i] as Check;
      this.gauges?.observe(p.name, c.status !== "unhealthy", c.duration_ms / 1000);
      out[p.name] = c;
    });
    return out;
  }
}
