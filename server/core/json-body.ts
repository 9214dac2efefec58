import type { Member } from "./json-members.ts";
import type { Json } from "./wire-json.ts";

/**
 * A JSON object body on its way upstream: a value, and for a client's own body also its
 * text with the spans of its top-level members (json-members.ts). Edits change top-level
 * members. Sent, a value the gateway built is serialized; a client's text keeps every byte
 * of the client's but the members changed: a changed value is written in its member's
 * place, a removed member leaves nothing behind, a new one goes last, and no key is ever
 * written twice. A member set to the text it already has is left as the client wrote it.
 */
export class JsonBody {
  private constructor(
    /** The body as a value, edits applied. */
    private readonly value: Json,
    /** The client's text and its members; null for a body the gateway built. */
    private readonly source: { text: string; members: Member[] } | null,
    /** Members set since the text (undefined: removed), in the order first set. */
    private readonly edits: ReadonlyMap<string, unknown>,
  ) {}

  /** A body the gateway holds as a value only: sent serialized. */
  static of(value: Json): JsonBody {
    return new JsonBody(value, null, new Map());
  }

  /** A client's own text, its top-level members (no key twice) and its parsed value. */
  static text(text: string, members: Member[], value: Json): JsonBody {
    return new JsonBody(value, { text, members }, new Map());
  }

  /** A top-level member's value (undefined when absent). */
  get(key: string): unknown {
    return Object.hasOwn(this.value, key) ? this.value[key] : undefined;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.value, key);
  }

  /** The body with these members set; a member set to undefined is removed. */
  with(changes: Record<string, unknown>): JsonBody {
    const value: Json = { ...this.value };
    const edits = new Map(this.edits);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete value[k];
      else value[k] = v;
      edits.set(k, v);
    }
    return new JsonBody(value, this.source, edits);
  }

  /** The whole body as a value. */
  object(): Json {
    return this.value;
  }

  /** The JSON text to send. */
  text(): string {
    if (!this.source) return JSON.stringify(this.value);
    const { text, members } = this.source;
    // The members whose text changes: a new value's JSON, or undefined for a removal.
    const changed = new Map<string, string | undefined>();
    for (const [k, v] of this.edits) {
      const m = members.find((x) => x.key === k);
      if (v === undefined) {
        if (m) changed.set(k, undefined);
        continue;
      }
      const json = JSON.stringify(v);
      if (!m || text.slice(m.valueStart, m.end) !== json) changed.set(k, json);
    }
    if (changed.size === 0) return text;
    // The client's text up to its first member, then each member kept with the separator
    // it had (a comma where a removed member stood between), then what follows the last.
    const last = members.at(-1);
    const close = last ? last.end : text.lastIndexOf("}");
    let out = text.slice(0, members[0]?.start ?? close);
    let kept = -1;
    members.forEach((m, i) => {
      const json = changed.has(m.key) ? changed.get(m.key) : null;
      if (json === undefined) return; // removed
      if (kept !== -1) out += kept === i - 1 ? text.slice(members[kept]!.end, m.start) : ",";
      out += json === null ? text.slice(m.start, m.end) : text.slice(m.start, m.valueStart) + json;
      kept = i;
      changed.delete(m.key);
    });
    for (const [k, json] of changed) {
      if (json === undefined) continue;
      out += `${kept === -1 ? "" : ","}${JSON.stringify(k)}:${json}`;
      kept = 0;
    }
    return out + text.slice(close);
  }
}
