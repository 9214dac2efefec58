import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumPath } from "./e2e/support/browser.ts";

/**
 * The admin panel's browser tests: Debian's Chromium, one worker, one fresh gateway for
 * the run (e2e/support/fixtures.ts). `npm test` reads the JSON report
 * (PLAYWRIGHT_JSON_OUTPUT_NAME); no browser is a failure, not a skip (global setup).
 */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.e2e.ts",
  outputDir: "test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // npm test points the JSON report at PLAYWRIGHT_JSON_OUTPUT_NAME and counts it.
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/report.json" }],
  ],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    // The panel follows the browser's language (docs/panel.md, Languages): the suite is English
    // unless a test asks for another locale.
    locale: "en-US",
    viewport: { width: 1280, height: 800 },
    permissions: ["clipboard-read", "clipboard-write"],
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
