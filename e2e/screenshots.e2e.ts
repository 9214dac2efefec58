import { join } from "node:path";
import type { Page } from "@playwright/test";
import { en } from "../admin/src/i18n/en.ts";
import { ru } from "../admin/src/i18n/ru.ts";
import type { Booted } from "./support/boot.ts";
import { expect, test, unique } from "./support/fixtures.ts";
import { ARTIFACTS, shoot } from "./support/shoot.ts";

/** Seeds data through the admin API (Bearer) and the client API, like a deployment in use. */
async function seed(gateway: { url: string; mockUrl: string; adminToken: string }) {
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
  await admin("POST", `/accounts/${account.id}/topups`, { amount: "0.000123", note: "rounding test" });
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
    body: JSON.stringify([{ status: 400 }]), // not retried: one logged error
  });
  await chat("gpt-test");
  return { account, key };
}

/** The panel's texts in one language, and a filled-in text ("{{count}} models listed"). */
const TEXTS = { en, ru } as const;
type Lang = keyof typeof TEXTS;
const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));

/**
 * Every page at 1280 and 390 px in one language: English keeps the original file names,
 * Russian adds "-ru" (e2e/artifacts/02-overview-ru-phone.png). The language is the admin's
 * stored choice, set before the panel loads.
 */
async function tour(page: Page, gateway: Booted, lang: Lang) {
  const T = TEXTS[lang];
  const name = (n: string) => (lang === "en" ? n : `${n}-${lang}`);
  // Russian plural forms: 2, 3 and 4 take "few"; English has only "other" past 1.
  const plural = (forms: Record<string, string>, count: number) =>
    fill(forms[lang === "ru" && count >= 2 && count <= 4 ? "few" : "other"] ?? "", { count });
  await page.addInitScript((l) => localStorage.setItem("tollgate.language", l), lang);
  const { account, key } = await seed(gateway);
  await page.goto("sign-in");
  await shoot(page, name("01-sign-in"));
  await page.getByLabel(T.signIn.username, { exact: true }).fill(gateway.username);
  await page.getByLabel(T.signIn.password).fill(gateway.password);
  await page.getByRole("button", { name: T.signIn.submit }).click();
  await expect(page.getByRole("heading", { name: T.overview.title })).toBeVisible();
  await expect(page.getByTestId("today-requests")).not.toHaveText("0");
  await shoot(page, name("02-overview"));
  await page.goto("keys");
  await expect(page.getByRole("link", { name: "screenshots key" }).first()).toBeVisible();
  await shoot(page, name("03-keys"));
  await page.goto(`keys/${key.id}`);
  await expect(page.getByTestId("request-row").first()).toBeVisible();
  await shoot(page, name("04-key-detail"));
  await page.goto("accounts");
  await shoot(page, name("05-accounts"));
  await page.goto(`accounts/${account.id}`);
  await expect(page.getByTestId("ledger-row").first()).toBeVisible();
  const tiny = lang === "ru" ? "0,000123 USD" : "0.000123 USD";
  await expect(page.getByTestId("ledger-row").filter({ hasText: tiny })).toHaveCount(1);
  await shoot(page, name("06-account-detail"));
  await page.goto("models");
  await shoot(page, name("07-models"));
  await page.getByRole("button", { name: T.models.add }).click();
  const modelDialog = page.getByRole("dialog", { name: T.models.dialog.addTitle });
  await modelDialog
    .getByTestId("route-row")
    .getByLabel(T.models.route.provider, { exact: true })
    .selectOption("mock");
  const listed = T.models.route as unknown as Record<string, string>;
  const forms = Object.fromEntries(
    Object.entries(listed)
      .filter(([k]) => k.startsWith("listed_"))
      .map(([k, v]) => [k.slice("listed_".length), v]),
  );
  await expect(modelDialog.getByTestId("route-row")).toContainText(plural(forms, 3));
  await shoot(page, name("07b-add-model-route-editor"));
  await page.keyboard.press("Escape");
  await page.goto("providers");
  // Write-only: only the masked form ever reaches the page.
  await expect(page.getByTestId("provider-key-mock")).toHaveText(/^•+3456$/);
  await page.getByRole("button", { name: fill(T.providers.test.label, { id: "mock" }) }).click();
  const ms = lang === "ru" ? "мс" : "ms";
  await expect(page.getByText(new RegExp(`${T.providers.test.ok} · \\d+ ${ms} · Connected`))).toBeVisible();
  await shoot(page, name("08-providers"));
  const upstream = page.getByRole("region", {
    name: fill(T.providers.upstream.region, { provider: "mock" }),
  });
  await upstream.getByRole("checkbox", { name: /mock-large/ }).check();
  await upstream.getByRole("checkbox", { name: /mock-mini/ }).check();
  await upstream.getByRole("button", { name: fill(T.providers.upstream.addSelected, { count: 2 }) }).click();
  await expect(
    page.getByRole("dialog", { name: fill(T.providers.addModels.title, { provider: "mock" }) }),
  ).toBeVisible();
  await shoot(page, name("08b-add-models-from-provider"));
  await page.keyboard.press("Escape");
  await page.goto("requests");
  const F = T.requests.filters;
  const filters = page.getByRole("form", { name: F.label });
  await filters.getByLabel(F.key).selectOption(key.id);
  await filters.getByRole("button", { name: F.apply }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(5);
  await filters.getByLabel(F.status, { exact: true }).fill("400");
  await filters.getByRole("button", { name: F.apply }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  await filters.getByLabel(F.status, { exact: true }).fill("");
  await filters.getByLabel(F.model).selectOption("vendor/slashed-model");
  await filters.getByRole("button", { name: F.apply }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  const today = new Date().toISOString().slice(0, 10); // the panel's default zone is UTC
  await page.goto(`requests?key_id=${key.id}&from=${today}&to=${today}`);
  await expect(page.getByTestId("request-row")).toHaveCount(5);
  await shoot(page, name("09-request-log"));
  await page.goto(`requests?key_id=${key.id}&status_class=errors`);
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  await shoot(page, name("09b-request-log-errors-only"));
  await page.getByTestId("request-row").first().getByRole("link").first().click();
  await expect(page.getByRole("alert")).toBeVisible();
  await shoot(page, name("10-request-detail-error"));
  await page.goto("admins");
  await shoot(page, name("11-admin-users"));
  // The Alerts page with an e-mail recipient and a delivery (kept in the outbox: no SMTP here).
  const alertsApi = (method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}/admin/api/alerts/${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  await alertsApi("PUT", "email", { recipients: ["ops@example.com"] });
  await alertsApi("POST", "test");
  await page.goto("alerts");
  await expect(page.getByTestId("delivery-row").first()).toBeVisible();
  await shoot(page, name("15-alerts"));
  await alertsApi("PUT", "email", { recipients: [] });
  await page.goto("no-such-page");
  await shoot(page, name("16-not-found"));
  await page.goto("keys");
  await page.getByRole("button", { name: T.keys.issue }).click();
  await shoot(page, name("12-issue-key-form"));
  const dialog = page.getByRole("dialog", { name: T.keys.issueDialog.title });
  await dialog.getByLabel(T.keys.issueDialog.name).fill("shown once");
  await dialog.getByRole("button", { name: T.keys.issueDialog.submit }).click();
  await expect(page.getByRole("dialog", { name: T.keys.issueDialog.titleDone })).toBeVisible();
  await shoot(page, name("13-plain-key-once"));
  await page.getByRole("tab", { name: "Claude Code" }).click();
  await shoot(page, name("13b-plain-key-claude-code"));
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("button", { name: T.shell.menu }).click();
  await page.screenshot({ path: join(ARTIFACTS, `${name("14-menu-phone")}.png`) });
}

test("screenshots of every page at 1280 and 390 px wide (e2e/artifacts/)", async ({ page, gateway }) => {
  await tour(page, gateway, "en");
});

test("screenshots of every page in Russian at 1280 and 390 px wide (e2e/artifacts/*-ru-*)", async ({
  page,
  gateway,
}) => {
  await tour(page, gateway, "ru");
});
