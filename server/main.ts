import pkg from "../package.json" with { type: "json" };
import { readEnv } from "./config/env.ts";
import { ConfigError } from "./config/load.ts";
import { serve } from "./serve.ts";
import { DEFAULT_MIGRATIONS } from "./start.ts";

/** Entry point: `npm start` / `bun server/main.ts` (the binary's entry is bin.ts). */
async function main() {
  const code = await serve({
    env: readEnv(process.env),
    vars: process.env,
    migrationsFolder: DEFAULT_MIGRATIONS,
    version: pkg.version,
  });
  process.exit(code);
}

main().catch((err) => {
  if (err instanceof ConfigError || (err instanceof Error && err.message.startsWith("Invalid environment"))) {
    console.error(err.message);
  } else {
    console.error("Tollgate failed to start:", err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
