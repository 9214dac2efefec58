/**
 * A provider's base URL with credentials in it (`https://user:KEY@host`) would be stored
 * and shown in clear: the admin API, the config file (and so every CLI command, which
 * applies it) refuse it; a row stored before the refusal is shown with them masked.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config/load.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { runCliProcess } from "../testing/process.ts";

const KEY = "sk-inurl-0123456789abcdef";
const WITH_CREDENTIALS = [`https://user:${KEY}@api.example.com/v1`, `https://${KEY}@api.example.com/v1`];

let tg: TestGateway;
beforeAll(async () => {
  tg = await TestGateway.start({ config: standardConfig("http://127.0.0.1:9") });
});
afterAll(() => tg.stop());

describe("base_url with credentials", () => {
  test("the admin API refuses it on create and update, naming base_url and never echoing the key", async () => {
    for (const base_url of WITH_CREDENTIALS) {
      const created = await tg.admin("POST", "/providers", { id: "creds", kind: "openai", base_url });
      expect(created.status).toBe(400);
      expect(created.body).toMatchObject({ error: { param: "base_url" } });
      expect(JSON.stringify(created.body)).toContain("must not contain credentials");
      expect(JSON.stringify(created.body)).not.toContain(KEY);
      const updated = await tg.admin("PATCH", "/providers/mock", { base_url });
      expect(updated.status).toBe(400);
      expect(JSON.stringify(updated.body)).not.toContain(KEY);
    }
    const list = await tg.admin<{ data: { id: string; base_url: string }[] }>("GET", "/providers");
    expect(JSON.stringify(list.body)).not.toContain(KEY);
    expect(list.body.data.find((p) => p.id === "mock")?.base_url).toBe("http://127.0.0.1:9");
  });

  test("a row stored before the refusal is shown with its credentials masked", async () => {
    const now = Date.now();
    await tg.sql(
      "INSERT INTO providers (id, kind, base_url, timeouts, created_at, updated_at) VALUES (?, 'openai', ?, '{}', ?, ?)",
      "legacy",
      WITH_CREDENTIALS[0]!,
      now,
      now,
    );
    await tg.gw.catalog.refreshProvider("legacy");
    const shown = await tg.admin<{ base_url: string }>("GET", "/providers/legacy");
    expect(shown.status).toBe(200);
    expect(shown.body.base_url).toBe("https://••••@api.example.com/v1");
  });

  test("tollgate.yaml refuses it, naming the path and not the key", () => {
    for (const base_url of WITH_CREDENTIALS) {
      const file = `providers: [{ id: p, kind: openai, base_url: "${base_url}" }]\nmodels: []\n`;
      let message = "";
      try {
        parseConfig(file, {});
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain("providers[0].base_url: must not contain credentials");
      expect(message).not.toContain(KEY);
    }
  });

  test("the CLI applies the file first, so it stops there too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-creds-"));
    const config = join(dir, "tollgate.yaml");
    writeFileSync(config, standardConfig(WITH_CREDENTIALS[0]!));
    const run = await runCliProcess(["accounts", "list"], {
      TOLLGATE_DB: join(dir, "t.db"),
      TOLLGATE_CONFIG: config,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("base_url: must not contain credentials");
    expect(run.stderr + run.stdout).not.toContain(KEY);
  });
});
