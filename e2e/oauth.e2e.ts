/**
 * OAuth PKCE in Chromium, as an app's user lives it: a test app page (served on loopback)
 * makes a verifier with Web Crypto and sends the browser to the consent page; the user
 * signs in there by e-mail code (read from the gateway's outbox), approves an account and
 * a spend limit, and is sent back to the app, whose page exchanges the code at
 * /oauth/token from its own origin (CORS) and calls the API with the key.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./support/fixtures.ts";

/** The test app: /start begins the flow, /cb finishes it; `gateway` is the Tollgate URL. */
function appPage(gateway: string, clientId: string, redirect: string): string {
  return `<!doctype html><html><body><h1>Test app</h1><button id="go">Connect Tollgate</button><pre id="out"></pre>
<script>
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
document.getElementById("go").onclick = async () => {
  const verifier = b64(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem("verifier", verifier);
  const challenge = b64(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({ response_type: "code", client_id: ${JSON.stringify(clientId)},
    redirect_uri: ${JSON.stringify(redirect)}, code_challenge: challenge, code_challenge_method: "S256", state: "e2e-state" });
  location.href = ${JSON.stringify(gateway)} + "/oauth/authorize?" + q;
};
const params = new URLSearchParams(location.search);
if (params.get("code")) (async () => {
  const r = await fetch(${JSON.stringify(gateway)} + "/oauth/token", { method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: params.get("code"),
      code_verifier: sessionStorage.getItem("verifier"), redirect_uri: ${JSON.stringify(redirect)}, client_id: ${JSON.stringify(clientId)} }) });
  const j = await r.json();
  document.getElementById("out").textContent = JSON.stringify({ status: r.status, state: params.get("state"), ...j });
})();
</script></body></html>`;
}

let server: Server;
test.afterAll(() => server?.close());

test("an app's user connects it: sign in by e-mail code on the consent page, approve, the app gets a working key", async ({
  page,
  gateway,
  openaiFor,
}) => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  let html = "";
  server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirect = `${appOrigin}/cb`;
  const registered = await admin("POST", "/oauth/apps", { name: "E2E Studio", redirect_uris: [redirect] });
  expect(registered.status).toBe(201);
  html = appPage(gateway.url, registered.body.client_id, redirect);

  // The user exists (sign-up stays closed on this gateway) and has money on their account.
  const email = "oauth-e2e@example.com";
  const user = await admin("POST", "/users", { email });
  expect(user.status).toBe(201);
  const accountId = user.body.accounts[0].id as string;
  expect((await admin("POST", `/accounts/${accountId}/topups`, { amount: 5 })).status).toBe(200);

  await page.goto(`${appOrigin}/start`);
  await page.getByRole("button", { name: "Connect Tollgate" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to continue" })).toBeVisible();
  await expect(page.getByText("E2E Studio")).toBeVisible();
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("Code from the e-mail")).toBeVisible();

  const outbox = await admin("GET", "/outbox");
  const mail = (outbox.body.data as { to: string; subject: string }[]).find((m) => m.to === email)!;
  const code = /\d{6}/.exec(mail.subject)![0];
  await page.getByLabel("Code from the e-mail").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("heading", { name: "Connect an app" })).toBeVisible();
  await expect(page.getByText(appOrigin)).toBeVisible();
  await page.getByLabel("Spend limit (optional)").fill("1.5");
  await page.getByRole("button", { name: "Approve" }).click();

  await page.waitForURL(`${redirect}?**`);
  const out = page.locator("#out");
  await expect(out).toContainText("access_token");
  const result = JSON.parse((await out.textContent())!) as Record<string, unknown>;
  expect(result).toMatchObject({ status: 200, state: "e2e-state", account_id: accountId, spend_limit: 1.5 });

  const chat = await openaiFor(result.key as string).chat.completions.create({
    model: "gpt-test",
    messages: [{ role: "user", content: "hi" }],
  });
  expect(chat.choices[0]?.message.content).toBeTruthy();
  const grants = await admin("GET", `/oauth/grants?account_id=${accountId}`);
  expect(grants.body.data[0]).toMatchObject({ app_name: "E2E Studio", user_email: email, status: "active" });
  expect(grants.body.data[0].spent).toBeGreaterThan(0);
});
