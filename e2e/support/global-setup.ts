import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { assertBrowser } from "./browser.ts";

/** Fails the run (never skips) without a browser; builds the panel once before any test. */
export default function globalSetup() {
  assertBrowser();
  const root = join(import.meta.dirname, "..", "..");
  execFileSync(join(root, "node_modules", ".bin", "bun"), ["scripts/build-admin.ts"], {
    cwd: root,
    stdio: "inherit",
  });
}
