import { join } from "node:path";
import type { Subprocess } from "bun";

const ROOT = join(import.meta.dir, "..", "..");

export type Spawned = {
  url: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  stdout: () => string;
  stop(): Promise<void>;
};

/** Which program to run: `bun server/main.ts` in the repo unless a test names another (the binary). */
export type Program = { cmd?: string[]; cwd?: string };

/** Runs `bun server/main.ts` as its own process (port 0) and waits for its listening line. */
export async function spawnServer(env: Record<string, string>, program: Program = {}): Promise<Spawned> {
  const proc = Bun.spawn(program.cmd ?? [process.execPath, "server/main.ts"], {
    cwd: program.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", TOLLGATE_DB_SYNC: "normal", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const reader = proc.stdout.getReader();
  const dec = new TextDecoder();
  const deadline = Date.now() + 15_000;
  let url: string | null = null;
  while (!url && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    out += dec.decode(value);
    const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
    if (m?.[1]) url = m[1].replace("localhost", "127.0.0.1");
  }
  if (!url) {
    proc.kill();
    throw new Error(`server did not start:\n${out}\n${await new Response(proc.stderr).text()}`);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      out += dec.decode(value);
    }
  })();
  return {
    url,
    proc,
    stdout: () => out,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** Runs the CLI (`bun server/cli/main.ts ...`, or `program.cmd ...`) to completion. */
export async function runCliProcess(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
  program: Program = {},
) {
  const proc = Bun.spawn([...(program.cmd ?? [process.execPath, "server/cli/main.ts"]), ...args], {
    cwd: program.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}
