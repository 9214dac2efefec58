import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { scanSource } from "./literals.ts";

const SRC = join(import.meta.dirname, "..");

/**
 * Text that is the same in every language and may stay a literal: the product name, code
 * and command samples, units and symbols. file → texts (exact, trimmed).
 */
const ALLOWED: Record<string, string[]> = {};

/** Files not translated yet: every English string in them is allowed (listed in docs/panel.md). */
const UNTRANSLATED = new Set<string>([]);

const tsxFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsxFiles(join(dir, e.name)) : e.name.endsWith(".tsx") ? [join(dir, e.name)] : [],
  );

test("no user-visible English left in the panel's JSX outside t()", () => {
  const found: string[] = [];
  for (const file of tsxFiles(SRC)) {
    const rel = relative(SRC, file);
    if (UNTRANSLATED.has(rel)) continue;
    const allowed = new Set(ALLOWED[rel] ?? []);
    for (const f of scanSource(readFileSync(file, "utf8")))
      if (!allowed.has(f.text)) found.push(`${rel}:${f.line}: ${JSON.stringify(f.text)}`);
  }
  expect(found).toEqual([]);
});

test("the scan finds English the ways it is written in JSX", () => {
  const src = `
    export function X({ n }: { n: number }) {
      const notify = useToast();
      return (
        <div className="flex gap-2" data-testid="x-row">
          <p>Could not load this.</p>
          {n} requests<br />
          <Field label="Name" hint={"Shown to admins"} />
          <Button aria-label={\`Delete \${n}\`} onClick={() => notify("error", "It failed badly")}>x</Button>
          <p>{t("ok.key")}</p>
        </div>
      );
    }`;
  const texts = scanSource(src).map((f) => f.text);
  expect(texts).toContain("Could not load this.");
  expect(texts).toContain("requests");
  expect(texts).toContain("Name");
  expect(texts).toContain("Shown to admins");
  expect(texts).toContain(`Delete ${"$"}{n}`);
  expect(texts).toContain("It failed badly");
  expect(texts).not.toContain("flex gap-2");
  expect(texts).not.toContain("x-row");
  expect(texts.some((t) => t.includes("ok.key"))).toBe(false);
});
