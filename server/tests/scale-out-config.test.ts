/**
 * A deployment that declares several replicas must have somewhere shared to keep limits
 * and reservations: on PostgreSQL without Redis the server refuses to start and says why
 * (docs/scale-out.md), rather than silently keeping per-process limits.
 */
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../config/env.ts";

const ROOT = join(import.meta.dir, "..", "..");

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([process.execPath, "server/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", ...env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill(), 15_000);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  clearTimeout(timer);
  return { code, stderr };
}

test("two replicas on PostgreSQL without Redis: the server exits, naming what is missing and why", async () => {
  const { code, stderr } = await start({
    TOLLGATE_DB: "postgres://tollgate@127.0.0.1:1/tollgate",
    TOLLGATE_REPLICAS: "2",
  });
  expect(code).toBe(1);
  expect(stderr).toContain("TOLLGATE_REPLICAS=2 on PostgreSQL needs TOLLGATE_REDIS=redis://");
  expect(stderr).toContain("2 times its rate limit");
});

test("several replicas on a SQLite file are refused: the file is one process's", () => {
  expect(() => readEnv({ TOLLGATE_DB: "./data/x.db", TOLLGATE_REPLICAS: "3" })).toThrow(
    "TOLLGATE_REPLICAS=3 needs a shared database",
  );
});

test("one replica, or several with Redis, is accepted; a Redis URL must be one", () => {
  expect(readEnv({}).TOLLGATE_REPLICAS).toBe(1);
  const env = readEnv({
    TOLLGATE_DB: "postgresql://u@db/tollgate",
    TOLLGATE_REDIS: "redis://cache:6379",
    TOLLGATE_REPLICAS: "2",
  });
  expect(env.TOLLGATE_REPLICAS).toBe(2);
  expect(() => readEnv({ TOLLGATE_REDIS: "cache:6379" })).toThrow("TOLLGATE_REDIS must be a redis://");
});

test("TOLLGATE_DB naming an unreachable PostgreSQL: the server exits saying so, and opens no SQLite file of that name", async () => {
  const { code, stderr } = await start({ TOLLGATE_DB: "postgres://tollgate:hunter2@127.0.0.1:1/tollgate" });
  expect(code).toBe(1);
  expect(stderr).toContain("TOLLGATE_DB names PostgreSQL at postgres://tollgate:***@127.0.0.1:1/tollgate");
  expect(stderr).not.toContain("hunter2");
  expect(existsSync(join(ROOT, "postgres:"))).toBe(false);
});
