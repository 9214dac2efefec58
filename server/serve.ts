import { firstRunSteps } from "./first-run.ts";
import { type Running, type StartOptions, startServer } from "./start.ts";

/**
 * Starts the gateway, prints where it listens (and the first-start admin token), then runs
 * until SIGTERM or SIGINT, when it drains requests and streams in flight (up to
 * TOLLGATE_SHUTDOWN_GRACE_S) and resolves with the exit code. `npm start`, `tollgate serve`
 * and the binary all run this.
 */
export async function serve(o: StartOptions): Promise<number> {
  const running = await startServer(o);
  announce(running, o);
  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log({ msg: "shutting down", signal });
      await running.stop(o.env.TOLLGATE_SHUTDOWN_GRACE_S * 1000);
      resolve(0);
    };
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    process.on("SIGINT", () => void shutdown("SIGINT"));
  });
}

const log = (o: Record<string, unknown>) => console.log(JSON.stringify({ level: "info", ...o }));

function announce(running: Running, o: StartOptions) {
  log({
    msg: `Tollgate ${o.version} listening`,
    url: running.url,
    admin: `${running.url}/admin`,
    docs: `${running.url}/docs`,
    database: o.env.TOLLGATE_DB,
    config: running.configFile,
  });
  if (running.generatedAdminToken) {
    console.log(
      `\n  Admin token (shown once, only its hash is stored; set TOLLGATE_ADMIN_TOKEN to choose your own):\n\n    ${running.generatedAdminToken}\n`,
    );
    console.log(firstRunSteps(running));
  }
  const cap = o.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? 256;
  if (cap < 4096) {
    console.warn(
      JSON.stringify({
        level: "warn",
        msg: `Bun allows ${cap} upstream requests in flight; more concurrent calls (long LLM streams) wait in a queue. Start with BUN_CONFIG_MAX_HTTP_REQUESTS=65535 (npm start, the Docker image and the systemd unit do).`,
      }),
    );
  }
  if (running.createdAdminUser) {
    log({ msg: `Created the first admin user '${running.createdAdminUser}' from TOLLGATE_ADMIN_USER` });
  }
}
