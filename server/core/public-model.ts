/**
 * Answers name the public model id the client asked for, never the upstream's: a
 * pass-through answer is rewritten in place. This file rewrites one top-level string
 * field of a JSON text without parsing it, so the streaming pass-through path (an OpenAI
 * chat chunk carries `model` on every chunk) stays a scan of a few dozen characters.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The index just past the JSON string that opens at `start`, or -1 if it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/**
 * `text` (a JSON object) with its top-level string field `key` set to `value`, every other
 * byte as it was; `text` itself when it has no such field (or is not JSON we can walk).
 * Only the prefix up to the field is scanned: strings are skipped whole, braces and
 * brackets counted, so a `"model"` key nested in tool arguments or metadata, or the
 * characters `"model":` inside a string, are never taken for the answer's own field.
 */
export function setTopLevelString(text: string, key: string, value: string): string {
  const needle = `"${key}"`;
  let at = text.indexOf(needle);
  let i = 0;
  let depth = 0;
  while (at !== -1) {
    while (i < at) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(text, i);
        if (end === -1) return text;
        i = end;
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
      i++;
    }
    // `at` starts a string token (not the inside of one) directly in the outer object.
    if (i === at && depth === 1) {
      let v = at + needle.length;
      while (isSpace(text.charCodeAt(v))) v++;
      if (text.charCodeAt(v) === COLON) {
        v++;
        while (isSpace(text.charCodeAt(v))) v++;
        // A key, but its value is not a string (null): nothing to rename.
        if (text.charCodeAt(v) !== QUOTE) return text;
        const end = stringEnd(text, v);
        if (end === -1) return text;
        const quoted = JSON.stringify(value);
        if (end - v === quoted.length && text.startsWith(quoted, v)) return text;
        return text.slice(0, v) + quoted + text.slice(end);
      }
    }
    at = text.indexOf(needle, Math.max(i, at + 1));
  }
  return text;
}
