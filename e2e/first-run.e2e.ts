import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { audit } from "./support/axe.ts";
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
  await inRussian(page, "02b-overview-setup-checklist-ru");

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

/** The same page in Russian (the stored language choice), shot, then back to English. */
async function inRussian(page: Page, name: string) {
  await page.evaluate(() => localStorage.setItem("tollgate.language", "ru"));
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await shoot(page, name);
  await page.evaluate(() => localStorage.setItem("tollgate.language", "en"));
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
}

/** `npm start`'s program (`bun server/main.ts`) on a fresh data folder: its stdout until the next steps are printed. */
async function firstStart(dir: string) {
  const root = join(import.meta.dirname, "..");
  const proc = spawn(join(root, "node_modules", ".bin", "bun"), ["server/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      TOLLGATE_DB: join(dir, "t.db"),
      BUN_CONFIG_MAX_HTTP_REQUESTS: "65535",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (/"url":"/.test(out) && /The Overview lists these steps\./.test(out)) resolve();
    });
  });
  return { proc, out };
}

test("the first start's printout is enough: its panel URL opens on the token tab and its token signs in", async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-e2e-first-start-"));
  const { proc, out } = await firstStart(dir);
  try {
    const token = /^\s+(tga_[A-Za-z0-9_-]{32})$/m.exec(out)?.[1];
    expect(token, out).toBeDefined();
    const steps = out.slice(out.indexOf("Next steps:"));
    const panel = /1\. Open the admin panel: (http:\/\/\S+\/admin)$/m.exec(steps)?.[1];
    expect(panel, steps).toBeDefined();
    expect(steps).toContain('2. Sign in on the "Admin token" tab with the token above');
    expect(steps).toContain("3. No provider is configured yet");

    // What an operator does with it: open the printed address, paste the printed token.
    await page.goto(panel!);
    await expect(page).toHaveURL(/\/admin\/sign-in$/);
    await expect(page.getByRole("button", { name: "Admin token" })).toHaveAttribute("aria-pressed", "true");
    await audit(page, "sign-in, first run (token tab)");
    await inRussian(page, "00-sign-in-first-run-ru");
    await page.getByLabel("Admin token").fill(token!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Set up Tollgate" })).toBeVisible();
    await expect(step(page, "Add a provider")).toContainText("(to do)");
    await audit(page, "empty Overview with the setup checklist");
    await shoot(page, "02a-overview-empty");
    await inRussian(page, "02a-overview-empty-ru");
  } finally {
    proc.kill("SIGTERM");
    await new Promise((r) => proc.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
});
