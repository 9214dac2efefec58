import { statfsSync } from "node:fs";
import { cpus, freemem, totalmem } from "node:os";
import type { Catalog } from "../catalog/catalog.ts";
import type { Settings } from "../config/settings.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { RouteHealth, RouteStates } from "../routing/route-state.ts";
import type { Engine } from "../store/engine.ts";
import type { Writer } from "../store/writer.ts";

/**
 * What the health reports read. The commit queue only as its counters: health writes
 * nothing (the route states record the checks' outcomes in memory, for the history).
 */
export type HealthState = {
  /** The database as /health's `database` component shows it (PostgreSQL's reachability is its own probe). */
  readonly engine: Pick<Engine, "describe">;
  readonly commits: Pick<Writer, "pending" | "stats">;
  readonly catalog: Catalog;
  readonly routes: RouteStates;
  readonly settings: Settings;
  readonly metrics: Metrics;
  readonly inFlight: number;
  readonly startedAt: number;
};

export type Check = {
  status: "healthy" | "degraded" | "unhealthy";
  message: string;
  details: Record<string, unknown>;
  duration_ms: number;
};

const timed = (fn: () => Omit<Check, "duration_ms">): Check => {
  const t = performance.now();
  const r = fn();
  return { ...r, duration_ms: Math.round((performance.now() - t) * 100) / 100 };
};

export function databaseCheck(gw: HealthState): Check {
  return timed(() => {
    try {
      // SQLite: reading a pragma needs a working connection, it is the ping.
      return {
        status: "healthy",
        message: "Database connection successful",
        details: {
          ...gw.engine.describe(),
          pending_writes: gw.commits.pending,
          group_commits: gw.commits.stats.batches,
          group_commit_entries: gw.commits.stats.entries,
        },
      };
    } catch (err) {
      return {
        status: "unhealthy",
        message: `Database check failed: ${(err as Error).message.slice(0, 120)}`,
        details: {},
      };
    }
  });
}

/** Every route of every enabled model, from passive results (and probes when on). */
export function routeStatuses(gw: HealthState): Record<string, RouteHealth> {
  const now = Date.now();
  const out: Record<string, RouteHealth> = {};
  for (const m of gw.catalog.models()) {
    if (!m.enabled) continue;
    for (const r of m.routes) {
      const provider = gw.catalog.provider(r.provider);
      if (!provider) continue;
      const id = `${provider.id}:${r.model}`;
      out[id] = provider.enabled ? gw.routes.get({ provider, model: r.model }).health(now) : "unhealthy";
    }
  }
  return out;
}

export function servicesCheck(gw: HealthState): Check {
  return timed(() => {
    const routes = routeStatuses(gw);
    const values = Object.values(routes);
    const usable = values.filter((v) => v !== "unhealthy").length;
    if (values.length === 0)
      return { status: "degraded", message: "No model with a route is configured", details: routes };
    if (usable === 0)
      return { status: "unhealthy", message: "Every provider route is failing", details: routes };
    if (usable < values.length || values.includes("degraded"))
      return { status: "degraded", message: `${usable} of ${values.length} routes usable`, details: routes };
    return { status: "healthy", message: "All LLM routes operational", details: routes };
  });
}

let lastCpu = { usage: process.cpuUsage(), at: performance.now() };

/** Process CPU since the previous call, memory of the machine, disk of the database's file system. */
export function systemCheck(gw: HealthState, dbPath: string, connections: () => number): Check {
  return timed(() => {
    const usage = process.cpuUsage();
    const at = performance.now();
    const cpuMs = (usage.user - lastCpu.usage.user + usage.system - lastCpu.usage.system) / 1000;
    const cpuPercent = Math.min(
      100,
      (cpuMs / Math.max(1, at - lastCpu.at) / Math.max(1, cpus().length)) * 100,
    );
    lastCpu = { usage, at };
    const memoryPercent = ((totalmem() - freemem()) / totalmem()) * 100;
    let diskPercent: number | null = null;
    try {
      const fs = statfsSync(dbPath === ":memory:" ? "." : dbPath.replace(/[^/]*$/, "") || ".");
      diskPercent = ((fs.blocks - fs.bfree) / fs.blocks) * 100;
    } catch {
      diskPercent = null;
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    const status =
      memoryPercent > 95 || (diskPercent ?? 0) > 95
        ? "unhealthy"
        : memoryPercent > 85 || (diskPercent ?? 0) > 85
          ? "degraded"
          : "healthy";
    return {
      status,
      message: status === "healthy" ? "System resources are normal" : "System resources are running low",
      details: {
        cpu_usage_percent: round(cpuPercent),
        memory_usage_percent: round(memoryPercent),
        disk_usage_percent: diskPercent === null ? null : round(diskPercent),
        network_connections: connections(),
        process_rss_mb: round(process.memoryUsage().rss / 1024 / 1024),
        requests_in_flight: gw.inFlight,
        uptime_s: Math.round((Date.now() - gw.startedAt) / 1000),
      },
    };
  });
}
