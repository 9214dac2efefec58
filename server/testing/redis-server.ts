import { afterAll, beforeAll } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RedisClient } from "bun";
import { freePort } from "./free-port.ts";

/**
 * A real Redis for tests, from Debian's `redis-server`: no persistence, loopback only, a
 * free port, its folder removed by `stop()`. `restart()` kills and starts it again on the
 * same port with its state gone, as a Redis restarted without persistence is.
 */
export type RedisServer = {
  url: string;
  port: number;
  restart(): Promise<void>;
  /** Kills it and leaves the port unanswered until `up()` (an outage, not just a restart). */
  down(): Promise<void>;
  up(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a network pause), until `resume()`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
};

export function redisBinary(): string {
  const candidates = [process.env.TOLLGATE_REDIS_BIN, "/usr/bin/redis-server", "/usr/local/bin/redis-server"];
  const found = candidates.find((p): p is string => !!p && existsSync(p)) ?? Bun.which("redis-server");
  if (!found)
    throw new Error(
      "redis-server is not installed: these tests start a real one (apt-get install redis-server, as .ci/run does), or set TOLLGATE_REDIS_BIN.",
    );
  return found;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = redisBinary();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-redis-"));
  const port = freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ReturnType<typeof Bun.spawn> | null = null;
  const start = async () => {
    proc = Bun.spawn(
      [bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdout: "ignore", stderr: "pipe" },
    );
    await waitForPing(port, proc);
  };
  const kill = async () => {
    if (!proc) return;
    proc.kill("SIGKILL");
    await proc.exited;
    proc = null;
  };
  await start();
  return {
    url,
    port,
    async restart() {
      await kill();
      await start();
    },
    down: kill,
    pause() {
      proc?.kill("SIGSTOP");
    },
    resume() {
      proc?.kill("SIGCONT");
    },
    async up() {
      if (!proc) await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Redis for one test file: started before its tests, stopped after them with every client
 * `connect` opened (`clients`, in the order they were opened).
 */
export function redisForFile() {
  let running: RedisServer | undefined;
  const clients: RedisClient[] = [];
  beforeAll(async () => {
    running = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await running?.stop();
  });
  const server = (): RedisServer => {
    if (!running) throw new Error("the file's Redis is not started (use it inside tests)");
    return running;
  };
  return {
    get server() {
      return server();
    },
    clients,
    async connect(url = server().url): Promise<RedisClient> {
      const c = new RedisClient(url);
      await c.connect();
      clients.push(c);
      return c;
    },
  };
}

async function waitForPing(port: number, proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}`);
    try {
      const client = new Bun.RedisClient(`redis://127.0.0.1:${port}`, { autoReconnect: false });
      await client.connect();
      const pong = await client.send("PING", []);
      client.close();
      if (pong === "PONG") return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(25);
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}
