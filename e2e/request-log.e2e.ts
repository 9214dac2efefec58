import { readFileSync } from "node:fs";
import type { Download, Page } from "@playwright/test";
import { clientKey, expect, test, unique } from "./support/fixtures.ts";

/** A downloaded CSV's lines (the byte order mark and the final line break dropped). */
async function csvLines(download: Download): Promise<string[]> {
  const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  return text.split("\r\n").filter((l) => l !== "");
}

const download = async (page: Page, click: () => Promise<void>) => {
  const [d] = await Promise.all([page.waitForEvent("download"), click()]);
  return d;
};

test("the request log answers who, what and why: names, route, streaming, TTFT, filters, search, the upstream's own reason, CSV", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const PROVIDER_SECRET = gateway.providerSecret;
  const keyName = unique("initech backend");
  const c = await clientKey(gateway, keyName, "5");
  const account = c.account.name; // keyName and a unique tail
  const client = openaiFor(c.key);
  const ask = { model: "gpt-test", messages: [{ role: "user" as const, content: "Hi" }] };
  await client.chat.completions.create(ask);
  const stream = await client.chat.completions.create({ ...ask, stream: true });
  for await (const _ of stream) {
    // read to the end
  }
  // The next upstream answer is an overload that quotes the provider's key; the retry answers.
  await fetch(`${gateway.mockUrl.replace(/\/v1$/, "")}/__control/next`, {
    method: "POST",
    body: JSON.stringify([
      { status: 503, errorBody: { error: { message: `overloaded, try later (${PROVIDER_SECRET})` } } },
    ]),
  });
  const { response: retried } = await client.chat.completions.create(ask).withResponse();
  const retriedId = retried.headers.get("x-request-id")!;
  await client.chat.completions.create({ ...ask, model: "no-such-model" }).catch(() => null);

  await page.getByRole("link", { name: "Request log" }).click();
  const filters = page.getByRole("form", { name: "Filters" });
  await filters.getByLabel("Search").fill(keyName.toUpperCase()); // any case; the key's and its account's requests
  await filters.getByRole("button", { name: "Apply" }).click();
  const rows = page.getByTestId("request-row");
  await expect(rows).toHaveCount(4);
  await expect(page).toHaveURL(/q=/);
  // Who: the key's and the account's names, each a link.
  for (let i = 0; i < 4; i++) {
    await expect(rows.nth(i).getByRole("link", { name: keyName, exact: true }).first()).toBeVisible();
  }
  await expect(rows.nth(3)).toContainText("mock → mock-model");
  const streamed = rows.filter({ hasText: "stream" });
  await expect(streamed).toHaveCount(1);
  await expect(streamed).toContainText(/\d+ ms/);

  await filters.getByLabel("Status class").selectOption("errors");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("404");
  await expect(rows.first()).toContainText("model_not_found");
  await filters.getByLabel("Status class").selectOption("5xx");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No requests match.")).toBeVisible();
  await filters.getByLabel("Status class").selectOption("4xx");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(rows).toHaveCount(1);

  // The CSV has what the filters match.
  const csv = await csvLines(
    await download(page, () => page.getByRole("link", { name: "Download CSV" }).click()),
  );
  expect(csv[0]).toMatch(/^id,created_at,key_id,key_name,account_id,account_name,/);
  expect(csv.length).toBe(2);
  expect(csv[1]).toContain(",404,error,");
  expect(csv[1]).toContain(`,${keyName},`);

  // Search by request id: that request; its page names the key and account and says why the first attempt failed.
  await page.goto(`requests?q=${retriedId}`);
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: /Request/, level: 1 })).toBeVisible();
  const details = page.getByRole("region", { name: "Details" });
  await expect(details.getByRole("link", { name: keyName, exact: true })).toHaveAttribute(
    "href",
    `/admin/keys/${c.keyId}`,
  );
  await expect(details.getByRole("link", { name: account, exact: true })).toHaveAttribute(
    "href",
    `/admin/accounts/${c.account.id}`,
  );
  // Names are the links; the raw ids are only small print beside them.
  await expect(details.getByRole("link", { name: c.keyId })).toHaveCount(0);
  const attempts = page.getByRole("table", { name: "Upstream attempts" }).getByTestId("attempt-row");
  await expect(attempts.first()).toContainText("502");
  await expect(attempts.first()).toContainText("upstream 503");
  await expect(attempts.first()).toContainText("overloaded, try later");
  await expect(attempts.first()).not.toContainText(PROVIDER_SECRET);
  await expect(attempts.last()).toContainText("200");

  // The account's ledger as CSV: the opening balance and one charge per billed request.
  await page.goto(`accounts/${c.account.id}`);
  const ledger = await csvLines(
    await download(page, () => page.getByRole("link", { name: "Download CSV" }).click()),
  );
  expect(ledger[0]).toBe(
    "id,created_at,account_id,account_name,kind,amount,balance_after,currency,key_id,key_name,request_id,model,note",
  );
  expect(ledger.slice(1).map((l) => l.split(",")[4])).toEqual(["topup", "charge", "charge", "charge"]);
  expect(ledger[1]).toContain(`,${account},topup,5,5,USD,`);
  const today = new Date().toLocaleDateString("en-CA");
  const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("en-CA");
  const range = page.getByRole("group", { name: "Download the ledger as CSV" });
  await range.getByLabel("From").fill(tomorrow);
  const empty = await csvLines(
    await download(page, () => range.getByRole("link", { name: "Download CSV" }).click()),
  );
  expect(empty).toEqual([ledger[0]]);
  await range.getByLabel("From").fill(today);
  await range.getByLabel("To").fill(today);
  const todays = await csvLines(
    await download(page, () => range.getByRole("link", { name: "Download CSV" }).click()),
  );
  expect(todays).toEqual(ledger);
});
