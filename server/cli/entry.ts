import pkg from "../../package.json" with { type: "json" };
import { readEnv } from "../config/env.ts";
import type { StartOptions } from "../start.ts";
import { help, runCli } from "./run.ts";

/** Where the migrations, admin panel and docs script come from: the source tree or the binary. */
export type Sources = Pick<
  StartOptions,
  "migrationsFolder" | "pgMigrationsFolder" | "adminAssets" | "docsAssets" | "writerWorker"
>;

export const versionLine = () =>
  `tollgate ${pkg.version} (bun ${Bun.version}, ${process.platform}-${process.arch})`;

/**
 * The whole command line, for `npm run tollgate` (cli/main.ts) and the binary (bin.ts):
 * `--version` and `--help` answer before the environment is read (so a bad variable never
 * hides them), then the command runs and the process exits with its code. With no
 * arguments it runs `whenEmpty` (the binary serves, `npm run tollgate` prints help).
 */
export async function runEntry(argv: string[], sources: Sources, whenEmpty: string[] = []): Promise<never> {
  const args = argv.length === 0 ? whenEmpty : argv;
  const first = args[0];
  if (first === "--version" || first === "-v" || first === "version") {
    console.log(versionLine());
    process.exit(0);
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    console.log(help());
    process.exit(0);
  }
  try {
    const env = readEnv(process.env);
    process.exit(await runCli(args, { env, vars: process.env, version: pkg.version, ...sources }));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
