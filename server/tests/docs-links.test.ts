/**
 * Every relative link in the docs resolves (scripts/docs-links.ts): the front page, the
 * manual in docs/, the benchmark's notes and every folder README. The checker itself is
 * proven first on a scratch tree holding one of each kind of good and broken link.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { anchors, checkDocLinks, docFiles, formatBroken, slug } from "../../scripts/docs-links.ts";

const REPO = join(import.meta.dir, "..", "..");

describe("the checker", () => {
  const root = mkdtempSync(join(tmpdir(), "tollgate-docs-links-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  test("finds missing files, missing headings and links leaving the repository; ignores code and URLs", () => {
    write(
      "README.md",
      [
        "# Front page",
        "[manual](docs/README.md), [a heading](docs/guide.md#two-words-here), [same page](#front-page)",
        "[gone](docs/missing.md) and [wrong heading](docs/guide.md#nowhere)",
        "![logo](docs/logo.png) [outside](../elsewhere.md) [web](https://example.com/x.md)",
        "`[in a code span](docs/nope.md)`",
        "```md",
        "[in a fence](docs/nope.md)",
        "```",
        "[ref]: docs/also-missing.md",
      ].join("\n"),
    );
    write(
      "docs/README.md",
      "# Docs\n[back](../README.md#front-page) [code](../server/x.ts) [folder](../server/)\n",
    );
    write("docs/guide.md", "# Guide\n## Two words: `here`\n");
    write("server/x.ts", "export {};\n");
    write("server/README.md", "# server/\n[manual](../docs/guide.md#guide) [stale](../docs/binary.md)\n");

    const files = docFiles(root);
    expect(files).toEqual(["README.md", "docs/README.md", "docs/guide.md", "server/README.md"]);
    expect(checkDocLinks(root, files)).toEqual([
      { file: "README.md", line: 3, target: "docs/missing.md", reason: "no such file: docs/missing.md" },
      {
        file: "README.md",
        line: 3,
        target: "docs/guide.md#nowhere",
        reason: "no heading #nowhere in docs/guide.md",
      },
      { file: "README.md", line: 4, target: "docs/logo.png", reason: "no such file: docs/logo.png" },
      { file: "README.md", line: 4, target: "../elsewhere.md", reason: "points outside the repository" },
      {
        file: "README.md",
        line: 9,
        target: "docs/also-missing.md",
        reason: "no such file: docs/also-missing.md",
      },
      {
        file: "server/README.md",
        line: 2,
        target: "../docs/binary.md",
        reason: "no such file: docs/binary.md",
      },
    ]);
  });

  test("heading anchors follow GitHub's slugs, repeats numbered", () => {
    expect(slug("Bun's 256-request fetch cap: Tollgate needs `BUN_CONFIG_MAX_HTTP_REQUESTS`")).toBe(
      "buns-256-request-fetch-cap-tollgate-needs-bun_config_max_http_requests",
    );
    expect(slug("Self-hosting: one binary")).toBe("self-hosting-one-binary");
    expect(slug("[Linked](x.md) heading")).toBe("linked-heading");
    expect([...anchors("# Tests\n## Tests\n```\n# not a heading\n```\n### Tests ###\n")]).toEqual([
      "tests",
      "tests-1",
      "tests-2",
    ]);
  });
});

test("every relative link in the docs resolves", () => {
  const files = docFiles(REPO);
  // The check covers what it says it covers (a glob that matched nothing would pass).
  for (const f of ["README.md", "docs/README.md", "bench/README.md", "server/README.md", "db/README.md"])
    expect(files).toContain(f);
  const broken = checkDocLinks(REPO, files);
  expect(formatBroken(broken)).toBe("");
});
