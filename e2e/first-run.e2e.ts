import type { Page } from "@playwright/test";
import type { Booted } from "./support/boot.ts";
import { expect, test } from "./support/fixtures.ts";
import { shoot } from "./support/shoot.ts";

/** POST to a gateway's admin API with its admin token; expects 201. */
async function post(g: Booted, path: string, body: unknown): Promise<Record<string, string>> {
  const res = await fetch(`${g.url}/admin/api${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${g.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, path).toBe(201);
  return (await res.json()) as Record<string, string>;
}

const step = (page: Page, title: string) => page.getByTestId("setup-step").filter({ hasText: title });

test("first run: sign-in opens on the token tab; the empty Overview's checklist links each step and ticks it off", async ({
  page,
  firstRun,
}) => {
  await page.goto(`${firstRun.url}/admin/`);
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
  // No admin user yet: the token tab is open and the hint points at the printed token.
  await expect(page.getByRole("button", { name: "Admin token" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("note")).toContainText("First run: no admin user exists yet.");
  await expect(page.getByRole("note")).toContainText("the server printed when it first started");
  await expect(page.getByLabel("Admin token")).toBeFocused();
  await shoot(page, "00-sign-in-first-run");
  await page.getByLabel("Admin token").fill(firstRun.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Set up Tollgate" })).toBeVisible();
  await expect(page.getByTestId("setup-progress")).toHaveText("0 of 5 done");
  await expect(page.getByText("No requests in the last 30 days.")).toBeVisible();
  for (const [title, heading] of [
    ["Add a provider", "Providers"],
    ["Add a model", "Models"],
    ["Create an account", "Accounts"],
    ["Issue a key", "API keys"],
    ["Send a first request", "Request log"],
  ] as const) {
    await expect(step(page, title)).toContainText("(to do)");
    await step(page, title).getByRole("link", { name: title }).click();
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await page.goBack();
  }

  await post(firstRun, "/providers", {
    id: "upstream",
    kind: "openai",
    base_url: firstRun.mockUrl,
    api_key: "sk-first-run-0123456789",
  });
  await post(firstRun, "/models", {
    id: "first-model",
    prices: { input: "1", output: "2" },
    routes: [{ provider: "upstream", model: "mock-model" }],
  });
  await page.reload();
  await expect(step(page, "Add a provider")).toContainText("(done)");
  await expect(step(page, "Add a provider")).toContainText("1 configured.");
  await expect(step(page, "Add a model")).toContainText("(done)");
  await expect(page.getByTestId("setup-progress")).toHaveText("2 of 5 done");
  await shoot(page, "02b-overview-setup-checklist");

  // Without navigating: the open checklist polls, so a step ticks off as its data appears.
  const account = await post(firstRun, "/accounts", { name: "First customer", balance: "5" });
  await expect(step(page, "Create an account")).toContainText("(done)", { timeout: 15_000 });
  const key = await post(firstRun, "/keys", { account_id: account.id!, name: "first key" });
  await expect(step(page, "Issue a key")).toContainText("(done)", { timeout: 15_000 });
  await expect(step(page, "Send a first request")).toContainText("(to do)");

  const res = await fetch(`${firstRun.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "first-model", messages: [{ role: "user", content: "hello" }] }),
  });
  expect(res.status).toBe(200);
  // Every step done: the checklist goes and the totals and charts take its place.
  await expect(page.getByRole("heading", { name: "Set up Tollgate" })).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("today-requests")).toHaveText("1");
});
