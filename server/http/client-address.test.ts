import { describe, expect, test } from "bun:test";
import { ClientAddresses, parseTrustedProxies } from "./client-address.ts";

const peer = (address: string) => ({ requestIP: () => ({ address }) });
const req = (xff?: string) =>
  new Request("http://localhost/", { headers: xff === undefined ? {} : { "x-forwarded-for": xff } });

describe("ClientAddresses", () => {
  test("without trusted proxies the TCP peer is the client, whatever X-Forwarded-For says", () => {
    const a = new ClientAddresses([]);
    expect(a.of(req("203.0.113.5"), peer("127.0.0.1"))).toBe("127.0.0.1");
    expect(a.of(req(), peer("::ffff:192.0.2.1"))).toBe("192.0.2.1");
    expect(a.of(req(), null)).toBe("unknown");
  });

  test("from a trusted proxy: the rightmost untrusted hop", () => {
    const a = new ClientAddresses(parseTrustedProxies("10.0.0.0/8, 127.0.0.1"));
    expect(a.of(req("203.0.113.5"), peer("127.0.0.1"))).toBe("203.0.113.5");
    expect(a.of(req("198.51.100.1, 203.0.113.5, 10.1.2.3"), peer("10.9.9.9"))).toBe("203.0.113.5");
    expect(a.of(req("10.1.2.3"), peer("10.9.9.9"))).toBe("10.1.2.3");
    expect(a.of(req(), peer("127.0.0.1"))).toBe("127.0.0.1");
    expect(a.of(req("not-an-ip"), peer("127.0.0.1"))).toBe("127.0.0.1");
    // A peer that is not a trusted proxy cannot set the client.
    expect(a.of(req("203.0.113.5"), peer("192.0.2.7"))).toBe("192.0.2.7");
  });

  test("a bad entry stops the start with a message naming it", () => {
    expect(() => new ClientAddresses(["10.0.0.0/33"])).toThrow("10.0.0.0/33");
    expect(() => new ClientAddresses(["proxy.local"])).toThrow("proxy.local");
  });
});
