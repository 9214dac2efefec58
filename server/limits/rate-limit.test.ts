import { describe, expect, test } from "bun:test";
import { GatewayError } from "../errors.ts";
import { RateLimiter } from "./rate-limit.ts";

const subject = { id: "k1", accountId: "a1", rpmLimit: 3, dailyRequestLimit: null };

describe("RateLimiter", () => {
  test("admits up to the per-minute limit, then 429 with Retry-After until the window resets", () => {
    const rl = new RateLimiter({ keyRpm: 60, keyRpd: null, accountRpm: null });
    const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000) + 10_000;
    expect(rl.admit(subject, t0)["x-ratelimit-remaining"]).toBe("2");
    rl.admit(subject, t0);
    expect(rl.admit(subject, t0)["x-ratelimit-remaining"]).toBe("0");
    try {
      rl.admit(subject, t0 + 1000);
      throw new Error("not limited");
    } catch (e) {
      expect(e).toBeInstanceOf(GatewayError);
      const err = e as GatewayError;
      expect(err.status).toBe(429);
      expect(err.code).toBe("rate_limit_exceeded");
      expect(err.headers["retry-after"]).toBe("49");
      expect(err.headers["x-ratelimit-reset"]).toBe(String((t0 - 10_000 + 60_000) / 1000));
    }
    expect(rl.admit(subject, t0 + 50_000)["x-ratelimit-remaining"]).toBe("2");
  });

  test("defaults apply when the key has no own limit; daily and account limits bind too", () => {
    const rl = new RateLimiter({ keyRpm: null, keyRpd: 2, accountRpm: null });
    const s = { ...subject, rpmLimit: null };
    rl.admit(s, 1000);
    rl.admit(s, 70_000);
    expect(() => rl.admit(s, 140_000)).toThrow("requests per day");
    const acc = new RateLimiter({ keyRpm: null, keyRpd: null, accountRpm: 1 });
    acc.admit({ ...s, id: "x" }, 0);
    expect(() => acc.admit({ ...s, id: "y" }, 0)).toThrow("this account");
  });

  test("a refused request is not counted", () => {
    const rl = new RateLimiter({ keyRpm: null, keyRpd: 1, accountRpm: 5 });
    rl.admit(subject, 0);
    expect(() => rl.admit(subject, 0)).toThrow();
    expect(() => rl.admit(subject, 0)).toThrow();
    // account window saw one request only: another key of the account gets through
    expect(rl.admit({ ...subject, id: "k2" }, 0)).toBeTruthy();
  });

  test("seeded from the log", () => {
    const rl = new RateLimiter({ keyRpm: 60, keyRpd: null, accountRpm: null });
    rl.seed(
      [
        { keyId: "k1", accountId: "a1", createdAt: 5 },
        { keyId: "k1", accountId: "a1", createdAt: 6 },
      ],
      10,
    );
    expect(rl.admit(subject, 10)["x-ratelimit-remaining"]).toBe("0");
  });
});
