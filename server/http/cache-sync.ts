import { arrivalWait } from "./arrival.ts";

/**
 * Requests that may change keys, models, prices, balances or plans: admin API and account
 * self-service, and the OAuth code exchanges (each makes a key).
 */
const CHANGES = /^\/(admin\/api|auth|oauth\/token|api\/v1\/auth\/keys)(\/|$)/;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one place the in-memory caches (keys, models, balances) pick up what another process
 * (the CLI) committed: as each request arrives, before any route reads them. Routes and
 * admin services never sync by hand. Cheap: at most one pragma a millisecond. When a reload
 * is under way (the caches load through the async store, db/store.ts), the request waits
 * for it, so a change committed before the request was sent is seen by it; otherwise it
 * does not wait at all (arrival.ts).
 *
 * And the one place this replica tells the others (TOLLGATE_REDIS) that it changed
 * something: after a successful admin or self-service write, `announceChange` publishes
 * the invalidation signal (`announce`: only when there are replicas). Client calls never publish.
 */
export function cacheSync(
  gw: { syncExternalChanges(): Promise<void> | undefined; announceChange(): void },
  announce: boolean,
) {
  const app = arrivalWait("cache-sync", () => gw.syncExternalChanges());
  // Only with replicas to tell: an after-response hook costs every request something.
  if (!announce) return app;
  return app.onAfterResponse({ as: "global" }, ({ request, path, set }) => {
    if (READS.has(request.method) || !CHANGES.test(path)) return;
    const status = typeof set.status === "number" ? set.status : 200;
    if (status < 400) gw.announceChange();
  });
}
