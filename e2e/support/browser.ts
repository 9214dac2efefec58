import { existsSync } from "node:fs";

/** Debian's chromium unless CHROMIUM_PATH says otherwise (Playwright's own download does not work here). */
export const chromiumPath = () => process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** The flags STACK.md lists for headless Chromium in a container with no network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function assertBrowser(): void {
  const path = chromiumPath();
  if (!existsSync(path))
    throw new Error(
      `No Chromium at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH. The browser tests fail rather than skip.`,
    );
}
