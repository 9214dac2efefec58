import { describe, expect, test } from "bun:test";
import { alertMail } from "./alert-mail.ts";

describe("alert mail", () => {
  test("amounts are the ledger's exact decimals, never a float's exponent form", () => {
    const data = {
      account: { id: "acct_1", name: "Acme" },
      balance: 0.000000001,
      threshold: 1234.5,
      currency: "RUB",
    };
    const m = alertMail("ops@example.com", "account.low_balance", JSON.stringify(data), data, null);
    expect(m.subject).toBe('[Tollgate] Account "Acme" is running low: 0.000000001 RUB left');
    expect(m.text).toContain("Balance:   0.000000001 RUB");
    expect(m.text).toContain("Threshold: 1234.5 RUB");
    // The lines a person reads (the JSON after them is the webhook's body, numbers and all).
    expect(m.text.slice(0, m.text.indexOf("The alert as JSON"))).not.toContain("e-9");
    // Without server.public_url there is no link to guess.
    expect(m.text).not.toContain("admin panel");
  });

  test("a key's limit names its period; the panel link goes to the key", () => {
    const data = {
      key: { id: "key_1", name: "ci", account_id: "acct_1" },
      spend_limit: 0.0003,
      budget_period: "daily",
      currency: "USD",
    };
    const m = alertMail("ops@example.com", "key.limit_reached", "{}", data, "https://gw.example.com");
    expect(m.text).toContain('The key "ci" (key_1) reached its spend limit of 0.0003 USD (resets daily).');
    expect(m.text).toContain("https://gw.example.com/admin/keys/key_1");
    expect(m.purpose).toBe("alert");
  });
});
