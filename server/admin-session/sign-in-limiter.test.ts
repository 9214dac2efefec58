import { describe, expect, test } from "bun:test";
import { GatewayError } from "../errors.ts";
import { bucketOf, SignInLimiter } from "./sign-in-limiter.ts";

const limits = { maxFailures: 3, windowMs: 60_000 };
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof GatewayError && e.status === 429;
  }
  return false;
};

describe("SignInLimiter", () => {
  test("attempts count when they begin: a fourth concurrent attempt is refused before any ended", () => {
    const l = new SignInLimiter(limits);
    const pending = [l.begin("a", 0), l.begin("a", 0), l.begin("a", 0)];
    expect(refused(() => l.begin("a", 1))).toBe(true);
    expect(refused(() => l.begin("b", 1))).toBe(false); // another address
    pending[0]!.succeeded();
    expect(refused(() => l.begin("a", 2))).toBe(false); // given back on success
  });

  test("failures leave the window; success is given back once", () => {
    const l = new SignInLimiter(limits);
    for (let i = 0; i < 3; i++) l.begin("a", 0);
    expect(refused(() => l.begin("a", 59_999))).toBe(true);
    expect(refused(() => l.begin("a", 60_001))).toBe(false);
    const ok = l.begin("c", 0);
    ok.succeeded();
    ok.succeeded();
    l.begin("c", 0);
    l.begin("c", 0);
    expect(refused(() => l.begin("c", 0))).toBe(false);
  });

  test("an IPv6 client counts per /64; IPv4 per address", () => {
    expect(bucketOf("2001:db8:1:2:aaaa::1")).toBe(bucketOf("2001:0db8:1:2:ffff:ffff:ffff:ffff"));
    expect(bucketOf("2001:db8:1:2::1")).not.toBe(bucketOf("2001:db8:1:3::1"));
    expect(bucketOf("::1")).toBe("0:0:0:0::/64");
    expect(bucketOf("203.0.113.5")).toBe("203.0.113.5");
    const l = new SignInLimiter(limits);
    for (let i = 1; i <= 3; i++) l.begin(`2001:db8::${i}`, 0);
    expect(refused(() => l.begin("2001:db8::99", 0))).toBe(true);
  });
});
