/**
 * Issue 13's columns: Tollgate on SQLite next to one and two replicas on PostgreSQL + Redis,
 * same run, same mock upstream, alternating (docs/scale-out.md, "Measured"). For each
 * target: throughput at saturation (wrk, 32 connections split over the replicas), added
 * p50/p99 over the direct call at 500 req/s (hey, the workers split over the replicas), CPU
 * ms per request of the gateways, of PostgreSQL (the postmaster and every backend) and of
 * Redis, and PostgreSQL commits and round trips and Redis round trips per request. Then
 * the same CPU figures at one fixed offered rate for every target (--cpu-rate, default 300
 * req/s in total, split over the replicas): at saturation two replicas, PostgreSQL, Redis
 * and the load generator share the machine's cores, so CPU per request there grows with
 * contention as well as with the design; at an equal rate below every target's capacity
 * it shows what a request costs each process. That table also gives the gateways' CPU above
 * their idle CPU (measured for --seconds just before, no request in flight): the per-replica
 * background work is paid per replica, not per request.
 *
 * PostgreSQL runs with fsync on (durable commits, as SQLite's synchronous=FULL here) and
 * pg_stat_statements loaded; each PostgreSQL target has its own database and its own
 * redis-server, so counters and CPU belong to one target (targets are measured one at a
 * time; the others idle).
 *
 * `--compare=PATH` (another checkout, e.g. main's, with its node_modules) adds its one- and
 * two-replica targets, started from PATH's server/main.ts, to the same rounds: a before/after
 * measured under the same load, which on a shared machine moves more than most changes.
 *
 * `--per-replica-rate=R` adds a third table: every target at R req/s per process (SQLite's one,
 * each replica R, so two replicas take 2R in all). A fixed total rate gives each of two
 * replicas half the load, and an event loop's CPU per request grows as its load falls (fewer
 * requests share each wakeup); at an equal rate per process what is left is what a replica
 * costs per request because there are others. `--replicas=1,2,3` picks the PostgreSQL targets.
 *
 * `--sqlite-pair` adds a control: two independent SQLite processes (each its own database,
 * nothing shared), loaded as two replicas are. What they cost per request over one SQLite
 * process is what two gateway processes on this machine's cores cost each other, with no
 * shared state at all.
 *
 * Run: node_modules/.bin/bun bench/replicas-pg.ts [--rounds=3] [--seconds=3] [--rate=500] [--cpu-rate=300] [--per-replica-rate=150] [--replicas=1,2] [--sqlite-pair] [--compare=PATH]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RedisClient } from "bun";
import { type PgServer, startPg } from "../server/testing/pg-server.ts";
import { type RedisServer, startRedis } from "../server/testing/redis-server.ts";
import { hey } from "./hey.ts";
import { cpuSeconds } from "./proc-stats.ts";
import { freePort, type Service, startService } from "./services.ts";
import { median } from "./stats.ts";
import { ADMIN_TOKEN, admin, FETCH_CAP_ENV, startMock, startTollgate, tollgateConfig } from "./targets.ts";
import { requestBody } from "./workload.ts";
import { wrk } from "./wrk.ts";

const { values: argv } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "3" },
    rate: { type: "string", default: "500" },
    "cpu-rate": { type: "string", default: "300" },
    "per-replica-rate": { type: "string" },
    replicas: { type: "string", default: "1,2" },
    "sqlite-pair": { type: "boolean", default: false },
    compare: { type: "string" },
  },
});
const ROUNDS = Number(argv.rounds);
const SECONDS = Number(argv.seconds);
const RATE = Number(argv.rate);
const CPU_RATE = Number(argv["cpu-rate"]);
const PER_REPLICA_RATE = argv["per-replica-rate"] ? Number(argv["per-replica-rate"]) : null;
const REPLICAS = argv.replicas.split(",").map(Number);
const ROOT = join(import.meta.dir, "..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const BODY = requestBody({ stream: false });
const SECRET = "bench-replicas-secret-0123456789abcdef0123456789";

type Endpoint = { url: string; headers: Record<string, string> };
type Target = {
  id: string;
  label: string;
  endpoints: Endpoint[];
  gatewayPids: number[];
  pg: { url: string } | null;
  redis: RedisClient | null;
  redisUrl: string | null;
};

type Sample = {
  rps: number;
  errors: number;
  cpuGateway: number;
  cpuPg: number;
  cpuRedis: number;
  xacts: number;
  statements: number;
  redisCommands: number;
  redisTrips: number;
  p50: number;
  p99: number;
  /**
   * At CPU_RATE req/s: CPU ms per request of the gateways, PostgreSQL and Redis, and errors;
   * `gatewayAboveIdle` leaves out what the gateways spend with no request at all (their
   * timers, polls and signals, measured for SECONDS just before), which each replica pays
   * whatever the rate and which a fixed rate split over more replicas spreads thinner.
   */
  fixed: Fixed;
  /** The same at PER_REPLICA_RATE req/s per process (null without --per-replica-rate). */
  perReplica: Fixed | null;
};
type Fixed = { gateway: number; gatewayAboveIdle: number; pg: number; redis: number; errors: number };

const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-replicas-"));
const services: Service[] = [];
const redises: RedisServer[] = [];
let pg: PgServer | null = null;

/** The postmaster and every backend it forked: PostgreSQL's CPU, all of it. */
function pgCpu(server: PgServer): number {
  const master = Number(readFileSync(join(server.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  let total = cpuSeconds(master);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === master) total += cpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function redisInfo(c: RedisClient): Promise<{ cpu: number; commands: number }> {
  const text = String(await c.send("INFO", ["all"]));
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return { cpu: get("used_cpu_user") + get("used_cpu_sys"), commands: get("total_commands_processed") };
}

/**
 * Redis round trips per request: `count` requests (at the fixed rate, split over the replicas)
 * with MONITOR on, counting every command a client sent (a script's EVALSHA is one, however
 * many commands it runs: those show as `[db lua]` and are left out). MONITOR slows Redis, so
 * this is its own short phase, not part of the timed ones. The replicas' background work
 * meanwhile (lease renewals, pub/sub) counts too: it is part of what they cost Redis.
 */
async function redisRoundTrips(t: Target, count: number): Promise<number> {
  const url = new URL(t.redisUrl ?? "");
  let buffered = "";
  let trips = 0;
  let ready: () => void = () => {};
  const started = new Promise<void>((r) => {
    ready = r;
  });
  const socket = await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      data(_s, chunk) {
        buffered += chunk.toString();
        for (let i = buffered.indexOf("\r\n"); i >= 0; i = buffered.indexOf("\r\n")) {
          const line = buffered.slice(0, i);
          buffered = buffered.slice(i + 2);
          if (line === "+OK") ready();
          else if (line.startsWith("+") && !/^\+[\d.]+ \[\d+ lua\]/.test(line)) trips++;
        }
      },
    },
  });
  socket.write("MONITOR\r\n");
  await started;
  const per = Math.ceil(count / t.endpoints.length);
  const workers = Math.max(1, Math.round(10 / t.endpoints.length));
  await Promise.all(
    t.endpoints.map((e) =>
      hey({ ...e, body: BODY, rate: RATE / t.endpoints.length, workers, seconds: null, requests: per }),
    ),
  );
  await Bun.sleep(50);
  socket.end();
  return trips / (per * t.endpoints.length);
}

/**
 * Round trips (every statement the gateways sent, BEGIN and COMMIT included: `track = top`
 * counts what a client sent, not the statements inside a function) and commits, from
 * pg_stat_statements, which counts a statement when it ends (pg_stat_database's counters are
 * flushed by idle backends up to 10 s late). A commit is an explicit COMMIT or a group-commit
 * batch, which is one statement committing on its own (tollgate_commit_batch). Its own
 * reading is left out.
 */
async function pgCounters(url: string): Promise<{ xacts: number; statements: number }> {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    const [row] = await sql`
      SELECT coalesce(sum(calls), 0) AS statements,
             coalesce(sum(calls) FILTER (WHERE query ILIKE 'commit%' OR query ILIKE '%tollgate_commit_batch(%'), 0) AS commits
        FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT ILIKE '%pg_stat_statements%'`;
    return { xacts: Number(row.commits), statements: Number(row.statements) };
  } finally {
    await sql.close();
  }
}

/** Reads every counter of a target: before and after a step, the difference is the step's. */
async function counters(t: Target) {
  const r = t.redis ? await redisInfo(t.redis) : { cpu: 0, commands: 0 };
  const p = t.pg ? await pgCounters(t.pg.url) : { xacts: 0, statements: 0 };
  return {
    gateway: t.gatewayPids.reduce((s, pid) => s + cpuSeconds(pid), 0),
    pg: t.pg && pg ? pgCpu(pg) : 0,
    redis: r.cpu,
    // The reading's own INFO counts once (subtracted in measure).
    redisCommands: r.commands,
    ...p,
  };
}

async function startPgTarget(id: string, replicas: number, mockPort: number, root = ROOT): Promise<Target> {
  if (!pg) throw new Error("PostgreSQL not started");
  const dbUrl = await pg.createDatabase(id.replace(/\W/g, "_"));
  const redis = await startRedis();
  redises.push(redis);
  const home = join(dir, id);
  await Bun.write(join(home, "tollgate.yaml"), tollgateConfig(mockPort));
  const started: Service[] = [];
  // One after the other: the first applies the migrations and tollgate.yaml.
  for (let i = 0; i < replicas; i++) {
    const port = freePort();
    started.push(
      await startService({
        name: `${id}-${i}`,
        cmd: [BUN, join(root, "server/main.ts")],
        env: {
          ...FETCH_CAP_ENV,
          PORT: String(port),
          HOST: "127.0.0.1",
          TOLLGATE_DB: dbUrl,
          TOLLGATE_REDIS: redis.url,
          TOLLGATE_REPLICAS: String(replicas),
          TOLLGATE_SECRET: SECRET,
          TOLLGATE_CONFIG: join(home, "tollgate.yaml"),
          TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
        },
        port,
        readyPath: "/ready",
        logDir: dir,
      }),
    );
  }
  services.push(...started);
  const base = `http://127.0.0.1:${started[0]!.port}`;
  const account = await admin<{ id: string }>(base, "/accounts", { name: "bench", balance: "1000000" });
  const key = await admin<{ key: string }>(base, "/keys", {
    account_id: account.id,
    name: "bench key",
    rpm_limit: 1_000_000_000,
    daily_request_limit: 1_000_000_000,
  });
  // The others learn of the key through Redis's signal within a second.
  await Bun.sleep(1500);
  const client = new RedisClient(redis.url);
  await client.connect();
  return {
    id,
    label: `${replicas} replica${replicas > 1 ? "s" : ""}, PostgreSQL + Redis${root === ROOT ? "" : ` (${root})`}`,
    endpoints: started.map((s) => ({
      url: `http://127.0.0.1:${s.port}/v1/chat/completions`,
      headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
    })),
    gatewayPids: started.map((s) => s.pid),
    pg: { url: dbUrl },
    redis: client,
    redisUrl: redis.url,
  };
}

/** Saturation: 32 connections in all, split evenly over the target's replicas, at once. */
async function saturate(t: Target) {
  const per = Math.floor(32 / t.endpoints.length);
  const runs = await Promise.all(
    t.endpoints.map((e) => wrk({ ...e, body: BODY, connections: per, seconds: SECONDS, dir })),
  );
  return {
    requests: runs.reduce((s, r) => s + r.requests, 0),
    rps: runs.reduce((s, r) => s + r.rps, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  };
}

/**
 * `rate` req/s in all, split over the replicas, for `seconds` worth of requests; 10 hey
 * connections in all unless `workers` (per replica) is given.
 */
function offer(
  endpoints: Endpoint[],
  rate: number,
  seconds: number,
  workers = Math.max(1, Math.round(10 / endpoints.length)),
) {
  const per = rate / endpoints.length;
  return Promise.all(
    endpoints.map((e) =>
      hey({ ...e, body: BODY, rate: per, workers, seconds: null, requests: Math.round(per * seconds) }),
    ),
  );
}

/** A fixed rate, split over the replicas; 3 s worth of requests. */
async function atRate(endpoints: Endpoint[]) {
  const runs = await offer(endpoints, RATE, 3);
  // Both replicas' latencies together: medians of the halves are close enough at equal load.
  const all = runs.map((r) => r.latencyMs);
  return { p50: median(all.map((l) => l.p50)), p99: Math.max(...all.map((l) => l.p99)) };
}

/** CPU per request at `rate` req/s in all, the same offered load for every target. */
async function atFixedRate(t: Target, rate: number, workers?: number): Promise<Fixed> {
  const quiet = await counters(t);
  const quietAt = performance.now();
  await Bun.sleep(SECONDS * 1000);
  const before = await counters(t);
  const idlePerSecond = (before.gateway - quiet.gateway) / ((performance.now() - quietAt) / 1000);
  const start = performance.now();
  const runs = await offer(t.endpoints, rate, SECONDS, workers);
  const after = await counters(t);
  const busySeconds = (performance.now() - start) / 1000;
  const n = Math.max(
    1,
    runs.reduce((s, r) => s + r.requests, 0),
  );
  const ms = (a: number, b: number) => ((b - a) / n) * 1000;
  return {
    gateway: ms(before.gateway, after.gateway),
    gatewayAboveIdle: ms(before.gateway + idlePerSecond * busySeconds, after.gateway),
    pg: ms(before.pg, after.pg),
    redis: ms(before.redis, after.redis),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  };
}

async function measure(t: Target, direct: Endpoint): Promise<Sample> {
  const before = await counters(t);
  const sat = await saturate(t);
  const after = await counters(t);
  const perReq = (a: number, b: number) => (b - a) / Math.max(1, sat.requests);
  const [base, lat] = [await atRate([direct]), await atRate(t.endpoints)];
  const redisTrips = t.redisUrl ? await redisRoundTrips(t, 300) : 0;
  const fixed = await atFixedRate(t, CPU_RATE);
  // Each process sees the same arrivals: PER_REPLICA_RATE req/s over 5 hey connections.
  const perReplica = PER_REPLICA_RATE ? await atFixedRate(t, PER_REPLICA_RATE * t.endpoints.length, 5) : null;
  return {
    fixed,
    perReplica,
    rps: sat.rps,
    errors: sat.errors,
    cpuGateway: perReq(before.gateway, after.gateway) * 1000,
    cpuPg: perReq(before.pg, after.pg) * 1000,
    cpuRedis: perReq(before.redis, after.redis) * 1000,
    xacts: perReq(before.xacts, after.xacts),
    statements: perReq(before.statements, after.statements),
    redisCommands: perReq(before.redisCommands + 1, after.redisCommands),
    redisTrips,
    p50: lat.p50 - base.p50,
    p99: lat.p99 - base.p99,
  };
}

function table(targets: Target[], samples: Map<string, Sample[]>): string {
  const rows = [
    "| Target | Requests/s | Added p50 / p99 at " +
      `${RATE} req/s (ms) | CPU ms/request: gateways | PostgreSQL | Redis | PG commits/request | PG round trips/request | Redis round trips/request | Redis commands/request (scripts' included) | Errors |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const t of targets) {
    const s = samples.get(t.id) ?? [];
    const m = (f: (x: Sample) => number, d = 3) => median(s.map(f)).toFixed(d);
    rows.push(
      `| ${t.label} | ${m((x) => x.rps, 0)} | ${m((x) => x.p50, 2)} / ${m((x) => x.p99, 2)} | ${m((x) => x.cpuGateway)} | ${t.pg ? m((x) => x.cpuPg) : "–"} | ${t.redis ? m((x) => x.cpuRedis) : "–"} | ${t.pg ? m((x) => x.xacts, 2) : "–"} | ${t.pg ? m((x) => x.statements, 2) : "–"} | ${t.redis ? m((x) => x.redisTrips, 2) : "–"} | ${t.redis ? m((x) => x.redisCommands, 2) : "–"} | ${s.reduce((a, x) => a + x.errors, 0)} |`,
    );
  }
  rows.push("", ...fixedTable(targets, samples, `${CPU_RATE} req/s in all`, (x) => x.fixed));
  if (PER_REPLICA_RATE)
    rows.push(
      "",
      ...fixedTable(
        targets,
        samples,
        `${PER_REPLICA_RATE} req/s per process`,
        (x) => x.perReplica ?? x.fixed,
      ),
    );
  return rows.join("\n");
}

/** CPU per request of every target at one fixed-rate step, and the gateways' against SQLite's. */
function fixedTable(
  targets: Target[],
  samples: Map<string, Sample[]>,
  rate: string,
  pick: (x: Sample) => Fixed,
) {
  const rows = [
    `| Target | CPU ms/request at ${rate}: gateways | PostgreSQL | Redis | Gateways vs SQLite | Gateways above idle | vs SQLite | Errors |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const sqliteSamples = (samples.get(targets[0]?.id ?? "") ?? []).map(pick);
  const sqlite = median(sqliteSamples.map((x) => x.gateway));
  const sqliteAbove = median(sqliteSamples.map((x) => x.gatewayAboveIdle));
  for (const t of targets) {
    const s = (samples.get(t.id) ?? []).map(pick);
    const m = (f: (x: Fixed) => number) => median(s.map(f));
    rows.push(
      `| ${t.label} | ${m((x) => x.gateway).toFixed(3)} | ${t.pg ? m((x) => x.pg).toFixed(3) : "–"} | ${t.redis ? m((x) => x.redis).toFixed(3) : "–"} | ${(m((x) => x.gateway) / sqlite).toFixed(2)}x | ${m((x) => x.gatewayAboveIdle).toFixed(3)} | ${(m((x) => x.gatewayAboveIdle) / sqliteAbove).toFixed(2)}x | ${s.reduce((a, x) => a + x.errors, 0)} |`,
    );
  }
  return rows;
}

try {
  const { port: mockPort } = await startMock(dir, services);
  const direct: Endpoint = {
    url: `http://127.0.0.1:${mockPort}/v1/chat/completions`,
    headers: { "content-type": "application/json" },
  };
  pg = await startPg({
    fsync: "on",
    shared_preload_libraries: "pg_stat_statements",
    "pg_stat_statements.track": "top",
  });
  const { target: sqlite } = await startTollgate({ dir, name: "tollgate", mockPort, services });
  const targets: Target[] = [
    {
      id: "sqlite",
      label: "1 process, SQLite (synchronous=FULL)",
      endpoints: [{ url: sqlite.url, headers: sqlite.headers }],
      gatewayPids: [sqlite.pid],
      pg: null,
      redis: null,
      redisUrl: null,
    },
  ];
  if (argv["sqlite-pair"]) {
    // The second process's own home: startTollgate keeps one per name.
    const { target: other } = await startTollgate({ dir, name: "tollgate-normal", mockPort, services });
    targets.push({
      id: "sqlite-pair",
      label: "2 independent SQLite processes (control: nothing shared)",
      endpoints: [sqlite, other].map((x) => ({ url: x.url, headers: x.headers })),
      gatewayPids: [sqlite.pid, other.pid],
      pg: null,
      redis: null,
      redisUrl: null,
    });
  }
  for (const n of REPLICAS) targets.push(await startPgTarget(`pg${n}`, n, mockPort));
  if (argv.compare)
    targets.push(
      await startPgTarget("cmp1", 1, mockPort, argv.compare),
      await startPgTarget("cmp2", 2, mockPort, argv.compare),
    );
  for (const t of targets.filter((x) => x.pg)) {
    const sql = new Bun.SQL(t.pg!.url, { max: 1 });
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    await sql.close();
  }
  // Warm-up, unmeasured.
  for (const t of targets)
    await Promise.all(t.endpoints.map((e) => wrk({ ...e, body: BODY, connections: 8, seconds: 1, dir })));
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const t of order) {
      const s = await measure(t, direct);
      samples.set(t.id, [...(samples.get(t.id) ?? []), s]);
      console.error(
        `round ${round + 1} ${t.id}: ${Math.round(s.rps)} req/s, gateway ${s.cpuGateway.toFixed(3)} ms/req; at ${CPU_RATE} req/s ${s.fixed.gateway.toFixed(3)} ms/req`,
      );
    }
  }
  const md = table(targets, samples);
  console.log(md);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = join(ROOT, "bench/results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${stamp}-replicas.md`), `${md}\n`);
  writeFileSync(join(out, `${stamp}-replicas.json`), JSON.stringify(Object.fromEntries(samples), null, 1));
  for (const t of targets) t.redis?.close();
} finally {
  await Promise.allSettled(services.map((s) => s.stop()));
  await Promise.allSettled(redises.map((r) => r.stop()));
  await pg?.stop();
}
