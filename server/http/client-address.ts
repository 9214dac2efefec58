import { BlockList, isIP } from "node:net";

/** What Elysia hands a hook or handler to find the peer's address. */
export type PeerSource = { requestIP(request: Request): { address: string } | null } | null | undefined;

const plain = (address: string) =>
  address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;

/**
 * The client's address for per-address limits. By default the TCP peer: a header is
 * anyone's to write. Behind a reverse proxy every client would then share the proxy's
 * address, so TOLLGATE_TRUSTED_PROXIES lists the proxies (addresses or CIDR ranges) whose
 * X-Forwarded-For is believed: the client is the rightmost address in it that is not
 * itself a trusted proxy.
 */
export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address = "", bits] = entry.split("/");
      const family = isIP(address);
      if (family === 0) throw new Error(`TOLLGATE_TRUSTED_PROXIES: '${entry}' is not an IP address or range`);
      const type = family === 4 ? "ipv4" : "ipv6";
      const prefix = Number(bits);
      if (bits === undefined) this.trusted.addAddress(address, type);
      else if (/^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128))
        this.trusted.addSubnet(address, prefix, type);
      else throw new Error(`TOLLGATE_TRUSTED_PROXIES: '${entry}' has an invalid prefix length`);
    }
    this.any = trustedProxies.length > 0;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.trusted.check(address, family === 4 ? "ipv4" : "ipv6");
  }

  /** Whether the TCP peer is one of the trusted proxies, whose X-Forwarded-* headers are believed. */
  viaTrustedProxy(request: Request, server: PeerSource): boolean {
    if (!this.any) return false;
    const peer = server?.requestIP(request)?.address;
    return peer !== undefined && this.isTrusted(plain(peer));
  }

  of(request: Request, server: PeerSource): string {
    const peer = server?.requestIP(request)?.address;
    if (!peer) return "unknown";
    const address = plain(peer);
    if (!this.any || !this.isTrusted(address)) return address;
    const forwarded = request.headers.get("x-forwarded-for");
    if (!forwarded) return address;
    const hops = forwarded.split(",").map((h) => plain(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) return address; // a garbled header: fall back to the proxy itself
      if (!this.isTrusted(hop)) return hop;
    }
    return hops[0] ?? address;
  }
}

/** TOLLGATE_TRUSTED_PROXIES: comma- or space-separated addresses and CIDR ranges. */
export function parseTrustedProxies(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((s) => s !== "");
}
