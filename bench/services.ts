/** Starting and stopping the processes under test, each on its own loopback port. */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";

export type Service = {
  name: string;
  pid: number;
  port: number;
  /** From spawn to the first successful answer of the readiness URL. */
  startupMs: number;
  logFile: string;
  stop(): Promise<void>;
};

/** A port nothing listens on right now (bound and released; loopback only). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export type SpawnSpec = {
  name: string;
  cmd: string[];
  env: Record<string, string>;
  port: number;
  /** Path answered with a 2xx once the service can take requests. */
  readyPath: string;
  logDir: string;
  timeoutMs?: number;
};

/** Spawns a service with its output in a log file and waits until it answers. */
export async function startService(spec: SpawnSpec): Promise<Service> {
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const t0 = performance.now();
  const proc: Subprocess = spawn(spec.cmd, {
    env: { ...process.env, ...spec.env },
    stdout: Bun.file(logFile),
    stderr: Bun.file(`${logFile}.err`),
    stdin: "ignore",
  });
  const deadline = t0 + (spec.timeoutMs ?? 30_000);
  const url = `http://127.0.0.1:${spec.port}${spec.readyPath}`;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${spec.name} exited during start-up:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`${spec.name} did not answer ${url} in time:\n${tail(logFile)}`);
    }
    await Bun.sleep(5);
  }
  const startupMs = performance.now() - t0;
  return {
    name: spec.name,
    pid: proc.pid,
    port: spec.port,
    startupMs,
    logFile,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
      if (!exited) proc.kill("SIGKILL");
    },
  };
}

function tail(file: string): string {
  const read = (f: string) => {
    try {
      return readFileSync(f, "utf8");
    } catch {
      return "";
    }
  };
  return `${read(file)}\n${read(`${file}.err`)}`.trim().split("\n").slice(-20).join("\n");
}
