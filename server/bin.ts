/**
 * Entry of the single-file binary (`npm run build` -> dist/tollgate). Everything it needs
 * besides the code is embedded (see scripts/embed-assets.ts): the built admin panel, the
 * migrations and the docs UI (Swagger UI's script and stylesheet). With no command it serves.
 */
import { dirname } from "node:path";
import { mapSource } from "./admin-ui/asset-source.ts";
import { runEntry } from "./cli/entry.ts";
import {
  adminFiles,
  docsFiles,
  migrationFiles,
  migrationsJournal,
  pgMigrationFiles,
  pgMigrationsJournal,
} from "./generated/embedded.js";

/**
 * drizzle's migrator reads <folder>/meta/_journal.json and <folder>/<tag>.sql, embedded at
 * those paths: the SQLite migrations and the PostgreSQL ones (TOLLGATE_DB=postgres://…, migrate-db).
 */
function embeddedFolder(journal: string, files: string[]): string {
  const folder = dirname(dirname(journal));
  // Named here so the bundler keeps the .sql imports (and so embeds them); a binary built
  // without one of them would fail at its first start instead of here, less clearly.
  const missing = files.find((f) => dirname(f) !== folder);
  if (missing) throw new Error(`embedded migration ${missing} is not in ${folder}`);
  return folder;
}
const migrationsFolder = embeddedFolder(migrationsJournal, migrationFiles);
const pgMigrationsFolder = embeddedFolder(pgMigrationsJournal, pgMigrationFiles);

await runEntry(
  process.argv.slice(2),
  {
    migrationsFolder,
    pgMigrationsFolder,
    adminAssets: mapSource(
      Object.fromEntries(Object.entries(adminFiles).map(([rel, path]) => [rel, Bun.file(path)])),
      "the admin panel embedded in this binary",
    ),
    docsAssets: (name) => Bun.file(docsFiles[name]),
    // Built as a second entrypoint (scripts/build-binary.ts); the embedded module keeps its path.
    writerWorker: "./server/store/writer-worker.ts",
  },
  ["serve"],
);
