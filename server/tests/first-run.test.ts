import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { spawnServer } from "../testing/process.ts";

const fresh = () => mkdtempSync(join(tmpdir(), "tollgate-first-run-"));

describe("the first start says what to do next", () => {
  test("beside the admin token: the panel URL, the token tab, and that no provider is configured", async () => {
    const s = await spawnServer({ TOLLGATE_DB: join(fresh(), "t.db") });
    try {
      await Bun.sleep(100);
      const out = s.stdout();
      const token = /^\s+(tga_[A-Za-z0-9_-]{32})$/m.exec(out)?.[1];
      expect(token).toBeDefined();
      const steps = out.slice(out.indexOf(token!));
      expect(steps).toContain(`1. Open the admin panel: ${s.url}/admin`);
      expect(steps).toContain('Sign in on the "Admin token" tab with the token above');
      expect(steps).toContain("No provider is configured yet");
    } finally {
      await s.stop();
    }
  });

  test("server.public_url is the panel URL printed; a restart prints neither token nor steps", async () => {
    const dir = fresh();
    const config = join(dir, "tollgate.yaml");
    await Bun.write(config, "server: { public_url: https://llm.example.com/ }\n");
    const env = { TOLLGATE_DB: join(dir, "t.db"), TOLLGATE_CONFIG: config };
    const s1 = await spawnServer(env);
    await Bun.sleep(100);
    await s1.stop();
    expect(s1.stdout()).toContain("1. Open the admin panel: https://llm.example.com/admin");
    const s2 = await spawnServer(env);
    await Bun.sleep(100);
    await s2.stop();
    expect(s2.stdout()).not.toContain("Next steps");
  });
});

describe("sign-in methods and the setup checklist (admin API)", () => {
  let mock: MockOpenAI;
  let tg: TestGateway;
  beforeAll(async () => {
    mock = new MockOpenAI().start();
    tg = await TestGateway.start();
  });
  afterAll(async () => {
    await tg.stop();
    mock.stop();
  });

  test("/auth/methods is open and says a password works only once an admin user exists", async () => {
    const ask = async () => {
      const res = await fetch(`${tg.url}/admin/api/auth/methods`);
      return { status: res.status, body: await res.json() };
    };
    expect(await ask()).toEqual({ status: 200, body: { password: false, token: true } });
    expect(
      (await tg.admin("POST", "/admins", { username: "first", password: "long-enough-pw" })).status,
    ).toBe(201);
    expect(await ask()).toEqual({ status: 200, body: { password: true, token: true } });
    // Everything else still needs credentials.
    expect((await fetch(`${tg.url}/admin/api/setup`)).status).toBe(401);
  });

  test("each checklist step ticks itself off as its data appears", async () => {
    const setup = async () => (await tg.admin<Record<string, unknown>>("GET", "/setup")).body;
    expect(await setup()).toEqual({
      providers: 0,
      models: 0,
      account: false,
      key: false,
      first_request: false,
      done: false,
    });
    expect(
      (
        await tg.admin("POST", "/providers", {
          id: "up",
          kind: "openai",
          base_url: mock.url,
          api_key: "sk-x",
        })
      ).status,
    ).toBe(201);
    expect((await setup()).providers).toBe(1);
    const model = {
      id: "m1",
      prices: { input: "1", output: "2" },
      routes: [{ provider: "up", model: "mock-model" }],
    };
    expect((await tg.admin("POST", "/models", model)).status).toBe(201);
    expect((await setup()).models).toBe(1);
    const accountId = await tg.account("first-account", "10");
    expect((await setup()).account).toBe(true);
    const { key } = await tg.key(accountId);
    expect(await setup()).toMatchObject({ key: true, first_request: false, done: false });
    // A refused request is not the first request.
    await tg
      .openai(key)
      .chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })
      .catch(() => null);
    expect((await setup()).first_request).toBe(false);
    await tg
      .openai(key)
      .chat.completions.create({ model: "m1", messages: [{ role: "user", content: "hi" }] });
    for (let i = 0; i < 50 && !(await setup()).first_request; i++) await Bun.sleep(20);
    expect(await setup()).toMatchObject({ first_request: true, done: true });
  });

  test("settings carry the public URL (null when unset) for the connection details", async () => {
    const res = await fetch(`${tg.url}/admin/api/settings`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await res.json()).toEqual({ currency: "USD", version: "test", public_url: null });
  });
});
