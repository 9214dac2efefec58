import { type PgServer, startPg } from "./pg-server.ts";

/**
 * The PostgreSQL server of a test process (TOLLGATE_TEST_ENGINE=postgres): started on first
 * use, shared by every TestGateway of the process (each on its own database), stopped by a
 * watchdog once the process is gone (pg-server.ts `reapAfter`). bun test runs a command's
 * files in one process, so a run starts one.
 */
let server: Promise<PgServer> | null = null;

export function sharedPg(): Promise<PgServer> {
  if (!server) {
    server = startPg().then((pg) => {
      pg.reapAfter(process.pid);
      return pg;
    });
  }
  return server;
}
