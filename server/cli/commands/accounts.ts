import { accountsService } from "../../admin/accounts/service.ts";
import { amountArg, parse, required, table } from "../args.ts";
import type { CommandGroup } from "../command.ts";

export const accountsCommands: CommandGroup = {
  name: "accounts",
  summary: "Prepaid accounts and their balances",
  actions: {
    create: {
      usage: "accounts create --name <name> [--balance <amount>] [--json]",
      summary: "Create an account with an opening balance",
      async run(args, ctx) {
        const { values } = parse(args, {
          name: { type: "string" },
          balance: { type: "string" },
          json: { type: "boolean" },
        });
        const { gw } = await ctx.open();
        const a = await accountsService.create(gw, {
          name: required(values.name, "--name"),
          balance: values.balance === undefined ? 0 : amountArg(values.balance, "--balance"),
        });
        ctx.out(
          values.json
            ? JSON.stringify(a)
            : `Created account ${a.id} (${a.name}) with balance ${a.balance} ${a.currency}`,
        );
        return 0;
      },
    },
    list: {
      usage: "accounts list [--json]",
      summary: "List accounts with balances",
      async run(args, ctx) {
        const { values } = parse(args, { json: { type: "boolean" } });
        const rows = accountsService.list((await ctx.open()).gw);
        ctx.out(
          values.json
            ? JSON.stringify(rows)
            : table(rows, ["id", "name", "balance", "used", "currency", "keys"]),
        );
        return 0;
      },
    },
    topup: {
      usage: "accounts topup <account-id> <amount> [--note <text>] [--json]",
      summary: "Add money to an account",
      async run(args, ctx) {
        const { values, positionals } = parse(args, { note: { type: "string" }, json: { type: "boolean" } });
        const id = required(positionals[0], "<account-id>");
        const amount = amountArg(positionals[1], "<amount>");
        if (amount <= 0) throw new Error("the amount must be positive");
        const r = await accountsService.credit(
          (await ctx.open()).gw,
          id,
          { amount, ...(values.note ? { note: values.note } : {}) },
          "topup",
        );
        ctx.out(
          values.json ? JSON.stringify(r) : `Topped up ${id}: balance is now ${r.balance} ${r.currency}`,
        );
        return 0;
      },
    },
  },
};
