/**
 * "Before" screenshots for issue 15's closing note: the panel as it was when the issue was
 * filed (commit a7d5aed), the same pages as the "after" shots of e2e/screenshots.e2e.ts and
 * e2e/first-run.e2e.ts, at 1280 and 390 px. Not part of the suite: e2e/before/capture.sh
 * copies it into a worktree of a7d5aed (as e2e/before-capture.e2e.ts, next to that tree's
 * own fixtures) and runs it there; the files land in this tree's e2e/artifacts/before/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expect, signIn, test, unique } from "../support/fixtures.ts";

const OUT = process.env.BEFORE_ARTIFACTS ?? join(import.meta.dirname, "artifacts", "before");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Both widths; nothing asserted about the layout (the "before" is evidence, not a test). */
async function shoot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.mouse.move(0, 0);
  await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(OUT, `${name}-${w.name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("before: the pages issue 15 is about, as they were", async ({ page, gateway }) => {
  mkdirSync(OUT, { recursive: true });
  await page.goto("sign-in");
  await shoot(page, "01-sign-in");
  await signIn(page, gateway.username, gateway.password);
  // Nothing sent yet: the empty Overview a first run meets.
  await shoot(page, "02a-overview-empty");

  // The seed of screenshots.e2e.ts, repeated on purpose: this file runs inside the old tree,
  // which exports no seed to import (and importing a spec file would run its tests).
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${gateway.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok, `${method} ${path}`).toBe(true);
    return (await res.json()) as T;
  };
  const account = await admin<{ id: string }>("POST", "/accounts", {
    name: unique("Globex"),
    balance: "120.5",
  });
  const key = await admin<{ id: string; key: string }>("POST", "/keys", {
    account_id: account.id,
    name: "screenshots key",
    rpm_limit: 120,
    spend_limit: "50",
    models: ["gpt-test", "vendor/slashed-model"],
  });
  const chat = (model: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "Hello there" }] }),
    });
  for (let i = 0; i < 3; i++) await chat("gpt-test");
  await chat("vendor/slashed-model");
  await fetch(`${gateway.mockUrl.replace(/\/v1$/, "")}/__control/next`, {
    method: "POST",
    body: JSON.stringify([{ status: 400 }]),
  });
  await chat("gpt-test");

  await page.goto("");
  await expect(page.getByTestId("today-requests")).not.toHaveText("0");
  await shoot(page, "02-overview");
  await page.goto(`keys/${key.id}`);
  await expect(page.getByTestId("request-row").first()).toBeVisible();
  await shoot(page, "04-key-detail");
  await page.goto("models");
  await shoot(page, "07-models");
  // Adding a model: routes typed as text, prices as bare numbers.
  await page.getByRole("button", { name: "Add model" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await shoot(page, "07b-add-model-route-editor");
  await page.keyboard.press("Escape");
  await page.goto("requests");
  await expect(page.getByTestId("request-row").first()).toBeVisible();
  await shoot(page, "09-request-log");
  await page.goto("keys");
  await page.getByRole("button", { name: "Issue key" }).click();
  const dialog = page.getByRole("dialog", { name: "Issue an API key" });
  await dialog.getByLabel("Name").fill("shown once");
  await dialog.getByRole("button", { name: "Issue key" }).click();
  await expect(page.getByRole("dialog", { name: "Your new API key" })).toBeVisible();
  await shoot(page, "13-plain-key-once");
});
