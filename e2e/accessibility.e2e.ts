import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { clientKey, expect, test } from "./support/fixtures.ts";

/** axe-core's WCAG 2.1 A/AA rules on the page as it is; serious and critical findings fail. */
async function audit(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const bad = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(" | ")}`,
    );
  expect.soft(bad, `${name}: serious or critical accessibility violations`).toEqual([]);
}

test("every page passes axe-core with no serious or critical violation", async ({ admin: page, gateway }) => {
  const key = await clientKey(gateway, "a11y");
  await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
  });
  const logged = await fetch(`${gateway.url}/admin/api/requests?limit=1`, {
    headers: { authorization: `Bearer ${gateway.adminToken}` },
  }).then((r) => r.json() as Promise<{ data: { id: string }[] }>);

  await audit(page, "overview");
  for (const path of [
    "keys",
    `keys/${key.keyId}`,
    "accounts",
    `accounts/${key.account.id}`,
    "models",
    "providers",
    "requests",
    `requests/${logged.data[0]!.id}`,
    "admins",
    "no-such-page",
  ]) {
    await page.goto(path);
    await audit(page, path);
  }
  await page.goto("models");
  await page.getByRole("button", { name: "Add model" }).click();
  await audit(page, "add-model dialog");
  await page.keyboard.press("Escape");
  await page.goto("keys");
  await page
    .getByRole("button", { name: /Issue key/ })
    .first()
    .click();
  await audit(page, "issue-key dialog");
});

test("the sign-in page passes axe-core", async ({ page }) => {
  await page.goto("sign-in");
  await audit(page, "sign-in");
});
