/**
 * Gemini answers function calls without ids and (Gemini 3) with a thought signature that
 * must come back with the call in the next turn. Clients of other dialects only echo a
 * tool call id, so the signature rides inside it: `<id>__thought__<signature>`.
 */
const MARK = "__thought__";

/** Google's documented sentinel for a replayed call whose signature was lost. */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

export function geminiCallId(id: string | undefined, signature: string | undefined): string {
  const base = id || `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
  return signature ? `${base}${MARK}${signature}` : base;
}

export function signatureOf(id: string): string | undefined {
  const i = id.indexOf(MARK);
  return i === -1 ? undefined : id.slice(i + MARK.length);
}
