import { describe, expect, test } from "bun:test";
import { GatewayError } from "../errors.ts";
import { parseFormBody } from "./form-body.ts";

/** A FormData encoded the way a client sends it: the bytes and the content type with its boundary. */
async function encode(fields: [string, string | File][]): Promise<[Uint8Array, string]> {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  const req = new Request("http://localhost/", { method: "POST", body: fd });
  const type = req.headers.get("content-type")!;
  return [new Uint8Array(await req.arrayBuffer()), type];
}

async function parse(fields: [string, string | File][]) {
  const [bytes, type] = await encode(fields);
  return parseFormBody(bytes, type);
}

async function refused(fields: [string, string | File][]): Promise<GatewayError> {
  const err = await parse(fields).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe("parseFormBody", () => {
  test("arrays, nested objects and files, as the OpenAI SDK encodes them", async () => {
    const form = await parse([
      ["model", "m"],
      ["image[]", new File([new Uint8Array([1, 2])], "a.png", { type: "image/png" })],
      ["image[]", new File([new Uint8Array([3])], "b.png", { type: "image/png" })],
      ["metadata[a]", "1"],
      ["metadata[b]", "2"],
      ["tag", "x"],
      ["tag", "y"],
    ]);
    expect(form.model).toBe("m");
    expect((form.image as { name: string }[]).map((f) => f.name)).toEqual(["a.png", "b.png"]);
    expect(form.metadata).toEqual({ a: "1", b: "2" });
    expect(Object.getPrototypeOf(form.metadata)).toBe(Object.prototype);
    expect(form.tag).toEqual(["x", "y"]);
  });

  test("a field named __proto__[x] is a 400 and pollutes nothing", async () => {
    const err = await refused([["__proto__[pwned]", "yes"]]);
    expect(err.status).toBe(400);
    expect(err.message).toContain("'__proto__' is not allowed");
    expect(({} as Record<string, unknown>).pwned).toBeUndefined();
  });

  test("constructor, prototype and __proto__ are refused at either level", async () => {
    for (const name of [
      "constructor[prototype]",
      "constructor",
      "a[__proto__]",
      "a[constructor]",
      "__proto__",
    ])
      expect((await refused([[name, "x"]])).message).toContain("is not allowed");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test("names of inherited members are ordinary fields: toString[x] does not touch Object.prototype.toString", async () => {
    const form = await parse([
      ["toString[x]", "yes"],
      ["valueOf", "v"],
    ]);
    const fields = new Map(Object.entries(form));
    expect(fields.get("toString")).toEqual({ x: "yes" });
    expect(fields.get("valueOf")).toBe("v");
    expect((Object.prototype.toString as unknown as Record<string, unknown>).x).toBeUndefined();
  });

  test("a field given as a value and as an object is a 400, in either order", async () => {
    for (const fields of [
      [
        ["a", "1"],
        ["a[b]", "2"],
      ],
      [
        ["a[b]", "2"],
        ["a", "1"],
      ],
      [
        ["a[]", "1"],
        ["a[b]", "2"],
      ],
    ] as [string, string][][]) {
      const err = await refused(fields);
      expect(err.status).toBe(400);
      expect(err.param).toBe("a");
    }
  });
});
