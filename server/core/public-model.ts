/**
 * Answers name the public model id the client asked for, never the upstream's: a
 * pass-through answer is rewritten in place. This file rewrites one top-level string
 * field of a JSON text without parsing it, so the streaming pass-through path (an OpenAI
 * chat chunk carries `model` on every chunk) pays a prefix comparison per chunk.
 */

import { isSpace, stringEnd } from "./json-members.ts";

const COLON = 58;

/**
 * Where the value of the top-level string field `key` of a JSON object's text lies
 * (`start` at its opening quote, `end` just past its closing one), or null. Strings are
 * skipped whole and braces and brackets counted up to each candidate, so a `"model"` key
 * nested in tool arguments or metadata, or the characters `"model":` inside a string, are
 * never taken for the answer's own field. Only the text before the field is walked.
 */
function locate(text: string, key: string): { start: number; end: number } | null {
  const needle = `"${key}"`;
  let i = 0;
  let depth = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, Math.max(i, at + 1))) {
    while (i < at) {
      const q = text.indexOf('"', i);
      const stop = q === -1 || q > at ? at : q;
      for (; i < stop; i++) {
        const c = text.charCodeAt(i);
        if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) depth--;
      }
      if (i === at) break;
      i = stringEnd(text, q);
      if (i === -1) return null;
    }
    // `at` starts a string token (not the inside of one) directly in the outer object.
    if (i !== at || depth !== 1) continue;
    let v = at + needle.length;
    while (isSpace(text.charCodeAt(v))) v++;
    if (text.charCodeAt(v) !== COLON) continue; // a value that happens to read "model"
    v++;
    while (isSpace(text.charCodeAt(v))) v++;
    // The key, but its value is not a string (null): nothing to rename.
    if (text.charCodeAt(v) !== 34) return null;
    const end = stringEnd(text, v);
    return end === -1 ? null : { start: v, end };
  }
  return null;
}

/**
 * Renames one top-level string field in a series of JSON texts (the chunks of one stream,
 * or a single body), every other byte kept. The chunks of a stream repeat the same opening
 * (id, object, created, model): once a chunk's field was found, a chunk that begins with
 * the same bytes up to the end of that field is renamed by one comparison, without walking
 * it again (the same prefix tokenizes the same way, so the field is at the same place).
 */
export class FieldRenamer {
  private readonly quoted: string;
  /** A chunk's text up to the end of the field's value, and the same renamed. */
  private seen: string | null = null;
  private renamed = "";
  /** The upstream already used the public id: nothing to change. */
  private same = false;

  constructor(
    private readonly key: string,
    value: string,
  ) {
    this.quoted = JSON.stringify(value);
  }

  apply(text: string): string {
    const seen = this.seen;
    if (seen !== null && text.startsWith(seen))
      return this.same ? text : this.renamed + text.slice(seen.length);
    const at = locate(text, this.key);
    if (!at) return text;
    this.seen = text.slice(0, at.end);
    this.renamed = text.slice(0, at.start) + this.quoted;
    this.same = this.seen === this.renamed;
    return this.same ? text : this.renamed + text.slice(at.end);
  }
}

/** `text` (a JSON object) with its top-level string field `key` set to `value`; else `text` as it is. */
export function setTopLevelString(text: string, key: string, value: string): string {
  return new FieldRenamer(key, value).apply(text);
}
