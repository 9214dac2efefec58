import { rmSync } from "node:fs";
import { RedisClient } from "bun";
import OpenAI from "openai";
import { openPg } from "../../db/pg/client.ts";
import { ADMIN_TOKEN } from "./harness.ts";
import { MockOpenAI } from "./mock-openai.ts";
import { type PgServer, startPg } from "./pg-server.ts";
import type { Spawned } from "./process.ts";
import { type RedisServer, startRedis } from "./redis-server.ts";
import { pricedReplicaConfig, spawnPgReplicas } from "./replicas.ts";

/**
 * The replica tests' cluster (docs/scale-out.md): a mock OpenAI, a PostgreSQL and a Redis on
 * loopback, `n` replicas on one database serving `config` (the model `priced` unless a test
 * names its own), a connection to the books and one to Redis to look at what the replicas did.
 */
export type PgReplicaSet = {
  pg: PgServer;
  redis: RedisServer;
  mock: MockOpenAI;
  replicas: Spawned[];
  books: ReturnType<typeof openPg>;
  probe: RedisClient;
  stop(): Promise<void>;
};

export async function startPgReplicaSet(o: {
  database: string;
  n: number;
  env?: Record<string, string>;
  /** tollgate.yaml for the mock's URL; default pricedReplicaConfig. */
  config?: (mockUrl: string) => string;
}): Promise<PgReplicaSet> {
  const mock = new MockOpenAI().start();
  const [pg, redis] = await Promise.all([startPg(), startRedis()]);
  const dbUrl = await pg.createDatabase(o.database);
  const up = await spawnPgReplicas({
    n: o.n,
    dbUrl,
    redisUrl: redis.url,
    config: (o.config ?? pricedReplicaConfig)(mock.url),
    seed: async () => null,
    env: o.env,
  });
  const books = openPg(dbUrl, { max: 2 });
  const probe = new RedisClient(redis.url);
  await probe.connect();
  return {
    pg,
    redis,
    mock,
    replicas: up.replicas,
    books,
    probe,
    async stop() {
      for (const r of up.replicas) r.proc.kill("SIGCONT"); // a failed test may leave one stopped
      probe.close();
      await books.client.close();
      await Promise.all(up.replicas.map((r) => r.stop()));
      await Promise.all([redis.stop(), pg.stop()]);
      mock.stop();
      rmSync(up.dir, { recursive: true, force: true });
    },
  };
}

/** An admin API call on `url`; throws on anything but a success. */
export async function adminCall<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export type Outcome = { status: number; code: string | null; cost: number; message?: string };

/**
 * One chat call on `priced` through the official SDK; `cost` is what the upstream reported at
 * the model's prices (input 1, output 2 per 1M tokens: 1,000 and 2,000 nano-units a token).
 */
export async function chatPriced(r: Spawned, key: string): Promise<Outcome> {
  const sdk = new OpenAI({ apiKey: key, baseURL: `${r.url}/v1`, maxRetries: 0, timeout: 60_000 });
  try {
    const res = await sdk.chat.completions.create({
      model: "priced",
      messages: [{ role: "user", content: "hi" }],
    });
    const u = res.usage;
    return {
      status: 200,
      code: null,
      cost: (u?.prompt_tokens ?? 0) * 1000 + (u?.completion_tokens ?? 0) * 2000,
    };
  } catch (err) {
    if (err instanceof OpenAI.APIError)
      return { status: err.status ?? 0, code: err.code ?? null, cost: 0, message: err.message };
    return { status: 0, code: String(err), cost: 0 };
  }
}
