import { z } from "zod";

const Address = z.email();

/**
 * An e-mail address as one person: trimmed and lower-cased (providers treat the local part
 * case-insensitively in practice, and `Alice@x` signing up beside `alice@x` would be two
 * people with one mailbox). Null when it is not an address.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !Address.safeParse(email).success) return null;
  return email;
}

/** A body field that must be an e-mail address, normalised. */
export const EmailInput = z
  .string()
  .max(320)
  .transform((v, ctx) => {
    const email = normalizeEmail(v);
    if (email === null) {
      ctx.addIssue({ code: "custom", message: "must be an e-mail address" });
      return z.NEVER;
    }
    return email;
  });
