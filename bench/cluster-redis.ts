/**
 * Cost of the Redis side of one request on a real redis-server started here: a rate-window
 * admit, and a hold reserve + release (the reservation protocol's two round trips), each run
 * N times with 64 in flight from one connection (one replica). Prints throughput and the
 * redis-server CPU per operation (INFO cpu deltas): the "what to expect per core" figures of
 * docs/scale-out.md, "Sizing". Run: node_modules/.bin/bun bench/cluster-redis.ts [N]
 */
import { RedisClient } from "bun";
import { ClusterHolds } from "../server/cluster/holds.ts";
import { ClusterRateLimiter } from "../server/cluster/rate-windows.ts";
import { startRedis } from "../server/testing/redis-server.ts";

const N = Number(process.argv[2] ?? 20_000);
const redis = await startRedis();
const c = new RedisClient(redis.url);
await c.connect();

async function cpuMs(): Promise<number> {
  const info = String(await c.send("INFO", ["cpu"]));
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (get("used_cpu_user") + get("used_cpu_sys")) * 1000;
}

async function measure(name: string, op: (i: number) => Promise<unknown>) {
  const cpu0 = await cpuMs();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < N) await op(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = (await cpuMs()) - cpu0;
  console.log(
    `${name.padEnd(34)} ${Math.round((N / ms) * 1000)
      .toString()
      .padStart(7)} ops/s  redis CPU ${((cpu / N) * 1000).toFixed(1)} µs/op`,
  );
}

const limiter = new ClusterRateLimiter(c, { keyRpm: null, keyRpd: null, accountRpm: null });
await measure("rate admit (key rpm + rpd windows)", (i) =>
  limiter.admit({ id: `k${i % 100}`, accountId: `a${i % 100}`, rpmLimit: 1e9, dailyRequestLimit: 1e9 }),
);
const holds = new ClusterHolds(c, 30_000);
for (let a = 0; a < 100; a++)
  await holds.mirror(`a${a}`, `k${a}`, { balance: 1e15, version: 1, keyUsed: 0, keyLimit: null });
await measure("hold reserve + release", async (i) => {
  const r = await holds.reserve(`a${i % 100}`, `k${i % 100}`, 1000, `h${i}`);
  if (r.ok) await holds.release(`a${i % 100}`, `k${i % 100}`, `h${i}`);
});
c.close();
await redis.stop();
