import { adminPost, expect, test, unique } from "./support/fixtures.ts";

/**
 * A key spent up to its own spend limit, on an account that still holds money: the API
 * says the key's limit was reached (not "top up"), and the panel shows the key as
 * "limit reached" rather than "active" until its limit is raised.
 */
test("a key at its spend limit shows as limit reached, and active again once the limit is raised", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const accountName = unique("limited");
  const keyName = unique("capped");
  const account = await adminPost<{ id: string }>(gateway, "/accounts", { name: accountName, balance: 10 });
  // About 0.000018 USD a call on gpt-test: a few calls reach a limit of 0.0001.
  const key = await adminPost<{ id: string; key: string }>(gateway, "/keys", {
    account_id: account.id,
    name: keyName,
    spend_limit: "0.0001",
    // "limit reached" asks whether the rest pays for the smallest call on the cheapest model
    // the key may use: held to gpt-test, other spec files' cheaper models do not count.
    models: ["gpt-test"],
  });
  const row = page.getByTestId(`key-row-${key.id}`);

  await test.step("before any call the key is active", async () => {
    await page.getByRole("link", { name: "Accounts" }).click();
    await page.getByRole("link", { name: accountName }).click();
    await expect(row.getByText("active", { exact: true })).toBeVisible();
  });

  await test.step("calls until the key's own limit refuses one, while the account holds money", async () => {
    const client = openaiFor(key.key);
    let refusal: { status?: number; code?: string; message?: string } | null = null;
    for (let i = 0; i < 20 && !refusal; i++) {
      await client.chat.completions
        .create({ model: "gpt-test", messages: [{ role: "user", content: "Hello" }] })
        .catch((e: { status?: number; code?: string; message?: string }) => {
          refusal = e;
        });
    }
    expect(refusal).toMatchObject({ status: 402, code: "key_spend_limit_reached" });
    expect(refusal!.message).toContain("spend limit");
    expect(refusal!.message).not.toContain("Insufficient balance");
  });

  await test.step("the account's key list and the key's page say limit reached, not active", async () => {
    await page.reload();
    await expect(row.getByText("limit reached", { exact: true })).toBeVisible();
    await expect(row.getByText("active", { exact: true })).toHaveCount(0);
    await row.getByRole("link", { name: keyName }).click();
    const heading = page.getByRole("heading", { name: keyName, level: 1 });
    await expect(heading).toContainText("limit reached");
    await expect(page.getByText(/limit reached: raise it to use this key again/)).toBeVisible();
  });

  await test.step("raising the limit in the panel makes the key active again, and it answers", async () => {
    await page.getByRole("button", { name: "Edit limits" }).click();
    const dialog = page.getByRole("dialog", { name: `Edit “${keyName}”` });
    await dialog.getByLabel("Spend limit (USD)").fill("1");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("heading", { name: keyName, level: 1 })).toContainText("active");
    const res = await openaiFor(key.key).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hello again" }],
    });
    expect(res.choices[0]?.message.content).toBeTruthy();
  });
});
