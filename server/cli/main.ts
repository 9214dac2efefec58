import pkg from "../../package.json" with { type: "json" };
import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { readEnv } from "../config/env.ts";
import { runCli } from "./run.ts";

/** `npm run tollgate -- <command>`: the same code as the server, on the same database. */
try {
  const code = await runCli(process.argv.slice(2), {
    env: readEnv(process.env),
    vars: process.env,
    migrationsFolder: DEFAULT_MIGRATIONS,
    version: pkg.version,
  });
  process.exit(code);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
