import type { Booted, BootOptions } from "../boot.ts";
import { openGateway } from "../boot.ts";
import { GatewayError } from "../errors.ts";
import { type CliContext, UsageError } from "./command.ts";
import { GROUPS } from "./commands/index.ts";

function help(): string {
  const lines = ["Usage: tollgate <command> [options]", ""];
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
  boot: BootOptions,
  io = { out: console.log, err: console.error },
): Promise<number> {
  const [group, action, ...rest] = argv;
  if (!group || group === "help" || group === "--help" || group === "-h") {
    io.out(help());
    return 0;
  }
  const g = GROUPS.find((x) => x.name === group);
  const a = g && action ? g.actions[action] : undefined;
  if (!g || !a) {
    io.err(`Unknown command: ${[group, action].filter(Boolean).join(" ")}\n\n${help()}`);
    return 2;
  }
  let booted: Booted | null = null;
  const ctx: CliContext = {
    open: () => {
      booted ??= openGateway(boot);
      return booted;
    },
    out: io.out,
    err: io.err,
  };
  try {
    return await a.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nUsage: tollgate ${a.usage}`);
      return 2;
    }
    io.err(`Error: ${err instanceof GatewayError || err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    (booted as Booted | null)?.gw.stop();
  }
}
