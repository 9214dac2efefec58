/**
 * The user portal and the panel's identity screens in Chromium, in English and Russian:
 * the admin opens sign-up, a new user signs up with the code the admin reads in the
 * outbox, issues a key in the portal and calls the API with it (from the test, against the
 * real server); the admin finds them on the Users page, makes and assigns a plan the
 * user then sees, and looks at the account "as owner". axe-core on every new page;
 * screenshots at 1280 and 390 px.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { en } from "../admin/src/i18n/en.ts";
import { ru } from "../admin/src/i18n/ru.ts";
import { audit } from "./support/axe.ts";
import type { Booted } from "./support/boot.ts";
import { expect, signIn, test, unique } from "./support/fixtures.ts";
import { shoot } from "./support/shoot.ts";

const TEXTS = { en, ru } as const;
type Lang = keyof typeof TEXTS;
const fill = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));

/** A second browser (its own cookies): the user, in the given language. */
async function userPage(browser: Browser, gateway: Booted, lang: Lang): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: `${gateway.url}/admin/`,
    locale: lang === "ru" ? "ru-RU" : "en-US",
  });
  const page = await ctx.newPage();
  await page.addInitScript((l) => localStorage.setItem("tollgate.language", l), lang);
  return page;
}

/** A user the admin made signs in on the portal, the code read from the outbox through the admin API. */
async function codeSignIn(user: Page, gateway: Booted, email: string) {
  await user.goto("portal/sign-in");
  await user.getByLabel(en.portal.signIn.email).fill(email);
  await user.getByRole("button", { name: en.portal.signIn.sendCode }).click();
  await expect(user.getByLabel(en.portal.signIn.code)).toBeVisible();
  const outbox = (await adminCall(gateway, "GET", "/outbox?limit=20")) as {
    data: { to: string; subject: string }[];
  };
  const code = /(\d{6})/.exec(outbox.data.find((m) => m.to === email)!.subject)![1]!;
  await user.getByLabel(en.portal.signIn.code).fill(code);
  await user.getByRole("button", { name: en.portal.signIn.verify }).click();
}

async function adminCall(gateway: Booted, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${gateway.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return res.json();
}

/** A user made by the admin (whatever the sign-up mode), signed in to the portal in a browser of their own. */
async function madeUser(browser: Browser, gateway: Booted, prefix: string) {
  const email = `${unique(prefix)}@example.com`.toLowerCase();
  await adminCall(gateway, "POST", "/users", { email });
  const user = await userPage(browser, gateway, "en");
  await codeSignIn(user, gateway, email);
  // Registered already (made by the admin): no name step.
  await expect(user.getByRole("heading", { name: email })).toBeVisible();
  return { email, user, accountId: /accounts\/([^/?#]+)/.exec(user.url())![1]! };
}

for (const lang of ["en", "ru"] as const) {
  test(`sign-up from the outbox, a key issued in the portal calls the API; users, plans, view as owner (${lang})`, async ({
    page,
    gateway,
    browser,
  }) => {
    test.setTimeout(240_000); // a long story, with two browsers and fourteen screenshots
    const T = TEXTS[lang];
    const U = T.users;
    const P = T.portal;
    const name = (n: string) => `${n}${lang === "en" ? "" : `-${lang}`}`;
    await page.addInitScript((l) => localStorage.setItem("tollgate.language", l), lang);
    await page.goto("sign-in");
    await page.getByLabel(T.signIn.username, { exact: true }).fill(gateway.username);
    await page.getByLabel(T.signIn.password).fill(gateway.password);
    await page.getByRole("button", { name: T.signIn.submit }).click();
    await expect(page.getByRole("heading", { name: T.overview.title })).toBeVisible();

    // The admin opens sign-up on the Users page (the gateway starts closed, mail in the outbox).
    await page.goto("users");
    await expect(page.getByTestId("mail-transport")).toHaveText(U.signup.outbox);
    await page.getByLabel(U.signup.mode).selectOption("open");
    await expect(page.getByText(fill(U.signup.saved, { mode: U.signup.modes.open }))).toBeVisible();

    // A new user asks for a code in the portal.
    const email = `${unique("dana")}@example.com`.toLowerCase();
    const user = await userPage(browser, gateway, lang);
    await user.goto("portal");
    await expect(user).toHaveURL(/\/admin\/portal\/sign-in$/);
    await audit(user, "portal sign-in");
    await shoot(user, name("portal-01-sign-in"));
    await user.getByLabel(P.signIn.email).fill(email);
    await user.getByRole("button", { name: P.signIn.sendCode }).click();
    await expect(user.getByText(fill(P.signIn.codeSent, { email }))).toBeVisible();

    // The admin reads the code on the Outbox page.
    await page.goto("outbox");
    const message = page.getByTestId("outbox-message").filter({ hasText: email });
    await expect(message).toHaveCount(1);
    const subject = await message.getByRole("heading").textContent();
    const code = /(\d{6})/.exec(subject ?? "")?.[1];
    expect(code, `a code in "${subject}"`).toBeTruthy();
    await message.getByText(T.outbox.show).click();
    await expect(message.locator("pre")).toContainText(code!);
    await audit(page, "outbox");
    await shoot(page, name("portal-02-outbox"));

    // The user completes sign-up and lands on their account.
    await user.getByLabel(P.signIn.code).fill(code!);
    await user.getByRole("button", { name: P.signIn.verify }).click();
    await user.getByLabel(P.signIn.name).fill("Dana");
    await user.getByRole("button", { name: P.signIn.finish }).click();
    await expect(user.getByRole("heading", { name: email })).toBeVisible();
    await expect(user.getByTestId("portal-balance")).toBeVisible();

    // The admin funds the account (a top-up the user sees in the ledger).
    const accountId = /accounts\/([^/?#]+)/.exec(user.url())![1]!;
    await fetch(`${gateway.url}/admin/api/accounts/${accountId}/topups`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ amount: "10" }),
    });

    // The user issues a key, copies it from the dialog, and the test calls the API with it.
    await user.getByRole("button", { name: P.keys.issue }).click();
    const dialog = user.getByRole("dialog", { name: P.keys.issueTitle });
    await dialog.getByLabel(P.keys.name).fill("laptop");
    await dialog.getByLabel(fill(P.keys.limit, { currency: "USD" })).fill("5");
    await audit(user, "portal issue-key dialog");
    await dialog.getByRole("button", { name: P.keys.submit }).click();
    const done = user.getByRole("dialog", { name: P.keys.issuedTitle });
    const plain = await done.getByLabel(fill(T.plainKey.label, { name: "laptop" })).inputValue();
    expect(plain).toMatch(/^sk-tg-/);
    await expect(done.getByText(`${gateway.url}/v1`, { exact: true }).first()).toBeVisible();
    await shoot(user, name("portal-03-key-issued"));
    const chat = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${plain}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(chat.status).toBe(200);
    await done.getByRole("button", { name: T.plainKey.done }).click();

    await user.reload();
    await expect(user.getByTestId("portal-key-laptop")).toBeVisible();
    await expect(user.getByTestId("portal-requests-today")).toHaveText("1");
    await expect(user.getByTestId("ledger-row").first()).toBeVisible();
    await expect(user.getByRole("region", { name: P.members.title })).toContainText(email);
    await audit(user, "portal account");
    await shoot(user, name("portal-04-account"));

    // The admin: the user on the Users page, a plan made and assigned, the account as its owner sees it.
    await page.goto("users");
    await expect(page.getByTestId(`user-row-${email}`)).toContainText(U.statuses.active);
    await audit(page, "users");
    await shoot(page, name("portal-05-users"));

    const planId = unique("team").toLowerCase();
    await page.goto("plans");
    await page.getByRole("button", { name: T.plans.new }).click();
    const planDialog = page.getByRole("dialog", { name: T.plans.newTitle });
    await planDialog.getByLabel(T.plans.id, { exact: true }).fill(planId);
    await planDialog.getByLabel(T.plans.name, { exact: true }).fill(`Team ${lang}`);
    await planDialog.getByLabel(T.plans.fields.requests_per_day, { exact: true }).fill("500");
    await audit(page, "plan dialog");
    await planDialog.getByRole("button", { name: T.common.save }).click();
    await expect(page.getByTestId(`plan-row-${planId}`)).toContainText("500");
    await audit(page, "plans");
    await shoot(page, name("portal-06-plans"));

    await page.goto(`accounts/${accountId}`);
    await page.getByRole("combobox", { name: T.plans.account.current, exact: true }).selectOption(planId);
    await page.getByRole("button", { name: T.plans.account.assign }).click();
    await expect(page.getByText(fill(T.plans.account.assigned, { name: `Team ${lang}` }))).toBeVisible();
    await page.getByRole("link", { name: T.plans.account.viewAsOwner }).click();
    await expect(page.getByText(P.asOwnerNote)).toBeVisible();
    await expect(page.getByTestId("portal-key-laptop")).toBeVisible();
    await expect(page.getByRole("region", { name: P.members.title })).toContainText(email);
    // Read-only: nothing to issue or revoke.
    await expect(page.getByRole("button", { name: P.keys.issue })).toHaveCount(0);
    await expect(
      page.getByRole("button", { name: fill(P.keys.revokeLabel, { name: "laptop" }) }),
    ).toHaveCount(0);
    await audit(page, "view as owner");
    await shoot(page, name("portal-07-as-owner"));

    await user.reload();
    await expect(user.getByTestId("portal-plan")).toContainText(`Team ${lang}`);

    // The user revokes the key; the API refuses it.
    await user.getByRole("button", { name: fill(P.keys.revokeLabel, { name: "laptop" }) }).click();
    await user.getByRole("dialog").getByRole("button", { name: P.keys.revoke }).click();
    await expect(user.getByTestId("portal-key-laptop")).toContainText(T.keys.badges.revoked);
    const refused = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${plain}` },
    });
    expect(refused.status).toBe(401);
    await user.context().close();
  });
}

test("the admin signs a user out everywhere and disables them; the portal sends them to sign in", async ({
  page,
  gateway,
  browser,
}) => {
  await signIn(page, gateway.username, gateway.password);
  const { email, user } = await madeUser(browser, gateway, "erin");

  await page.goto("users");
  const row = page.getByTestId(`user-row-${email}`);
  await row.getByRole("button", { name: fill(en.users.signOutLabel, { email }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: en.users.signOut }).click();
  await expect(page.getByText(fill(en.users.signOutDone, { email }))).toBeVisible();
  await user.reload();
  await expect(user).toHaveURL(/\/admin\/portal\/sign-in$/);

  await row.getByRole("button", { name: fill(en.users.disableLabel, { email }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: en.users.disable }).click();
  await expect(row).toContainText(en.users.statuses.disabled);
  await user.context().close();
});

test("connected apps: an app approved on the consent page shows in the portal; revoking it stops its key", async ({
  gateway,
  browser,
}) => {
  const { user, accountId } = await madeUser(browser, gateway, "frank");
  const redirect = "http://127.0.0.1:9/cb";
  const app = (await adminCall(gateway, "POST", "/oauth/apps", {
    name: "Chat Studio",
    redirect_uris: [redirect],
  })) as { client_id: string };
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  // The app's callback: the browser is sent there with the code; the test takes it.
  let landed = "";
  await user.route(`${redirect}**`, (route) => {
    landed = route.request().url();
    return route.fulfill({ body: "back in the app" });
  });
  const q = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: redirect,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "s1",
  });
  await user.goto(`${gateway.url}/oauth/authorize?${q}`);
  await user.getByRole("button", { name: "Approve" }).click();
  await expect.poll(() => landed).toContain("code=");
  const code = new URL(landed).searchParams.get("code")!;
  const token = (await fetch(`${gateway.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: redirect,
      client_id: app.client_id,
    }),
  }).then((r) => r.json())) as { key: string };
  expect(token.key).toMatch(/^sk-tg-/);

  await user.goto(`portal/accounts/${accountId}`);
  const apps = user.getByRole("region", { name: en.portal.apps.title });
  await expect(apps.getByText("Chat Studio")).toBeVisible();
  await audit(user, "portal with a connected app");
  await apps.getByRole("button", { name: fill(en.portal.apps.revokeLabel, { name: "Chat Studio" }) }).click();
  await expect(apps).toContainText(en.portal.apps.statuses.revoked);
  const refused = await fetch(`${gateway.url}/v1/models`, {
    headers: { authorization: `Bearer ${token.key}` },
  });
  expect(refused.status).toBe(401);
  await user.context().close();
});

test("the admin invites an address and withdraws it; edits a plan and deletes it", async ({
  page,
  gateway,
}) => {
  await signIn(page, gateway.username, gateway.password);
  const I = en.users.invites;
  await page.goto("users");
  const invitations = page.getByRole("region", { name: I.title });
  const email = `${unique("gina")}@example.com`.toLowerCase();
  await invitations.getByLabel(I.email).fill(email);
  await invitations.getByRole("button", { name: I.send }).click();
  await expect(page.getByText(fill(I.sent, { email }))).toBeVisible();
  const row = invitations.getByRole("row").filter({ hasText: email });
  await expect(row).toContainText(I.states.pending);
  await row.getByRole("button", { name: fill(I.withdrawLabel, { email }) }).click();
  await expect(row).toContainText(I.states.withdrawn);
  // The invitation went out as mail: the outbox has it.
  const outbox = (await adminCall(gateway, "GET", "/outbox?limit=50")) as { data: { to: string }[] };
  expect(outbox.data.some((m) => m.to === email)).toBe(true);

  const id = unique("pro").toLowerCase();
  await adminCall(gateway, "POST", "/plans", { id, name: "Pro", requests_per_day: 500 });
  await page.goto("plans");
  const planRow = page.getByTestId(`plan-row-${id}`);
  await planRow.getByRole("button", { name: fill(en.plans.editLabel, { name: "Pro" }) }).click();
  const dialog = page.getByRole("dialog", { name: fill(en.plans.editTitle, { name: "Pro" }) });
  await expect(dialog.getByLabel(en.plans.id, { exact: true })).toBeDisabled();
  await dialog.getByLabel(en.plans.name, { exact: true }).fill("Pro+");
  await dialog.getByLabel(en.plans.fields.requests_per_day, { exact: true }).fill("2000");
  await dialog.getByRole("button", { name: en.common.save }).click();
  await expect(planRow).toContainText("Pro+");
  await expect(planRow).toContainText("2,000");
  const saved = (await adminCall(gateway, "GET", `/plans/${id}`)) as {
    name: string;
    requests_per_day: number;
  };
  expect(saved).toMatchObject({ name: "Pro+", requests_per_day: 2000 });
  await planRow.getByRole("button", { name: fill(en.plans.deleteLabel, { name: "Pro+" }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: en.plans.delete }).click();
  await expect(page.getByText(fill(en.plans.deleted, { name: "Pro+" }))).toBeVisible();
  await expect(planRow).toHaveCount(0);
});
