import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, PROVIDER_SECRET, TestGateway } from "./harness.ts";
import { type Spawned, spawnServer } from "./process.ts";

/**
 * Replicas on one Redis for tests (docs/scale-out.md). On SQLite replicas cannot share a
 * database, so each gets its own copy of one seeded folder: the same accounts, keys (and
 * secret.key) everywhere, so one API key is served by all of them. What the books of
 * different replicas hold then diverges; what Redis shares (rate windows, idempotency
 * claims, breakers, the invalidation signal) is what these replicas can prove.
 */
export type Seeded<T> = { dir: string; seed: T; copies(n: number): string[]; remove(): void };

/** Runs `setup` against a gateway on a fresh folder, stops it, and hands the folder out as copies. */
export async function seedBooks<T>(
  config: string,
  setup: (tg: TestGateway) => Promise<T>,
): Promise<Seeded<T>> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-seed-"));
  // Copies of a folder are copies of a SQLite file (spawnPgReplicas shares one PostgreSQL).
  const tg = await TestGateway.start({ config, dir, engine: "sqlite" });
  let seed: T;
  try {
    seed = await setup(tg);
  } finally {
    await tg.stop();
  }
  const made: string[] = [];
  return {
    dir,
    seed,
    copies(n) {
      const out = Array.from({ length: n }, () => {
        const copy = mkdtempSync(join(tmpdir(), "tollgate-replica-"));
        cpSync(dir, copy, { recursive: true });
        return copy;
      });
      made.push(...out);
      return out;
    },
    remove() {
      for (const d of [dir, ...made]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Starts one `bun server/main.ts` process per folder, all on `redisUrl` (loopback, port 0). */
export function spawnReplicas(
  dirs: string[],
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<Spawned[]> {
  return Promise.all(
    dirs.map((dir) =>
      spawnServer({
        TOLLGATE_DB: join(dir, "tollgate.db"),
        TOLLGATE_CONFIG: join(dir, "tollgate.yaml"),
        TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
        TOLLGATE_REDIS: redisUrl,
        ...env,
      }),
    ),
  );
}

/**
 * Replicas on one shared PostgreSQL database and one Redis (the deployment docs/scale-out.md
 * describes): the first process applies the migrations and tollgate.yaml, `seed` runs
 * against it (accounts and keys through its admin API), then the others start. Every process
 * shares TOLLGATE_SECRET, so each can open the providers' sealed keys.
 */
export async function spawnPgReplicas<T>(o: {
  n: number;
  dbUrl: string;
  redisUrl: string;
  config: string;
  seed: (first: Spawned) => Promise<T>;
  env?: Record<string, string>;
}): Promise<{ replicas: Spawned[]; seed: T; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pg-replicas-"));
  await Bun.write(join(dir, "tollgate.yaml"), o.config);
  const env = {
    TOLLGATE_DB: o.dbUrl,
    TOLLGATE_CONFIG: join(dir, "tollgate.yaml"),
    TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    TOLLGATE_REDIS: o.redisUrl,
    TOLLGATE_REPLICAS: String(o.n),
    TOLLGATE_SECRET: "replicas-test-secret-0123456789abcdef0123456789",
    ...o.env,
  };
  const first = await spawnServer(env);
  const seed = await o.seed(first);
  const rest = await Promise.all(Array.from({ length: o.n - 1 }, () => spawnServer(env)));
  return { replicas: [first, ...rest], seed, dir };
}

/**
 * A replicas' tollgate.yaml: one mock OpenAI provider and a model `priced` (input 1, output 2
 * per 1M tokens: 1,000 and 2,000 nano-units a token), rate limits out of the way.
 */
export function pricedReplicaConfig(mockUrl: string): string {
  return `
currency: USD
defaults:
  rate_limits: { key_rpm: 1000000 }
  max_output_tokens: 100
providers:
  - { id: mock, kind: openai, base_url: ${mockUrl}, api_key: ${PROVIDER_SECRET} }
models:
  - { id: priced, routes: [{ provider: mock, model: m }], prices: { input: 1, output: 2 } }
`;
}
