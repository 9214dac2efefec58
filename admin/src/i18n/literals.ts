/**
 * A pragmatic scan for English left in the panel's JSX outside t(): not a parser, a few
 * regular expressions tuned on this code base. It looks for
 *  - JSX text between tags ("<p>Could not load</p>", "{n} requests<"),
 *  - user-visible attributes given a literal (label="Name", aria-label={`Delete ${x}`}),
 *  - prose string literals anywhere in a .tsx file ("Could not delete it.").
 */
export type Finding = { line: number; text: string };

const VISIBLE_ATTRS = "label|title|placeholder|aria-label|hint|confirmLabel|alt|emptyText|description|legend";

const stripComments = (src: string) =>
  src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (m, pre: string) => pre + " ".repeat(m.length - pre.length))
    .replace(/\{\s*\/\*[\s\S]*?\*\/\s*\}/g, (m) => m.replace(/[^\n]/g, " "));

const hasWord = (s: string) => /[A-Za-z]{2,}/.test(s);
const lineOf = (src: string, index: number) => src.slice(0, index).split("\n").length;

/** Prose: starts with a capital and a lowercase letter, or holds two plain words in a row. */
const isProse = (s: string) =>
  (/^[A-Z][a-z]/.test(s) && !/^[A-Z][A-Za-z]*$/.test(s)) || /(^|\s)[a-z]{2,} [a-z]{2,}(\s|$|[.,:!?])/.test(s);

/** Tailwind classes, paths, ids, mime types and the like. */
const isMachineText = (s: string) => {
  const tokens = s.trim().split(/\s+/);
  return tokens.every(
    (t) =>
      /[-:/[\]#=_.@]|\d/.test(t) ||
      /^(flex|block|hidden|grid|inline|relative|absolute|sticky|fixed|truncate|italic|underline|uppercase|border|rounded|shadow|grow|shrink|table|contents|ring|transition|sr-only|capitalize)$/.test(
        t,
      ),
  );
};

export function scanSource(source: string): Finding[] {
  const src = stripComments(source);
  const out: Finding[] = [];
  const add = (index: number, text: string) => out.push({ line: lineOf(src, index), text: text.trim() });

  // JSX text: after a tag's ">" (not "=>" or a spaced comparison) up to the next tag or expression.
  for (const m of src.matchAll(/(?<![=\s-])>([^<>{}]*)(?=[<{])/g)) {
    const text = m[1]!;
    if (hasWord(text) && !/[;=[\]]|\)\s*$|^\s*[():&|,]/.test(text)) add(m.index!, text);
  }
  // JSX text after an expression on the same line: "{n} requests<".
  for (const m of src.matchAll(/\}([^<>{}\n]*[A-Za-z]{2,}[^<>{}\n]*)(?=<\/?[A-Za-z])/g)) {
    const text = m[1]!;
    if (!/[;=()&|?]|^\s*[:,]|^\s*(else|as|from)\b/.test(text)) add(m.index!, text);
  }
  // Literal values of visible attributes.
  for (const m of src.matchAll(
    new RegExp(`\\s(?:${VISIBLE_ATTRS})=(?:"([^"]*)"|\\{\\s*["'\`]([^"'\`]*)["'\`]\\s*\\})`, "g"),
  )) {
    const text = m[1] ?? m[2] ?? "";
    if (hasWord(text.replace(/\$\{[^}]*\}/g, " ")) && !isMachineText(text)) add(m.index!, text);
  }
  // Prose in any string or template literal (toasts, labels in arrays, thrown messages).
  for (const m of src.matchAll(/"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
    const raw = m[1] ?? m[2] ?? "";
    const text = raw.replace(/\$\{[^}]*\}/g, " ");
    if (isProse(text.trim()) && !isMachineText(text)) {
      const before = src.slice(Math.max(0, m.index! - 40), m.index!);
      if (/\b(import|from|className=|data-testid=|t\(|i18nKey=)\s*\(?\s*$/.test(before)) continue;
      add(m.index!, text);
    }
  }
  const seen = new Set<string>();
  return out.filter((f) => {
    const id = `${f.line}:${f.text}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
