import { Database } from "bun:sqlite";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isPostgresUrl } from "../../../db/engine.ts";
import { appliedMigrations } from "../../../db/maintenance.ts";
import { compareBooks, type Query, readBooks } from "../../../db/pg/books.ts";
import { migratePg, openPg } from "../../../db/pg/client.ts";
import {
  copyTables,
  emptyTables,
  inSnapshot,
  nonEmptyTables,
  tablesInOrder,
} from "../../../db/pg/copy-sqlite.ts";
import { parse, required } from "../args.ts";
import { type Command, UsageError } from "../command.ts";

/** The URL without its password, for messages. */
const shown = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");

/**
 * `tollgate migrate-db --from ./data/tollgate.db --to postgres://…` (docs/scale-out.md):
 * applies the PostgreSQL migrations to the target, copies every table in one PostgreSQL
 * transaction from one SQLite read snapshot, then computes the books on both sides and
 * prints them side by side; exits 0 only when they agree. The source is opened read-only.
 */
export const migrateDbCommand: Command = {
  name: "migrate-db",
  usage: "migrate-db --from <sqlite-file> --to <postgres-url> [--replace] [--batch <rows>]",
  summary:
    "Copy a SQLite database into PostgreSQL and verify the books on both sides; --replace empties a non-empty target first",
  async run(args, ctx) {
    const { values, positionals } = parse(args, {
      from: { type: "string" },
      to: { type: "string" },
      replace: { type: "boolean" },
      batch: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument: ${positionals[0]}`);
    const from = required(values.from, "--from");
    const to = required(values.to, "--to");
    if (!isPostgresUrl(to)) throw new UsageError("--to must be a postgres:// URL");
    const batch = values.batch === undefined ? 1000 : Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 20_000)
      throw new UsageError("--batch must be a whole number of rows from 1 to 20000");
    if (!existsSync(from)) {
      ctx.err(`${from}: no such database file`);
      return 1;
    }
    const sqlite = new Database(from, { readonly: true, strict: true });
    const expected = journalLength(ctx.options.migrationsFolder);
    const applied = appliedMigrations(sqlite);
    if (applied !== expected) {
      sqlite.close();
      ctx.err(
        `${from} has ${applied} of this version's ${expected} migrations applied: run \`tollgate migrate\` with TOLLGATE_DB=${from} (or start this version once) first, then migrate-db.`,
      );
      return 1;
    }
    const { client: pg, db } = openPg(to, { max: 2 });
    try {
      await migratePg(db, ctx.options.pgMigrationsFolder);
      const tables = tablesInOrder().map((t) => t.name);
      // One read transaction: every table is read from the same snapshot, even if a
      // server still writes in WAL mode (what it writes after the snapshot is not moved).
      const cmp = await inSnapshot(sqlite, async () => {
        const copied = await pg.begin(async (tx) => {
          const busy = await nonEmptyTables(tx);
          if (busy.length > 0) {
            if (!values.replace)
              throw new Refused(
                `${shown(to)} already holds data (${busy.join(", ")}): refusing to mix two deployments' books. Use an empty database, or --replace to empty it first.`,
              );
            await emptyTables(tx);
          }
          return copyTables(sqlite, tx, { batch });
        });
        for (const c of copied) ctx.out(`copied ${c.table}: ${c.rows} rows`);
        const fromSqlite: Query = async (q) => sqlite.query(q).all() as Record<string, unknown>[];
        const fromPg: Query = async (q) => (await pg.unsafe(q)) as Record<string, unknown>[];
        return compareBooks(await readBooks(fromSqlite, tables), await readBooks(fromPg, tables));
      });
      for (const line of cmp.lines) ctx.out(line);
      if (!cmp.ok) {
        ctx.err("The books differ (see above): do not switch to the PostgreSQL database.");
        return 1;
      }
      ctx.out(
        `Done: ${shown(to)} holds the same books as ${from}. Start the gateway with TOLLGATE_DB=<that URL> and the same TOLLGATE_SECRET (provider secrets were copied sealed).`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      ctx.err(err.message);
      return 1;
    } finally {
      sqlite.close();
      await pg.close();
    }
  },
};

class Refused extends Error {}

function journalLength(folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}
