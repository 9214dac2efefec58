/**
 * Package folders with their own package.json and committed lockfile, kept out of the root
 * install because a user running the gateway never needs them: the real coding agents that
 * server/tests/agents.test.ts drives (about 1 GB of native binaries) and the gateways the
 * benchmark compares Tollgate with. `npm test` and `npm run bench` install them on first
 * use (the network is needed then, never while tests or the benchmark run).
 *
 *   bun scripts/package-folders.ts        installs every folder that is missing or stale
 */
import { existsSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");

export const PACKAGE_FOLDERS = {
  agents: join(root, "server", "tests", "agents"),
  benchPeers: join(root, "bench", "peers"),
} as const;

export type PackageFolder = keyof typeof PACKAGE_FOLDERS;

/** npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale. */
export function folderIsInstalled(name: PackageFolder): boolean {
  const dir = PACKAGE_FOLDERS[name];
  const installed = join(dir, "node_modules", ".package-lock.json");
  return (
    existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(dir, "package-lock.json")).mtimeMs
  );
}

/**
 * `npm ci` installs exactly the lockfile. It refuses a lockfile that lacks an optional
 * per-platform package the registry does not serve (opencode-ai names twelve builds, the
 * registry this project uses has two): then `npm install --no-save` installs the same
 * locked versions and, with --no-save, never rewrites the lockfile, so the tree stays clean.
 */
export async function installFolder(name: PackageFolder): Promise<void> {
  const dir = PACKAGE_FOLDERS[name];
  const shown = relative(root, dir);
  console.log(`Installing ${shown} (first use; npm ci --prefix ${shown})...`);
  const npm = async (args: string[]) => {
    const proc = Bun.spawn(["npm", ...args, "--prefix", dir, "--no-audit", "--no-fund"], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, text: `${out}${err}` };
  };
  let run = await npm(["ci"]);
  if (run.code !== 0 && /Missing: .* from lock file/.test(run.text)) {
    console.log(`  npm ci refused the lockfile's missing optional builds; npm install --no-save instead`);
    run = await npm(["install", "--no-save"]);
  }
  if (run.code !== 0) throw new Error(`installing ${shown} failed:\n${run.text.trim()}`);
}

/** Installs `names` that are missing or stale; the others are left as they are. */
export async function ensureFolders(names: readonly PackageFolder[]): Promise<void> {
  for (const name of names) if (!folderIsInstalled(name)) await installFolder(name);
}

/** The fix named in an error when a folder is used before it is installed. */
export function installHint(name: PackageFolder): string {
  return `${relative(root, PACKAGE_FOLDERS[name])} is not installed: run \`bun scripts/package-folders.ts\` (npm test does it on first use)`;
}

if (import.meta.main) {
  try {
    await ensureFolders(Object.keys(PACKAGE_FOLDERS) as PackageFolder[]);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
