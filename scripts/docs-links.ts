/**
 * Checks that every relative link in the docs resolves: the file or folder exists inside
 * the repository, and a `#fragment` into a Markdown file names one of its headings (by
 * GitHub's slugs). Links inside code blocks and code spans are not links, and absolute
 * URLs (https:, mailto:) are not checked: nothing here goes to the network.
 *
 * `bun scripts/docs-links.ts` prints what is broken and exits 1; the same check runs in
 * `npm test` (server/tests/docs-links.test.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** The docs: the front page, the manual, the benchmark's notes and every folder README. */
export const DOC_GLOBS = [
  "README.md",
  "docs/**/*.md",
  "bench/README.md",
  "{server,admin,db,e2e}/**/README.md",
];

export type BrokenLink = { file: string; line: number; target: string; reason: string };

/** The documentation files under `root`, relative to it, sorted. */
export function docFiles(root: string): string[] {
  const found = new Set<string>();
  for (const pattern of DOC_GLOBS)
    for (const f of new Bun.Glob(pattern).scanSync({ cwd: root, onlyFiles: true }))
      if (!/(^|\/)(node_modules|dist)\//.test(f)) found.add(f.split(sep).join("/"));
  return [...found].sort();
}

/**
 * The text with fenced code blocks and inline code spans blanked out (lines kept, so
 * line numbers still match): what they contain is code, not links or headings.
 */
export function withoutCode(text: string): string {
  const lines = text.split("\n");
  let fence: string | null = null;
  return lines
    .map((line) => {
      const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence !== null) {
        if (opener && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener)
          fence = null;
        return "";
      }
      if (opener) {
        fence = opener;
        return "";
      }
      return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, "");
    })
    .join("\n");
}

/** Link targets with their line numbers: inline links and images, reference definitions, HTML href/src. */
export function linkTargets(text: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  withoutCode(text)
    .split("\n")
    .forEach((line, i) => {
      const add = (t: string | undefined) => {
        if (t) out.push({ line: i + 1, target: t });
      };
      // [text](target "title") and ![alt](target); <target> in angle brackets may hold spaces.
      for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g))
        add(m[1]?.replace(/^<|>$/g, ""));
      add(/^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line)?.[1]);
      for (const m of line.matchAll(/\b(?:href|src)="([^"]*)"/g)) add(m[1]);
    });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images keep their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/`/g, "");
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats get -1, -2...) and HTML ids. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const raw = text.split("\n");
  withoutCode(text)
    .split("\n")
    .forEach((line, i) => {
      // Headings are read from the original line: code spans in them count toward the slug.
      const m = line.length > 0 ? /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(raw[i] ?? "") : null;
      if (m?.[1] !== undefined) {
        const base = slug(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
      }
      for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) if (a[1]) out.add(a[1]);
    });
  return out;
}

/** Every relative link in `files` (paths relative to `root`) that does not resolve. */
export function checkDocLinks(root: string, files: string[] = docFiles(root)): BrokenLink[] {
  const top = resolve(root);
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (abs: string) => {
    let a = anchorCache.get(abs);
    if (!a) {
      a = anchors(readFileSync(abs, "utf8"));
      anchorCache.set(abs, a);
    }
    return a;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const abs = join(top, file);
    for (const { line, target } of linkTargets(readFileSync(abs, "utf8"))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue; // absolute URL
      const hash = target.indexOf("#");
      const pathPart = hash === -1 ? target : target.slice(0, hash);
      const fragment = hash === -1 ? "" : target.slice(hash + 1);
      const fail = (reason: string) => broken.push({ file, line, target, reason });
      let path: string;
      try {
        path = decodeURIComponent(pathPart);
      } catch {
        fail("not a valid URL path");
        continue;
      }
      const dest = path === "" ? abs : path.startsWith("/") ? join(top, path) : resolve(dirname(abs), path);
      const rel = relative(top, dest);
      if (rel === ".." || rel.startsWith(`..${sep}`)) {
        fail("points outside the repository");
        continue;
      }
      if (!existsSync(dest)) {
        fail(`no such file: ${rel.split(sep).join("/")}`);
        continue;
      }
      if (!fragment || !dest.endsWith(".md") || statSync(dest).isDirectory()) continue;
      const anchor = decodeURIComponent(fragment).toLowerCase();
      if (!anchorsOf(dest).has(anchor)) fail(`no heading #${anchor} in ${rel.split(sep).join("/")}`);
    }
  }
  return broken;
}

export function formatBroken(broken: BrokenLink[]): string {
  return broken.map((b) => `${b.file}:${b.line}: ${b.target} (${b.reason})`).join("\n");
}

if (import.meta.main) {
  const root = join(import.meta.dir, "..");
  const files = docFiles(root);
  const broken = checkDocLinks(root, files);
  if (broken.length > 0) {
    console.error(`${formatBroken(broken)}\n${broken.length} broken link(s) in ${files.length} files.`);
    process.exit(1);
  }
  console.log(`Every relative link in ${files.length} documentation files resolves.`);
}
