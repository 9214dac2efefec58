import { describe, expect, test } from "bun:test";
import { base64ToFloats, encodeVector, floatsToBase64 } from "./vectors.ts";

describe("embedding vector encodings", () => {
  test("float32 little-endian base64 round trip (values exact in float32)", () => {
    const v = [5.5625, -4.125, 0.8369140625, -1.5];
    expect(base64ToFloats(floatsToBase64(v))).toEqual(v);
    // 1.0 as float32 LE is 00 00 80 3f.
    expect(floatsToBase64([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString("base64"));
  });

  test("a vector is converted only when the client asked for the other encoding", () => {
    expect(encodeVector([1, 2], "float")).toEqual([1, 2]);
    expect(encodeVector("AACAPw==", "base64")).toBe("AACAPw==");
    expect(encodeVector("AACAPw==", "float")).toEqual([1]);
    expect(encodeVector([1], "base64")).toBe("AACAPw==");
  });
});
