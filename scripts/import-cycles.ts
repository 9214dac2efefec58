/**
 * Prints the import cycles among the TypeScript files under the given folders (default
 * `server` and `db`) and exits 1 when there is one. Every relative import counts, `import type`
 * included: a type-only cycle is still two files that cannot be understood apart.
 * `--runtime` leaves type-only imports out (what the module loader actually sees).
 *
 *   bun scripts/import-cycles.ts [--runtime] [folder...]
 *
 * No dependency: a regex reads the import clauses (they hold no quotes or semicolons), and
 * Tarjan's algorithm finds the strongly connected components; each one is printed with a
 * shortest cycle through its first file.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const IMPORT =
  /\b(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) tsFiles(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Whether every name in an import clause is a type (`import type`, or `{ type A, type B }`). */
function typeOnly(keyword: string, typeWord: string | undefined, clause: string): boolean {
  if (typeWord) return true;
  if (keyword === "export" && clause.trim() === "*") return false;
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]!
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith("type "));
}

export function importGraph(roots: string[], runtimeOnly: boolean): Map<string, Set<string>> {
  const files = roots.flatMap((r) => tsFiles(resolve(r)));
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const edges = new Set<string>();
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[4] ?? m[5]!;
      if (!spec.startsWith(".")) continue;
      if (runtimeOnly && m[4] && typeOnly(m[1]!, m[2], m[3]!)) continue;
      const target = resolve(dirname(file), spec);
      const hit = [target, `${target}.ts`, `${target}.tsx`, join(target, "index.ts")].find((p) =>
        known.has(p),
      );
      if (hit && hit !== file) edges.add(hit);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan; recursion is fine at this size). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** A shortest path from `start` back to itself inside one component (breadth first). */
function shortestCycle(graph: Map<string, Set<string>>, scc: string[]): string[] {
  const inside = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const runtimeOnly = args.includes("--runtime");
  const roots = args.filter((a) => !a.startsWith("--"));
  const graph = importGraph(roots.length ? roots : ["server", "db"], runtimeOnly);
  const found = cycles(graph);
  const rel = (p: string) => relative(process.cwd(), p);
  for (const scc of found) {
    console.log(`cycle of ${scc.length} files: ${shortestCycle(graph, scc).map(rel).join(" -> ")}`);
    if (scc.length > 2) console.log(`  all of: ${scc.map(rel).join(", ")}`);
  }
  const edges = [...graph.values()].reduce((n, s) => n + s.size, 0);
  console.log(
    `${found.length} import cycle(s) among ${graph.size} files, ${edges} imports${runtimeOnly ? " (runtime only)" : ""}`,
  );
  process.exit(found.length ? 1 : 0);
}
