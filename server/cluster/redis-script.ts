import type { RedisClient } from "bun";
import { withDeadline as deadline } from "../core/deadline.ts";

/**
 * How long a script may take to answer before its caller treats Redis as away. A Redis that
 * stops answering without closing the connection (paused, cut off by the network) would
 * otherwise hold every request waiting on it until TCP gives up; past this the request gets
 * what "Redis away" gives it (a 503, the narrow limit, the local breaker). A late answer
 * is dropped (its effect, a count or a claim, may still land: stricter, never looser).
 */
export const REDIS_DEADLINE_MS = 1000;

/**
 * A Lua script run by its SHA (EVALSHA: the text crosses the wire once), loaded again
 * when Redis answers NOSCRIPT, which it does after a restart has emptied its script cache.
 *
 * A client's first run of a script sends its text (EVAL, which also caches it), not the SHA:
 * a NOSCRIPT answer would send the script again a round trip later, after commands the
 * replica sent meanwhile, and some callers rely on one connection's order (a batch's hold
 * releases are sent before its answers, so the client's next reservation finds them gone).
 */
export class RedisScript {
  private readonly sha: string;
  /** The clients that have run this script once (Redis has its text). */
  private readonly loaded = new WeakSet<RedisClient>();

  constructor(private readonly source: string) {
    this.sha = new Bun.CryptoHasher("sha1").update(source).digest("hex");
  }

  async run(
    client: RedisClient,
    keys: string[],
    args: (string | number)[],
    deadlineMs = REDIS_DEADLINE_MS,
  ): Promise<unknown> {
    const argv = [String(keys.length), ...keys, ...args.map(String)];
    if (!this.loaded.has(client)) {
      this.loaded.add(client);
      return await withDeadline(client.send("EVAL", [this.source, ...argv]), deadlineMs);
    }
    try {
      return await withDeadline(client.send("EVALSHA", [this.sha, ...argv]), deadlineMs);
    } catch (err) {
      if (!String(err).includes("NOSCRIPT")) throw err;
      return await withDeadline(client.send("EVAL", [this.source, ...argv]), deadlineMs);
    }
  }
}

export function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return deadline(p, ms, `Redis did not answer within ${ms} ms`);
}
