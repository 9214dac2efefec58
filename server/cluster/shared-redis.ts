import { RedisClient } from "bun";

/**
 * The Redis connections one replica keeps (docs/scale-out.md): `client` for every command,
 * `subscriber` for the invalidation channel (a subscribed connection takes no other command).
 *
 * Commands never wait for a connection: the offline queue is off, so while Redis is away a
 * command fails at once and the caller decides (a retryable 503, the local breaker, the
 * narrow per-replica limit) instead of holding a request until Redis returns. Bun reconnects
 * by itself a few times; the watchdog asks again every `retryMs` after
 * that, so a Redis that was away for minutes (or was not up when the replica started) is
 * picked up as soon as it answers.
 */
export class SharedRedis {
  readonly client: RedisClient;
  readonly subscriber: RedisClient;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    readonly url: string,
    private readonly retryMs = 1000,
  ) {
    // A few quick reconnects of Bun's own, then the watchdog: connect() would otherwise wait
    // through Bun's whole backoff before failing when Redis is away at start.
    const opts = { enableOfflineQueue: false, autoReconnect: true, maxRetries: 3, connectionTimeout: 1000 };
    this.client = new RedisClient(url, opts);
    this.subscriber = new RedisClient(url, opts);
  }

  /** Connects both; false when Redis is not reachable now (the watchdog keeps trying, /ready says so). */
  async connect(): Promise<boolean> {
    const ok = await Promise.all([this.client, this.subscriber].map((c) => this.tryConnect(c)));
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => {
        for (const c of [this.client, this.subscriber]) if (!c.connected) void this.tryConnect(c);
      }, this.retryMs);
      this.timer.unref?.();
    }
    return ok.every(Boolean);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private async tryConnect(c: RedisClient): Promise<boolean> {
    if (c.connected) return true;
    try {
      await c.connect();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.client.close();
    this.subscriber.close();
  }
}
