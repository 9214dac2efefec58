import { Elysia } from "elysia";

/**
 * The one place the in-memory caches (keys, models, balances) pick up what another process
 * (the CLI) committed: as each request arrives, before any route reads them. Routes and
 * admin services never sync by hand. Cheap: at most one pragma a millisecond. When a reload
 * is under way (the caches load through the async store, db/store.ts), the request waits
 * for it, so a change committed before the request was sent is seen by it.
 */
export const cacheSync = (gw: { syncExternalChanges(): Promise<void> | undefined }) =>
  new Elysia().onRequest(async () => {
    await gw.syncExternalChanges();
  });
