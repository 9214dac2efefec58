/**
 * What only a raw socket can send: Host headers that fetch refuses to write. Every route
 * answers a missing or malformed Host with one clear 400 in its own error shape, logs no
 * stack trace (a log-flooding vector otherwise), and short but valid hosts route as usual.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { errorShape } from "../app.ts";
import { ADMIN_TOKEN, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { openSocket, rawHead, rawRequest } from "../testing/raw-http.ts";

let mock: MockOpenAI;
let tg: TestGateway;
beforeAll(async () => {
  mock = new MockOpenAI().start();
  tg = await TestGateway.start({ config: standardConfig(mock.url) });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
});

const BAD_HOSTS = [
  "",
  "a/b",
  "a@b",
  "a b",
  "a?b",
  "a#b",
  "a\\b",
  "[::1",
  "a:99999",
  "a:b",
  ":80",
  "%zz",
  "a, b",
];

/** Every documented route (OpenAPI), with its parameters filled in, plus the hidden ones. */
async function everyRoute(): Promise<[string, string][]> {
  const spec = (await (await fetch(`${tg.url}/docs/json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes: [string, string][] = [];
  for (const [path, methods] of Object.entries(spec.paths))
    for (const method of Object.keys(methods))
      routes.push([method.toUpperCase(), path.replace(/\{[^}]+\}/g, "x")]);
  return [
    ...routes,
    ["GET", "/admin"],
    ["GET", "/admin/accounts"],
    ["GET", "/docs"],
    ["GET", "/docs/assets/swagger-ui-bundle.js"],
    ["GET", "/no-such-route"],
  ];
}

describe("Host header", () => {
  test("a malformed or missing Host is a 400 invalid_host on every route, in its own shape, with nothing on stderr", async () => {
    const routes = await everyRoute();
    expect(routes.length).toBeGreaterThan(30);
    const errors = spyOn(console, "error");
    try {
      for (const host of BAD_HOSTS)
        for (const [method, path] of routes) {
          const res = await rawRequest(
            tg.running.port,
            rawHead(method, path, [
              ["Host", host],
              ["Authorization", `Bearer ${ADMIN_TOKEN}`],
              ["Content-Length", "0"],
            ]),
          );
          const where = `${JSON.stringify(host)} ${method} ${path}`;
          expect({ where, status: res.status }).toEqual({ where, status: 400 });
          const body = JSON.parse(res.body) as { error: Record<string, unknown>; type?: string };
          const shape = errorShape(path);
          if (shape === "google") expect(body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
          else if (shape === "anthropic")
            expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
          else expect({ where, code: body.error.code }).toEqual({ where, code: "invalid_host" });
        }
      // HTTP/1.0 may omit Host: the router cannot read the path then either.
      const old = await rawRequest(tg.running.port, "GET /admin/api/settings HTTP/1.0\r\n\r\n");
      expect(old.status).toBe(400);
      expect(JSON.parse(old.body).error.code).toBe("invalid_host");
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  }, 60_000);

  test("short and unusual valid hosts route to the path that was sent", async () => {
    for (const host of [
      "a",
      "ab",
      "a:1",
      "x.y",
      "[::1]",
      "[::1]:8080",
      "127.0.0.1",
      "Tollgate.Example.COM:443",
    ]) {
      const model = await rawRequest(
        tg.running.port,
        rawHead("GET", "/v1/models/gpt-test", [["Host", host]]),
      );
      expect({ host, status: model.status }).toEqual({ host, status: 200 });
      expect(JSON.parse(model.body).id).toBe("gpt-test");
      const settings = await rawRequest(
        tg.running.port,
        rawHead("GET", "/admin/api/settings", [
          ["Host", host],
          ["Authorization", `Bearer ${ADMIN_TOKEN}`],
        ]),
      );
      expect({ host, status: settings.status }).toEqual({ host, status: 200 });
      expect(JSON.parse(settings.body).version).toBe("test");
    }
  });
});

describe("a client that hangs up mid-upload", () => {
  /** Sends the head and part of the body, then closes the socket. */
  async function abandon(path: string, headers: [string, string][], partial: string) {
    const socket = await openSocket(tg.running.port);
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write(
      rawHead("POST", path, [["Host", "gateway.test"], ...headers]).replace("Connection: close\r\n", ""),
    );
    socket.write(partial);
    await Bun.sleep(50);
    socket.destroy();
    await closed;
  }

  test("is logged 499 client_closed (Content-Length or chunked), with no 5xx in the metrics and nothing on stderr", async () => {
    const c = await tg.client(1);
    const errors = spyOn(console, "error");
    try {
      const json: [string, string][] = [
        ["Authorization", `Bearer ${c.key}`],
        ["Content-Type", "application/json"],
      ];
      await abandon(
        "/v1/chat/completions",
        [...json, ["Content-Length", "100000"]],
        '{"model":"gpt-test","messages":[',
      );
      await abandon(
        "/v1/chat/completions",
        [...json, ["Transfer-Encoding", "chunked"]],
        '10\r\n{"model":"gpt-te\r\n',
      );
      await abandon(
        "/v1/messages/count_tokens",
        [
          ["x-api-key", c.key],
          ["Content-Type", "application/json"],
          ["Content-Length", "5000"],
        ],
        '{"model":',
      );
      for (let i = 0; i < 100 && (await tg.logRows(c.keyId)).length < 2; i++) await Bun.sleep(10);
      const rows = await tg.logRows(c.keyId);
      expect(rows.map((r) => [r.status, r.outcome, r.error_code])).toEqual([
        [499, "client_closed", "client_closed"],
        [499, "client_closed", "client_closed"],
      ]);
      const metrics = await (await fetch(`${tg.url}/metrics`)).text();
      expect(metrics).toContain('status="499"');
      expect(metrics).not.toMatch(/llm_requests_total\{[^}]*status="5\d\d"/);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
    // The server serves the next client as before.
    const ok = await rawRequest(tg.running.port, rawHead("GET", "/v1/models", [["Host", "gateway.test"]]));
    expect(ok.status).toBe(200);
  });
});
