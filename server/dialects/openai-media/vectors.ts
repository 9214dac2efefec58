/**
 * Embedding vectors in the two encodings of OpenAI's API: a list of floats, or base64 of
 * little-endian float32 (what the openai SDKs ask for by default and decode themselves).
 */

export function floatsToBase64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i] ?? 0, i * 4);
  return buf.toString("base64");
}

export function base64ToFloats(b64: string): number[] {
  const buf = Buffer.from(b64, "base64");
  const out: number[] = new Array(Math.floor(buf.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** A vector as the client asked for it, whatever encoding the upstream answered in. */
export function encodeVector(v: number[] | string, format: "float" | "base64"): number[] | string {
  if (format === "base64") return typeof v === "string" ? v : floatsToBase64(v);
  return typeof v === "string" ? base64ToFloats(v) : v;
}
