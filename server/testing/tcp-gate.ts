import type { Socket, TCPSocketListener } from "bun";

type Side = {
  server: Socket<undefined> | null;
  /** Bytes for the server while its connection is not open yet. */
  queue: Uint8Array[];
  /** Cut by a partition: reset when its client next sends on it. */
  dead: boolean;
  /** A statement went out and its reply has not come back. */
  busy: boolean;
};

/**
 * A loopback TCP proxy in front of a server (PostgreSQL, in the outage tests) with two
 * network faults: a partition (`partition(ms)`: every open connection dead, which its client
 * learns as a reset when it next sends or at once while it waits for a reply, as a pooled
 * connection does after a failover; new connections refused for `ms`), and a black hole
 * (`dropping`: bytes either way dropped and nothing closed, a host gone on a network that
 * drops packets).
 */
export class TcpGate {
  private listener: TCPSocketListener<Side> | null = null;
  private readonly open = new Set<Socket<Side>>();
  private downUntil = 0;
  /** While true, bytes either way are dropped and nothing is closed. */
  dropping = false;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    if (!this.listener) throw new Error("the gate is not started");
    return this.listener.port;
  }

  partition(ms: number): void {
    this.downUntil = Date.now() + ms;
    for (const c of this.open) {
      c.data.dead = true;
      c.data.server?.terminate();
      // A statement waiting for its reply sees its connection reset.
      if (c.data.busy) c.terminate();
    }
    this.open.clear();
  }

  start(): this {
    const gate = this;
    const t = this.target;
    this.listener = Bun.listen<Side>({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        open(client) {
          client.data = { server: null, queue: [], dead: false, busy: false };
          if (Date.now() < gate.downUntil) {
            client.terminate();
            return;
          }
          gate.open.add(client);
          Bun.connect<undefined>({
            hostname: t.host,
            port: t.port,
            socket: {
              open(server) {
                client.data.server = server;
                for (const b of client.data.queue) server.write(b);
                client.data.queue = [];
              },
              data(_s, bytes) {
                client.data.busy = false;
                if (!client.data.dead && !gate.dropping) client.write(bytes);
              },
              close() {
                if (!client.data.dead && !gate.dropping) client.end();
              },
              error() {
                if (!client.data.dead && !gate.dropping) client.end();
              },
            },
          }).catch(() => client.end());
        },
        data(client, bytes) {
          if (client.data.dead) {
            client.terminate();
            return;
          }
          if (gate.dropping) return;
          client.data.busy = true;
          if (client.data.server) client.data.server.write(bytes);
          else client.data.queue.push(new Uint8Array(bytes));
        },
        close(client) {
          gate.open.delete(client);
          client.data.server?.end();
        },
        error(client) {
          gate.open.delete(client);
          client.data.server?.end();
        },
      },
    });
    return this;
  }

  stop(): void {
    this.listener?.stop(true);
  }
}
