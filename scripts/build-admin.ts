/**
 * Builds the admin panel into admin/dist when it is missing or older than its sources.
 * `npm start` and the e2e suite run this first, so a fresh clone works; `--force` rebuilds.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const dist = join(root, "admin", "dist", "index.html");
/** Everything the bundle is made from (server model files are imported as types only: not in the bundle). */
const SOURCES = [
  "admin/src",
  "admin/public",
  "admin/index.html",
  "admin/vite.config.ts",
  "package-lock.json",
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

export function adminBuildIsStale(): boolean {
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  return SOURCES.some((s) => newest(join(root, s)) > built);
}

export async function buildAdmin(opts: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  if (!opts.force && !adminBuildIsStale()) return;
  if (!opts.quiet) console.log("Building the admin panel (admin/dist)...");
  const proc = Bun.spawn(
    [
      join(root, "node_modules", ".bin", "vite"),
      "build",
      "--config",
      "admin/vite.config.ts",
      "--logLevel",
      "warn",
    ],
    {
      cwd: root,
      // Vite builds React in development mode (jsxDEV, absolute source paths, +30% size)
      // when NODE_ENV says so, and `bun test` sets NODE_ENV=test: always build for production.
      env: { ...process.env, NODE_ENV: "production" },
      stdout: "inherit",
      stderr: "inherit",
    },
  );
  if ((await proc.exited) !== 0) throw new Error("the admin panel build failed (see above)");
}

if (import.meta.main) {
  try {
    await buildAdmin({ force: process.argv.includes("--force") });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
