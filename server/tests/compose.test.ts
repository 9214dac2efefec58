/**
 * deploy/compose.yaml without Docker (this machine has the client only): its replicas'
 * environment, taken from the file itself with the service host names pointed at a real
 * PostgreSQL and Redis on loopback, starts two real gateway processes that share the books;
 * its nginx upstream names the compose services on the port the replicas listen on; and the
 * same environment without Redis refuses to start, saying why.
 */

import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readEnv } from "../config/env.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { type Spawned, spawnServer } from "../testing/process.ts";
import { type RedisServer, startRedis } from "../testing/redis-server.ts";

const DEPLOY = join(import.meta.dir, "..", "..", "deploy");
const compose = parse(readFileSync(join(DEPLOY, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; image?: string; volumes?: string[] }>;
};
const replicaNames = Object.keys(compose.services).filter((s) => s.startsWith("tollgate-"));

let pg: PgServer;
let redis: RedisServer;
const replicas: Spawned[] = [];

/** `${VAR:?msg}` as compose resolves it, from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`compose.yaml needs ${name}`);
    return v;
  });
}

/** A replica's environment as compose would give it, the service names pointed at loopback. */
function replicaEnv(service: string, dbUrl: string): Record<string, string> {
  const vars = {
    POSTGRES_PASSWORD: "unused-with-trust-auth",
    TOLLGATE_SECRET: "compose-test-secret-0123456789abcdef0123456789",
    TOLLGATE_ADMIN_TOKEN: "compose-test-admin-token-0123456789",
    OPENAI_API_KEY: "not-called-in-this-test",
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(compose.services[service]?.environment ?? {}))
    env[k] = interpolate(String(v), vars);
  const url = new URL(dbUrl);
  env.TOLLGATE_DB = env.TOLLGATE_DB!.replace(
    /^postgres:\/\/[^/]+\/\w+$/,
    `postgres://tollgate@${url.host}${url.pathname}`,
  );
  env.TOLLGATE_REDIS = env.TOLLGATE_REDIS!.replace("redis://redis:6379", redis.url);
  // The mounted file, from the folder compose mounts it from.
  env.TOLLGATE_CONFIG = join(DEPLOY, "compose.tollgate.yaml");
  return { ...vars, ...env };
}

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPg(), startRedis()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await Promise.all([redis?.stop(), pg?.stop()]);
});

test("compose.yaml declares two replicas on PostgreSQL and Redis, with an environment the gateway accepts", () => {
  expect(replicaNames).toEqual(["tollgate-1", "tollgate-2"]);
  for (const name of replicaNames) {
    const env = replicaEnv(name, "postgres://tollgate@127.0.0.1:5432/tollgate");
    expect(env.TOLLGATE_REPLICAS).toBe(String(replicaNames.length));
    expect(() => readEnv(env)).not.toThrow();
  }
});

test("nginx.conf spreads over exactly the compose replicas, on the port they listen on", () => {
  const conf = readFileSync(join(DEPLOY, "nginx.conf"), "utf8");
  const servers = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => [m[1], Number(m[2])]);
  const port = readEnv(replicaEnv("tollgate-1", "postgres://tollgate@h:1/d")).PORT;
  expect(servers).toEqual(replicaNames.map((n) => [n, port]));
  expect(conf).toContain("proxy_buffering off");
});

test("both replicas start on one database with compose's environment and share a key", async () => {
  const dbUrl = await pg.createDatabase("compose");
  // Port 0 instead of compose's 8000: two processes on one machine.
  const first = await spawnServer({ ...replicaEnv("tollgate-1", dbUrl), PORT: "0" });
  replicas.push(first);
  const env = replicaEnv("tollgate-2", dbUrl);
  replicas.push(await spawnServer({ ...env, PORT: "0" }));
  for (const r of replicas) expect((await fetch(`${r.url}/ready`)).status).toBe(200);

  const admin = { authorization: `Bearer ${env.TOLLGATE_ADMIN_TOKEN}`, "content-type": "application/json" };
  const account = (await (
    await fetch(`${first.url}/admin/api/accounts`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "compose", balance: 1 }),
    })
  ).json()) as { id: string };
  const key = (await (
    await fetch(`${first.url}/admin/api/keys`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ account_id: account.id, name: "k" }),
    })
  ).json()) as { key: string };
  await Bun.sleep(1000);
  const models = await fetch(`${replicas[1]!.url}/v1/models`, {
    headers: { authorization: `Bearer ${key.key}` },
  });
  expect(models.status).toBe(200);
  expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain(
    "gpt-4o-mini",
  );
}, 60_000);

test("the same environment without Redis refuses to start and says why", async () => {
  const env = replicaEnv("tollgate-1", await pg.createDatabase("noredis"));
  delete env.TOLLGATE_REDIS;
  const refused = spawnServer({ ...env, PORT: "0" });
  await expect(refused).rejects.toThrow(/TOLLGATE_REDIS/);
});
