import { existsSync, statSync } from "node:fs";
import { join, normalize, sep } from "node:path";

/**
 * Where the built admin panel's files come from: a folder on disk (`npm start`) or a map
 * of embedded files (a `bun build --compile` binary, see STACK.md). Paths are relative
 * to the build's root, without a leading slash: `index.html`, `assets/index-3f2a.js`.
 */
export type AssetSource = {
  get(path: string): Blob | null;
  /** Shown when index.html is missing, so the 503 says how to fix it. */
  describe: string;
};

/** Files under `dir`. Refuses anything that would leave it (`..`, absolute paths). */
export function directorySource(dir: string): AssetSource {
  const root = normalize(dir);
  return {
    describe: root,
    get(path) {
      const full = normalize(join(root, path));
      if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
      if (!existsSync(full) || !statSync(full).isFile()) return null;
      return Bun.file(full);
    },
  };
}

/** Files held in memory or embedded in a binary: `{ "index.html": Bun.file(embeddedPath), ... }`. */
export function mapSource(files: Record<string, Blob>, describe = "embedded admin panel"): AssetSource {
  const map = new Map(Object.entries(files));
  return { describe, get: (path) => map.get(path) ?? null };
}
