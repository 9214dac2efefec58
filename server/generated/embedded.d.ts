/**
 * Types of embedded.js, which scripts/embed-assets.ts generates before every build (it is
 * gitignored; this file is committed so a fresh clone typechecks). Every value is the path
 * of a file embedded in the binary (/$bunfs/root/...), readable with Bun.file or node:fs.
 */

/** The built admin panel: path relative to admin/dist ("index.html", "assets/x.js") to embedded path. */
export declare const adminFiles: Record<string, string>;
/** db/migrations/meta/_journal.json; its folder's parent is the migrations folder. */
export declare const migrationsJournal: string;
/** The .sql files the journal names (imported so they are embedded; read by drizzle via the folder). */
export declare const migrationFiles: string[];
/** db/pg/migrations/meta/_journal.json: the PostgreSQL migrations (TOLLGATE_DB=postgres://…, migrate-db). */
export declare const pgMigrationsJournal: string;
/** The PostgreSQL .sql files its journal names (0001_settle_function.sql among them). */
export declare const pgMigrationFiles: string[];
/** Swagger UI's script and stylesheet (swagger-ui-dist), for /docs. */
export declare const docsFiles: Record<"swagger-ui-bundle.js" | "swagger-ui.css", string>;
