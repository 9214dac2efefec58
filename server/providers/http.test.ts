import { describe, expect, test } from "bun:test";
import { GatewayError } from "../errors.ts";
import { readCapped } from "./http.ts";

/** A body streamed in pieces, without a declared length. */
const streamed = (pieces: string[]) => {
  const enc = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of pieces) c.enqueue(enc.encode(p));
        c.close();
      },
    }),
  );
};

describe("readCapped", () => {
  test("a body within the cap is read whole, declared or streamed", async () => {
    expect(await readCapped(new Response("hello"), 5, "fail")).toBe("hello");
    expect(await readCapped(streamed(["he", "llo"]), 5, "fail")).toBe("hello");
  });

  test("past the cap: 'fail' refuses as an invalid upstream answer, 'truncate' keeps the start", async () => {
    const refused = await readCapped(streamed(["abc", "def"]), 4, "fail").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).code).toBe("upstream_invalid_response");
    const declared = await readCapped(new Response("x".repeat(10)), 4, "fail").catch((e: unknown) => e);
    expect((declared as GatewayError).code).toBe("upstream_invalid_response");
    expect(await readCapped(streamed(["abc", "def"]), 4, "truncate")).toBe("abcd");
    expect(await readCapped(new Response("x".repeat(10)), 4, "truncate")).toBe("xxxx");
  });
});
