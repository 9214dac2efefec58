/** Nested resources as flat "a.b.c" → text pairs (the tests compare languages on these). */
export function flatten(tree: object, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** "requests_few" → ["requests", "few"]; a key without a plural suffix has no form. */
export const pluralParts = (key: string): [string, string | null] => {
  const m = PLURAL.exec(key);
  return m ? [key.slice(0, m.index), m[1]!] : [key, null];
};

/** {{name}} placeholders of a text. */
export const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
