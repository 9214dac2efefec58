/**
 * What a client with a valid key (or none) can send to hurt the gateway itself: names that
 * mean something to every JavaScript object, unbounded label values, malformed URLs,
 * bodies nested too deep to re-encode. Each answer is a clear 4xx in the route's own shape
 * and the next client is served as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { MockOpenAIMedia, PNG_1X1, URL_SIGNATURE } from "../testing/mock-openai-media.ts";

let mock: MockOpenAI;
let media: MockOpenAIMedia;
let tg: TestGateway;

beforeAll(async () => {
  mock = new MockOpenAI().start();
  media = new MockOpenAIMedia().start();
  tg = await TestGateway.start({
    config: standardConfig(
      mock.url,
      `  - id: img
    routes: [{ provider: media, model: gpt-image-2 }]
    prices: { image: { "1024x1024": 0.042, "*": 0.063 } }
  - id: clip
    routes: [{ provider: media, model: sora-2 }]
    prices: { video_second: { "*": 0.1 } }
`,
    ).replace(
      "providers:\n",
      `providers:\n  - { id: media, kind: openai, base_url: "${media.url}", api_key: sk-mock-media-key }\n`,
    ),
  });
});
afterAll(async () => {
  await tg.stop();
  mock.stop();
  media.stop();
});
beforeEach(() => {
  mock.reset();
  media.reset();
});

const chatWorks = async (c: Awaited<ReturnType<TestGateway["client"]>>) =>
  (await c.openai.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] }))
    .choices[0]?.message.content;

function form(fields: [string, string | File][]): FormData {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  return fd;
}
const png = () => new File([PNG_1X1], "a.png", { type: "image/png" });

describe("multipart field names", () => {
  test("__proto__[x] is a 400 that pollutes nothing; billed requests go on working", async () => {
    const c = await tg.client(10);
    for (const path of ["/v1/images/edits", "/v1/videos"]) {
      const res = await fetch(`${tg.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}` },
        body: form([
          ["__proto__[pwned]", "yes"],
          ["model", "img"],
          ["prompt", "x"],
          ["image", png()],
        ]),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; param: string } };
      expect(body.error).toMatchObject({ code: "invalid_form", param: "__proto__" });
    }
    expect(({} as Record<string, unknown>).pwned).toBeUndefined();
    expect(await chatWorks(c)).toBe("Hello from the mock upstream.");
    expect(media.received.length).toBe(0);
  });

  test("constructor[prototype] and toString[x] touch no prototype; a value-and-object conflict is a 400", async () => {
    const c = await tg.client(10);
    const post = (fd: FormData) =>
      fetch(`${tg.url}/v1/images/edits`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}` },
        body: fd,
      });
    expect((await post(form([["constructor[prototype]", "yes"]]))).status).toBe(400);
    const inherited = await post(form([["toString[x]", "yes"]]));
    expect(inherited.status).toBe(400); // the schema's own complaint (no image), not a crash
    expect((Object.prototype.toString as unknown as Record<string, unknown>).x).toBeUndefined();
    const conflict = await post(
      form([
        ["a", "1"],
        ["a[b]", "2"],
      ]),
    );
    expect(conflict.status).toBe(400);
    expect(((await conflict.json()) as { error: { param: string } }).error.param).toBe("a");
    expect(await chatWorks(c)).toBe("Hello from the mock upstream.");
  });
});

describe("client-chosen model names", () => {
  test("unknown models are one 'unknown' series in /metrics; the log row keeps 256 characters", async () => {
    const c = await tg.client(10);
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${tg.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: `nope-${i}-${"x".repeat(1000)}`,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(res.status).toBe(404);
    }
    await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "unauthenticated-model", messages: [] }),
    });
    await chatWorks(c);
    const metrics = await (await fetch(`${tg.url}/metrics`)).text();
    expect(metrics).not.toContain("nope-");
    expect(metrics).not.toContain("unauthenticated-model");
    expect(metrics).toContain('model="unknown"');
    expect(metrics).toContain('model="gpt-test"');
    expect(metrics.length).toBeLessThan(100_000);
    const rows = await tg.sql<{ n: number; m: number }>(
      "SELECT length(model) AS n, length(error_message) AS m FROM request_log WHERE key_id = ? AND status = 404",
      c.keyId,
    );
    expect(rows.length).toBe(40);
    for (const r of rows) {
      expect(r.n).toBe(256);
      expect(r.m).toBeLessThanOrEqual(1000);
    }
  });
});

describe("lookups by client text", () => {
  test("Gemini methods named like Object.prototype members are 404s; a bad percent-escape is a 400", async () => {
    for (const m of ["constructor", "__proto__", "valueOf", "toString", "hasOwnProperty"]) {
      const res = await fetch(`${tg.url}/v1beta/models/gpt-test:${m}`, { method: "POST", body: "{}" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND");
    }
    const bad = await fetch(`${tg.url}/v1beta/models/%E0%A4%A:generateContent`, {
      method: "POST",
      body: "{}",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
  });

  test("a bad percent-escape in /v1/models/* and /admin/api/models/* is a 400 in the OpenAI shape", async () => {
    const c = await tg.client(1);
    const pub = await fetch(`${tg.url}/v1/models/%E0%A4%A`, {
      headers: { authorization: `Bearer ${c.key}` },
    });
    expect(pub.status).toBe(400);
    expect(((await pub.json()) as { error: { code: string } }).error.code).toBe("invalid_url");
    const admin = await tg.admin<{ error: { code: string } }>("GET", "/models/%E0%A4%A");
    expect(admin.status).toBe(400);
    expect(admin.body.error.code).toBe("invalid_url");
  });

  test("an image size named 'constructor' prices at the '*' entry instead of crashing", async () => {
    const c = await tg.client(5);
    for (const size of ["constructor", "__proto__", "toString"]) {
      const res = await fetch(`${tg.url}/v1/images/generations`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "img", prompt: "x", size }),
      });
      expect(res.status).not.toBe(500);
    }
  });
});

describe("JSON nesting", () => {
  test("a body nested deeper than 64 levels is a 400 in each surface's shape and never reaches the upstream", async () => {
    const c = await tg.client(10);
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const cases: [string, string][] = [
      [
        "/v1/chat/completions",
        `{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"x":${deep(200_000)}}`,
      ],
      [
        "/v1/messages",
        `{"model":"gpt-test","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":{"x":${deep(100)}}}`,
      ],
      [
        "/v1beta/models/gpt-test:generateContent",
        `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"x":${deep(100)}}`,
      ],
    ];
    for (const [path, body] of cases) {
      const res = await fetch(`${tg.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${c.key}`, "x-api-key": c.key, "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("nested more than 64 levels");
    }
    const ok = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: `{"model":"gpt-test","messages":[{"role":"user","content":"hi"}],"x":${deep(60)}}`,
    });
    expect(ok.status).toBe(200);
    expect(mock.received.length).toBe(1);
  });
});

describe("a late failure after the row committed", () => {
  test("metrics that throw (a polluted prototype) neither fail the answer nor log the request twice", async () => {
    const c = await tg.client(10);
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = "x"; // prom-client then refuses every label set
    let answer: string | null | undefined;
    try {
      answer = await chatWorks(c);
    } finally {
      delete proto.injected;
    }
    expect(answer).toBe("Hello from the mock upstream.");
    const rows = await tg.logRows(c.keyId);
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ status: 200, outcome: "ok" });
  });
});

describe("generated media served on the gateway's origin", () => {
  const imageLink = async () => {
    const c = await tg.client(5);
    const res = await c.openai.images.generate({ model: "img", prompt: "a cat", response_format: "url" });
    return res.data![0]!.url!;
  };

  test("an image is served with nosniff, a sandbox CSP and an inline disposition", async () => {
    const res = await fetch(await imageLink());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("sandbox");
    expect(res.headers.get("content-disposition")).toStartWith("inline");
  });

  test("an upstream 'image' that is HTML or SVG goes out as an octet-stream attachment", async () => {
    for (const type of ["text/html; charset=utf-8", "image/svg+xml", "application/javascript"]) {
      const link = await imageLink();
      media.fileAnswer = { contentType: type };
      const res = await fetch(link);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toStartWith("attachment");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.arrayBuffer();
    }
  });

  test("redirects are followed on the same host only", async () => {
    const link = await imageLink();
    media.fileAnswer = { redirectTo: `${media.origin}/files/moved.png?${URL_SIGNATURE}&moved=1` };
    const same = await fetch(link);
    expect(same.status).toBe(200);
    expect(Buffer.from(await same.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    media.fileAnswer = {
      redirectTo: `${media.origin.replace("127.0.0.1", "localhost")}/files/x.png?${URL_SIGNATURE}&moved=1`,
    };
    const other = await fetch(link);
    expect(other.status).toBe(502);
    expect(JSON.stringify(await other.json())).not.toContain(PROVIDER_SECRET);
  });
});
