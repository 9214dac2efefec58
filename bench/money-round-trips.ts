/**
 * Round trips of a priced request's money path on one replica on PostgreSQL + Redis
 * (docs/scale-out.md, "Money holds"): Redis commands sent by the gateway (EVALSHA/EVAL
 * and others, from INFO commandstats: a script's inner commands are not round trips and
 * are counted apart) and PostgreSQL transactions committed, per request, over N sequential
 * non-streaming calls through a real `server/main.ts`. Sequential on purpose: no batching,
 * so these are the worst case per request (a loaded replica shares each group commit).
 * With a second argument C, C calls at once (C at a time, N in all): batches form, and
 * each batch's holds are released by one script.
 * Run: node_modules/.bin/bun bench/money-round-trips.ts [N] [C]
 */
import { rmSync } from "node:fs";
import { RedisClient } from "bun";
import { openPg } from "../db/pg/client.ts";
import { ADMIN_TOKEN } from "../server/testing/harness.ts";
import { MockOpenAI } from "../server/testing/mock-openai.ts";
import { startPg } from "../server/testing/pg-server.ts";
import { startRedis } from "../server/testing/redis-server.ts";
import { pricedReplicaConfig, spawnPgReplicas } from "../server/testing/replicas.ts";

const N = Number(process.argv[2] ?? 300);
const C = Number(process.argv[3] ?? 1);
const mock = new MockOpenAI().start();
const [pg, redis] = await Promise.all([startPg(), startRedis()]);
const dbUrl = await pg.createDatabase("round_trips");
const config = pricedReplicaConfig(mock.url);
const post = async <T>(url: string, path: string, body: unknown) =>
  (await (
    await fetch(`${url}/admin/api${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  ).json()) as T;
const up = await spawnPgReplicas({
  n: 1,
  dbUrl,
  redisUrl: redis.url,
  config,
  seed: async (first) => {
    const acct = await post<{ id: string }>(first.url, "/accounts", { name: "bench", balance: 1000 });
    return (await post<{ key: string }>(first.url, "/keys", { account_id: acct.id, name: "k" })).key;
  },
});
const replica = up.replicas[0]!;
const probe = new RedisClient(redis.url);
await probe.connect();
const books = openPg(dbUrl, { max: 1 });

async function redisCalls(): Promise<Map<string, number>> {
  const info = String(await probe.send("INFO", ["commandstats"]));
  return new Map([...info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}
async function pgCommits(): Promise<number> {
  const [row] = (await books.client.unsafe(
    "SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()",
  )) as { n: string }[];
  return Number(row?.n);
}
const call = () =>
  fetch(`${replica.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${up.seed}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "priced", messages: [{ role: "user", content: "hi" }] }),
  }).then(async (r) => {
    await r.text();
    if (r.status !== 200) failed++;
  });
let failed = 0;

for (let i = 0; i < 20; i++) await call(); // warm: mirrors loaded, scripts cached
await Bun.sleep(1500);
const [r0, p0] = [await redisCalls(), await pgCommits()];
let sent = 0;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (sent < N) {
      sent++;
      await call();
    }
  }),
);
await Bun.sleep(300); // the releases after the last commits
const [r1, p1] = [await redisCalls(), await pgCommits()];
const inner = new Set(["evalsha", "eval", "info"]);
const per = (name: string) => ((r1.get(name) ?? 0) - (r0.get(name) ?? 0)) / N;
const scripts = per("evalsha") + per("eval");
const other = [...r1.keys()].filter((k) => !inner.has(k) && k !== "client" && k !== "hello");
console.log(`${N} priced calls, ${C} at a time, one replica on PostgreSQL + Redis (${failed} not 200)`);
console.log(`Redis scripts (EVALSHA/EVAL) per request: ${scripts.toFixed(2)}`);
console.log(`INFO per request (the run-id check, per tick, not per request): ${per("info").toFixed(3)}`);
console.log(
  `Redis commands run inside and outside scripts per request: ${other.map((k) => `${k} ${per(k).toFixed(2)}`).join(", ")}`,
);
console.log(
  `PostgreSQL transactions committed per request (the 1 s generation poll and probes included): ${((p1 - p0) / N).toFixed(2)}`,
);
probe.close();
await books.client.close();
await replica.stop();
await Promise.all([redis.stop(), pg.stop()]);
mock.stop();
rmSync(up.dir, { recursive: true, force: true });
