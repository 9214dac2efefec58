import type { Socket, TCPSocketListener } from "bun";

type Pair = {
  client: Socket<Pair>;
  server: Socket<undefined> | null;
  /** Bytes each way not written yet (the connection to PostgreSQL not open, or the socket full). */
  toServer: Uint8Array[];
  toClient: Uint8Array[];
  /** The statement that was armed for went out on this connection: its reply is cut. */
  cutNext: boolean;
  /** The client side was cut while its statement runs on: the server side stays open, its replies dropped. */
  orphaned: boolean;
};

/**
 * When the connection is cut: once the reply comes (the statement committed), or as soon as
 * the statement went out (it runs on in the server, still uncommitted while the client
 * already saw its connection fail).
 */
export type CutWhen = "at-reply" | "in-flight";

/**
 * A loopback TCP proxy in front of PostgreSQL that can lose one reply after its commit: armed
 * with a marker, the first statement whose bytes carry it goes through, PostgreSQL runs and
 * commits it, and the first bytes of its reply are dropped and both sides of that connection
 * closed, as when a network cut or a failover loses a reply in flight. Armed "in-flight", the
 * client's side is cut as soon as the statement went out, while the server runs it on (and
 * commits it, if nothing stops it) on the side the proxy keeps open. For a statement outside
 * an explicit transaction (the group commit's), the server sends its reply only after the
 * commit at Sync, so whatever comes back first follows the commit (replies under 8 kB: the
 * server buffers its output until then).
 */
export class PgCutProxy {
  private listener: TCPSocketListener<Pair> | null = null;
  private marker: string | null = null;
  private when: CutWhen = "at-reply";
  private readonly orphans = new Set<Socket<undefined>>();
  /** Replies cut so far. */
  cuts = 0;
  /** Called as each cut is made (a test partitions the network at that moment). */
  onCut: (() => void) | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    if (!this.listener) throw new Error("the proxy is not started");
    return this.listener.port;
  }

  private cut(): void {
    this.cuts++;
    this.onCut?.();
  }

  /** Cuts the connection of the next statement whose bytes contain `marker`, `when` said. */
  arm(marker: string, when: CutWhen = "at-reply"): void {
    this.marker = marker;
    this.when = when;
  }

  start(): this {
    const target = this.target;
    const proxy = this;
    this.listener = Bun.listen<Pair>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          const pair: Pair = {
            client,
            server: null,
            toServer: [],
            toClient: [],
            cutNext: false,
            orphaned: false,
          };
          client.data = pair;
          Bun.connect<undefined>({
            hostname: target.host,
            port: target.port,
            socket: {
              open(server) {
                pair.server = server;
                flush(server, pair.toServer);
              },
              data(server, bytes) {
                if (pair.orphaned) return;
                if (pair.cutNext) {
                  proxy.cut();
                  pair.cutNext = false;
                  server.terminate();
                  pair.client.terminate();
                  return;
                }
                send(pair.client, pair.toClient, bytes);
              },
              drain(server) {
                flush(server, pair.toServer);
              },
              close() {
                pair.client.end();
              },
              error() {
                pair.client.end();
              },
            },
          }).catch(() => client.end());
        },
        data(client, bytes) {
          const pair = client.data;
          const hit = proxy.marker !== null && Buffer.from(bytes).includes(proxy.marker);
          if (hit) proxy.marker = null;
          if (hit && proxy.when === "at-reply") pair.cutNext = true;
          if (pair.server) send(pair.server, pair.toServer, bytes);
          else pair.toServer.push(new Uint8Array(bytes));
          if (hit && proxy.when === "in-flight" && pair.server) {
            proxy.cut();
            pair.orphaned = true;
            proxy.orphans.add(pair.server);
            client.terminate();
          }
        },
        drain(client) {
          flush(client, client.data.toClient);
        },
        close(client) {
          if (!client.data.orphaned) client.data.server?.end();
        },
        error(client) {
          if (!client.data.orphaned) client.data.server?.end();
        },
      },
    });
    return this;
  }

  stop(): void {
    for (const s of this.orphans) s.end();
    this.orphans.clear();
    this.listener?.stop(true);
    this.listener = null;
  }
}

/** Writes what the socket takes now and queues the rest, behind anything already queued. */
function send(socket: Socket<unknown>, queue: Uint8Array[], bytes: Uint8Array): void {
  if (queue.length > 0) {
    queue.push(new Uint8Array(bytes));
    return;
  }
  const n = socket.write(bytes);
  if (n < bytes.length) queue.push(bytes.slice(n));
}

/** Writes queued bytes until the socket is full again (called on drain). */
function flush(socket: Socket<unknown>, queue: Uint8Array[]): void {
  while (queue.length > 0) {
    const b = queue[0] as Uint8Array;
    const n = socket.write(b);
    if (n < b.length) {
      queue[0] = b.slice(n);
      return;
    }
    queue.shift();
  }
}
