import { describe, expect, test } from "bun:test";
import type { Usage } from "../core/usage.ts";
import type { SseEvent } from "../sse/parser.ts";
import { countText } from "../tokens/count.ts";
import { MeteredTap } from "./metered-tap.ts";

/** A tap whose events are `{usage?, text?, end?}` as JSON: just enough to drive the snapshot. */
class JsonTap extends MeteredTap {
  constructor(private readonly finalReports = false) {
    super();
  }
  push(ev: SseEvent): Uint8Array | null {
    const d = JSON.parse(ev.data) as { usage?: Partial<Usage>; text?: string; end?: boolean };
    this.report(d.usage);
    if (d.text) this.keep(d.text);
    if (d.end) this.ended = true;
    return null;
  }
  finish(): Uint8Array {
    return new Uint8Array();
  }
  protected override reportIsFinal(): boolean {
    return this.finalReports || this.ended;
  }
}

const ev = (data: unknown): SseEvent => ({ data: JSON.stringify(data) });

describe("MeteredTap: the usage snapshot every tap shares", () => {
  test("a reported field overwrites the last value, never adds; an absent one stays", () => {
    const tap = new JsonTap();
    tap.push(ev({ usage: { inputTokens: 100, cachedTokens: 40, outputTokens: 1 } }));
    tap.push(ev({ usage: { outputTokens: 7 } }));
    tap.push(ev({ usage: { outputTokens: 9 }, end: true }));
    expect(tap.usage()).toEqual({ inputTokens: 100, cachedTokens: 40, outputTokens: 9 });
  });

  test("cut short, the larger of the report and the count of what was forwarded is billed", () => {
    const text = "a fairly long answer that was forwarded before the client left";
    const tap = new JsonTap();
    tap.push(ev({ usage: { inputTokens: 10, outputTokens: 1 } }));
    tap.push(ev({ text }));
    expect(tap.outputText()).toBe(text);
    expect(tap.usage()?.outputTokens).toBe(Math.max(1, countText(text)));
  });

  test("a dialect whose report is final bills the report even when cut short; no input, no usage", () => {
    const tap = new JsonTap(true);
    expect(tap.usage()).toBeNull();
    tap.push(ev({ text: "forwarded text that would count as several tokens" }));
    tap.push(ev({ usage: { inputTokens: 10, cachedTokens: 0, outputTokens: 2 } }));
    expect(tap.usage()).toEqual({ inputTokens: 10, cachedTokens: 0, outputTokens: 2 });
  });
});
