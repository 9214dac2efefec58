import { describe, expect, test } from "bun:test";
import { en } from "./en.ts";
import { flatten, placeholders, pluralParts } from "./flatten.ts";
import { pickLanguage } from "./index.ts";
import { ru } from "./ru.ts";

const LANGS = { en: { tree: en, locale: "en-US" }, ru: { tree: ru, locale: "ru-RU" } } as const;

/** Keys whose Russian text may equal the English one (names, codes, units the same in both). */
const SAME_IN_BOTH = new Set<string>([
  "brand.toll",
  "brand.gate",
  "language.en",
  "language.ru",
  "requests.table.ttft", // an abbreviation, spelled out in its title
  "timeZone.utc",
  "alerts.url",
]);

/** base key → { plural form or "" → text } */
function grouped(tree: object) {
  const out = new Map<string, Map<string, unknown>>();
  for (const [key, value] of flatten(tree)) {
    const [base, form] = pluralParts(key);
    if (!out.has(base)) out.set(base, new Map());
    out.get(base)!.set(form ?? "", value);
  }
  return out;
}

describe("panel resources", () => {
  const g = { en: grouped(en), ru: grouped(ru) };

  test("English and Russian hold the same keys", () => {
    const enKeys = [...g.en.keys()].sort();
    const ruKeys = [...g.ru.keys()].sort();
    expect(ruKeys.filter((k) => !g.en.has(k))).toEqual([]);
    expect(enKeys.filter((k) => !g.ru.has(k))).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  test("every text is a non-empty string", () => {
    for (const [lang, { tree }] of Object.entries(LANGS))
      for (const [key, value] of flatten(tree)) {
        expect(typeof value, `${lang}:${key}`).toBe("string");
        expect(String(value).trim(), `${lang}:${key}`).not.toBe("");
      }
  });

  test("a counted text has exactly the plural forms its language needs", () => {
    for (const [lang, { locale }] of Object.entries(LANGS)) {
      const needed = [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();
      for (const [base, forms] of g[lang as keyof typeof g]) {
        if (forms.has("")) {
          expect(forms.size, `${lang}:${base} mixes plain and plural keys`).toBe(1);
          continue;
        }
        expect([...forms.keys()].sort(), `${lang}:${base}`).toEqual(needed);
      }
    }
  });

  test("both languages use the same placeholders in each text", () => {
    for (const [base, enForms] of g.en) {
      const ruForms = g.ru.get(base);
      if (!ruForms) continue; // reported by the key test
      const names = (forms: Map<string, unknown>) =>
        [...new Set([...forms.values()].flatMap((v) => placeholders(String(v))))].sort();
      // {{count}} may be left out of a form ("one request" as "a request"); others may not.
      const strip = (a: string[]) => a.filter((n) => n !== "count");
      expect(strip(names(ruForms)), base).toEqual(strip(names(enForms)));
    }
  });

  test("markup in a text is balanced, the same in both languages, and names no void HTML element", () => {
    // <Trans> parses texts as HTML: <link>…</link> would render an empty, unnamed link.
    const VOID = /^(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/;
    const tags = (text: string) => [...text.matchAll(/<(\/?)(\w+)>/g)].map((m) => m[1] + m[2]!);
    const enFlat = flatten(en);
    for (const [key, value] of flatten(ru)) {
      const [open, close] = [tags(String(value)), tags(String(enFlat.get(key) ?? ""))];
      expect(open, key).toEqual(close);
      for (const tag of open) expect(VOID.test(tag.replace("/", "")), `${key}: <${tag}>`).toBe(false);
      expect(open.filter((t) => !t.startsWith("/")).length, key).toBe(
        open.filter((t) => t.startsWith("/")).length,
      );
    }
  });

  test("Russian texts are translated, not copies of the English", () => {
    const enFlat = flatten(en);
    const copied = [...flatten(ru)]
      .filter(([k, v]) => enFlat.get(k) === v && !SAME_IN_BOTH.has(k) && /[A-Za-z]{3}/.test(String(v)))
      .map(([k]) => k);
    expect(copied).toEqual([]);
  });
});

describe("choosing the language", () => {
  test("the stored choice wins, then the browser's languages, then English", () => {
    expect(pickLanguage("ru", ["en-US"])).toBe("ru");
    expect(pickLanguage(null, ["ru-RU", "en"])).toBe("ru");
    expect(pickLanguage(null, ["de-DE", "ru"])).toBe("ru");
    expect(pickLanguage(null, ["de-DE", "fr"])).toBe("en");
    expect(pickLanguage("xx", ["en-GB", "ru"])).toBe("en");
    expect(pickLanguage(null, [])).toBe("en");
  });
});
