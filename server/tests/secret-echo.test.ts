/**
 * An upstream that echoes the gateway's provider key back, but not verbatim: base64 (a
 * quoted Authorization header), hex, URL-encoded, another case, wrapped across lines. In an
 * error body or inside a stream, neither the client nor the request log sees any of it.
 */
import { describe, expect, test } from "bun:test";
import { PROVIDER_SECRET, standardConfig, type TestGateway, withGateway } from "../testing/harness.ts";
import type { MockOpenAI } from "../testing/mock-openai.ts";

let mock: MockOpenAI;
let tg: TestGateway;
withGateway(standardConfig, (m, t) => {
  mock = m;
  tg = t;
});

const b64 = (s: string) => Buffer.from(s).toString("base64");
const ECHOES: Record<string, string> = {
  base64: `Authorization header was ${b64(`Bearer ${PROVIDER_SECRET}`)}`,
  base64url: `key ${Buffer.from(PROVIDER_SECRET).toString("base64url")} rejected`,
  hex: `key hex ${Buffer.from(PROVIDER_SECRET).toString("hex")}`,
  upper: `Incorrect API key provided: ${PROVIDER_SECRET.toUpperCase()}`,
  split: `Incorrect API key provided: ${PROVIDER_SECRET.slice(0, 12)}\n${PROVIDER_SECRET.slice(12)}`,
  urlEncoded: `url https://api.example.com/v1?k=${encodeURIComponent(PROVIDER_SECRET)}`,
};

/** Whatever an attacker would try to read the key back from the text. */
function readable(text: string): string {
  const flat = text.replace(/\s+|\\[nrt]/g, "");
  const runs = flat.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [];
  const decoded = runs.flatMap((r) =>
    [0, 1, 2, 3].map((s) => Buffer.from(r.slice(s), "base64").toString("latin1")),
  );
  const hex = (flat.match(/[0-9a-fA-F]{8,}/g) ?? []).flatMap((r) =>
    [0, 1].map((s) => Buffer.from(r.slice(s), "hex").toString("latin1")),
  );
  return [flat, ...decoded, ...hex].join("\n").toLowerCase();
}
const core = PROVIDER_SECRET.slice(3, 20).toLowerCase();

/** Pieces of the key as written (10 characters: longer than a word of the message around it). */
function piecesIn(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 10 <= PROVIDER_SECRET.length; i++) {
    const piece = PROVIDER_SECRET.slice(i, i + 10);
    if (text.toLowerCase().includes(piece.toLowerCase())) found.push(piece);
  }
  return found;
}

describe("the provider key echoed in another spelling", () => {
  for (const [name, message] of Object.entries(ECHOES))
    test(`${name}: an error body's message reaches neither the client nor the log`, async () => {
      const c = await tg.client(1);
      mock.next({ status: 400, errorBody: { error: { message, type: "invalid_request_error" } } });
      const res = await fetch(`${tg.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${c.key}` },
        body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "x" }] }),
      });
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toContain("[redacted]");
      expect(readable(body)).not.toContain(core);
      expect(piecesIn(body)).toEqual([]);
      expect(readable(JSON.stringify(await tg.logRows(c.keyId)))).not.toContain(core);
    });

  test("inside a stream: the error event the client gets and the log row carry none of them", async () => {
    const c = await tg.client(10);
    const chunk = `data: ${JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content: "first " }, finish_reason: null }],
    })}\n\n`;
    mock.always({
      rawStream: [
        chunk,
        `data: ${JSON.stringify({ error: { message: Object.values(ECHOES).join(" | ") } })}\n\n`,
      ],
    });
    const res = await fetch(`${tg.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${c.key}` },
      body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "x" }], stream: true }),
    });
    const text = await res.text();
    expect(text).toContain("[redacted]");
    expect(readable(text)).not.toContain(core);
    // Not even the tail of a key split across lines.
    expect(piecesIn(text)).toEqual([]);
    expect(readable(JSON.stringify(await tg.logRows(c.keyId)))).not.toContain(core);
    mock.reset();
  });
});
