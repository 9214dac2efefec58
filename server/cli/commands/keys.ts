import { keysService } from "../../admin/keys/service.ts";
import { amountArg, intArg, parse, required, table } from "../args.ts";
import { type CommandGroup, UsageError } from "../command.ts";

export const keysCommands: CommandGroup = {
  name: "keys",
  summary: "Client API keys",
  actions: {
    create: {
      usage:
        "keys create --account <account-id> --name <name> [--rpm <n>] [--rpd <n>] [--spend-limit <amount>] [--models a,b] [--expires <ISO date>] [--json]",
      summary: "Issue a key (printed once; only its hash is stored)",
      async run(args, ctx) {
        const { values } = parse(args, {
          account: { type: "string" },
          name: { type: "string" },
          rpm: { type: "string" },
          rpd: { type: "string" },
          "spend-limit": { type: "string" },
          models: { type: "string" },
          expires: { type: "string" },
          json: { type: "boolean" },
        });
        let expires: number | undefined;
        if (values.expires !== undefined) {
          expires = Date.parse(values.expires);
          if (Number.isNaN(expires)) throw new UsageError("--expires must be an ISO date, e.g. 2027-01-01");
        }
        const k = await keysService.create((await ctx.open()).gw, {
          account_id: required(values.account, "--account"),
          name: required(values.name, "--name"),
          rpm_limit: intArg(values.rpm, "--rpm"),
          daily_request_limit: intArg(values.rpd, "--rpd"),
          spend_limit:
            values["spend-limit"] === undefined
              ? undefined
              : amountArg(values["spend-limit"], "--spend-limit"),
          models: values.models
            ? values.models
                .split(",")
                .map((m) => m.trim())
                .filter(Boolean)
            : undefined,
          expires_at: expires,
        });
        if (values.json) ctx.out(JSON.stringify(k));
        else
          ctx.out(
            `Created key ${k.id} on account ${k.account_id}.\nThis is the only time the key is shown; store it now:\n\n  ${k.key}\n`,
          );
        return 0;
      },
    },
    list: {
      usage: "keys list [--account <account-id>] [--json]",
      summary: "List keys (prefix, status, limits, spend)",
      async run(args, ctx) {
        const { values } = parse(args, { account: { type: "string" }, json: { type: "boolean" } });
        const rows = await keysService.list((await ctx.open()).gw, values.account);
        ctx.out(
          values.json
            ? JSON.stringify(rows)
            : table(rows, [
                "id",
                "account_id",
                "name",
                "prefix",
                "status",
                "rpm_limit",
                "spend_limit",
                "used",
                "last_used_at",
              ]),
        );
        return 0;
      },
    },
    revoke: {
      usage: "keys revoke <key-id>",
      summary: "Revoke a key (a running server refuses it at its next request)",
      async run(args, ctx) {
        const { positionals } = parse(args, {});
        const k = await keysService.update((await ctx.open()).gw, required(positionals[0], "<key-id>"), {
          status: "revoked",
        });
        ctx.out(`Revoked key ${k.id} (${k.prefix}...)`);
        return 0;
      },
    },
  },
};
