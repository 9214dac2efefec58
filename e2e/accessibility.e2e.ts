import { audit } from "./support/axe.ts";
import { clientKey, test } from "./support/fixtures.ts";

test("every page passes axe-core with no serious or critical violation", async ({ admin: page, gateway }) => {
  test.setTimeout(150_000); // fifteen pages, each audited in full, on a shared machine
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
    "alerts",
    "admins",
    "users",
    "outbox",
    "plans",
    "apps",
    `accounts/${key.account.id}/as-owner`,
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
  // The user portal's sign-in (its other pages: e2e/portal.e2e.ts).
  await page.goto("portal/sign-in");
  await audit(page, "portal sign-in");
});
