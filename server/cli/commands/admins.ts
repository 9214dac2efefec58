import { AdminUsers } from "../../admin-session/admin-users.ts";
import { parse, required, table } from "../args.ts";
import type { CommandGroup } from "../command.ts";

/** Reads all of stdin (piped) and takes its first line: `echo "$PW" | tollgate admins create ...`. */
async function passwordFromStdin(): Promise<string> {
  const text = await new Response(Bun.stdin.stream()).text();
  return text.split(/\r?\n/)[0] ?? "";
}

/**
 * Asks on the terminal without echoing what is typed (raw mode: the terminal shows
 * nothing; we print no mask either). Reads with a data listener removed after the line:
 * leaving a `for await` over process.stdin would destroy stdin and fail the next prompt.
 */
function passwordFromTerminal(label: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt shows: what is typed as soon as it appears is not echoed.
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  process.stdout.write(label);
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (err: Error | null) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish(null);
        // Ctrl-C, or Ctrl-D on an empty line.
        if (ch === "\u0003" || (ch === "\u0004" && typed === "")) return finish(new Error("cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return passwordFromStdin();
  const first = await passwordFromTerminal("Password: ");
  const again = await passwordFromTerminal("Repeat password: ");
  if (first !== again) throw new Error("the passwords do not match");
  return first;
}

export const adminsCommands: CommandGroup = {
  name: "admins",
  summary: "Admin users who sign in to the admin panel",
  actions: {
    create: {
      usage: "admins create --username <name> [--password-stdin] [--json]",
      summary: "Create an admin user; the password is asked for, or read from stdin (first line)",
      async run(args, ctx) {
        const { values } = parse(args, {
          username: { type: "string" },
          "password-stdin": { type: "boolean" },
          json: { type: "boolean" },
        });
        const username = required(values.username, "--username");
        const password = await readPassword(values["password-stdin"] === true);
        const u = await new AdminUsers((await ctx.open()).gw.store.admins).create(username, password);
        ctx.out(values.json ? JSON.stringify(u) : `Created admin user ${u.username} (${u.id}).`);
        return 0;
      },
    },
    list: {
      usage: "admins list [--json]",
      summary: "List admin users",
      async run(args, ctx) {
        const { values } = parse(args, { json: { type: "boolean" } });
        const rows = await new AdminUsers((await ctx.open()).gw.store.admins).list();
        ctx.out(
          values.json ? JSON.stringify(rows) : table(rows, ["id", "username", "created_at", "last_login_at"]),
        );
        return 0;
      },
    },
    delete: {
      usage: "admins delete <id-or-username> [--json]",
      summary: "Delete an admin user; their sessions end at once",
      async run(args, ctx) {
        const { values, positionals } = parse(args, { json: { type: "boolean" } });
        const u = await new AdminUsers((await ctx.open()).gw.store.admins).delete(
          required(positionals[0], "<id-or-username>"),
        );
        ctx.out(values.json ? JSON.stringify(u) : `Deleted admin user ${u.username} (${u.id}).`);
        return 0;
      },
    },
  },
};
