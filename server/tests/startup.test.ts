import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { standardConfig } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { runCliProcess, spawnServer } from "../testing/process.ts";

let mock: MockOpenAI;
beforeAll(() => {
  mock = new MockOpenAI().start();
});
afterAll(() => mock.stop());

const fresh = () => mkdtempSync(join(tmpdir(), "tollgate-startup-"));

describe("start-up and configuration", () => {
  test("a bad tollgate.yaml stops start-up with a message naming the path", async () => {
    const dir = fresh();
    writeFileSync(
      join(dir, "bad.yaml"),
      standardConfig(mock.url).replace(
        "routes: [{ provider: mock, model: mock-model }]\n    prices: { input: 1, output: 2 }",
        "routes: [{ provider: x, model: y }]",
      ),
    );
    const proc = Bun.spawn([process.execPath, "server/main.ts"], {
      cwd: join(import.meta.dir, "..", ".."),
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        TOLLGATE_DB: join(dir, "t.db"),
        TOLLGATE_CONFIG: join(dir, "bad.yaml"),
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).toBe(1);
    expect(err).toContain('models[1].routes[0].provider: unknown provider "x"');
  });

  test("first start prints an admin token once; only its hash is stored; it works", async () => {
    const dir = fresh();
    const env = { TOLLGATE_DB: join(dir, "t.db") };
    const s1 = await spawnServer(env);
    await Bun.sleep(100);
    const m = /^\s+(tga_[A-Za-z0-9_-]{32})$/m.exec(s1.stdout());
    expect(m).not.toBeNull();
    const token = m![1]!;
    const ok = await fetch(`${s1.url}/admin/api/accounts`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await s1.stop();
    const s2 = await spawnServer(env);
    await Bun.sleep(100);
    expect(s2.stdout()).not.toContain("tga_");
    expect(
      (await fetch(`${s2.url}/admin/api/accounts`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    await s2.stop();
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(dir, "t.db"));
    const stored = JSON.stringify(db.query("SELECT * FROM settings").all());
    db.close();
    expect(stored).not.toContain(token);
  });

  test("applying the file is idempotent; admin edits stand until the file's item changes", async () => {
    const dir = fresh();
    const cfgPath = join(dir, "tollgate.yaml");
    const cfg = `${standardConfig(mock.url)}accounts:\n  - name: team-a\n    balance: 5\n`;
    writeFileSync(cfgPath, cfg);
    const env = {
      TOLLGATE_DB: join(dir, "t.db"),
      TOLLGATE_CONFIG: cfgPath,
      TOLLGATE_ADMIN_TOKEN: "admin-token-for-this-test",
    };
    const admin = (url: string, path: string, init: RequestInit = {}) =>
      fetch(`${url}/admin/api${path}`, {
        ...init,
        headers: { authorization: "Bearer admin-token-for-this-test", "content-type": "application/json" },
      }).then((r) => r.json());
    const s1 = await spawnServer(env);
    await admin(s1.url, "/models/gpt-test", {
      method: "PATCH",
      body: JSON.stringify({ prices: { input: 9 } }),
    });
    await s1.stop();

    const s2 = await spawnServer(env);
    expect((await admin(s2.url, "/models/gpt-test")).prices.input).toBe(9);
    const accounts = (await admin(s2.url, "/accounts")).data as { name: string; balance: number }[];
    expect(accounts.filter((a) => a.name === "team-a")).toEqual([expect.objectContaining({ balance: 5 })]);
    await s2.stop();

    writeFileSync(
      cfgPath,
      cfg
        .replace(
          "prices: { input: 1, cached_input: 0.5, output: 2 }",
          "prices: { input: 3, output: 4, cache_write: 3.75, cache_write_1h: 6 }",
        )
        .replace("balance: 5", "balance: 50"),
    );
    const s3 = await spawnServer(env);
    expect((await admin(s3.url, "/models/gpt-test")).prices).toMatchObject({
      input: 3,
      output: 4,
      cache_write: 3.75,
      cache_write_1h: 6,
    });
    // An account's opening balance applies once: editing the file never resets money.
    expect(
      ((await admin(s3.url, "/accounts")).data as { name: string; balance: number }[]).find(
        (a) => a.name === "team-a",
      )?.balance,
    ).toBe(5);
    await s3.stop();
  });

  test("the CLI works on the same database as a running server, which sees its changes at once", async () => {
    const dir = fresh();
    const cfgPath = join(dir, "tollgate.yaml");
    writeFileSync(cfgPath, standardConfig(mock.url));
    const env = {
      TOLLGATE_DB: join(dir, "t.db"),
      TOLLGATE_CONFIG: cfgPath,
      TOLLGATE_ADMIN_TOKEN: "admin-token-for-this-test",
    };
    const server = await spawnServer(env);
    const acct = await runCliProcess(
      ["accounts", "create", "--name", "cli-co", "--balance", "2", "--json"],
      env,
    );
    expect(acct.code).toBe(0);
    const account = JSON.parse(acct.stdout) as { id: string; balance: number };
    const key = JSON.parse(
      (await runCliProcess(["keys", "create", "--account", account.id, "--name", "cli", "--json"], env))
        .stdout,
    ) as { id: string; key: string };
    const client = new OpenAI({ apiKey: key.key, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(res.choices[0]?.message.content).toBe("Hello from the mock upstream.");

    const top = await runCliProcess(["accounts", "topup", account.id, "3", "--note", "from the cli"], env);
    expect(top.stdout).toContain("balance is now 4.99998");
    const bal = await (
      await fetch(`${server.url}/v1/balance`, { headers: { authorization: `Bearer ${key.key}` } })
    ).json();
    expect(bal.balance).toBe(4.999984);

    expect((await runCliProcess(["models", "disable", "gpt-test"], env)).stdout).toContain("disabled");
    expect(
      (
        await client.chat.completions
          .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
          .catch((e) => e)
      ).status,
    ).toBe(404);
    await runCliProcess(["models", "enable", "gpt-test"], env);
    // Deleting through the CLI: the running server stops serving the model at once.
    expect((await runCliProcess(["models", "delete", "vendor/slashed-model"], env)).stdout).toContain(
      "vendor/slashed-model is deleted",
    );
    expect(
      (
        await client.chat.completions
          .create({ model: "vendor/slashed-model", messages: [{ role: "user", content: "hi" }] })
          .catch((e) => e)
      ).status,
    ).toBe(404);
    const missing = await runCliProcess(["models", "delete", "no-such-model"], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("No model with id 'no-such-model'");
    // That command applied tollgate.yaml again (every CLI command does), which still declares the
    // model: it is back, for the CLI and for the server.
    expect((await runCliProcess(["models", "list"], env)).stdout).toContain("vendor/slashed-model");
    const back = await client.chat.completions.create({
      model: "vendor/slashed-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(back.choices[0]?.message.content).toBe("Hello from the mock upstream.");
    expect((await runCliProcess(["keys", "revoke", key.id], env)).code).toBe(0);
    expect(
      (
        await client.chat.completions
          .create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] })
          .catch((e) => e)
      ).status,
    ).toBe(401);

    const list = await runCliProcess(["keys", "list"], env);
    expect(list.stdout).toContain("revoked");
    expect(list.stdout).not.toContain(key.key);
    const models = await runCliProcess(["models", "list"], env);
    expect(models.stdout).toContain("gpt-test");
    const bad = await runCliProcess(["accounts", "topup", account.id, "abc"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("<amount> must be a decimal amount");
    await server.stop();
  });
});
