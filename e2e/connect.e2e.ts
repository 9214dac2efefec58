import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminPost, expect, test, unique } from "./support/fixtures.ts";

const root = join(import.meta.dirname, "..");
const clipboard = (page: import("@playwright/test").Page) =>
  page.evaluate(() => navigator.clipboard.readText());

/** Runs a copied snippet: a shell one under sh, a TypeScript one under bun (from the repo, for its SDKs). */
function run(lang: "sh" | "ts", text: string, key: string): string {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TOLLGATE_API_KEY: key,
    HOME: process.env.HOME ?? "/tmp",
  };
  if (lang === "sh") return execFileSync("sh", ["-c", text], { env, encoding: "utf8", timeout: 30_000 });
  const dir = join(root, "test-results", "snippets");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${unique("snippet")}.ts`);
  writeFileSync(file, text);
  return execFileSync(join(root, "node_modules", ".bin", "bun"), [file], {
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
}

test("the new-key dialog shows the base URL and snippets for every client; each copies, and the copied code works", async ({
  admin: page,
  gateway,
}) => {
  const account = await adminPost<{ id: string; name: string }>(gateway, "/accounts", {
    // Not an English word of the panel: the Russian pages test scans every page for those.
    name: unique("cx"),
    balance: "10",
  });
  await page.goto(`accounts/${account.id}`);
  await page.getByRole("button", { name: "Issue key" }).click();
  const form = page.getByRole("dialog", { name: "Issue an API key" });
  await form.getByLabel("Name").fill("connect key");
  // Only gpt-test: the snippets name the model the key may use.
  await form.getByRole("checkbox", { name: "gpt-test", exact: true }).check();
  await form.getByRole("button", { name: "Issue key" }).click();

  const dialog = page.getByRole("dialog", { name: "Your new API key" });
  const key = await dialog.getByLabel("API key for “connect key”").inputValue();
  const details = dialog.getByRole("region", { name: "Connect a client" });
  await expect(details).toBeVisible();
  // No server.public_url in the e2e config: the page's own origin.
  await details.getByRole("button", { name: "Copy Base URL" }).click();
  expect(await clipboard(page)).toBe(`${gateway.url}/v1`);

  const tabs = details.getByRole("tablist", { name: "Client" });
  await expect(tabs.getByRole("tab")).toHaveText([
    "curl",
    "OpenAI SDK",
    "Anthropic SDK",
    "Gemini SDK",
    "Claude Code",
    "Codex",
  ]);
  const copy = async (tab: string, label: string) => {
    await tabs.getByRole("tab", { name: tab }).click();
    await expect(tabs.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    await details
      .getByRole("tabpanel")
      .getByRole("button", { name: `Copy ${label}` })
      .click();
    const text = await clipboard(page);
    expect(text).toBe(
      await details.getByRole("tabpanel").getByRole("figure", { name: label }).locator("pre").textContent(),
    );
    return text;
  };

  // Each copied snippet, run as it is, gets an answer through the gateway.
  const curl = await copy("curl", "curl");
  expect(curl).toContain(key);
  expect(JSON.parse(run("sh", curl, "")).choices[0].message.content).toBe("Hello from the mock upstream.");
  for (const [tab, label, expected] of [
    ["OpenAI SDK", "OpenAI SDK, TypeScript", "Hello from the mock upstream."],
    ["Anthropic SDK", "Anthropic SDK, TypeScript", "Hello from the mock upstream."],
    ["Gemini SDK", "Gemini SDK, TypeScript", "Hello from the mock upstream."],
  ] as const) {
    const code = await copy(tab, label);
    expect(code).toContain('"gpt-test"');
    expect(code).not.toContain(key); // SDK code reads TOLLGATE_API_KEY, so the key is not pasted into source
    expect(run("ts", code, key)).toContain(expected);
  }
  for (const [tab, label] of [
    ["OpenAI SDK", "OpenAI SDK, Python"],
    ["Anthropic SDK", "Anthropic SDK, Python"],
    ["Gemini SDK", "Gemini SDK, Python"],
  ] as const) {
    const code = await copy(tab, label);
    expect(code).toContain(label.startsWith("OpenAI") ? `base_url="${gateway.url}/v1"` : `"${gateway.url}"`);
    expect(code).toContain('os.environ["TOLLGATE_API_KEY"]');
  }
  expect(await copy("Claude Code", "Claude Code")).toBe(
    `export ANTHROPIC_BASE_URL=${gateway.url}\nexport ANTHROPIC_AUTH_TOKEN=${key}\nexport ANTHROPIC_MODEL=gpt-test\nexport ANTHROPIC_DEFAULT_HAIKU_MODEL=gpt-test\nclaude`,
  );
  const codex = await copy("Codex", "Codex, ~/.codex/config.toml");
  expect(codex).toContain(`base_url = "${gateway.url}/v1"`);
  expect(codex).toContain('wire_api = "responses"');
  expect(await copy("Codex", "Codex, then in the shell")).toBe(`export TOLLGATE_API_KEY=${key}\ncodex`);

  // Arrow keys move between the tabs.
  await tabs.getByRole("tab", { name: "Codex" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(tabs.getByRole("tab", { name: "curl" })).toBeFocused();
  await expect(tabs.getByRole("tab", { name: "curl" })).toHaveAttribute("aria-selected", "true");
});
