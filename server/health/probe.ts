import { scrub } from "../providers/errors.ts";
import type { HealthState } from "./checks.ts";

/**
 * Optional active probe (`health.probe_interval_s`): lists each enabled provider's models
 * with its key. Results mark the provider's routes and go to the health history; they
 * never open a breaker (only real traffic does).
 */
export function startProbes(gw: Pick<HealthState, "settings" | "catalog" | "routes">): () => void {
  const seconds = gw.settings.probeIntervalS;
  if (seconds <= 0) return () => {};
  const run = async () => {
    for (const p of gw.catalog.providers()) {
      if (!p.enabled) continue;
      const started = performance.now();
      let ok = false;
      let message: string;
      try {
        const headers: Record<string, string> = { ...p.headers };
        if (p.apiKey) headers.authorization = `Bearer ${p.apiKey}`;
        const res = await fetch(`${p.baseUrl.replace(/\/+$/, "")}/models`, {
          headers,
          signal: AbortSignal.timeout(Math.min(p.timeouts.connectMs, 10_000)),
        });
        ok = res.ok;
        message = ok ? "Provider answered" : `Provider answered HTTP ${res.status}`;
        await res.body?.cancel();
      } catch (err) {
        message = scrub(`Provider unreachable: ${(err as Error).name}`, [p.apiKey]);
      }
      const at = Date.now();
      for (const m of gw.catalog.models()) {
        for (const r of m.routes)
          if (r.provider === p.id) gw.routes.get({ provider: p, model: r.model }).probe = { ok, at, message };
      }
      gw.routes.record({
        name: `provider ${p.id}`,
        status: ok ? "healthy" : "unhealthy",
        message,
        timestamp: at,
        durationMs: Math.round(performance.now() - started),
      });
    }
  };
  const timer = setInterval(() => void run(), seconds * 1000);
  timer.unref?.();
  void run();
  return () => clearInterval(timer);
}
