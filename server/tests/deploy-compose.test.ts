/**
 * deploy/compose.yaml cannot be run here (no Docker), so this checks what can be checked
 * without it: the YAML parses (anchors and merge keys resolved), every file it names exists,
 * both replicas get the env the design asks for and that env passes the scale-out start-up
 * check, the proxy sends to exactly the replicas on the port the image listens on, and the
 * mounted tollgate.yaml is a valid configuration.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isPostgresUrl } from "../../db/engine.ts";
import { parseConfig } from "../config/load.ts";
import { scaleOutProblem } from "../config/scale.ts";

const deploy = join(import.meta.dir, "..", "..", "deploy");
type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
};
const compose = parse(readFileSync(join(deploy, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const replicas = Object.entries(services).filter(([, s]) => s.build !== undefined);

/** Compose's ${VAR:?message} and ${VAR} with the values of an .env file. */
const dotenv: Record<string, string> = {
  POSTGRES_PASSWORD: "pw",
  TOLLGATE_SECRET: "0123456789abcdef0123456789abcdef",
  TOLLGATE_ADMIN_TOKEN: "admin-token-0123456789",
  OPENAI_API_KEY: "sk-test",
};
const expand = (v: string) =>
  v.replace(/\$\{([A-Z_]+)(?::\?[^}]*)?\}/g, (_, name: string) => {
    const value = dotenv[name];
    if (value === undefined) throw new Error(`compose names ${name}, which the .env list here lacks`);
    return value;
  });

test("PostgreSQL, Redis, two replicas and a proxy", () => {
  expect(Object.keys(services).sort()).toEqual(["postgres", "proxy", "redis", "tollgate-1", "tollgate-2"]);
  expect(replicas.map(([name]) => name)).toEqual(["tollgate-1", "tollgate-2"]);
  for (const [name, s] of Object.entries(services)) {
    const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
    for (const d of deps)
      expect({ name, dependsOn: d, exists: d in services }).toEqual({ name, dependsOn: d, exists: true });
  }
});

test("every file it names exists", () => {
  for (const [, s] of replicas) {
    const b = s.build as { context: string; dockerfile: string };
    expect(existsSync(join(deploy, b.context, b.dockerfile))).toBe(true);
  }
  for (const [name, s] of Object.entries(services))
    for (const v of s.volumes ?? []) {
      const source = v.split(":")[0] as string;
      if (source.startsWith("."))
        expect({ name, source, exists: existsSync(join(deploy, source)) }).toEqual({
          name,
          source,
          exists: true,
        });
    }
});

test("each replica gets PostgreSQL, Redis, the replica count and one shared secret, and may start with them", () => {
  const envs = replicas.map(([, s]) =>
    Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, expand(String(v))])),
  );
  expect(envs[0]).toEqual(envs[1] as Record<string, string>);
  const env = envs[0] as Record<string, string>;
  expect(isPostgresUrl(env.TOLLGATE_DB as string)).toBe(true);
  expect(new URL(env.TOLLGATE_DB as string).hostname).toBe("postgres");
  expect(new URL(env.TOLLGATE_REDIS as string).hostname).toBe("redis");
  expect(Number(env.TOLLGATE_REPLICAS)).toBe(replicas.length);
  expect(env.TOLLGATE_SECRET).toBe(dotenv.TOLLGATE_SECRET);
  const deployment = { db: env.TOLLGATE_DB as string, redis: env.TOLLGATE_REDIS, replicas: replicas.length };
  expect(scaleOutProblem(deployment)).toBeNull();
  // The check the env must pass is real: the same file without Redis would not start.
  expect(scaleOutProblem({ ...deployment, redis: undefined })).toContain("needs TOLLGATE_REDIS");
  // The database compose creates is the one the URL names.
  const pg = services.postgres?.environment ?? {};
  expect(new URL(env.TOLLGATE_DB as string).pathname).toBe(`/${pg.POSTGRES_DB}`);
  expect(decodeURIComponent(new URL(env.TOLLGATE_DB as string).username)).toBe(pg.POSTGRES_USER as string);
});

test("the proxy sends to exactly the replicas, on the port the image listens on", () => {
  const nginx = readFileSync(join(deploy, "nginx.conf"), "utf8");
  const port = /PORT=(\d+)/.exec(readFileSync(join(deploy, "..", "Dockerfile"), "utf8"))?.[1];
  const servers = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
  expect(servers).toEqual(replicas.map(([name]) => `${name}:${port}`));
  expect(nginx).toContain("proxy_buffering off"); // streams pass through as they arrive
});

test("the mounted compose.tollgate.yaml is a valid configuration", () => {
  const config = parseConfig(readFileSync(join(deploy, "compose.tollgate.yaml"), "utf8"), dotenv);
  expect(config.providers?.[0]?.id).toBe("openai");
});
