/**
 * The scrubber against an upstream that echoes the provider's key in any common spelling.
 * The oracle is independent of the implementation: it decodes every base64, base64url, hex
 * and percent-encoded run of the output (case folded, whitespace removed) and looks for
 * any 12 consecutive characters of the key. TOLLGATE_PROPERTY_RUNS sets the number of
 * generated cases (a few hundred by default, to stay within a few seconds).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { highEntropy, REDACTED, Redactor, scrub } from "./redact.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 300);

const KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=";
const key = fc
  .tuple(
    fc.constantFrom("sk-", "sk-proj-", "sk-ant-api03-", "AIza", "gsk_", "AQVN", "", "tok_", "Y2xpZW50"),
    fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 16, maxLength: 72 }),
  )
  .map(([prefix, body]) => prefix + body);

const b64 = (s: string) => Buffer.from(s).toString("base64");
const ENCODINGS: Record<string, (k: string) => string> = {
  raw: (k) => k,
  upper: (k) => k.toUpperCase(),
  lower: (k) => k.toLowerCase(),
  base64: b64,
  base64NoPad: (k) => b64(k).replace(/=+$/, ""),
  base64url: (k) => Buffer.from(k).toString("base64url"),
  hex: (k) => Buffer.from(k).toString("hex"),
  HEX: (k) => Buffer.from(k).toString("hex").toUpperCase(),
  url: encodeURIComponent,
  basicAuth: (k) => `Basic ${b64(`user:${k}`)}`,
  headerDump: (k) => b64(`{"Authorization":"Bearer ${k}","x-api-key":"${k}"}`),
  mime: (k) => b64(`Authorization: Bearer ${k}\r\n`).replace(/.{1,20}/g, "$&\r\n"),
};

/** Splits by whitespace (or a JSON `\n` escape) at `at`, as an upstream wrapping lines would. */
const split = (s: string, at: number, sep: string) => {
  const i = at % (s.length + 1);
  return s.slice(0, i) + sep + s.slice(i);
};

/** Every decoding an attacker would try on the output, to find the key in it. */
function decodings(text: string): string[] {
  const flat = text.replace(/\s+|\\[nrt]/g, "");
  const out = [flat.toLowerCase()];
  for (const run of flat.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
    for (let shift = 0; shift < 4; shift++) {
      const part = run.slice(shift);
      out.push(Buffer.from(part, "base64").toString("latin1").toLowerCase());
      out.push(Buffer.from(part, "base64url").toString("latin1").toLowerCase());
    }
  for (const run of flat.match(/[0-9a-fA-F]{8,}/g) ?? [])
    for (const shift of [0, 1])
      out.push(Buffer.from(run.slice(shift), "hex").toString("latin1").toLowerCase());
  try {
    out.push(decodeURIComponent(flat).toLowerCase());
  } catch {
    // not percent-encoded text
  }
  return out;
}

/** Whether any 12 consecutive characters of the key can be read back from `text`. */
function leaks(text: string, k: string): string | null {
  const all = decodings(text);
  const lower = k.toLowerCase();
  for (let i = 0; i + 12 <= lower.length; i++) {
    const piece = lower.slice(i, i + 12);
    if (all.some((d) => d.includes(piece))) return piece;
  }
  return null;
}

const context = fc.string({ maxLength: 40 });

describe("scrub: the provider's key in any spelling", () => {
  test("no encoding, case or line split of the key survives, whatever surrounds it", () => {
    fc.assert(
      fc.property(
        key,
        fc.constantFrom(...Object.keys(ENCODINGS)),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom(" ", "\n", "\r\n", "\\n", "  \t")), { nil: null }),
        context,
        fc.constantFrom(" ", ": ", '"', "=", "'", "("),
        context,
        (k, encoding, splitAt, before, sep, after) => {
          let payload = ENCODINGS[encoding]!(k);
          if (splitAt) payload = split(payload, splitAt[0], splitAt[1]);
          const text = `${before}${sep}${payload}${sep}${after}`;
          const out = scrub(text, [k]);
          expect({ encoding, leak: leaks(out, k) }).toEqual({ encoding, leak: null });
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("streamed events lose the key in its exact encoded spellings", () => {
    fc.assert(
      fc.property(
        key,
        fc.constantFrom("raw", "upper", "lower", "base64", "base64url", "hex", "HEX", "headerDump"),
        context,
        (k, encoding, before) => {
          const event = JSON.stringify({ error: { message: `${before} ${ENCODINGS[encoding]!(k)}` } });
          const out = new Redactor([k]).redactStreamed(event);
          expect({ encoding, leak: leaks(out, k) }).toEqual({ encoding, leak: null });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("a streamed event that names no error still loses a key, whatever characters the key holds", () => {
    // Regular-expression characters (not a backslash or quote: JSON would escape those in the event).
    const chars = [
      "a",
      "Z",
      "0",
      "9",
      ".",
      "*",
      "+",
      "?",
      "^",
      "$",
      "{",
      "}",
      "(",
      ")",
      "|",
      "[",
      "]",
      "/",
      "-",
      "=",
    ];
    const odd = fc.string({ unit: fc.constantFrom(...chars), minLength: 8, maxLength: 40 });
    fc.assert(
      fc.property(odd, (k) => {
        const event = JSON.stringify({ choices: [{ delta: { content: `here: ${k} !` } }] });
        const out = Redactor.of([k]).redactStreamed(event);
        expect(out.includes(k)).toBe(false);
        expect(out).toContain("[redacted]");
      }),
      { numRuns: RUNS },
    );
  });

  test("prose without secrets comes through unchanged", () => {
    const word = fc.constantFrom(
      "the",
      "token",
      "Token",
      "basic",
      "Basic",
      "api",
      "authentication",
      "expired",
      "key",
      "invalid",
      "model",
      "gpt-4o-mini-2024-07-18",
      "messages[0].content",
      "request",
      "re-issued",
      "getUserAccountBalanceForBillingPeriod2024Q3",
      "https://platform.openai.com/docs/api-reference/chat",
      "42.",
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), key, (words, k) => {
        const text = words.join(" ");
        expect(scrub(text, [k])).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("scrub: key-shaped text whoever it belongs to", () => {
  test("vendor formats, named credentials and long random tokens", () => {
    // Vendor prefixes joined at run time: the source holds nothing a secret scanner takes for a key.
    const anthropicLike = ["sk", "ant", "api03", "FAKE", "example"].join("-");
    const stripeLike = ["sk", "live", "FAKE", "example"].join("_");
    const cases: [string, string][] = [
      ["Bearer abcdefgh12345 was refused", `Bearer ${REDACTED} was refused`],
      ["GET /v1?key=AIzaSyA1234567890abcdefghijklmn&alt=sse", `GET /v1?key=${REDACTED}&alt=sse`],
      ['{"api_key": "mine-0123", "model": "m"}', `{"api_key": "${REDACTED}", "model": "m"}`],
      [
        "proxy https://user:hunter2@proxy.example.com failed",
        `proxy https://${REDACTED}@proxy.example.com failed`,
      ],
      [`see ${anthropicLike} and ${stripeLike}`, `see ${REDACTED} and ${REDACTED}`],
      ["token ghp_0123456789abcdefghijABCDEFGHIJ here", `token ${REDACTED} here`],
      ["iam t1.9euelZqRkJGVkZCQk5rJnJKblZqYl-3rnpWajpLIiZqRzZ2Xls7 end", `iam ${REDACTED} end`],
      ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl", `jwt ${REDACTED}`],
      ["random mA7xQ2pL9vK4sT8wY1zB3nC6dF0gH5jR here", `random ${REDACTED} here`],
    ];
    for (const [text, want] of cases) expect(scrub(text, [])).toBe(want);
  });

  // Counterexamples of the prose property, kept: "basic" and "Token" are words before an id;
  // "Bearer" (or "Api-Key") before a value with digits is read as a quoted Authorization header.
  test("scheme-like words before ids are prose; Bearer before a value with digits is a credential", () => {
    for (const text of [
      "basic req_4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c the",
      "Token gpt-4o-mini-2024-07-18",
      "Request id req_4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c, model gpt-4o-mini-2024-07-18.",
    ])
      expect(scrub(text, ["sk-AAAAAAAAAAAAAAAA"])).toBe(text);
    expect(scrub("Bearer gpt-4o-mini-2024-07-18 the", [])).toBe(`Bearer ${REDACTED} the`);
    expect(scrub("Api-Key AQVNabc123456", [])).toBe(`Api-Key ${REDACTED}`);
    expect(scrub(`Basic ${Buffer.from("user:hunter2").toString("base64")}`, [])).toBe(`Basic ${REDACTED}`);
  });

  test("long identifiers, request ids and repetitive base64 are not mistaken for keys", () => {
    expect(highEntropy("ThisIsAVeryLongCamelCaseIdentifierWithDigits123")).toBe(false);
    expect(highEntropy("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1a")).toBe(false);
    expect(highEntropy("4f3a9b8c7d6e5f4a3b2c1d0e9f8a7b6c4f3a9b8c")).toBe(false);
  });
});

describe("Redactor.of: built once per secrets list", () => {
  test("the same list gives the same redactor; another list, another one that still redacts", () => {
    const a = Redactor.of(["sk-FAKE-example-0123456789abcdef"]);
    expect(Redactor.of(["sk-FAKE-example-0123456789abcdef"])).toBe(a);
    const b = Redactor.of(["sk-FAKE-example-0123456789abcdef", "tok-rotated-9876543210zyxw"]);
    expect(b).not.toBe(a);
    expect(b.redactStreamed('{"echo":"tok-rotated-9876543210zyxw"}')).toContain(REDACTED);
    expect(b.redactStreamed('{"echo":"tok-rotated-9876543210zyxw"}')).not.toContain("tok-rotated");
  });
});
