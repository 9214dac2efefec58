import { randomInt, timingSafeEqual } from "node:crypto";
import type { Store } from "../../db/store.ts";
import { newId } from "../core/ids.ts";
import { badRequest } from "../errors.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { randomToken, sha256 } from "../secrets/tokens.ts";

export type CodeSettings = { ttlMs: number; maxAttempts: number; ticketTtlMs: number };

/** The one refusal of a code, whatever was wrong (no code, expired, burnt, wrong digits): it tells nothing. */
export const invalidCode = () =>
  badRequest("The code is invalid or has expired: ask for a new one.", "code", "invalid_code");

const TICKET_PREFIX = "vt_";

/**
 * One-time e-mail codes: six random digits, of which only a keyed hash is stored (bound to
 * the row, so a hash cannot be replayed on another code). The newest code of an address
 * is the only open one; it ends when used, when it expires, or after `maxAttempts` wrong
 * guesses. A right code becomes a ticket (random, stored as SHA-256) that
 * complete-registration spends once.
 */
export class EmailCodes {
  constructor(
    private readonly store: Pick<Store, "identity">,
    private readonly cipher: Pick<Cipher, "mac">,
    readonly settings: CodeSettings,
  ) {}

  private hash(id: string, code: string): string {
    return this.cipher.mac(`email-code:${id}:${code}`);
  }

  /** A new code for the address (older open ones end); the code to mail. */
  async issue(email: string, client: string, now: number): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const id = newId("code");
    await this.store.identity.issueCode({
      id,
      email,
      codeHash: this.hash(id, code),
      clientAddress: client,
      attempts: 0,
      createdAt: now,
      expiresAt: now + this.settings.ttlMs,
      usedAt: null,
      ticketHash: null,
      ticketExpiresAt: null,
      ticketUsedAt: null,
    });
    return code;
  }

  /**
   * Checks a code; right, it is used up and a ticket comes back. Every guess first takes
   * one of the code's attempts in one statement (the last one ends the code), so however
   * many guesses arrive at once, no more than `maxAttempts` are compared; a wrong one
   * throws 400 invalid_code. Of two right guesses at once one gets the ticket.
   */
  async verify(email: string, code: string, now: number): Promise<{ ticket: string; expiresAt: number }> {
    const db = this.store.identity;
    const open = await db.openCode(email, now);
    const row = open && (await db.attemptCode(open.id, this.settings.maxAttempts, now));
    if (!row || !/^\d{6}$/.test(code)) throw invalidCode();
    const expected = Buffer.from(row.codeHash, "hex");
    const given = Buffer.from(this.hash(row.id, code), "hex");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidCode();
    const ticket = `${TICKET_PREFIX}${randomToken(32)}`;
    const expiresAt = now + this.settings.ticketTtlMs;
    if (!(await db.redeemCode(row.id, { hash: sha256(ticket), expiresAt }, now))) throw invalidCode();
    return { ticket, expiresAt };
  }

  /** Spends a ticket once: the verified address, or null (unknown, spent, expired). */
  async spend(ticket: string, now: number): Promise<string | null> {
    if (!ticket.startsWith(TICKET_PREFIX)) return null;
    return (await this.store.identity.spendTicket(sha256(ticket), now))?.email ?? null;
  }
}
