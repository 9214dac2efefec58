import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_TOKEN, TestGateway } from "./harness.ts";
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
  const tg = await TestGateway.start({ config, dir });
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
