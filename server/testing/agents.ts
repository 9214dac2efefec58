import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installHint, PACKAGE_FOLDERS } from "../../scripts/package-folders.ts";

/** The agents live in their own package folder (server/tests/agents), not the root install. */
const BIN = join(PACKAGE_FOLDERS.agents, "node_modules", ".bin");

/** The agent's executable; a missing install fails the test with the command that fixes it. */
function agentBin(name: string): string {
  const path = join(BIN, name);
  if (!existsSync(path)) throw new Error(`${name}: ${installHint("agents")}`);
  return path;
}

/**
 * A coding agent CLI run non-interactively in a scratch home and work folder, offline:
 * telemetry, update checks and model-list downloads are turned off by their own env
 * vars, anything else is pointed at a closed loopback port, and the only endpoint that
 * answers is the gateway on loopback.
 */
export type AgentRun = { code: number; stdout: string; stderr: string };

export function scratch(prefix: string): { home: string; work: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `tollgate-${prefix}-`));
  const home = join(root, "home");
  const work = join(root, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  return { home, work, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const OFFLINE: Record<string, string> = {
  // Claude Code
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  DISABLE_AUTOUPDATER: "1",
  DISABLE_TELEMETRY: "1",
  DISABLE_ERROR_REPORTING: "1",
  DISABLE_BUG_COMMAND: "1",
  // OpenCode
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
  // Anything that would still reach past loopback goes to a closed port: package
  // registries (OpenCode installs its plugin package with npm or bun on first start) and
  // every proxy-aware HTTP client. Loopback (the gateway) stays direct.
  npm_config_registry: "http://127.0.0.1:9/",
  NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
  BUN_CONFIG_REGISTRY: "http://127.0.0.1:9/",
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
  http_proxy: "http://127.0.0.1:9",
  https_proxy: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1,localhost",
  no_proxy: "127.0.0.1,localhost",
  // everyone
  NO_COLOR: "1",
  CI: "1",
};

/** Runs `bin args` in `work` with HOME (and XDG dirs) in `home`; kills it after `timeoutMs`. */
export async function runAgent(
  bin: string,
  args: string[],
  dirs: { home: string; work: string },
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<AgentRun> {
  const proc = Bun.spawn([agentBin(bin), ...args], {
    cwd: dirs.work,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dirs.home,
      XDG_CONFIG_HOME: join(dirs.home, ".config"),
      XDG_DATA_HOME: join(dirs.home, ".local", "share"),
      XDG_CACHE_HOME: join(dirs.home, ".cache"),
      XDG_STATE_HOME: join(dirs.home, ".local", "state"),
      TMPDIR: tmpdir(),
      ...OFFLINE,
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
}
