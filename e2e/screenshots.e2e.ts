import { join } from "node:path";
import { expect, signIn, test, unique } from "./support/fixtures.ts";
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

test("screenshots of every page at 1280 and 390 px wide (e2e/artifacts/)", async ({ page, gateway }) => {
  const { account, key } = await seed(gateway);
  await page.goto("sign-in");
  await shoot(page, "01-sign-in");
  await signIn(page, gateway.username, gateway.password);
  await expect(page.getByTestId("today-requests")).not.toHaveText("0");
  await shoot(page, "02-overview");
  await page.goto("keys");
  await expect(page.getByRole("link", { name: "screenshots key" })).toBeVisible();
  await shoot(page, "03-keys");
  await page.goto(`keys/${key.id}`);
  await expect(page.getByTestId("request-row").first()).toBeVisible();
  await shoot(page, "04-key-detail");
  await page.goto("accounts");
  await shoot(page, "05-accounts");
  await page.goto(`accounts/${account.id}`);
  await expect(page.getByTestId("ledger-row").first()).toBeVisible();
  await expect(page.getByTestId("ledger-row").filter({ hasText: "0.000123 USD" })).toHaveCount(1);
  await shoot(page, "06-account-detail");
  await page.goto("models");
  await shoot(page, "07-models");
  await page.getByRole("button", { name: "Add model" }).click();
  const modelDialog = page.getByRole("dialog", { name: "Add a model" });
  await modelDialog.getByTestId("route-row").getByLabel("Provider").selectOption("mock");
  await expect(modelDialog.getByTestId("route-row")).toContainText("3 models listed");
  await shoot(page, "07b-add-model-route-editor");
  await page.keyboard.press("Escape");
  await page.goto("providers");
  // Write-only: only the masked form ever reaches the page.
  await expect(page.getByTestId("provider-key-mock")).toHaveText(/^•+3456$/);
  await page.getByRole("button", { name: "Test connection to mock" }).click();
  await expect(page.getByText(/OK · \d+ ms · Connected/)).toBeVisible();
  await shoot(page, "08-providers");
  const listed = page.getByRole("region", { name: "Models mock lists" });
  await listed.getByRole("checkbox", { name: /mock-large/ }).check();
  await listed.getByRole("checkbox", { name: /mock-mini/ }).check();
  await listed.getByRole("button", { name: "Add selected (2)" }).click();
  await expect(page.getByRole("dialog", { name: "Add models from mock" })).toBeVisible();
  await shoot(page, "08b-add-models-from-provider");
  await page.keyboard.press("Escape");
  await page.goto("requests");
  const filters = page.getByRole("form", { name: "Filters" });
  await filters.getByLabel("Key").selectOption(key.id);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(5);
  await filters.getByLabel("Status", { exact: true }).fill("400");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  await filters.getByLabel("Status", { exact: true }).fill("");
  await filters.getByLabel("Model").selectOption("vendor/slashed-model");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  const today = new Date().toLocaleDateString("en-CA"); // YYYY-MM-DD in the browser's zone
  await page.goto(`requests?key_id=${key.id}&from=${today}&to=${today}`);
  await expect(page.getByTestId("request-row")).toHaveCount(5);
  await shoot(page, "09-request-log");
  await page.goto(`requests?key_id=${key.id}&status_class=errors`);
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  await shoot(page, "09b-request-log-errors-only");
  await page.getByTestId("request-row").first().getByRole("link").first().click();
  await expect(page.getByRole("alert")).toBeVisible();
  await shoot(page, "10-request-detail-error");
  await page.goto("admins");
  await shoot(page, "11-admin-users");
  await page.goto("keys");
  await page.getByRole("button", { name: "Issue key" }).click();
  await shoot(page, "12-issue-key-form");
  const dialog = page.getByRole("dialog", { name: "Issue an API key" });
  await dialog.getByLabel("Name").fill("shown once");
  await dialog.getByRole("button", { name: "Issue key" }).click();
  await expect(page.getByRole("dialog", { name: "Your new API key" })).toBeVisible();
  await shoot(page, "13-plain-key-once");
  await page.getByRole("tab", { name: "Claude Code" }).click();
  await shoot(page, "13b-plain-key-claude-code");
  await page.keyboard.press("Escape");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("button", { name: "Menu" }).click();
  await page.screenshot({ path: join(ARTIFACTS, "14-menu-phone.png") });
});
