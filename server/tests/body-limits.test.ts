/**
 * Oversized requests are refused by the app, in the route's own error shape, whatever
 * route they aim at and however the body is framed (declared Content-Length or chunked).
 * Bun's own cap (an empty 413 before any JavaScript runs) is out of reach. Oversized
 * header sections are the one refusal the runtime keeps: proven here, see docs/hardening.md.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { errorShape } from "../app.ts";
import { ADMIN_TOKEN, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type RawResponse, rawHead, rawRequest, rawUpload } from "../testing/raw-http.ts";

const MB = 1024 * 1024;
let mock: MockOpenAI;
let small: TestGateway; // body_limit_mb: 1
let standard: TestGateway; // the default 20 MB
let key: string;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  small = await TestGateway.start({ config: `${standardConfig(mock.url)}\nserver: { body_limit_mb: 1 }\n` });
  standard = await TestGateway.start({ config: standardConfig(mock.url) });
  key = (await small.client(1)).key;
});
afterAll(async () => {
  await small.stop();
  await standard.stop();
  mock.stop();
});

/** A 413 in the shape of `path`'s surface, naming the limit. */
function expectShaped413(res: RawResponse, path: string, limitMb: number) {
  expect({ path, status: res.status }).toEqual({ path, status: 413 });
  expect(res.headers.connection).toBe("close");
  const body = JSON.parse(res.body) as { type?: string; error: Record<string, unknown> };
  const shape = errorShape(path);
  if (shape === "google") expect(body.error).toMatchObject({ code: 413 });
  else if (shape === "anthropic")
    expect(body).toMatchObject({ type: "error", error: { type: "request_too_large" } });
  else expect(body.error).toMatchObject({ code: "request_too_large", status: 413 });
  expect(String(body.error.message)).toContain(`limit of ${limitMb} MB`);
}

const ROUTES: [string, [string, string][]][] = [
  [
    "/v1/chat/completions",
    [
      ["Authorization", `Bearer KEY`],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1/responses",
    [
      ["Authorization", `Bearer KEY`],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1/embeddings",
    [
      ["Authorization", `Bearer KEY`],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1/images/edits",
    [
      ["Authorization", `Bearer KEY`],
      ["Content-Type", "multipart/form-data; boundary=x"],
    ],
  ],
  [
    "/v1/messages",
    [
      ["x-api-key", "KEY"],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1/messages/count_tokens",
    [
      ["x-api-key", "KEY"],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1beta/models/gpt-test:generateContent",
    [
      ["x-goog-api-key", "KEY"],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/v1beta/models/gpt-test:countTokens",
    [
      ["x-goog-api-key", "KEY"],
      ["Content-Type", "application/json"],
    ],
  ],
  [
    "/admin/api/accounts",
    [
      ["Authorization", `Bearer ${ADMIN_TOKEN}`],
      ["Content-Type", "application/json"],
    ],
  ],
  ["/admin/api/auth/login", [["Content-Type", "application/json"]]],
];
const withKey = (headers: [string, string][]) =>
  headers.map(([k, v]): [string, string] => [k, v.replace("KEY", key)]);

describe("request bodies over the limit", () => {
  test("a declared Content-Length far over Bun's old cap (30 MB on the default 20 MB limit) is a shaped 413", async () => {
    for (const [path, headers] of ROUTES) {
      const head = rawHead("POST", path, [
        ["Host", "gw.test"],
        ...withKey(headers),
        ["Content-Length", String(30 * MB)],
      ]);
      expectShaped413(await rawUpload(standard.running.port, head, 256 * 1024), path, 20);
    }
  });

  test("a chunked body is counted as it arrives: a shaped 413 past the limit, on billed and admin routes alike", async () => {
    for (const [path, headers] of ROUTES) {
      const head = rawHead("POST", path, [
        ["Host", "gw.test"],
        ...withKey(headers),
        ["Transfer-Encoding", "chunked"],
      ]);
      expectShaped413(await rawUpload(small.running.port, head, 3 * MB), path, 1);
    }
  });

  test("a chunked admin body under the limit is parsed as usual", async () => {
    const post = (body: string) =>
      rawRequest(
        small.running.port,
        `${rawHead("POST", "/admin/api/accounts", [
          ["Host", "gw.test"],
          ["Authorization", `Bearer ${ADMIN_TOKEN}`],
          ["Content-Type", "application/json"],
          ["Transfer-Encoding", "chunked"],
        ])}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      );
    const res = await post(JSON.stringify({ name: "chunked-account", balance: 1 }));
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ name: "chunked-account" });
    const bad = await post("null");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe("invalid_json");
  });

  test("an endless chunked upload to a route that never reads it is cut when the answer is sent", async () => {
    for (const [method, path] of [
      ["POST", "/no-such-route"],
      ["GET", "/health"],
    ] as const) {
      const head = rawHead(method, path, [
        ["Host", "gw.test"],
        ["Transfer-Encoding", "chunked"],
      ]);
      // 200 MB offered: the server answers and closes long before (the body is never drained).
      const res = await rawUpload(small.running.port, head, 200 * MB);
      expect({ path, connection: res.headers.connection }).toEqual({ path, connection: "close" });
      expect(res.status === 404 || res.status === 200).toBe(true);
    }
  });
});

describe("oversized headers", () => {
  // Bun refuses a header section over 16 KiB (its --max-http-header-size, also settable as
  // BUN_OPTIONS="--max-http-header-size=N") with an empty 431 before any JavaScript runs.
  // No route can answer it in its shape; this test pins the runtime's behaviour down.
  test("under 16 KiB the app answers in the route's shape; over it the runtime answers an empty 431", async () => {
    const under = await rawRequest(
      small.running.port,
      rawHead("POST", "/v1/messages", [
        ["Host", "gw.test"],
        ["X-Padding", "a".repeat(15_000)],
        ["Content-Length", "0"],
      ]),
    );
    expect(under.status).toBe(401);
    expect(JSON.parse(under.body)).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const over = await rawRequest(
      small.running.port,
      rawHead("POST", "/v1/messages", [
        ["Host", "gw.test"],
        ["X-Padding", "a".repeat(17_000)],
        ["Content-Length", "0"],
      ]),
    );
    expect(over.status).toBe(431);
    expect(over.body).toBe("");
  });
});
