import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminBuildIsStale, buildAdmin } from "../../scripts/build-admin.ts";

/**
 * `npm start` on a production install (npm install --omit=dev): the panel toolchain is a
 * devDependency, so there is no Vite; a checkout whose admin/dist is built must still start
 * and serve it, and one without a build must say how to get one.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A checkout without node_modules whose admin/dist is older than its sources (as after a git clone). */
function checkout(opts: { built: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), "tollgate-nodev-"));
  dirs.push(root);
  mkdirSync(join(root, "admin", "src"), { recursive: true });
  writeFileSync(join(root, "admin", "src", "main.tsx"), "export {};\n");
  if (opts.built) {
    mkdirSync(join(root, "admin", "dist"), { recursive: true });
    writeFileSync(join(root, "admin", "dist", "index.html"), "<!doctype html>");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, "admin", "dist", "index.html"), old, old);
  }
  return root;
}

describe("the admin panel build without Vite (npm install --omit=dev)", () => {
  test("a built checkout keeps its admin/dist, even when it looks stale, instead of failing", async () => {
    const root = checkout({ built: true });
    expect(adminBuildIsStale(root)).toBe(true);
    expect(await buildAdmin({ root, quiet: true })).toBe("kept");
  });

  test("a checkout with no build fails with the commands that build it", async () => {
    const root = checkout({ built: false });
    await expect(buildAdmin({ root, quiet: true })).rejects.toThrow(
      /Vite is not installed.*npm install.*npm run build:admin/,
    );
  });

  test("an explicit rebuild (npm run build:admin) without Vite fails rather than keeping the old build", async () => {
    const root = checkout({ built: true });
    await expect(buildAdmin({ root, quiet: true, force: true })).rejects.toThrow(/Vite is not installed/);
  });
});
