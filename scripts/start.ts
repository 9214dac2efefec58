/**
 * `npm start`: build the admin panel if admin/dist is missing or stale, then start the
 * gateway, which serves it at /admin. Production runs one process; no Vite server. A
 * production install (npm install --omit=dev) has no Vite: it serves the admin/dist it has.
 */
import { buildAdmin } from "./build-admin.ts";

try {
  await buildAdmin();
} catch (err) {
  console.error(`${err instanceof Error ? err.message : err}; starting without a fresh admin panel.`);
}
await import("../server/main.ts");
