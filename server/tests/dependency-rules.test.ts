/**
 * Dependencies point one way (issue 12): the folder rules of the READMEs are a
 * dependency-cruiser config (.dependency-cruiser.cjs) run by `npm run check`. Proved here by
 * running the check's own command: on the real tree it passes, having read every module; on
 * a small tree that plants forbidden imports and a cycle it fails, naming each rule broken
 * and nothing else.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");

/** The depcruise step of `npm run check`, as package.json says it. */
function checkCommand(): string[] {
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const step = scripts.check!.split("&&").map((s) => s.trim().split(/\s+/));
  const depcruise = step.find((words) => words[0] === "depcruise");
  if (!depcruise) throw new Error(`npm run check does not run depcruise: ${scripts.check}`);
  return depcruise.slice(1);
}

type Cruise = {
  exitCode: number;
  /** How many modules it read (a parser that cannot read .ts reads none and finds nothing). */
  modules: number;
  /** `rule: from -> to`, sorted. */
  violations: string[];
};

/** Runs the check's depcruise command in `cwd` (with the repository's config) and reads its report. */
function cruise(cwd: string): Cruise {
  const args = checkCommand().map((a) => (a === ".dependency-cruiser.cjs" ? CONFIG : a));
  const proc = Bun.spawnSync([DEPCRUISE, ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  const out = proc.stdout.toString();
  const modules = /(\d+) modules, \d+ dependencies cruised/.exec(out);
  if (!modules) throw new Error(`no depcruise report: ${out}${proc.stderr.toString()}`);
  // `  error rule: from → to`, a cycle's further steps on the indented lines below it.
  const found: string[][] = [];
  for (const line of out.split("\n")) {
    const start = /^ {2}error (\S+) (.*)$/.exec(line);
    if (start) found.push([start[1]!, start[2]!]);
    else if (/^ {4,}\S/.test(line) && found.length) found.at(-1)!.push(line);
  }
  const violations = found
    .map(
      ([rule, ...steps]) =>
        `${rule} ${steps
          .join(" ")
          .split("\u2192")
          .map((p) => p.trim())
          .join(" -> ")}`,
    )
    .sort((a, b) => a.localeCompare(b));
  return { exitCode: proc.exitCode ?? -1, modules: Number(modules[1]), violations };
}

describe("folder rules (dependency-cruiser)", () => {
  test("the check reads the TypeScript sources and the real tree keeps every rule, with no cycle", () => {
    const c = cruise(ROOT);
    // A parser that cannot read .ts cruises nothing and finds nothing: count what it read.
    const files = new Bun.Glob("{server,db}/**/*.ts").scanSync({ cwd: ROOT });
    expect(c.modules).toBeGreaterThanOrEqual([...files].length);
    expect(c.violations).toEqual([]);
    expect(c.exitCode).toBe(0);
  }, 60_000);

  test("a planted forbidden import or cycle fails the check, naming the rule", () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-deps-"));
    const plant = (path: string, text = "export const x = 1;\n") => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    try {
      for (const target of [
        "server/billing/money.ts",
        "server/dialects/anthropic/error.ts",
        "server/gateway/gateway.ts",
        "server/providers/http.ts",
        "server/errors.ts",
        "server/routes/anthropic.ts",
        "server/testing/harness.ts",
        "db/pg/client.ts",
      ])
        plant(target);
      plant("server/store/charges.ts", 'import { x } from "../billing/money.ts";\nexport const y = x;\n');
      plant(
        "server/http/render.ts",
        'import { x } from "../dialects/anthropic/error.ts";\nexport const y = x;\n',
      );
      plant(
        "server/health/state.ts",
        'import type { x } from "../gateway/gateway.ts";\nexport type Y = typeof x;\n',
      );
      plant("server/dialects/post.ts", 'import { x } from "../providers/http.ts";\nexport const y = x;\n');
      plant("db/queries/errors.ts", 'import { x } from "../../server/errors.ts";\nexport const y = x;\n');
      plant("server/gateway/route.ts", 'import { x } from "../routes/anthropic.ts";\nexport const y = x;\n');
      plant("server/keys/mock.ts", 'import { x } from "../testing/harness.ts";\nexport const y = x;\n');
      plant("server/keys/pg.ts", 'import { x } from "../../db/pg/client.ts";\nexport const y = x;\n');
      plant("server/core/price.ts", 'import { x } from "../billing/money.ts";\nexport const y = x;\n');
      // A cycle inside one folder breaks no folder rule, only no-circular (reported once per cycle).
      plant("server/core/a.ts", 'import { b } from "./b.ts";\nexport const a = () => b;\n');
      plant("server/core/b.ts", 'import { a } from "./a.ts";\nexport const b = () => a;\n');
      // Tests are exempt from the folder rules, and the composition root may build the gateway.
      plant(
        "server/store/charges.test.ts",
        'import { x } from "../billing/money.ts";\nexport const y = x;\n',
      );
      plant("server/app.ts", 'import { x } from "./gateway/gateway.ts";\nexport const y = x;\n');

      const c = cruise(dir);
      expect(c.violations).toEqual([
        "core-is-the-bottom: server/core/price.ts -> server/billing/money.ts",
        "db-knows-no-server: db/queries/errors.ts -> server/errors.ts",
        "dialects-know-no-transport: server/dialects/post.ts -> server/providers/http.ts",
        "engine-chosen-at-the-edges: server/keys/pg.ts -> db/pg/client.ts",
        "gateway-below-routes: server/gateway/route.ts -> server/routes/anthropic.ts",
        "gateway-object-is-the-composition-root: server/health/state.ts -> server/gateway/gateway.ts",
        "health-reads-state: server/health/state.ts -> server/gateway/gateway.ts",
        "http-knows-no-surface: server/http/render.ts -> server/dialects/anthropic/error.ts",
        "no-circular: server/core/a.ts -> server/core/b.ts -> server/core/a.ts",
        "nothing-imports-routes: server/gateway/route.ts -> server/routes/anthropic.ts",
        "only-routes-build-on-gateway: server/health/state.ts -> server/gateway/gateway.ts",
        "store-takes-writes-as-data: server/store/charges.ts -> server/billing/money.ts",
        "testing-is-for-tests: server/keys/mock.ts -> server/testing/harness.ts",
      ]);
      expect(c.exitCode).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
