import type { Database, Statement } from "bun:sqlite";
import { badRequest, GatewayError } from "../errors.ts";
import type { Write } from "../store/writes.ts";

const INSERT =
  "INSERT OR REPLACE INTO idempotency (key_id, idem_key, body_hash, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type Replay = { status: number; headers: Record<string, string>; body: string };
export type Claim = { keyId: string; idemKey: string; bodyHash: string; done: boolean };

/**
 * `Idempotency-Key` (AIGate client guide): per API key, kept 24 h. Calls in flight are
 * held in memory (a crash forgets them, and nothing of theirs was billed); completed
 * calls are stored by the same group commit that bills them, so a replay exists exactly
 * when the original was charged. Only successful responses are stored: a failed call was
 * not billed and may be retried with the same key.
 */
export class IdempotencyStore {
  private running = new Map<string, string>();
  private readonly find: Statement;
  private readonly purge: Statement;

  constructor(sqlite: Database) {
    this.find = sqlite.prepare(
      "SELECT body_hash, status, headers, body, created_at FROM idempotency WHERE key_id = ? AND idem_key = ?",
    );
    this.purge = sqlite.prepare("DELETE FROM idempotency WHERE created_at < ?");
  }

  /** Returns a replay, or a claim that must be completed or abandoned; throws 400/409/422. */
  begin(input: {
    keyId: string;
    idemKey: string;
    bodyHash: string;
    stream: boolean;
    now: number;
  }): { replay: Replay } | { claim: Claim } {
    if (input.idemKey.length > 255)
      throw badRequest("Idempotency-Key must be at most 255 characters.", "Idempotency-Key");
    if (input.stream)
      throw badRequest(
        "Idempotency-Key is not supported with stream: true.",
        "stream",
        "idempotency_stream_unsupported",
      );
    const id = `${input.keyId}\u0000${input.idemKey}`;
    const runningHash = this.running.get(id);
    if (runningHash !== undefined) {
      if (runningHash !== input.bodyHash) throw mismatch();
      throw new GatewayError("conflict", "A request with this Idempotency-Key is still being processed.", {
        code: "idempotency_in_progress",
      });
    }
    const row = this.find.get(input.keyId, input.idemKey) as {
      body_hash: string;
      status: number;
      headers: string;
      body: string;
      created_at: number;
    } | null;
    if (row && row.created_at > input.now - IDEMPOTENCY_TTL_MS) {
      if (row.body_hash !== input.bodyHash) throw mismatch();
      return { replay: { status: row.status, headers: JSON.parse(row.headers), body: row.body } };
    }
    this.running.set(id, input.bodyHash);
    return { claim: { keyId: input.keyId, idemKey: input.idemKey, bodyHash: input.bodyHash, done: false } };
  }

  /** The write that stores the response; runs in the request's billing transaction. */
  completeWrite(claim: Claim, res: Replay, now: number): Write {
    return {
      sql: INSERT,
      params: [
        claim.keyId,
        claim.idemKey,
        claim.bodyHash,
        res.status,
        JSON.stringify(res.headers),
        res.body,
        now,
      ],
    };
  }

  /** Forgets the in-flight marker (after the commit, or when the call failed). */
  finish(claim: Claim): void {
    if (claim.done) return;
    claim.done = true;
    this.running.delete(`${claim.keyId}\u0000${claim.idemKey}`);
  }

  sweep(now: number): void {
    this.purge.run(now - IDEMPOTENCY_TTL_MS);
  }
}

const mismatch = () =>
  new GatewayError("unprocessable", "This Idempotency-Key was already used with a different request body.", {
    code: "idempotency_key_reused",
  });
