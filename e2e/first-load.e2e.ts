import type { Page, Response } from "@playwright/test";
import { expect, test } from "./support/fixtures.ts";

type Script = { path: string; encoding: string | undefined; bytes: number };

/** The panel's scripts the page fetched, with the encoding the gateway sent them in. */
function scripts(page: Page) {
  const seen: Script[] = [];
  page.on("response", async (res: Response) => {
    const path = new URL(res.url()).pathname;
    if (path.startsWith("/admin/assets/") && path.endsWith(".js"))
      seen.push({
        path,
        encoding: (await res.allHeaders())["content-encoding"],
        bytes: (await res.body()).length,
      });
  });
  return seen;
}

/** Files under 1 KB go as they are (http/compression.ts): framing would eat the saving. */
const expectCompressed = (seen: Script[]) => {
  for (const s of seen.filter((x) => x.bytes >= 1024)) expect(["br", "gzip"]).toContain(s.encoding);
};

test("the sign-in page loads no page chunk, its scripts come compressed; each page brings its own chunk", async ({
  page,
  gateway,
}) => {
  const loaded = scripts(page);
  await page.goto("sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  const atSignIn = loaded.map((s) => s.path);
  expect(atSignIn.length).toBeGreaterThan(0);
  expect(atSignIn.some((p) => /\/(overview|requests|series-chart)-/.test(p))).toBe(false);
  expect(loaded.filter((s) => s.bytes >= 1024).length).toBeGreaterThan(0);
  expectCompressed(loaded);

  await page.getByLabel("Username").fill(gateway.username);
  await page.getByLabel("Password").fill(gateway.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  const atOverview = loaded.map((s) => s.path).filter((p) => !atSignIn.includes(p));
  // The overview (and its charts) came as chunks the sign-in page never fetched.
  expect(atOverview.some((p) => p.includes("/overview-"))).toBe(true);

  await page.getByRole("link", { name: "Request log" }).click();
  await expect(page.getByRole("heading", { name: "Request log" })).toBeVisible();
  expect(loaded.some((s) => s.path.includes("/requests-"))).toBe(true);
  expectCompressed(loaded);
});
