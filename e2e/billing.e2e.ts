import OpenAI from "openai";
import { expect, test, unique } from "./support/fixtures.ts";

/** Nano-units as exact decimal text with at least 2 decimals, as the panel prints money. */
function usd(nano: bigint): string {
  const whole = nano / 1_000_000_000n;
  const frac = (nano % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${whole.toLocaleString("en-US")}.${frac} USD`;
}

test("account, top-up, key, a real API call billed to the cent, model toggle, revoke", async ({
  admin: page,
  openaiFor,
}) => {
  const accountName = unique("acme");
  const keyName = unique("backend");

  await test.step("create an account and top it up with a note", async () => {
    await page.getByRole("link", { name: "Accounts" }).click();
    await page.getByRole("button", { name: "Create account" }).click();
    const dialog = page.getByRole("dialog", { name: "Create an account" });
    await dialog.getByLabel("Name").fill(accountName);
    await dialog.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: accountName })).toBeVisible();
    await expect(page.getByTestId("account-balance")).toHaveText("0.00 USD");
    await page.getByLabel("Amount (USD)").fill("25");
    await page.getByLabel("Note").fill("invoice 42");
    await page.getByRole("button", { name: "Top up" }).click();
    await expect(page.getByTestId("account-balance")).toHaveText("25.00 USD");
    const row = page.getByTestId("ledger-row").first();
    await expect(row).toContainText("topup");
    await expect(row).toContainText("25.00 USD");
    await expect(row).toContainText("invoice 42");
  });

  let plainKey = "";
  await test.step("issue a key, see the one-time warning, copy it", async () => {
    await page.getByRole("button", { name: "Issue key" }).click();
    const dialog = page.getByRole("dialog", { name: "Issue an API key" });
    await expect(dialog.getByLabel("Account")).toHaveValue(/acc_/);
    await dialog.getByLabel("Name").fill(keyName);
    await dialog.getByRole("button", { name: "Issue key" }).click();
    const shown = page.getByRole("dialog", { name: "Your new API key" });
    await expect(shown.getByRole("alert")).toContainText("It is shown only this once");
    plainKey = await shown.getByLabel(`API key for “${keyName}”`).inputValue();
    expect(plainKey).toMatch(/^sk-tg-/);
    await shown.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(shown.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(plainKey);
    await shown.getByRole("button", { name: "I have stored the key" }).click();
    await expect(page.getByRole("link", { name: keyName })).toBeVisible();
  });

  let cost = 0n;
  let usage = { prompt_tokens: 0, completion_tokens: 0 };
  await test.step("a real call with the openai SDK shows up on the key's page", async () => {
    const res = await openaiFor(plainKey).chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    usage = { prompt_tokens: res.usage!.prompt_tokens, completion_tokens: res.usage!.completion_tokens };
    // gpt-test costs 1 (input) and 2 (output) USD per 1M tokens: 1000 and 2000 nano-units a token.
    cost = BigInt(usage.prompt_tokens) * 1000n + BigInt(usage.completion_tokens) * 2000n;
    await page.getByRole("link", { name: keyName }).click();
    await expect(page.getByRole("heading", { name: keyName, level: 1 })).toBeVisible();
    await expect(page.getByTestId("key-requests")).toHaveText("1");
    await expect(page.getByTestId("key-tokens-in")).toHaveText(String(usage.prompt_tokens));
    await expect(page.getByTestId("key-tokens-out")).toHaveText(String(usage.completion_tokens));
    await expect(page.getByTestId("key-spend")).toHaveText(usd(cost));
    const row = page.getByTestId("request-row");
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("gpt-test");
    await expect(row).toContainText("200");
    await expect(row).toContainText(usd(cost));
    await row.getByRole("link").click();
    await expect(page.getByTestId("request-cost")).toHaveText(usd(cost));
    await expect(page.getByTestId("request-tokens-in")).toHaveText(String(usage.prompt_tokens));
    await expect(page.getByTestId("request-latency")).toHaveText(/\d+ ms/);
  });

  await test.step("the account's balance dropped by exactly the cost", async () => {
    await page.getByRole("link", { name: "Accounts" }).click();
    await page.getByRole("link", { name: accountName }).click();
    await expect(page.getByTestId("account-balance")).toHaveText(usd(25_000_000_000n - cost));
    await expect(page.getByTestId("account-used")).toHaveText(usd(cost));
    const charge = page.getByTestId("ledger-row").first();
    await expect(charge).toContainText("charge");
    await expect(charge).toContainText(usd(25_000_000_000n - cost));
  });

  await test.step("a model switched off answers 404, switched on answers again", async () => {
    await page.getByRole("link", { name: "Models" }).click();
    const toggle = page.getByRole("switch", { name: "gpt-test enabled" });
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await page.reload();
    await expect(page.getByRole("switch", { name: "gpt-test enabled" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    const client = openaiFor(plainKey);
    const refused = await client.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    await page.getByRole("switch", { name: "gpt-test enabled" }).click();
    await expect(page.getByRole("switch", { name: "gpt-test enabled" })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    await page.reload();
    await expect(page.getByRole("switch", { name: "gpt-test enabled" })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    const ok = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(ok.choices[0]?.message.content).toBeTruthy();
  });

  await test.step("revoke the key after confirming; the API answers 401", async () => {
    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByRole("link", { name: keyName }).click();
    await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
    const confirm = page.getByRole("dialog", { name: `Revoke “${keyName}”?` });
    await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByRole("heading", { name: keyName, level: 1 })).toContainText("revoked");
    const refused = await openaiFor(plainKey)
      .chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
