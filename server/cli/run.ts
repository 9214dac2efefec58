import type { Booted } from "../boot.ts";
import { openGateway } from "../boot.ts";
import { publishChange } from "../cluster/invalidation.ts";
import type { SharedRedis } from "../cluster/shared-redis.ts";
import { GatewayError } from "../errors.ts";
import type { StartOptions } from "../start.ts";
import { bumpGeneration } from "../store/generation.ts";
import { type Action, type CliContext, UsageError } from "./command.ts";
import { COMMANDS, GROUPS } from "./commands/index.ts";

export function help(): string {
  const lines = ["Usage: tollgate <command> [options]", ""];
  for (const c of COMMANDS) lines.push(`  tollgate ${c.usage}\n      ${c.summary}`);
  lines.push("  tollgate --version\n      Print the version", "");
  for (const g of GROUPS) {
    lines.push(`${g.name}: ${g.summary}`);
    for (const a of Object.values(g.actions)) lines.push(`  tollgate ${a.usage}\n      ${a.summary}`);
  }
  return lines.join("\n");
}

/**
 * Runs one CLI command against the database named by the environment. Uses the same
 * services as the admin API; a running server picks the change up at its next request.
 */
export async function runCli(
  argv: string[],
  options: StartOptions,
  io = { out: console.log, err: console.error },
): Promise<number> {
  const [group] = argv;
  if (!group || group === "help" || group === "--help" || group === "-h") {
    io.out(help());
    return 0;
  }
  const a = findAction(argv);
  if (!a) {
    io.err(`Unknown command: ${argv.slice(0, 2).join(" ")}\n\n${help()}`);
    return 2;
  }
  let booted: Booted | null = null;
  const ctx: CliContext = {
    open: async () => {
      booted ??= await openGateway(options);
      return booted;
    },
    options,
    out: io.out,
    err: io.err,
  };
  try {
    return await a.action.run(a.args, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nUsage: tollgate ${a.action.usage}`);
      return 2;
    }
    io.err(`Error: ${err instanceof GatewayError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    const b = booted as Booted | null;
    if (b) {
      // A running server on this database rebuilds its caches when it sees this move.
      await bumpGeneration(b.gw.store);
      // Replicas sharing TOLLGATE_REDIS reload at once (server/cluster/invalidation.ts).
      if (b.shared) await announce(b.shared, io.err);
      await b.gw.stop();
      // The connection, or PostgreSQL's pool (which would otherwise outlive the command).
      await b.gw.engine.close();
    }
  }
}

async function announce(shared: SharedRedis, err: (line: string) => void): Promise<void> {
  try {
    if (!(await shared.connect())) throw new Error("unreachable");
    await publishChange(shared.client);
  } catch {
    err(
      `Warning: could not publish the change through ${redacted(shared.url)}: other replicas keep their cached keys, models and prices until they next reload.`,
    );
  } finally {
    shared.close();
  }
}

/** A Redis URL without its password. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString();
  } catch {
    return "TOLLGATE_REDIS";
  }
}

/** `serve`, `backup` ... take every argument after their name; a group's action those after both. */
function findAction([name, ...afterName]: string[]): { action: Action; args: string[] } | null {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return { action: command, args: afterName };
  const [action, ...rest] = afterName;
  const a = action ? GROUPS.find((g) => g.name === name)?.actions[action] : undefined;
  return a ? { action: a, args: rest } : null;
}
