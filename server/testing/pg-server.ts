import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

/**
 * A real PostgreSQL for tests, from Debian's `postgresql` package: `initdb` into a
 * temporary folder, `pg_ctl start` on a free loopback port with its socket in that folder,
 * trust authentication for the `tollgate` role; `stop()` shuts it down and removes the
 * folder. `initdb` refuses to run as root, so as root (CI) every command runs as the
 * `postgres` user through `runuser`.
 */
export type PgServer = {
  /** postgres://tollgate@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  /** A fresh database on this server, for one test file. */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl stop -m fast, keeping the data (for restart tests). */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops it and removes the folder once process `pid` is gone, whatever way it ended: a
   * watchdog in its own session (bun test fires no exit handlers, and kills its own children).
   */
  reapAfter(pid: number): void;
};

/** The folder holding initdb and pg_ctl: TOLLGATE_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function pgBinDir(): string {
  const fromEnv = process.env.TOLLGATE_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0])
    throw new Error(
      "PostgreSQL is not installed: these tests start a real server (apt-get install postgresql, as .ci/run does), or set TOLLGATE_PG_BIN to the folder holding initdb and pg_ctl.",
    );
  return join(root, versions[0], "bin");
}

const asRoot = () => process.getuid?.() === 0;

async function run(cmd: string[]): Promise<void> {
  const argv = asRoot() ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}:\n${out}\n${err}`);
}

/** `settings`: more `-c name=value` server settings (the benchmark loads pg_stat_statements). */
export async function startPg(settings: Record<string, string> = {}): Promise<PgServer> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pg-"));
  if (asRoot()) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, "data");
  await run([
    join(bin, "initdb"),
    "-D",
    data,
    "-U",
    "tollgate",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions",
  ]);
  const port = freePort();
  // Durability is PostgreSQL's business, not the tests': fsync off keeps them fast.
  const extra = Object.entries(settings)
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join("");
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200${extra}`;
  const start = () =>
    run([join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", join(dir, "log"), "-w", "start"]);
  const stopServer = () => run([join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]);
  await start();
  const url = `postgres://tollgate@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    url,
    port,
    dir,
    async createDatabase(name) {
      const sql = new Bun.SQL(url);
      try {
        await sql.unsafe(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
      } finally {
        await sql.close();
      }
      return `postgres://tollgate@127.0.0.1:${port}/${name}`;
    },
    async pause() {
      await stopServer();
      running = false;
    },
    async resume() {
      await start();
      running = true;
    },
    async stop() {
      try {
        if (running) await stopServer();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    reapAfter(pid) {
      const stop = [join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"];
      const argv = (asRoot() ? ["runuser", "-u", "postgres", "--", ...stop] : stop).map(quoted).join(" ");
      const script = `while kill -0 ${pid} 2>/dev/null; do sleep 1; done; ${argv} >/dev/null 2>&1; rm -rf ${quoted(dir)}`;
      Bun.spawn(["setsid", "-f", "sh", "-c", script], { stdio: ["ignore", "ignore", "ignore"] });
    },
  };
}

/** A shell word (the paths here hold no quote, but a temp folder may hold anything). */
const quoted = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("running as root needs the postgres user (the postgresql package creates it)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}
