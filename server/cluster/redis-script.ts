import type { RedisClient } from "bun";

/**
 * A Lua script run by its SHA (EVALSHA: the text crosses the wire once), loaded again
 * when Redis answers NOSCRIPT, which it does after a restart has emptied its script cache.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = new Bun.CryptoHasher("sha1").update(source).digest("hex");
  }

  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    const argv = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await client.send("EVALSHA", [this.sha, ...argv]);
    } catch (err) {
      if (!String(err).includes("NOSCRIPT")) throw err;
      return await client.send("EVAL", [this.source, ...argv]);
    }
  }
}
