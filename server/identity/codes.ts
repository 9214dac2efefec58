import { randomInt, timingSafeEqual } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { insertCode, openCode, spendTicket, supersedeCodes, updateCode } from "../../db/queries/identity.ts";
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
    private readonly db: Db,
    private readonly cipher: Pick<Cipher, "mac">,
    readonly settings: CodeSettings,
  ) {}

  private hash(id: string, code: string): string {
    return this.cipher.mac(`email-code:${id}:${code}`);
  }

  /** A new code for the address (older open ones end); the code to mail. */
  issue(email: string, client: string, now: number): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const id = newId("code");
    this.db.transaction((tx) => {
      supersedeCodes(tx, email, now);
      insertCode(tx, {
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
    });
    return code;
  }

  /**
   * Checks a code; right, it is used up and a ticket comes back. Wrong, the attempt
   * counts against the code (burnt at the limit) and 400 invalid_code is thrown.
   */
  verify(email: string, code: string, now: number): { ticket: string; expiresAt: number } {
    const row = openCode(this.db, email, now);
    if (!row || !/^\d{6}$/.test(code)) {
      if (row) this.miss(row.id, row.attempts, now);
      throw invalidCode();
    }
    const expected = Buffer.from(row.codeHash, "hex");
    const given = Buffer.from(this.hash(row.id, code), "hex");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      this.miss(row.id, row.attempts, now);
      throw invalidCode();
    }
    const ticket = `${TICKET_PREFIX}${randomToken(32)}`;
    const expiresAt = now + this.settings.ticketTtlMs;
    updateCode(this.db, row.id, { usedAt: now, ticketHash: sha256(ticket), ticketExpiresAt: expiresAt });
    return { ticket, expiresAt };
  }

  /** Spends a ticket once: the verified address, or null (unknown, spent, expired). */
  spend(ticket: string, now: number): string | null {
    if (!ticket.startsWith(TICKET_PREFIX)) return null;
    return spendTicket(this.db, sha256(ticket), now)?.email ?? null;
  }

  private miss(id: string, attempts: number, now: number): void {
    const next = attempts + 1;
    updateCode(
      this.db,
      id,
      next >= this.settings.maxAttempts ? { attempts: next, usedAt: now } : { attempts: next },
    );
  }
}
