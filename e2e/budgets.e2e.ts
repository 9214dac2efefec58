import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { Booted } from "./support/boot.ts";
import { adminPost, expect, test, unique } from "./support/fixtures.ts";
import { shoot } from "./support/shoot.ts";

/**
 * Budgets that reset and warn, suspend and resume, refunds and filters, alerts and the one
 * time zone setting, as an operator meets them in the panel.
 */

async function adminCall(gateway: Booted, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gateway.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return res.json();
}

test("a key's spend limit with a daily reset shows as a progress bar, limit reached at the limit", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const account = await adminPost<{ id: string }>(gateway, "/accounts", {
    name: unique("budget"),
    balance: 10,
  });
  const keyName = unique("daily");
  const key = await adminPost<{ id: string; key: string }>(gateway, "/keys", {
    account_id: account.id,
    name: keyName,
    spend_limit: "0.0001",
    budget_period: "daily",
  });
  let refused = false;
  for (let i = 0; i < 20 && !refused; i++)
    await openaiFor(key.key)
      .chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hello" }] })
      .catch((e: { code?: string }) => {
        refused = e.code === "key_spend_limit_reached";
      });
  expect(refused).toBe(true);

  await page.goto(`keys/${key.id}`);
  const heading = page.getByRole("heading", { name: keyName, level: 1 });
  await expect(heading).toContainText("limit reached");
  const bar = page.getByRole("progressbar", { name: "Spend today against the limit" });
  await expect(bar).toBeVisible();
  // What is left no longer buys the smallest call: refused before the bar is full.
  await expect(bar).toHaveAttribute("aria-valuenow", /^[1-9]\d?$|^100$/);
  await expect(bar).toHaveAttribute("aria-valuetext", /USD of 0\.0001 USD$/);
  await expect(page.getByTestId("spend-bar-text")).toContainText("of 0.0001 USD today");
  await expect(page.getByTestId("spend-bar-text")).toContainText("Resets");
  await expect(page.getByText("limit reached: refused until the period resets")).toBeVisible();
  // The key's money chart is bars with the currency on its axis.
  const keySpend = page.getByRole("figure", { name: "Key spend per day" });
  await expect(keySpend).toContainText("USD");
  await expect(keySpend.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await shoot(page, "key-budget");

  await test.step("the period is chosen in the edit dialog", async () => {
    await page.getByRole("button", { name: "Edit limits" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Spend limit resets")).toHaveValue("daily");
    await dialog.getByLabel("Spend limit resets").selectOption("monthly");
    await dialog.getByLabel("Spend limit (USD)").fill("5");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("progressbar", { name: "Spend this month against the limit" })).toBeVisible();
    await expect(heading).toContainText("active");
  });
});

test("suspend and resume a key and an account; the key list filters by status", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const accountName = unique("suspend");
  const account = await adminPost<{ id: string }>(gateway, "/accounts", { name: accountName, balance: 10 });
  const keyName = unique("pausable");
  const key = await adminPost<{ id: string; key: string }>(gateway, "/keys", {
    account_id: account.id,
    name: keyName,
  });
  const call = () =>
    openaiFor(key.key)
      .chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] })
      .then(
        () => ({ status: 200, code: null as string | null }),
        (e: { status: number; code: string }) => ({ status: e.status, code: e.code }),
      );

  await page.goto(`keys/${key.id}`);
  await page.getByRole("button", { name: `Suspend ${keyName}` }).click();
  await expect(page.getByRole("heading", { name: keyName, level: 1 })).toContainText("suspended");
  expect(await call()).toEqual({ status: 401, code: "key_suspended" });

  await page.goto("keys");
  await page.getByLabel("Status").selectOption("suspended");
  await expect(page.getByTestId(`key-row-${key.id}`)).toBeVisible();
  await shoot(page, "keys-suspended-filter");
  // A revoked key is found under "revoked", and only there.
  const gone = await adminPost<{ id: string }>(gateway, "/keys", {
    account_id: account.id,
    name: unique("gone"),
  });
  await adminCall(gateway, "PATCH", `/keys/${gone.id}`, { status: "revoked" });
  await page.getByLabel("Status").selectOption("revoked");
  await expect(page.getByTestId(`key-row-${gone.id}`)).toBeVisible();
  await expect(page.getByTestId(`key-row-${gone.id}`)).toContainText("revoked");
  await expect(page.getByTestId(`key-row-${key.id}`)).toHaveCount(0);
  await page.getByLabel("Status").selectOption("active");
  await expect(page.getByTestId(`key-row-${gone.id}`)).toHaveCount(0);
  await page.getByLabel("Status").selectOption("suspended");
  await page.getByRole("button", { name: `Resume ${keyName}` }).click();
  await expect(page.getByTestId(`key-row-${key.id}`)).toHaveCount(0);
  expect(await call()).toEqual({ status: 200, code: null });

  await page.goto(`accounts/${account.id}`);
  await page.getByRole("button", { name: "Suspend account" }).click();
  await expect(page.getByRole("heading", { name: accountName, level: 1 })).toContainText("suspended");
  await expect(page.getByText("This account is suspended")).toBeVisible();
  expect(await call()).toEqual({ status: 403, code: "account_suspended" });
  await page.getByRole("button", { name: "Resume account" }).click();
  await expect(page.getByRole("heading", { name: accountName, level: 1 })).toContainText("active");
  expect(await call()).toEqual({ status: 200, code: null });
});

test("refund and adjust on the account page; the ledger filters by kind; low accounts on the Overview", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const accountName = unique("refunds");
  const account = await adminPost<{ id: string }>(gateway, "/accounts", { name: accountName, balance: 2 });
  const key = await adminPost<{ id: string; key: string }>(gateway, "/keys", {
    account_id: account.id,
    name: "k",
  });
  for (let i = 0; i < 4; i++)
    await openaiFor(key.key).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hi" }],
    });
  // One failed request this hour: the hourly chart marks it.
  await openaiFor(key.key)
    .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "Hi" }] })
    .catch(() => null);
  await page.goto(`accounts/${account.id}`);
  const form = page.getByRole("form", { name: "Refund or adjust" });
  await form.getByLabel("Amount to refund or adjust (USD)").fill("1.25");
  await form.getByLabel("Reason (required)").fill("Outage credit");
  await form.getByRole("button", { name: "Refund" }).click();
  await expect(page.getByText(/Refunded 1\.25 USD/)).toBeVisible();
  await form.getByLabel("Kind").selectOption("adjustment");
  await form.getByLabel("Amount to refund or adjust (USD)").fill("-0.5");
  await form.getByLabel("Reason (required)").fill("Duplicate top-up");
  await form.getByRole("button", { name: "Adjust" }).click();
  await expect(page.getByText(/Adjusted by -0\.50 USD/)).toBeVisible();

  const rows = page.getByTestId("ledger-row");
  await expect(rows).toHaveCount(7);
  await page.getByLabel("Show").selectOption({ label: "Top-ups, refunds, adjustments" });
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: "charge" })).toHaveCount(0);
  await page.getByLabel("Show").selectOption({ label: "Refunds" });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Outage credit");

  await page.getByLabel("Low-balance threshold (USD)").fill("100");
  await page.getByRole("button", { name: "Save threshold" }).click();
  await expect(page.getByRole("heading", { name: accountName, level: 1 })).toContainText("running low");
  await shoot(page, "account-detail-budgets");

  await page.getByRole("link", { name: "Overview" }).click();
  const low = page.getByRole("region", { name: "Accounts running low" });
  await expect(low.getByRole("link", { name: accountName })).toBeVisible();
  const spend = page.getByRole("region", { name: /Spend per account/ });
  await expect(spend.getByRole("link", { name: accountName })).toBeVisible();
  // Money charts are bars with the currency on the axis; the hourly chart marks errors.
  await expect(
    page.getByRole("figure", { name: "Spend per day" }).locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  await expect(page.getByRole("figure", { name: "Spend per day" })).toContainText("USD");
  const hourly = page.getByRole("figure", { name: "Requests and errors today by hour" });
  await expect(hourly).toContainText("Errors");
  // An error is a red bar stacked on the hour's successes, not only a legend entry.
  await expect(hourly.locator('.recharts-bar-rectangle path[fill="#dc2626"]').first()).toBeVisible();
  await shoot(page, "overview-budgets");
});

test("alerts: a signed webhook delivery, retried after a failure, is logged on the Alerts page", async ({
  admin: page,
  gateway,
}) => {
  const secret = "whsec-e2e-0123456789abcdef";
  const statuses = [500];
  const got: { body: string; signature: string | undefined }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      got.push({ body, signature: req.headers["x-tollgate-signature"] as string | undefined });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    await page.getByRole("link", { name: "Alerts" }).click();
    const form = page.getByRole("form", { name: "Alert webhook" });
    await form.getByLabel("URL").fill(`http://127.0.0.1:${port}/hook`);
    await form.getByLabel("Signing secret").fill(secret);
    await form.getByRole("button", { name: "Save webhook" }).click();
    await expect(page.getByText(`Alerts are posted to http://127.0.0.1:${port}/hook`)).toBeVisible();
    await page.getByRole("button", { name: "Send test alert" }).click();
    const row = page.getByTestId("delivery-row").first();
    // The first attempt got 500; the retry a second later got 200.
    await expect(row).toContainText("delivered", { timeout: 15_000 });
    await expect(row).toContainText("2");
    expect(got).toHaveLength(2);
    const want = `sha256=${createHmac("sha256", secret).update(got[1]!.body).digest("hex")}`;
    expect(got[1]!.signature).toBe(want);
    expect(JSON.parse(got[1]!.body)).toMatchObject({ event: "test" });
    await shoot(page, "alerts");
    await adminCall(gateway, "DELETE", "/alerts/webhook");
  } finally {
    server.close();
  }
});

test("alerts by e-mail: recipients set on the Alerts page, each alert e-mail logged beside the webhook's", async ({
  admin: page,
  gateway,
}) => {
  await page.getByRole("link", { name: "Alerts" }).click();
  const form = page.getByRole("form", { name: "Alert e-mail" });
  // The e2e gateway has no SMTP server: the page says where the mail goes instead.
  await expect(page.getByTestId("alert-email-transport")).toContainText(
    "alert e-mails are kept in the outbox",
  );
  await form.getByLabel("Recipients").fill("ops@example.com, Billing@Example.com");
  await form.getByRole("button", { name: "Save recipients" }).click();
  await expect(page.getByText("Recipients saved.")).toBeVisible();
  await page.reload();
  await expect(form.getByLabel("Recipients")).toHaveValue("ops@example.com,billing@example.com");
  await page.getByRole("button", { name: "Send test alert" }).click();
  const rows = page.getByTestId("delivery-row");
  for (const to of ["ops@example.com", "billing@example.com"])
    await expect(rows.filter({ hasText: `E-mail ${to}` }).first()).toContainText("in outbox");
  // The message itself is in the outbox, whole (the admin API's view of it).
  const outbox = await adminCall(gateway, "GET", "/outbox");
  const mails = (outbox as { data: { to: string; purpose: string; subject: string }[] }).data.filter(
    (m) => m.purpose === "alert",
  );
  expect(mails.map((m) => m.to).sort()).toEqual(["billing@example.com", "ops@example.com"]);
  expect(mails[0]!.subject).toBe("[Tollgate] Test alert");
  await shoot(page, "alerts-email");
  // The note links to the Outbox page, where the message is read whole.
  await page.getByTestId("alert-email-transport").getByRole("link", { name: "outbox" }).click();
  await expect(
    page.getByTestId("outbox-message").filter({ hasText: "[Tollgate] Test alert" }).first(),
  ).toContainText("A test alert from Tollgate: alert e-mails reach this address.");
  await page.goBack();
  await form.getByLabel("Recipients").fill("");
  await form.getByRole("button", { name: "Save recipients" }).click();
  await expect(page.getByRole("button", { name: "Send test alert" })).toHaveCount(0);
});
