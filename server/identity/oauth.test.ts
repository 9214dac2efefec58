/**
 * The pure pieces of OAuth: the S256 challenge against RFC 7636's own example, which
 * redirect URIs may be registered, the page's language, and the escaping that keeps a
 * user-registered app's name from becoming markup on the consent page (a property test:
 * TOLLGATE_PROPERTY_RUNS=20000 for a longer run).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { redirectUriProblem, s256 } from "./oauth.ts";
import { esc, pickLang } from "./oauth-page.ts";

const RUNS = Number(process.env.TOLLGATE_PROPERTY_RUNS ?? 500);

test("S256 is RFC 7636 Appendix B's example", () => {
  expect(s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

describe("redirect URIs", () => {
  test.each([
    "https://app.example.com/cb",
    "https://app.example.com:8443/cb?tenant=1",
    "http://127.0.0.1:8765/cb",
    "http://[::1]/cb",
    "http://localhost:3000/cb",
  ])("%s may be registered", (uri) => expect(redirectUriProblem(uri)).toBeNull());

  test.each([
    ["http://app.example.com/cb", "must be https"],
    ["http://127.0.0.1.evil.example/cb", "must be https"],
    ["http://localhost.evil.example/cb", "must be https"],
    ["https://app.example.com/cb#x", "fragment"],
    ["https://user:pw@app.example.com/cb", "user info"],
    ["javascript:alert(1)", "must be https"],
    ["/relative/cb", "absolute"],
    ["custom-scheme:/cb", "must be https"],
  ])("%s may not (%s)", (uri, why) => expect(redirectUriProblem(uri)).toContain(why));
});

test("the page's language: the browser's preferred of English and Russian, English otherwise", () => {
  expect(pickLang(null)).toBe("en");
  expect(pickLang("ru-RU,ru;q=0.9,en-US;q=0.8")).toBe("ru");
  expect(pickLang("de-DE,en;q=0.5,ru;q=0.7")).toBe("ru");
  expect(pickLang("de-DE,en;q=0.8,ru;q=0.7")).toBe("en");
  expect(pickLang("fr")).toBe("en");
  expect(pickLang("ru;q=0")).toBe("en");
});

const unescapeHtml = (s: string) =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");

test("escaping: no markup character survives, and the text reads back whole", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme-composite" }), (text) => {
      const out = esc(text);
      expect(out).not.toMatch(/[<>"']/);
      expect(unescapeHtml(out)).toBe(text);
    }),
    { numRuns: RUNS },
  );
  expect(esc(`<script>alert("x")</script>&'`)).toBe(
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;",
  );
});
