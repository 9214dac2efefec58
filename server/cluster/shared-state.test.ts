/**
 * What replicas share besides money, against a real Redis started here; each "replica" is
 * its own connection, as each gateway process would have: rate windows that hold in total,
 * idempotency claims won once, one breaker per route, and the invalidation signal by message
 * and, when a message is lost, by the generation poll. Redis is restarted mid-test.
 */
import { describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { GatewayError } from "../errors.ts";
import { DeferredAdmission, type PendingAdmission } from "../limits/admission.ts";
import { freePort } from "../testing/free-port.ts";
import { redisForFile } from "../testing/redis-server.ts";
import { ClusterLimiter } from "./cluster-limiter.ts";
import { ClusterHolds } from "./holds.ts";
import { ClusterIdempotency, type StoredReplay } from "./idempotency-claims.ts";
import { ClusterInvalidation, GENERATION_KEY } from "./invalidation.ts";
import { ClusterRateLimiter } from "./rate-windows.ts";
import { SharedBreaker } from "./shared-breaker.ts";

const redis = redisForFile();
const { clients } = redis;

const connect = (url?: string) => redis.connect(url);

/** A client of a Redis that is not there (nothing listens on the port). */
const unreachable = () =>
  new RedisClient(`redis://127.0.0.1:${freePort()}`, { autoReconnect: false, connectionTimeout: 500 });

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e) => (e instanceof GatewayError ? `${e.status} ${e.code}` : `thrown ${String(e)}`),
  );

let seq = 0;
const subject = (rpm: number) => ({
  id: `key_${++seq}`,
  accountId: `acc_${seq}`,
  rpmLimit: rpm,
  dailyRequestLimit: null,
});
const defaults = { keyRpm: null, keyRpd: null, accountRpm: null };

describe("rate windows", () => {
  test("10 per minute holds in total across three connections hammering it at once", async () => {
    const limiters = await Promise.all(
      [1, 2, 3].map(async () => new ClusterRateLimiter(await connect(), defaults)),
    );
    const s = subject(10);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (limiters[i % 3] as ClusterRateLimiter).admit(s).then(
          (h) => ({ ok: true as const, reset: h["x-ratelimit-reset"] }),
          (e: GatewayError) => ({ ok: false as const, code: e.code, status: e.status }),
        ),
      ),
    );
    // Per window (a burst may straddle a minute's edge): never more than 10 admitted.
    const perWindow = new Map<string, number>();
    for (const r of results)
      if (r.ok) perWindow.set(r.reset as string, (perWindow.get(r.reset as string) ?? 0) + 1);
    for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(10);
    const admitted = results.filter((r) => r.ok).length;
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThanOrEqual(10 * perWindow.size);
    for (const r of results)
      if (!r.ok) expect(r).toEqual({ ok: false, code: "rate_limit_exceeded", status: 429 });
    expect(limiters.reduce((n, l) => n + l.events.limited, 0)).toBe(60 - admitted);
  });

  test("a restarted Redis: counting resumes (scripts reloaded), windows start again from zero", async () => {
    const c = await connect();
    const limiter = new ClusterRateLimiter(c, defaults);
    const s = subject(3);
    for (let i = 0; i < 3; i++) await limiter.admit(s);
    expect(await codeOf(limiter.admit(s))).toBe("429 rate_limit_exceeded");
    await redis.server.restart();
    const after = await limiter.admit(s).catch(async () => limiter.admit(s));
    expect(after["x-ratelimit-remaining"]).toBe("2");
    expect((await limiter.peek(s))["x-ratelimit-remaining"]).toBe("2");
  });

  test("Redis unreachable: a retryable 503, never a silent admit", async () => {
    const limiter = new ClusterRateLimiter(unreachable(), defaults);
    expect(await codeOf(limiter.admit(subject(10)))).toBe("503 shared_state_unavailable");
  });
});

describe("idempotency claims", () => {
  const body = { status: 200, headers: { "content-type": "application/json" }, body: "{}" };

  test("claimed once across three replicas; the same key with another body is 422; a finished call replays", async () => {
    const stored = new Map<string, StoredReplay>();
    const find = async (keyId: string, idemKey: string) => stored.get(`${keyId}/${idemKey}`);
    const replicas = await Promise.all(
      [1, 2, 3].map(async () => new ClusterIdempotency(await connect(), find)),
    );
    const input = { keyId: "k1", idemKey: "order-1", bodyHash: "h1", stream: false, now: Date.now() };
    const begun = await Promise.all(
      replicas
        .flatMap((r) => [r, r])
        .map((r) =>
          r.begin(input).then(
            (x) => x,
            (e: GatewayError) => e.code,
          ),
        ),
    );
    const claims = begun.filter((b) => typeof b === "object" && "claim" in b);
    expect(claims.length).toBe(1);
    expect(begun.filter((b) => b === "idempotency_in_progress").length).toBe(5);
    expect(await codeOf((replicas[1] as ClusterIdempotency).begin({ ...input, bodyHash: "other" }))).toBe(
      "422 idempotency_key_reused",
    );
    // The owner commits the response (as the group commit would) and releases the claim.
    const claim = (claims[0] as { claim: Parameters<ClusterIdempotency["finish"]>[0] }).claim;
    const write = (replicas[0] as ClusterIdempotency).completeWrite(claim, body, input.now);
    expect(write).toMatchObject({
      op: "idempotency.put",
      row: { keyId: "k1", idemKey: "order-1", status: 200 },
    });
    stored.set("k1/order-1", { ...body, bodyHash: "h1", createdAt: input.now });
    await (replicas[0] as ClusterIdempotency).finish(claim);
    expect(await (replicas[2] as ClusterIdempotency).begin(input)).toEqual({ replay: body });
  });

  test("a committed answer whose claim is not dropped yet replays on another replica, not 409", async () => {
    const stored = new Map<string, StoredReplay>();
    const find = async (keyId: string, idemKey: string) => stored.get(`${keyId}/${idemKey}`);
    const [a, b] = await Promise.all([1, 2].map(async () => new ClusterIdempotency(await connect(), find)));
    const input = { keyId: "k3", idemKey: "drop-late", bodyHash: "h3", stream: false, now: Date.now() };
    const first = await (a as ClusterIdempotency).begin(input);
    expect("claim" in first).toBe(true);
    // Still running on its owner: in progress.
    expect(await codeOf((b as ClusterIdempotency).begin(input))).toBe("409 idempotency_in_progress");
    // Committed (the client has its answer); the owner's DROP has not reached Redis yet.
    stored.set("k3/drop-late", { ...body, bodyHash: "h3", createdAt: input.now });
    expect(await (b as ClusterIdempotency).begin(input)).toEqual({ replay: body });
    expect(await codeOf((b as ClusterIdempotency).begin({ ...input, bodyHash: "other" }))).toBe(
      "422 idempotency_key_reused",
    );
  });

  test("a claim whose replica died expires; an expired claim is not released by its late owner", async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(async () => new ClusterIdempotency(await connect(), async () => undefined, 150)),
    );
    const input = { keyId: "k2", idemKey: "dies", bodyHash: "h", stream: false, now: Date.now() };
    const first = (await (a as ClusterIdempotency).begin(input)) as {
      claim: Parameters<ClusterIdempotency["finish"]>[0];
    };
    expect(await codeOf((b as ClusterIdempotency).begin(input))).toBe("409 idempotency_in_progress");
    await Bun.sleep(400);
    const second = await (b as ClusterIdempotency).begin(input);
    expect("claim" in second).toBe(true);
    await (a as ClusterIdempotency).finish(first.claim); // late: must not free b's claim
    expect(await codeOf((a as ClusterIdempotency).begin(input))).toBe("409 idempotency_in_progress");
  });

  test("Redis unreachable: 503 (claims fail closed)", async () => {
    const r = new ClusterIdempotency(unreachable(), async () => undefined);
    expect(
      await codeOf(r.begin({ keyId: "k", idemKey: "x", bodyHash: "h", stream: false, now: Date.now() })),
    ).toBe("503 shared_state_unavailable");
  });
});

describe("cluster limiter (the request path's)", () => {
  test("a replica whose clock runs behind Redis's refuses early only while Redis's window runs", async () => {
    const limiter = new ClusterLimiter(await connect(), defaults, 2, null, null, true);
    const s = subject(2);
    const behind = 30_000; // this replica's clock, 30 s behind Redis's
    const local = () => Date.now() - behind;
    await limiter.admit(s, local());
    const headers = (await limiter.admit(s, local())) as Record<string, string>;
    // Redis's window ends at its reset; by this replica's clock that is `behind` earlier.
    const endsHere = Number(headers["x-ratelimit-reset"]) * 1000 - behind;
    const early = (now: number) => {
      try {
        limiter.admitLater?.(s, now);
        return "asks Redis";
      } catch (e) {
        return e instanceof GatewayError ? `${e.status} ${e.code}` : String(e);
      }
    };
    // Full while Redis's window runs: refused without asking Redis.
    expect(early(endsHere - 10)).toBe("429 rate_limit_exceeded");
    // Redis's window ended (though this replica's minute has not): Redis decides, not a stale count.
    expect(early(endsHere + 10)).toBe("asks Redis");
  });

  test("Redis away: admission deferred; free requests within limit / replicas, priced 503, nothing counted before", async () => {
    const limiter = new ClusterLimiter(unreachable(), { ...defaults, accountRpm: 30 }, 3, null);
    const s = subject(10);
    const decide = async (free: boolean) => {
      const r = await limiter.admit(s, Date.now());
      if (!(r instanceof DeferredAdmission)) throw new Error("expected a deferred admission");
      try {
        r.decide(free);
        return "ok";
      } catch (e) {
        return e instanceof GatewayError ? `${e.status} ${e.code}` : String(e);
      }
    };
    expect(await decide(false)).toBe("503 shared_state_unavailable");
    // 10 per minute over 3 replicas: 3 here (floor), so the replicas together stay within 10.
    const free = [];
    for (let i = 0; i < 5; i++) free.push(await decide(true));
    expect(free).toEqual(["ok", "ok", "ok", "429 rate_limit_exceeded", "429 rate_limit_exceeded"]);
    expect(limiter.events.narrow).toBe(3);
  });

  test("Redis up: counted in Redis, a plan refusal counts nothing there, day figures as Redis said", async () => {
    let refuse = false;
    const plans = {
      checks: () =>
        refuse
          ? [
              {
                limit: 1,
                used: 1,
                resetAt: Date.now() + 60_000,
                what: "requests per minute on the test plan.",
              },
            ]
          : [],
      admitted: () => {},
    };
    const limiter = new ClusterLimiter(await connect(), { ...defaults, keyRpd: 100 }, 2, plans);
    const s = subject(5);
    await limiter.admit(s, Date.now());
    refuse = true;
    expect(await codeOf(limiter.admit(s, Date.now()))).toBe("429 rate_limit_exceeded");
    refuse = false;
    const headers = (await limiter.admit(s, Date.now())) as Record<string, string>;
    // The plan's refusal was not counted: this is the second request of the window.
    expect(headers["x-ratelimit-remaining"]).toBe("3");
    expect(limiter.dayCount(s.id, Date.now())).toBe(2);
    expect(limiter.peek(s, Date.now())["x-ratelimit-remaining"]).toBe("3");
  });
});

describe("an account's figures for /auth/me", () => {
  const planned = (accountId: string) => [
    { name: "plan_rpd", id: `pd:${accountId}`, limit: 100, size: 86_400_000 },
    { name: "plan_tpd", id: `pt:${accountId}`, limit: 1000, size: 86_400_000, mode: "check" as const },
    { name: "plan_concurrency", id: `ps:${accountId}`, limit: 5, size: 60_000, mode: "slots" as const },
  ];

  test("two replicas' admissions, tokens and slots read from either, without counting", async () => {
    const [one, two] = (await Promise.all([1, 2].map(() => connect()))).map(
      (c) => new ClusterLimiter(c, { ...defaults, keyRpd: 50 }, 2, null, planned),
    ) as [ClusterLimiter, ClusterLimiter];
    const s = subject(100);
    const now = Date.now();
    await one.admit(s, now, "r1");
    await two.admit(s, now, "r2");
    await two.admit(s, now, "r3");
    const row = (id: string, tokens: number) => ({
      id,
      accountId: s.accountId,
      createdAt: now,
      inputTokens: tokens,
      outputTokens: 0,
    });
    one.observe(row("r1", 7)); // ends r1's slot, adds its tokens (in the background)
    two.observe(row("r2", 5));
    const want = { requestsToday: 3, tokensToday: 12, concurrent: 1, keyToday: 3 };
    for (const l of [one, two]) {
      let got = await l.sharedUsage(s.accountId, s, now);
      for (let i = 0; i < 50 && JSON.stringify(got) !== JSON.stringify(want); i++) {
        await Bun.sleep(10);
        got = await l.sharedUsage(s.accountId, s, now);
      }
      expect(got).toEqual(want);
    }
    // Without a key: the account's figures only; nothing was counted by reading.
    expect(await one.sharedUsage(s.accountId, null, now)).toEqual({
      requestsToday: 3,
      tokensToday: 12,
      concurrent: 1,
    });
    // An account with no plan and a key without a day window: no figure, and no script.
    const bare = new ClusterLimiter(unreachable(), defaults, 2, null, () => []);
    expect(await bare.sharedUsage("acc_none", subject(5), now)).toEqual({});
  });

  test("Redis unreachable: null (the route shows this replica's own)", async () => {
    const limiter = new ClusterLimiter(unreachable(), defaults, 2, null, planned);
    expect(await limiter.sharedUsage("acc_x", null, Date.now())).toBeNull();
  });
});

describe("windows left to the reservation (a priced call on PostgreSQL + Redis)", () => {
  const slots = (accountId: string) => [
    { name: "plan_concurrency", id: `pc:${accountId}`, limit: 1, size: 60_000, mode: "slots" as const },
  ];

  test("decided with the hold: a money refusal counts nothing, a window refusal holds nothing, then refused early", async () => {
    const c = await connect();
    const holds = new ClusterHolds(c, 30_000);
    // Two replicas' limiters on one Redis.
    const [one, two] = [1, 2].map(() => new ClusterLimiter(c, defaults, 2, null, null, true)) as [
      ClusterLimiter,
      ClusterLimiter,
    ];
    const s = subject(2);
    await holds.mirror(s.accountId, s.id, { balance: 100, version: 1, keyUsed: 0, keyLimit: null });
    const later = (l: ClusterLimiter) =>
      (l.admitLater as NonNullable<typeof l.admitLater>)(s, Date.now(), `r${++seq}`);
    const reserve = (p: PendingAdmission, amount: number) =>
      holds.reserve(s.accountId, s.id, amount, `h${++seq}`, null, p.windows);
    const counter = async () => {
      const keys = (await c.send("KEYS", [`tg:{${s.accountId}}:rl:k:${s.id}:*`])) as string[];
      return keys.length === 0 ? 0 : Number(await c.get(keys[0] as string));
    };
    // Refused for money: nothing counted in the window (its next reservation carries it again).
    expect(await reserve(later(one), 500)).toEqual({ ok: false, refused: "account", free: 100 });
    expect(await counter()).toBe(0);
    // Two admitted on the first replica: counted, held, headers as the admit's.
    for (const remaining of ["1", "0"]) {
      const p = later(one);
      const r = await reserve(p, 10);
      expect(r.ok).toBe(true);
      p.decide((r as { windows: unknown }).windows);
      expect(p.headers["x-ratelimit-remaining"]).toBe(remaining);
    }
    expect(await counter()).toBe(2);
    // The first replica saw the window full: its next is refused before anything is sent.
    expect(() => later(one)).toThrow("Rate limit exceeded");
    // The second has not: refused by the window inside the script, nothing held, nothing counted.
    const third = later(two);
    const r = await reserve(third, 10);
    expect("limited" in r).toBe(true);
    expect(() => third.decide((r as { limited: unknown }).limited)).toThrow("Rate limit exceeded");
    expect(await c.hget(`tg:{${s.accountId}}:acct`, "reserved")).toBe("20");
    expect(await counter()).toBe(2);
    // ...and from then on it refuses early too.
    expect(() => later(two)).toThrow("Rate limit exceeded");
  });

  test("a call that ended before its reservation is counted late, without taking a concurrency slot", async () => {
    const c = await connect();
    const limiter = new ClusterLimiter(c, defaults, 1, null, slots, true);
    const s = subject(100);
    const later = (id: string) =>
      (limiter.admitLater as NonNullable<typeof limiter.admitLater>)(s, Date.now(), id);
    // A bad body: the call ends, its windows are counted in the background.
    later("bad").late();
    for (let i = 0; i < 50 && limiter.dayCount(s.id, Date.now()) === 0; i++) await Bun.sleep(10);
    expect(limiter.peek(s, Date.now())["x-ratelimit-remaining"]).toBe("99");
    // The one slot is still free for the next call (decided alone here, as a free model's).
    expect(await later("next").alone()).toMatchObject({ "x-ratelimit-remaining": "98" });
    expect(await codeOf(later("third").alone())).toBe("429 rate_limit_exceeded");
  });
});

describe("shared breaker", () => {
  const cfg = { enabled: true, failureThreshold: 3, recoveryMs: 300 };

  test("failures counted across replicas open the route for all; after recovery exactly one trial runs", async () => {
    const route = `mock:model-${++seq}`;
    const replicas = await Promise.all(
      [1, 2, 3, 4].map(async () => new SharedBreaker(await connect(), route, cfg)),
    );
    const changes: string[] = [];
    (replicas[3] as SharedBreaker).onChange = (from, to) => changes.push(`${from}->${to}`);
    for (const r of replicas.slice(0, 3)) await r.failure(Date.now());
    expect(await (replicas[3] as SharedBreaker).tryAcquire(Date.now())).toBe(false);
    expect((replicas[3] as SharedBreaker).state).toBe("open");
    expect((replicas[3] as SharedBreaker).failures).toBe(3);
    expect(changes).toEqual(["closed->open"]);
    await Bun.sleep(450);
    const trials = await Promise.all(replicas.map((r) => r.tryAcquire(Date.now())));
    expect(trials.filter(Boolean).length).toBe(1);
    const owner = replicas[trials.indexOf(true)] as SharedBreaker;
    await owner.success();
    await (replicas[3] as SharedBreaker).refresh();
    expect((replicas[3] as SharedBreaker).state).toBe("closed");
    expect(await (replicas[0] as SharedBreaker).tryAcquire(Date.now())).toBe(true);
  });

  test("a trial whose replica died frees the route after recoveryMs", async () => {
    const route = `mock:model-${++seq}`;
    const [a, b] = await Promise.all([1, 2].map(async () => new SharedBreaker(await connect(), route, cfg)));
    for (let i = 0; i < 3; i++) await (a as SharedBreaker).failure(Date.now());
    await Bun.sleep(350);
    expect(await (a as SharedBreaker).tryAcquire(Date.now())).toBe(true); // a takes the trial, then dies
    expect(await (b as SharedBreaker).tryAcquire(Date.now())).toBe(false);
    await Bun.sleep(350);
    expect(await (b as SharedBreaker).tryAcquire(Date.now())).toBe(true);
  });

  test("a healthy route asks Redis at most once per freshMs; failures always do, and end the quiet", async () => {
    const route = `mock:model-${++seq}`;
    const c = await connect();
    let sent = 0;
    const counting = {
      send: (cmd: string, args: string[]) => {
        sent++;
        return c.send(cmd, args);
      },
    } as unknown as RedisClient;
    const quiet = new SharedBreaker(counting, route, cfg, 60_000);
    const other = new SharedBreaker(await connect(), route, cfg);
    expect(await quiet.tryAcquire(Date.now())).toBe(true); // first: asks, and learns "closed"
    await quiet.success();
    const asked = sent;
    for (let i = 0; i < 5; i++) {
      expect(await quiet.tryAcquire(Date.now())).toBe(true);
      await quiet.success();
    }
    expect(sent).toBe(asked); // no round trip while the copy is fresh, closed, without failures
    await quiet.failure(Date.now());
    expect(sent).toBe(asked + 1);
    for (let i = 0; i < 2; i++) await other.failure(Date.now());
    // Not quiet any more (it saw a failure): it asks, and sees the route open.
    expect(await quiet.tryAcquire(Date.now())).toBe(false);
    expect(quiet.state).toBe("open");
  });

  test("Redis unreachable: each replica falls back to its own breaker (fails open to local state)", async () => {
    const b = new SharedBreaker(unreachable(), "mock:away", cfg);
    expect(await b.tryAcquire(Date.now())).toBe(true);
    for (let i = 0; i < 3; i++) await b.failure(Date.now());
    expect(await b.tryAcquire(Date.now())).toBe(false);
    expect(b.fallbacks).toBe(5);
  });
});

describe("invalidation", () => {
  /** Resolves with the generation at the next change seen, or "none" after `ms`. */
  function watcher() {
    let waiting: ((g: string) => void) | null = null;
    const seen: string[] = [];
    return {
      seen,
      onChange: (g: string | null) => {
        seen.push(String(g));
        waiting?.(String(g));
      },
      next: (ms: number) =>
        new Promise<string>((resolve) => {
          waiting = resolve;
          setTimeout(() => resolve("none"), ms);
        }),
    };
  }

  test("a publish on one replica reaches the others within a second; a lost message is caught by the poll", async () => {
    const w1 = watcher();
    const w2 = watcher();
    const publisher = new ClusterInvalidation(await connect(), await connect(), () => {}, 60_000);
    const sub1 = new ClusterInvalidation(await connect(), await connect(), w1.onChange, 60_000);
    const sub2 = new ClusterInvalidation(await connect(), await connect(), w2.onChange, 300);
    await Promise.all([publisher.start(), sub1.start(), sub2.start()]);
    try {
      const seen = Promise.all([w1.next(1000), w2.next(1000)]);
      const gen = await publisher.publish();
      expect(await seen).toEqual([String(gen), String(gen)]);
      expect(sub1.stats.messages).toBe(1);
      // A change whose message never went out (the publisher died between INCR and PUBLISH).
      const lost = w2.next(1000);
      await (clients[0] as RedisClient).incr(GENERATION_KEY);
      expect(await lost).toBe(String(gen + 1));
      expect(sub2.stats.polls).toBe(1);
      expect(sub1.stats.messages).toBe(1); // sub1 polls once a minute here: it has not seen it yet
      await sub1.poll();
      expect(w1.seen).toEqual([String(gen), String(gen + 1)]);
    } finally {
      for (const s of [publisher, sub1, sub2]) s.stop();
    }
  });

  test("across a Redis restart the change is seen: the counter reset itself counts, later publishes arrive", async () => {
    const w = watcher();
    const publisher = new ClusterInvalidation(await connect(), await connect(), () => {}, 60_000);
    const sub = new ClusterInvalidation(await connect(), await connect(), w.onChange, 200);
    await Promise.all([publisher.start(), sub.start()]);
    try {
      await publisher.publish();
      await w.next(1000);
      const reset = w.next(3000);
      await redis.server.restart();
      expect(await reset).toBe("null"); // the poll saw the counter gone: caches reload once
      const again = w.next(3000);
      const gen = await publisher.publish().catch(async () => publisher.publish());
      expect(await again).toBe(String(gen));
    } finally {
      publisher.stop();
      sub.stop();
    }
  });
});
