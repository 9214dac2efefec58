import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { runEntry } from "./entry.ts";

/** `npm run tollgate -- <command>`: the same code as the server, on the same database. */
await runEntry(process.argv.slice(2), { migrationsFolder: DEFAULT_MIGRATIONS });
