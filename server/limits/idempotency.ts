import type { IdempotencyRow } from "../../db/queries/system.ts";
import { badRequest, GatewayError } from "../errors.ts";
import type { Write } from "../store/writes.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type Replay = { status: number; headers: Record<string, string>; body: string };
export type Claim = { keyId: string; idemKey: string; bodyHash: string; done: boolean };

export type IdempotencyInput = {
  keyId: string;
  idemKey: string;
  bodyHash: string;
  stream: boolean;
  now: number;
};
type Begun = { replay: Replay } | { claim: Claim };

/**
 * Where completed responses are read: SQLite's prepared statements answer at once, so the
 * request path stays synchronous there; the Store (PostgreSQL) answers with promises.
 */
export type IdempotencyRows = {
  find(keyId: string, idemKey: string): IdempotencyRow | undefined | Promise<IdempotencyRow | undefined>;
  /** Deletes responses stored before `before`. */
  purge(before: number): void | Promise<void>;
};

/**
 * Idempotency as the request path uses it: IdempotencyStore answers at once (one process);
 * the Redis claims of server/cluster/idempotency-claims.ts answer with promises.
 */
export type Idempotency = {
  begin(input: IdempotencyInput): Begun | Promise<Begun>;
  completeWrite(claim: Claim, res: Replay, now: number): Write;
  finish(claim: Claim): void | Promise<void>;
};

/**
 * `Idempotency-Key` (AIGate client guide): per API key, kept 24 h. Calls in flight are
 * held in memory (a crash forgets them, and nothing of theirs was billed); completed
 * calls are stored by the same group commit that bills them, so a replay exists exactly
 * when the original was charged. Only successful responses are stored: a failed call was
 * not billed and may be retried with the same key.
 */
export class IdempotencyStore {
  private running = new Map<string, string>();

  constructor(private readonly rows: IdempotencyRows) {}

  /**
   * Returns a replay, or a claim that must be completed or abandoned; throws 400/409/422.
   * Synchronous when the rows answer at once (SQLite); a promise when they do not.
   */
  begin(input: IdempotencyInput): Begun | Promise<Begun> {
    checkIdempotencyInput(input);
    const id = `${input.keyId}\u0000${input.idemKey}`;
    const runningHash = this.running.get(id);
    if (runningHash !== undefined) {
      if (runningHash !== input.bodyHash) throw mismatch();
      throw inProgress();
    }
    const found = this.rows.find(input.keyId, input.idemKey);
    if (!(found instanceof Promise)) return this.decide(id, input, found);
    // Marked while the read is away: a second call with the key meanwhile is in progress (409), never a second run.
    this.running.set(id, input.bodyHash);
    return found.then(
      (row) => {
        this.running.delete(id);
        return this.decide(id, input, row);
      },
      (err) => {
        this.running.delete(id);
        throw err;
      },
    );
  }

  private decide(id: string, input: IdempotencyInput, row: IdempotencyRow | undefined): Begun {
    if (row && row.createdAt > input.now - IDEMPOTENCY_TTL_MS) {
      if (row.bodyHash !== input.bodyHash) throw mismatch();
      return { replay: { status: row.status, headers: row.headers, body: row.body } };
    }
    this.running.set(id, input.bodyHash);
    return { claim: { keyId: input.keyId, idemKey: input.idemKey, bodyHash: input.bodyHash, done: false } };
  }

  /** The write that stores the response; runs in the request's billing transaction. */
  completeWrite(claim: Claim, res: Replay, now: number): Write {
    return idempotencyWrite(claim, res, now);
  }

  /** Forgets the in-flight marker (after the commit, or when the call failed). */
  finish(claim: Claim): void {
    if (claim.done) return;
    claim.done = true;
    this.running.delete(`${claim.keyId}\u0000${claim.idemKey}`);
  }

  /** The stored response of a completed call, if any (the Redis claims read completed calls here). */
  stored(keyId: string, idemKey: string) {
    return this.rows.find(keyId, idemKey);
  }

  sweep(now: number): void | Promise<void> {
    return this.rows.purge(now - IDEMPOTENCY_TTL_MS);
  }
}

/** Throws 400 for an Idempotency-Key the gateway does not accept (too long, or on a stream). */
export function checkIdempotencyInput(input: { idemKey: string; stream: boolean }): void {
  if (input.idemKey.length > 255)
    throw badRequest("Idempotency-Key must be at most 255 characters.", "Idempotency-Key");
  if (input.stream)
    throw badRequest(
      "Idempotency-Key is not supported with stream: true.",
      "stream",
      "idempotency_stream_unsupported",
    );
}

/** The write that stores a completed response (both the in-process and the Redis claims use it). */
export function idempotencyWrite(claim: Claim, res: Replay, now: number): Write {
  return {
    op: "idempotency.put",
    row: {
      keyId: claim.keyId,
      idemKey: claim.idemKey,
      bodyHash: claim.bodyHash,
      status: res.status,
      headers: res.headers,
      body: res.body,
      createdAt: now,
    },
  };
}

export const inProgress = () =>
  new GatewayError("conflict", "A request with this Idempotency-Key is still being processed.", {
    code: "idempotency_in_progress",
  });

export const mismatch = () =>
  new GatewayError("unprocessable", "This Idempotency-Key was already used with a different request body.", {
    code: "idempotency_key_reused",
  });
