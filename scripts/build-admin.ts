/**
 * Builds the admin panel into admin/dist when it is missing or older than its sources.
 * `npm start` and the e2e suite run this first, so a fresh clone works; `--force` rebuilds.
 * Without Vite (a production install) an existing build is served as it is.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
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

const distIndex = (root: string) => join(root, "admin", "dist", "index.html");

export function adminBuildIsStale(root = ROOT): boolean {
  if (!existsSync(distIndex(root))) return true;
  const built = statSync(distIndex(root)).mtimeMs;
  return SOURCES.some((s) => newest(join(root, s)) > built);
}

/** fresh: admin/dist was up to date; built: Vite rebuilt it; kept: stale, but no Vite here to rebuild it. */
export type AdminBuild = "fresh" | "built" | "kept";

export async function buildAdmin(
  opts: { force?: boolean; quiet?: boolean; root?: string } = {},
): Promise<AdminBuild> {
  const root = opts.root ?? ROOT;
  if (!opts.force && !adminBuildIsStale(root)) return "fresh";
  // The panel toolchain is a devDependency: a production install (npm install --omit=dev)
  // has no Vite and runs the panel already built into admin/dist (or the binary's copy).
  const vite = join(root, "node_modules", ".bin", "vite");
  if (!existsSync(vite)) {
    if (!opts.force && existsSync(distIndex(root))) {
      if (!opts.quiet)
        console.log(
          "Vite is not installed (a production install): serving the admin panel built in admin/dist.",
        );
      return "kept";
    }
    throw new Error(
      "The admin panel cannot be built: Vite is not installed. Run `npm install` (with the dev dependencies), then `npm run build:admin`",
    );
  }
  if (!opts.quiet) console.log("Building the admin panel (admin/dist)...");
  const proc = Bun.spawn([vite, "build", "--config", "admin/vite.config.ts", "--logLevel", "warn"], {
    cwd: root,
    // Vite builds React in development mode (jsxDEV, absolute source paths, +30% size)
    // when NODE_ENV says so, and `bun test` sets NODE_ENV=test: always build for production.
    env: { ...process.env, NODE_ENV: "production" },
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await proc.exited) !== 0) throw new Error("the admin panel build failed (see above)");
  return "built";
}

if (import.meta.main) {
  try {
    await buildAdmin({ force: process.argv.includes("--force") });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
