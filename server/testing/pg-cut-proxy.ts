import type { Socket, TCPSocketListener } from "bun";

type Pair = {
  client: Socket<Pair>;
  server: Socket<undefined> | null;
  /** Bytes each way not written yet (the connection to PostgreSQL not open, or the socket full). */
  toServer: Uint8Array[];
  toClient: Uint8Array[];
  /** The statement that was armed for went out on this connection: its reply is cut. */
  cutNext: boolean;
};

/**
 * A loopback TCP proxy in front of PostgreSQL that can lose one reply after its commit: armed
 * with a marker, the first statement whose bytes carry it goes through, PostgreSQL runs and
 * commits it, and the first bytes of its reply are dropped and both sides of that connection
 * closed, as when a network cut or a failover loses a reply in flight. For a statement outside
 * an explicit transaction (the group commit's), the server sends its reply only after the
 * commit at Sync, so whatever comes back first follows the commit (replies under 8 kB: the
 * server buffers its output until then).
 */
export class PgCutProxy {
  private listener: TCPSocketListener<Pair> | null = null;
  private marker: string | null = null;
  /** Replies cut so far. */
  cuts = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    if (!this.listener) throw new Error("the proxy is not started");
    return this.listener.port;
  }

  /** Cuts the reply to the next statement whose bytes contain `marker`. */
  arm(marker: string): void {
    this.marker = marker;
  }

  start(): this {
    const target = this.target;
    const proxy = this;
    this.listener = Bun.listen<Pair>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          const pair: Pair = { client, server: null, toServer: [], toClient: [], cutNext: false };
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
                if (pair.cutNext) {
                  proxy.cuts++;
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
          if (proxy.marker !== null && Buffer.from(bytes).includes(proxy.marker)) {
            proxy.marker = null;
            pair.cutNext = true;
          }
          if (pair.server) send(pair.server, pair.toServer, bytes);
          else pair.toServer.push(new Uint8Array(bytes));
        },
        drain(client) {
          flush(client, client.data.toClient);
        },
        close(client) {
          client.data.server?.end();
        },
        error(client) {
          client.data.server?.end();
        },
      },
    });
    return this;
  }

  stop(): void {
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
