/**
 * Signed-in people across two real gateway processes on one PostgreSQL and one Redis: a
 * user signs up on one replica and is known on the other; a user disabled, or a sign-in
 * ended, on one replica is refused by the other within a second (its caches of users and
 * live sign-ins reload with the gateway's own on the change signal); and the key an app
 * gets by an OAuth code exchange on one is served by the other (the exchange announces it).
 */

import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { ADMIN_TOKEN, PROVIDER_SECRET } from "../testing/harness.ts";
import type { Tokens } from "../testing/identity.ts";
import { type PgReplicaSet, startPgReplicaSet } from "../testing/pg-replica-set.ts";
import type { Spawned } from "../testing/process.ts";

let set: PgReplicaSet;
let replicas: Spawned[];
const REDIRECT = "https://studio.example.com/callback";

async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  o: { body?: unknown; bearer?: string } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(o.bearer ? { authorization: `Bearer ${o.bearer}` } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const admin = <T = Record<string, unknown>>(url: string, method: string, path: string, body?: unknown) =>
  call<T>(url, method, `/admin/api${path}`, { body, bearer: ADMIN_TOKEN });

/** Iskra's three steps on one replica, the code read from its outbox (no SMTP server). */
async function signUp(url: string, email: string): Promise<Tokens> {
  expect((await call(url, "POST", "/auth/send-code", { body: { email } })).status).toBe(200);
  const outbox = await admin<{ data: { to: string; text: string }[] }>(url, "GET", "/outbox?limit=50");
  const code = /\b(\d{6})\b/.exec(outbox.body.data.find((m) => m.to === email)!.text)![1];
  const verified = await call<{ registration_token: string }>(url, "POST", "/auth/verify-email", {
    body: { email, code },
  });
  expect(verified.status).toBe(200);
  const done = await call<Tokens>(url, "POST", "/auth/complete-registration", {
    body: { registration_token: verified.body.registration_token },
  });
  expect(done.status).toBe(200);
  return done.body;
}

const me = (url: string, token: string) =>
  call<{ user: { email: string }; error?: { code: string } }>(url, "GET", "/auth/me", { bearer: token });

beforeAll(async () => {
  set = await startPgReplicaSet({
    database: "replicas_identity",
    n: 2,
    config: (mockUrl) => `
currency: USD
providers:
  - { id: mock, kind: openai, base_url: ${mockUrl}, api_key: ${PROVIDER_SECRET} }
models:
  - { id: priced, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
identity:
  signup: open
`,
  });
  replicas = set.replicas;
}, 120_000);

afterAll(async () => {
  await set?.stop();
}, 30_000);

const A = () => replicas[0] as Spawned;
const B = () => replicas[1] as Spawned;

test("a user disabled on one replica is refused by the other within a second", async () => {
  const t = await signUp(A().url, "ann@example.com");
  await Bun.sleep(1000);
  // B knows the user, their membership and the sign-in, and now holds them in its caches.
  expect((await me(B().url, t.access_token)).body.user.email).toBe("ann@example.com");
  const off = await admin(A().url, "PATCH", `/users/${t.user.id}`, { status: "disabled" });
  expect(off.status).toBe(200);
  await Bun.sleep(1000);
  for (const r of [A(), B()]) expect((await me(r.url, t.access_token)).status).toBe(401);
}, 30_000);

test("a sign-out on one replica ends the access token on the other within a second", async () => {
  const t = await signUp(B().url, "bob@example.com");
  await Bun.sleep(1000);
  expect((await me(A().url, t.access_token)).status).toBe(200);
  const out = await call<{ revoked: boolean }>(A().url, "POST", "/auth/logout", {
    body: { refresh_token: t.refresh_token },
  });
  expect(out.body.revoked).toBe(true);
  await Bun.sleep(1000);
  for (const r of [A(), B()]) {
    const res = await me(r.url, t.access_token);
    expect([res.status, res.body.error?.code]).toEqual([401, "session_ended"]);
  }
}, 30_000);

test("a key an app gets on one replica (OAuth code exchange) is served by the other within a second", async () => {
  const t = await signUp(A().url, "cat@example.com");
  const topup = await admin(A().url, "POST", `/accounts/${t.account.id}/topups`, { amount: 5 });
  expect(topup.status).toBe(200);
  const app = await admin<{ client_id: string }>(A().url, "POST", "/oauth/apps", {
    name: "Studio",
    redirect_uris: [REDIRECT],
  });
  expect(app.status).toBe(201);
  const opened = await fetch(`${A().url}/auth/session`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.access_token}` },
  });
  const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
  const verifier = randomBytes(32).toString("base64url");
  const params = {
    response_type: "code",
    client_id: app.body.client_id,
    redirect_uri: REDIRECT,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  };
  const page = await (
    await fetch(`${A().url}/oauth/authorize?${new URLSearchParams(params)}`, { headers: { cookie } })
  ).text();
  const consent = await fetch(`${A().url}/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: A().url },
    body: new URLSearchParams({
      ...params,
      csrf: /name="csrf" value="([^"]+)"/.exec(page)![1]!,
      decision: "approve",
      account_id: t.account.id,
      spend_limit: "",
    }),
    redirect: "manual",
  });
  const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
  const exchanged = await call<{ key: string }>(A().url, "POST", "/oauth/token", {
    body: {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: app.body.client_id,
    },
  });
  expect(exchanged.status).toBe(200);
  await Bun.sleep(1000);
  for (const r of [A(), B()]) {
    const res = await fetch(`${r.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${exchanged.body.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "priced", messages: [{ role: "user", content: "hi" }], max_tokens: 10 }),
    });
    expect(res.status).toBe(200);
  }
}, 30_000);
