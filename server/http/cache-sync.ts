import { Elysia } from "elysia";

/**
 * The one place the in-memory caches (keys, models, balances) pick up what another process
 * (the CLI) committed: as each request arrives, before any route reads them. Routes and
 * admin services never sync by hand. Cheap: at most one pragma a millisecond.
 */
export const cacheSync = (gw: { syncExternalChanges(): void }) =>
  new Elysia().onRequest(() => {
    gw.syncExternalChanges();
  });
