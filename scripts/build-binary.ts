/**
 * `npm run build`: the single-file binary. Builds the admin panel when stale, regenerates
 * server/generated/embedded.js (the files the binary carries), then compiles server/bin.ts
 * for this machine into dist/tollgate and, unless `--host-only`, for the other targets
 * into dist/tollgate-<os>-<arch>. Bun fetches a cross target's runtime from the npm
 * registry; when it cannot, that target is skipped with the reason and the build goes on.
 *
 *   bun scripts/build-binary.ts [--host-only] [--outdir <dir>]
 */
import { mkdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { buildAdmin } from "./build-admin.ts";
import { generateEmbed } from "./embed-assets.ts";

const root = join(import.meta.dir, "..");
const HOST = `${process.platform}-${process.arch}`;
const CROSS = ["linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64"].filter((t) => t !== HOST);

/**
 * esm: the entry awaits at top level. Bytecode: start-up about twice as fast for ~13 MB.
 * --root . with [dir]/[name] keeps embedded files at /$bunfs/root/<their path> (STACK.md).
 * No --minify-identifiers, as Elysia's deployment guide advises.
 */
const FLAGS = [
  "--compile",
  "--format=esm",
  "--bytecode",
  "--minify-whitespace",
  "--minify-syntax",
  "--root=.",
  "--asset-naming=[dir]/[name].[ext]",
];

type Built = { target: string; outfile: string; bytes: number };

/** The host build names no --target: Bun then embeds the very runtime running this script. */
async function compile(target: string, outfile: string): Promise<Built | { target: string; error: string }> {
  const cross = target === HOST ? [] : [`--target=bun-${target}`];
  const proc = Bun.spawn(
    // The writer thread's module is its own entrypoint: Bun embeds it for `new Worker` (server/bin.ts).
    [
      process.execPath,
      "build",
      ...FLAGS,
      ...cross,
      "server/bin.ts",
      "server/store/writer-worker.ts",
      `--outfile=${outfile}`,
    ],
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) {
    const reason = `${err}\n${out}`.split("\n").find((l) => /error/i.test(l)) ?? `exit code ${code}`;
    return { target, error: reason.trim() };
  }
  return { target, outfile, bytes: statSync(outfile).size };
}

export async function buildBinary(opts: { outdir?: string; hostOnly?: boolean } = {}): Promise<Built[]> {
  const outdir = opts.outdir ?? join(root, "dist");
  await buildAdmin();
  const embed = generateEmbed();
  console.log(`Embedding ${embed.count} files (admin panel, migrations, docs UI)`);
  mkdirSync(outdir, { recursive: true });
  const host = await compile(HOST, join(outdir, "tollgate"));
  if ("error" in host) throw new Error(`compiling for ${HOST} failed: ${host.error}`);
  const built = [host];
  for (const target of opts.hostOnly ? [] : CROSS) {
    const r = await compile(target, join(outdir, `tollgate-${target}`));
    if ("error" in r) console.log(`  skipped ${target}: Bun cannot cross-compile it here (${r.error})`);
    else built.push(r);
  }
  for (const b of built) console.log(`  ${b.target.padEnd(13)} ${shown(b.outfile)}  ${mb(b.bytes)} MB`);
  return built;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const shown = (path: string) => (path.startsWith(`${root}/`) ? relative(root, path) : path);

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { "host-only": { type: "boolean" }, outdir: { type: "string" } },
  });
  try {
    await buildBinary({ outdir: values.outdir, hostOnly: values["host-only"] });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
