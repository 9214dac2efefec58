import { expect, test } from "bun:test";
import { join, relative } from "node:path";
import { cycles, importGraph } from "../../scripts/import-cycles.ts";

const ROOT = join(import.meta.dir, "../..");
const FOLDERS = [join(ROOT, "server"), join(ROOT, "db")];
const rel = (scc: string[]) => scc.map((p) => relative(ROOT, p));

test("no two modules of the server import each other at run time", () => {
  expect(cycles(importGraph(FOLDERS, true)).map(rel)).toEqual([]);
});

test("the billed call's lifecycle files take no part in any import cycle, type imports included", () => {
  const inGateway = cycles(importGraph(FOLDERS, false)).filter((scc) =>
    scc.some((p) => /server\/(gateway|usage-log)\//.test(p)),
  );
  expect(inGateway.map(rel)).toEqual([]);
});

test("the cycle finder finds a cycle", () => {
  const g = new Map([
    ["a", new Set(["b"])],
    ["b", new Set(["c"])],
    ["c", new Set(["a"])],
    ["d", new Set(["a"])],
  ]);
  expect(cycles(g)).toEqual([["a", "b", "c"]]);
});
