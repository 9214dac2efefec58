import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test as base, expect, type Page } from "@playwright/test";
import OpenAI from "openai";
import type { Booted } from "./boot.ts";

const root = join(import.meta.dirname, "..", "..");

/** Starts e2e/support/boot.ts under bun and waits for its JSON line. */
async function boot(args: string[] = []): Promise<{ info: Booted; proc: ChildProcess }> {
  const proc = spawn(join(root, "node_modules", ".bin", "bun"), ["e2e/support/boot.ts", ...args], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout! });
  const info = await new Promise<Booted>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`the e2e server exited early (${code})`)));
    lines.on("line", (line) => {
      if (line.startsWith("{")) resolve(JSON.parse(line) as Booted);
    });
  });
  return { info, proc };
}

type Fixtures = {
  /** The page, signed in with the e2e admin user. */
  admin: Page;
  openaiFor: (key: string) => OpenAI;
};

const serve =
  (args: string[]) =>
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature
  async ({}, use: (b: Booted) => Promise<void>) => {
    const { info, proc } = await boot(args);
    await use(info);
    proc.kill("SIGTERM");
    proc.stdin?.end();
  };

/**
 * One server per worker (workers: 1, so one per run): a fresh database, the mock upstream.
 * `firstRun` is a second one, started only for the tests that ask for it: no provider, no
 * admin user, nothing in it yet (the first-run tests fill it in, so only they use it).
 */
export const test = base.extend<Fixtures, { gateway: Booted; firstRun: Booted }>({
  gateway: [serve([]), { scope: "worker" }],
  firstRun: [serve(["--fresh"]), { scope: "worker" }],
  baseURL: async ({ gateway }, use) => use(`${gateway.url}/admin/`),
  admin: async ({ page, gateway }, use) => {
    await signIn(page, gateway.username, gateway.password);
    await use(page);
  },
  openaiFor: async ({ gateway }, use) =>
    use((key) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0, timeout: 15_000 })),
});

export async function signIn(page: Page, username: string, password: string) {
  await page.goto("sign-in");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

/** POST to the admin API with the admin token (setting up what a test is not about); expects 201. */
export async function adminPost<T = Record<string, unknown>>(
  gateway: Booted,
  path: string,
  body: unknown,
): Promise<T> {
  const res = await fetch(`${gateway.url}/admin/api${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${gateway.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as T;
}

/** A fresh account (named after `name`, with `balance`) and a key on it, made through the admin API. */
export async function clientKey(gateway: Booted, name: string, balance = "1") {
  const account = await adminPost<{ id: string; name: string }>(gateway, "/accounts", {
    name: unique(name),
    balance,
  });
  const key = await adminPost<{ id: string; key: string }>(gateway, "/keys", {
    account_id: account.id,
    name,
  });
  return { account, keyId: key.id, key: key.key };
}

/** A unique name per test, so specs sharing one server never collide. */
export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

export { expect };
