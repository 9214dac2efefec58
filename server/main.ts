import pkg from "../package.json" with { type: "json" };
import { readEnv } from "./config/env.ts";
import { ConfigError } from "./config/load.ts";
import { DEFAULT_MIGRATIONS, startServer } from "./start.ts";

/** Entry point: `npm start` / `bun server/main.ts`. */
async function main() {
  const env = readEnv(process.env);
  const running = await startServer({
    env,
    vars: process.env,
    migrationsFolder: DEFAULT_MIGRATIONS,
    version: pkg.version,
  });
  const log = (o: Record<string, unknown>) => console.log(JSON.stringify({ level: "info", ...o }));
  log({
    msg: `Tollgate ${pkg.version} listening`,
    url: running.url,
    admin: `${running.url}/admin`,
    docs: `${running.url}/docs`,
    database: env.TOLLGATE_DB,
    config: running.configFile,
  });
  if (running.generatedAdminToken) {
    console.log(
      `\n  Admin token (shown once, only its hash is stored; set TOLLGATE_ADMIN_TOKEN to choose your own):\n\n    ${running.generatedAdminToken}\n`,
    );
  }
  if (running.createdAdminUser) {
    log({ msg: `Created the first admin user '${running.createdAdminUser}' from TOLLGATE_ADMIN_USER` });
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ msg: "shutting down", signal });
    await running.stop(env.TOLLGATE_SHUTDOWN_GRACE_S * 1000);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  if (err instanceof ConfigError || (err instanceof Error && err.message.startsWith("Invalid environment"))) {
    console.error(err.message);
  } else {
    console.error("Tollgate failed to start:", err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
