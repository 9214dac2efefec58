import type { Page } from "@playwright/test";
import { en } from "../admin/src/i18n/en.ts";
import { flatten } from "../admin/src/i18n/flatten.ts";
import { ru } from "../admin/src/i18n/ru.ts";
import { audit } from "./support/axe.ts";
import { clientKey, expect, test } from "./support/fixtures.ts";

/** The browser says Russian first; nothing is stored yet, so the panel follows it. */
test.use({ locale: "ru-RU" });

async function signInRu(page: Page, username: string, password: string) {
  await page.goto("sign-in");
  await page.getByLabel(ru.signIn.username, { exact: true }).fill(username);
  await page.getByLabel(ru.signIn.password).fill(password);
  await page.getByRole("button", { name: ru.signIn.submit }).click();
  await expect(page.getByRole("link", { name: ru.nav.overview })).toBeVisible();
  await expect(page).not.toHaveURL(/sign-in/);
}

/**
 * English texts of the resources that must not show on a Russian page: those that differ
 * from their Russian twin, without placeholders or markup, of at least two words or one long
 * word (short ones like "admin" are also data here: the e2e user is called admin).
 */
const ENGLISH = [...flatten(en)]
  .filter(([key, v]) => {
    const text = String(v);
    return (
      flatten(ru).get(key) !== text &&
      !/[{<]/.test(text) &&
      (/\w+ \w+/.test(text) || /^[A-Za-z]{6,}$/.test(text.trim()))
    );
  })
  .map(([key, v]) => ({ key, text: String(v).trim() }));

async function englishOn(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("status").filter({ hasText: ru.common.loading })).toHaveCount(0);
  const seen = await page.evaluate(() => {
    // Visible text, plus the accessible names and placeholders a screen reader or a hint shows.
    const attrs = Array.from(document.querySelectorAll("[aria-label],[title],[placeholder]")).flatMap((el) =>
      ["aria-label", "title", "placeholder"].map((a) => el.getAttribute(a) ?? ""),
    );
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point (not hidden nodes)
    return [document.body.innerText, ...attrs].join("\n");
  });
  return ENGLISH.filter(({ text }) =>
    new RegExp(`(^|[^\\w])${text.replace(/[.*+?^$()|[\]\\]/g, "\\$&")}($|[^\\w])`).test(seen),
  ).map(({ key, text }) => `${key}: ${text}`);
}

test("the panel opens in the browser's language; the switch changes it and is remembered", async ({
  page,
}) => {
  await page.goto("sign-in");
  await expect(page.getByRole("heading", { name: ru.signIn.title })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page).toHaveTitle(ru.brand.title);
  await audit(page, "sign-in (ru)");
  await page.getByLabel(ru.language.label).selectOption("en");
  await expect(page.getByRole("heading", { name: en.signIn.title })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByRole("heading", { name: en.signIn.title })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("tollgate.language"))).toBe("en");
  await page.getByLabel(en.language.label).selectOption("ru");
  await expect(page.getByRole("heading", { name: ru.signIn.title })).toBeVisible();
});

test("Russian pages show no English text from the panel's resources and pass axe-core", async ({
  page,
  gateway,
}) => {
  // Fourteen pages and three dialogs, each scanned and audited by axe: past a minute on a
  // loaded two-core machine.
  test.setTimeout(180_000);
  expect(ENGLISH.length).toBeGreaterThan(100);
  const key = await clientKey(gateway, "i18n", "12.5");
  await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
  });
  const logged = await fetch(`${gateway.url}/admin/api/requests?limit=1`, {
    headers: { authorization: `Bearer ${gateway.adminToken}` },
  }).then((r) => r.json() as Promise<{ data: { id: string }[] }>);

  await signInRu(page, gateway.username, gateway.password);
  const found: string[] = [];
  // Each page also passes axe-core in Russian (lang="ru", the Russian names of every control).
  const check = async (where: string) => {
    found.push(...(await englishOn(page)).map((e) => `${where}: ${e}`));
    await audit(page, `${where} (ru)`);
  };
  await expect(page.getByRole("heading", { name: ru.overview.title })).toBeVisible();
  await check("overview");
  for (const path of [
    "keys",
    `keys/${key.keyId}`,
    "accounts",
    `accounts/${key.account.id}`,
    "alerts",
    "models",
    "providers",
    "requests",
    `requests/${logged.data[0]!.id}`,
    "admins",
    "no-such-page",
  ]) {
    await page.goto(path);
    await check(path);
  }
  await page.goto("models");
  await page.getByRole("button", { name: ru.models.add }).click();
  await check("add-model dialog");
  await page.keyboard.press("Escape");
  await page.goto("providers");
  await page.getByRole("button", { name: ru.providers.test.label.replace("{{id}}", "mock") }).click();
  await expect(
    page.getByRole("region", { name: ru.providers.upstream.region.replace("{{provider}}", "mock") }),
  ).toBeVisible();
  await check("providers, tested");
  await page.goto("keys");
  await page.getByRole("button", { name: ru.keys.issue }).click();
  await check("issue-key dialog");
  await page.getByRole("dialog").getByLabel(ru.keys.issueDialog.name).fill("i18n shown once");
  await page.getByRole("dialog").getByRole("button", { name: ru.keys.issueDialog.submit }).click();
  await expect(page.getByRole("dialog", { name: ru.keys.issueDialog.titleDone })).toBeVisible();
  await check("new key and connection details");
  expect(found).toEqual([]);
});

test("numbers, money and times follow the Russian locale and stay exact", async ({ page, gateway }) => {
  const key = await clientKey(gateway, "ru-money", "1234.5");
  await fetch(`${gateway.url}/admin/api/accounts/${key.account.id}/topups`, {
    method: "POST",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ amount: "0.000123" }),
  });
  await signInRu(page, gateway.username, gateway.password);
  await page.goto(`accounts/${key.account.id}`);
  // 1 234,500123 USD: a no-break space groups thousands, a comma marks decimals, no digit lost.
  await expect(page.getByText("1\u00a0234,500123 USD").first()).toBeVisible();
  await expect(page.getByText("0,000123 USD").first()).toBeVisible();
  await expect(page.getByText(/\b\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}\b/).first()).toBeVisible();
});
