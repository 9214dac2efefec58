import type { RedisClient } from "bun";

export const INVALIDATE_CHANNEL = "tollgate:invalidate";
export const GENERATION_KEY = "tg:generation";

/** Bumps the generation and tells every subscribed replica (also what the CLI calls). */
export async function publishChange(redis: RedisClient): Promise<number> {
  const gen = await redis.incr(GENERATION_KEY);
  await redis.publish(INVALIDATE_CHANNEL, String(gen));
  return gen;
}

/**
 * The cache-invalidation signal across replicas (docs/scale-out.md), replacing SQLite's
 * data_version check of server/http/cache-sync.ts: a change bumps a generation counter and
 * publishes it; each replica reloads its caches when a message arrives, and polls the counter
 * every `pollMs` as the guarantee (a message lost while a subscriber reconnects is caught by
 * the poll). Any change of the value counts, not only an increase: a restarted Redis starts
 * the counter again, and reloading once too often is harmless.
 */
export class ClusterInvalidation {
  private seen: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Reloads triggered, by path (for metrics and tests). */
  readonly stats = { messages: 0, polls: 0 };

  constructor(
    private readonly redis: RedisClient,
    /** A connection of its own: a subscribed Redis connection takes no other commands. */
    private readonly subscriber: RedisClient,
    private readonly onChange: (generation: string | null) => void,
    private readonly pollMs = 1000,
  ) {}

  /**
   * Subscribes and starts the poll. With `tolerant`, a Redis away now is not an error: the
   * poll runs from the start and catches up once Redis answers (the subscription is then
   * made again at the next successful poll).
   */
  async start(opts: { tolerant?: boolean } = {}): Promise<void> {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
    try {
      this.seen = await this.redis.get(GENERATION_KEY);
      await this.subscribe();
    } catch (err) {
      if (!opts.tolerant) throw err;
    }
  }

  private subscribed = false;

  private async subscribe(): Promise<void> {
    // Drop what the client may still believe it holds: after a reconnect the server has no
    // subscription, and a second listener would only see each message twice.
    try {
      await this.subscriber.unsubscribe(INVALIDATE_CHANNEL);
    } catch {
      // Not subscribed (or the connection is new): nothing to drop.
    }
    await this.subscriber.subscribe(INVALIDATE_CHANNEL, (message) => {
      if (this.observe(String(message))) this.stats.messages++;
    });
    this.subscribed = true;
  }

  /** Announces a change made on this replica; returns the new generation. */
  async publish(): Promise<number> {
    return publishChange(this.redis);
  }

  /** One poll of the counter (also run by the timer). */
  async poll(): Promise<void> {
    try {
      if (this.observe(await this.redis.get(GENERATION_KEY))) {
        // A change the subscription did not bring: it may be gone (Redis restarted, the
        // connection was remade), so subscribe again.
        this.stats.polls++;
        this.subscribed = false;
      }
      if (!this.subscribed) await this.subscribe();
    } catch {
      // Redis away: the next tick tries again; /ready reports the outage.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.subscribed) return;
    this.subscribed = false;
    // Bun throws at once (not a rejected promise) when the connection is already gone.
    try {
      void this.subscriber.unsubscribe(INVALIDATE_CHANNEL).catch(() => {});
    } catch {
      // Nothing left to unsubscribe from.
    }
  }

  private observe(gen: string | null): boolean {
    if (gen === this.seen) return false;
    this.seen = gen;
    this.onChange(gen);
    return true;
  }
}
