import type { RedisClient } from "bun";
import {
  type Claim,
  checkIdempotencyInput,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyInput,
  idempotencyWrite,
  inProgress,
  mismatch,
  type Replay,
} from "../limits/idempotency.ts";
import type { Write } from "../store/writes.ts";
import { RedisScript } from "./redis-script.ts";
import { shared } from "./unreachable.ts";

/** A stored completed response, as the books hold it (PostgreSQL's idempotency table). */
export type StoredReplay = Replay & { bodyHash: string; createdAt: number };

/** Claims a key: SET NX PX; when taken, answers what holds it (its body hash). */
const CLAIM = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, ''} end
return {0, redis.call('GET', KEYS[1]) or ''}
`);
/** Deletes the claim only if it is still ours (a claim that expired may belong to another replica now). */
const DROP = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * `Idempotency-Key` across replicas (docs/scale-out.md): the in-flight marker that
 * server/limits/idempotency.ts keeps in a Map becomes a Redis key claimed with SET NX, so a
 * key is run once across replicas; completed responses stay in the books (`find` reads them),
 * written with the charge as today. The claim expires after `claimMs` (the longest a request
 * may run), so a replica that dies mid-request does not block the key for longer. Same
 * begin/completeWrite/finish contract, async, and the same 400/409/422 errors; Redis
 * unreachable is a 503 (claims fail closed: running a request twice could bill it twice).
 */
export class ClusterIdempotency {
  constructor(
    private readonly redis: RedisClient,
    private readonly find: (keyId: string, idemKey: string) => Promise<StoredReplay | undefined>,
    readonly claimMs = 10 * 60_000,
  ) {}

  private key(keyId: string, idemKey: string) {
    return `tg:idem:${keyId}:${new Bun.CryptoHasher("sha256").update(idemKey).digest("hex")}`;
  }

  async begin(input: IdempotencyInput): Promise<{ replay: Replay } | { claim: Claim & { token: string } }> {
    checkIdempotencyInput(input);
    const token = `${input.bodyHash}:${crypto.randomUUID()}`;
    const key = this.key(input.keyId, input.idemKey);
    const [won, holder] = (await shared("Idempotency-Key", () =>
      CLAIM.run(this.redis, [key], [token, this.claimMs]),
    )) as [number, string];
    if (won !== 1) {
      if (!holder.startsWith(`${input.bodyHash}:`)) throw mismatch();
      // The holder may have committed and answered already, its claim's DROP still on the way
      // (it is sent after the commit, in the background): a completed answer is replayed, not 409.
      const done = await this.find(input.keyId, input.idemKey);
      if (done && done.createdAt > input.now - IDEMPOTENCY_TTL_MS && done.bodyHash === input.bodyHash)
        return { replay: { status: done.status, headers: done.headers, body: done.body } };
      throw inProgress();
    }
    const claim = {
      keyId: input.keyId,
      idemKey: input.idemKey,
      bodyHash: input.bodyHash,
      done: false,
      token,
    };
    const row = await this.find(input.keyId, input.idemKey).catch(async (err) => {
      await this.finish(claim);
      throw err;
    });
    if (row && row.createdAt > input.now - IDEMPOTENCY_TTL_MS) {
      await this.finish(claim);
      if (row.bodyHash !== input.bodyHash) throw mismatch();
      return { replay: { status: row.status, headers: row.headers, body: row.body } };
    }
    return { claim };
  }

  completeWrite(claim: Claim, res: Replay, now: number): Write {
    return idempotencyWrite(claim, res, now);
  }

  /** Releases the claim (after the commit, or when the call failed); a Redis error leaves it to expire. */
  async finish(claim: Claim & { token: string }): Promise<void> {
    if (claim.done) return;
    claim.done = true;
    await DROP.run(this.redis, [this.key(claim.keyId, claim.idemKey)], [claim.token]).catch(() => {});
  }
}
