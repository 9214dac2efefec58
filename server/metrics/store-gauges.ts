import { Gauge, type Registry } from "prom-client";

/**
 * The shared stores of a scale-out deployment (PostgreSQL, Redis) as Prometheus gauges:
 * whether the last probe reached each, and how long it took. Set by every probe /health,
 * /ready, /health/detailed and /metrics run (server/health/store-probes.ts), so a scrape
 * reads the store as it is at that moment.
 */
export class StoreGauges {
  private readonly up: Gauge<string>;
  private readonly latency: Gauge<string>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.up = new Gauge({
      name: "tollgate_store_up",
      help: "Whether the last probe of a shared store (postgres, redis) succeeded: 1 up, 0 down",
      labelNames: ["store"],
      registers,
    });
    this.latency = new Gauge({
      name: "tollgate_store_probe_seconds",
      help: "How long the last probe of a shared store took (a probe gives up after its deadline)",
      labelNames: ["store"],
      registers,
    });
  }

  observe(store: string, up: boolean, seconds: number): void {
    this.up.set({ store }, up ? 1 : 0);
    this.latency.set({ store }, seconds);
  }
}
