import { Elysia } from "elysia";

/** Requests that may change keys, models, prices, balances or plans: admin API and account self-service. */
const CHANGES = /^\/(admin\/api|auth)(\/|$)/;
const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one place the in-memory caches (keys, models, balances) pick up what another process
 * (the CLI) committed: as each request arrives, before any route reads them. Routes and
 * admin services never sync by hand. Cheap: at most one pragma a millisecond.
 *
 * And the one place this replica tells the others (TOLLGATE_REDIS) that it changed
 * something: after a successful admin or self-service write, `announceChange` publishes
 * the invalidation signal (a no-op on one box). Client calls never publish.
 */
export const cacheSync = (gw: { syncExternalChanges(): void; announceChange(): void }) =>
  new Elysia({ name: "cache-sync" })
    .onRequest(() => {
      gw.syncExternalChanges();
    })
    .onAfterResponse({ as: "global" }, ({ request, path, set }) => {
      if (READS.has(request.method) || !CHANGES.test(path)) return;
      const status = typeof set.status === "number" ? set.status : 200;
      if (status < 400) gw.announceChange();
    });
