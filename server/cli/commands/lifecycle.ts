import { migrateDb, openDb } from "../../../db/client.ts";
import { appliedMigrations, BackupError, backupDatabase } from "../../../db/maintenance.ts";
import { serve } from "../../serve.ts";
import { parse } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

function noPositionals(positionals: string[]) {
  if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
}

export const serveCommand: Command = {
  name: "serve",
  usage: "serve",
  summary: "Start the gateway (what the binary does with no command); PORT, HOST, TOLLGATE_* configure it",
  run(args, ctx) {
    noPositionals(parse(args, {}).positionals);
    return serve(ctx.options);
  },
};

export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate",
  summary: "Apply pending database migrations and exit (the server also does this at start)",
  run(args, ctx) {
    noPositionals(parse(args, {}).positionals);
    const path = ctx.options.env.TOLLGATE_DB;
    const { sqlite, db } = openDb(path, { sync: ctx.options.env.TOLLGATE_DB_SYNC });
    try {
      const before = appliedMigrations(sqlite);
      migrateDb(db, ctx.options.migrationsFolder);
      const after = appliedMigrations(sqlite);
      ctx.out(`${path}: applied ${after - before} migration(s); ${after} in total, up to date.`);
    } finally {
      sqlite.close();
    }
    return 0;
  },
};

export const backupCommand: Command = {
  name: "backup",
  usage: "backup <file> [--force]",
  summary: "Write a consistent copy of the database (safe while the server runs); --force overwrites <file>",
  run(args, ctx) {
    const { values, positionals } = parse(args, { force: { type: "boolean" } });
    const [file, extra] = positionals;
    if (!file || extra !== undefined) throw new UsageError("Name one backup file");
    const source = ctx.options.env.TOLLGATE_DB;
    try {
      const { bytes, migrations } = backupDatabase(source, file, { force: values.force });
      ctx.out(`Backed up ${source} to ${file} (${bytes} bytes, ${migrations} migrations applied).`);
      ctx.out(
        "Provider secrets in it are encrypted: keep TOLLGATE_SECRET or the secret.key file beside the database too.",
      );
      return 0;
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      ctx.err(err.message);
      return 1;
    }
  },
};

/** The container image has no shell or curl: its HEALTHCHECK runs the binary itself. */
export const healthCommand: Command = {
  name: "health",
  usage: "health [--url <base-url>]",
  summary: "Exit 0 when the server on HOST:PORT (or --url) answers /health with 200; for health checks",
  async run(args, ctx) {
    const { values, positionals } = parse(args, { url: { type: "string" } });
    noPositionals(positionals);
    const { HOST, PORT } = ctx.options.env;
    const host = HOST === "0.0.0.0" || HOST === "::" ? "127.0.0.1" : HOST.includes(":") ? `[${HOST}]` : HOST;
    const url = `${values.url ?? `http://${host}:${PORT}`}/health`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json().catch(() => ({}))) as { status?: string };
      ctx.out(`${url}: ${res.status} ${body.status ?? ""}`.trim());
      return res.ok ? 0 : 1;
    } catch (err) {
      ctx.err(`${url}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  },
};
