/**
 * The top-level members of a JSON object's text, found without building anything: where
 * each key and value lies, so a forwarded body can keep the client's bytes and change only
 * the members the gateway rewrites (json-body.ts). For text JSON.parse already accepted.
 *
 * Measured against the alternative of proving the text valid here instead of parsing it
 * (bench/README.md): a JavaScript walk that checks every token costs more than JSON.parse
 * at 128 KB, so the parse stays, and this walk only skips strings (one indexOf per quote)
 * and counts brackets.
 */

/** One top-level member: its key, where the member starts (the key's quote), where its value starts and ends. */
export type Member = { key: string; start: number; valueStart: number; end: number };

const QUOTE = 34;
const BACKSLASH = 92;

export const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** The index just past the JSON string that opens at `start`, or -1 if it never closes. */
export function stringEnd(text: string, start: number): number {
  for (let q = text.indexOf('"', start + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    if (text.charCodeAt(q - 1) !== BACKSLASH) return q + 1;
    let k = q - 2;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    // An even run of backslashes escapes itself, not the quote.
    if ((q - 1 - k) % 2 === 0) return q + 1;
  }
  return -1;
}

function skipSpaces(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The members of the object `text` holds (valid JSON, an object), in order, and the
 * deepest nesting of its containers (the object itself is 1). Null when a key is set twice:
 * parsers settle that differently (the first or the last wins), so such a body is not
 * forwarded as it is.
 */
export function objectMembers(text: string): { members: Member[]; depth: number } | null {
  const members: Member[] = [];
  const keys = new Set<string>();
  let depth = 1;
  let deepest = 1;
  let i = skipSpaces(text, 0) + 1;
  for (;;) {
    i = skipSpaces(text, i);
    if (text.charCodeAt(i) !== QUOTE) break; // `}`: an empty object
    const start = i;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) return null;
    let key = text.slice(i + 1, keyEnd - 1);
    if (key.includes("\\")) key = JSON.parse(text.slice(i, keyEnd)) as string;
    if (keys.has(key)) return null;
    keys.add(key);
    i = skipSpaces(text, skipSpaces(text, keyEnd) + 1); // past the colon
    const valueStart = i;
    let end = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = stringEnd(text, i);
        if (i === -1) return null;
        end = i;
        continue;
      }
      // Past the end: not the valid JSON this expects.
      if (i >= text.length) return null;
      if (c === 123 || c === 91) {
        if (++depth > deepest) deepest = depth;
      } else if (c === 125 || c === 93) {
        if (depth === 1) break; // the object's own end
        depth--;
      } else if (c === 44 && depth === 1) break;
      i++;
      if (!isSpace(c)) end = i;
    }
    members.push({ key, start, valueStart, end });
    if (text.charCodeAt(i) !== 44) break;
    i++;
  }
  return { members, depth: deepest };
}
