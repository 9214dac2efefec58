/**
 * The panel's Apps page in Chromium: the admin registers an OAuth app (a refused redirect
 * URI shows the server's 400 message first), reads its client_id, a user connects the app
 * on the consent page (the code exchanged from the test, as the app's server would), and
 * the admin sees the grant and revokes it; the app's key stops working. axe-core on the page.
 */
import { createHash, randomBytes } from "node:crypto";
import { en } from "../admin/src/i18n/en.ts";
import { audit } from "./support/axe.ts";
import { expect, test, unique } from "./support/fixtures.ts";

const A = en.apps;
const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));

test("the admin registers an app on the Apps page, sees a user's grant and revokes it", async ({
  admin: page,
  gateway,
  browser,
}) => {
  const adminCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
    return res.json();
  };
  const name = unique("Panel Studio");
  const redirect = "http://127.0.0.1:9/cb";

  await page.getByRole("link", { name: A.nav }).click();
  await expect(page.getByRole("heading", { name: A.title })).toBeVisible();
  const form = page.getByRole("region", { name: A.register.title });
  await form.getByLabel(A.name).fill(name);
  // Plain http to a public host is refused by the server; its message is shown as is.
  await form.getByLabel(A.register.uris).fill(`${redirect}\nhttp://studio.example.com/cb`);
  await form.getByRole("button", { name: A.register.submit }).click();
  await expect(form.getByRole("alert")).toContainText("http://studio.example.com/cb");
  await form.getByLabel(A.register.uris).fill(`${redirect}\n`);
  await form.getByRole("button", { name: A.register.submit }).click();
  await expect(page.getByText(fill(A.register.done, { name }))).toBeVisible();

  const row = page.getByTestId(`app-row-${name}`);
  await expect(row).toContainText(redirect);
  await expect(row).toContainText(A.statuses.active);
  await expect(row).toContainText(A.operator);
  const clientId = (await row.locator("code").textContent())!;
  expect(clientId).toMatch(/^tgapp_/);
  const apps = (await adminCall("GET", "/oauth/apps")) as { data: { name: string; client_id: string }[] };
  expect(apps.data.find((a) => a.name === name)?.client_id).toBe(clientId);
  await row.getByRole("button", { name: fill(A.copyClientId, { name }) }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(clientId);

  // A user (made by the admin) signs in on the portal, then approves the app on the consent page.
  const email = `${unique("grace")}@example.com`.toLowerCase();
  await adminCall("POST", "/users", { email });
  const ctx = await browser.newContext({ baseURL: `${gateway.url}/admin/` });
  const user = await ctx.newPage();
  await user.goto("portal/sign-in");
  await user.getByLabel(en.portal.signIn.email).fill(email);
  await user.getByRole("button", { name: en.portal.signIn.sendCode }).click();
  await expect(user.getByLabel(en.portal.signIn.code)).toBeVisible();
  const outbox = (await adminCall("GET", "/outbox?limit=20")) as { data: { to: string; subject: string }[] };
  const code = /(\d{6})/.exec(outbox.data.find((m) => m.to === email)!.subject)![1]!;
  await user.getByLabel(en.portal.signIn.code).fill(code);
  await user.getByRole("button", { name: en.portal.signIn.verify }).click();
  await expect(user.getByRole("heading", { name: email })).toBeVisible();

  const verifier = randomBytes(32).toString("base64url");
  let landed = "";
  await user.route(`${redirect}**`, (route) => {
    landed = route.request().url();
    return route.fulfill({ body: "back in the app" });
  });
  const q = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirect,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  await user.goto(`${gateway.url}/oauth/authorize?${q}`);
  await user.getByLabel("Spend limit (optional)").fill("2");
  await user.getByRole("button", { name: "Approve" }).click();
  await expect.poll(() => landed).toContain("code=");
  const token = (await fetch(`${gateway.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "authorization_code",
      code: new URL(landed).searchParams.get("code"),
      code_verifier: verifier,
      redirect_uri: redirect,
      client_id: clientId,
    }),
  }).then((r) => r.json())) as { key: string };
  expect(token.key).toMatch(/^sk-tg-/);
  await ctx.close();

  // The admin sees the grant under the app and revokes it; the key is refused after.
  await page.reload();
  await expect(row.getByRole("cell").nth(5)).toHaveText("1");
  await row.getByRole("button", { name: fill(A.showGrantsLabel, { name }) }).click();
  const grants = page.getByRole("region", { name: fill(A.grants.title, { name }) });
  const grant = grants.getByTestId(`grant-row-${email}`);
  await expect(grant).toContainText(token.key.slice(0, 12));
  await expect(grant).toContainText("2.00");
  await expect(grant).toContainText(A.grants.statuses.active);
  await audit(page, "apps with grants");
  await grant.getByRole("button", { name: fill(A.grants.revokeLabel, { email }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: A.grants.revoke }).click();
  await expect(grant).toContainText(A.grants.statuses.revoked);
  const refused = await fetch(`${gateway.url}/v1/models`, {
    headers: { authorization: `Bearer ${token.key}` },
  });
  expect(refused.status).toBe(401);

  // Disable, enable, delete (confirmed): the app leaves the list.
  await row.getByRole("button", { name: fill(A.disableLabel, { name }) }).click();
  await expect(row).toContainText(A.statuses.disabled);
  await row.getByRole("button", { name: fill(A.enableLabel, { name }) }).click();
  await expect(row).toContainText(A.statuses.active);
  await row.getByRole("button", { name: fill(A.deleteLabel, { name }) }).click();
  // Its one grant is revoked already: the dialog says no key is left to revoke.
  await expect(page.getByRole("dialog")).toContainText(fill(A.deleteBody_other, { count: 0 }));
  await page.getByRole("dialog").getByRole("button", { name: A.delete }).click();
  await expect(row).toHaveCount(0);
});
