import { expect, signIn, test } from "./support/fixtures.ts";

test("a wrong password is rejected and nothing opens", async ({ page, gateway }) => {
  await page.goto("keys");
  await expect(page).toHaveURL(/\/admin\/sign-in\?next=%2Fkeys$/);
  await page.getByLabel("Username").fill(gateway.username);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Sign-in failed: wrong username or password.");
  expect(await page.context().cookies()).toEqual([]);
  expect((await page.request.get("/admin/api/accounts")).status()).toBe(401);
});

test("sign in with a password, land where you were going; the session cookie is HttpOnly and nothing is stored in the page", async ({
  page,
  gateway,
}) => {
  await page.goto("accounts");
  await expect(page).toHaveURL(/sign-in/);
  await page.getByLabel("Username").fill(gateway.username);
  await page.getByLabel("Password").fill(gateway.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Accounts" })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/accounts$/);
  const [cookie] = await page.context().cookies();
  expect(cookie).toMatchObject({
    name: "tollgate_session",
    httpOnly: true,
    sameSite: "Strict",
    path: "/admin",
  });
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  expect(stored).toEqual({ local: 0, session: 0 });
  await expect(page.getByText(`Signed in as ${gateway.username}`)).toBeVisible();
});

test("sign in with the admin token", async ({ page, gateway }) => {
  await page.goto("sign-in");
  await page.getByRole("button", { name: "Admin token" }).click();
  await page.getByLabel("Admin token").fill(gateway.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("Signed in with the admin token")).toBeVisible();
});

test("sign out locks you out of the panel and of /admin/api", async ({ page, gateway }) => {
  await signIn(page, gateway.username, gateway.password);
  expect((await page.request.get("/admin/api/accounts")).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  expect(await page.context().cookies()).toEqual([]);
  const res = await page.request.get("/admin/api/accounts");
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe("invalid_admin_token");
  await page.goto("models");
  await expect(page).toHaveURL(/sign-in/);
});

test("sign out, then sign in again, lands on the overview (not /admin/admin/sign-in)", async ({
  page,
  gateway,
}) => {
  await signIn(page, gateway.username, gateway.password);
  await page.goto("keys");
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to the admin panel" })).toBeVisible();
  // The queries the signed-out pages still held answer 401 a moment later: wait for them.
  await page.waitForLoadState("networkidle");
  await expect(page).toHaveURL(/\/admin\/sign-in(\?next=%2Fkeys)?$/);
  await page.getByLabel("Username").fill(gateway.username);
  await page.getByLabel("Password").fill(gateway.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /^(Overview|API keys)$/ })).toBeVisible();
  await expect(page.getByText("There is no page here.")).toHaveCount(0);
  expect(new URL(page.url()).pathname).not.toContain("/admin/admin");
});
