import { modelsService } from "../../admin/models/service.ts";
import { parse, required, table } from "../args.ts";
import type { CliContext, CommandGroup } from "../command.ts";

function toggle(enabled: boolean) {
  return async (args: string[], ctx: CliContext) => {
    const { positionals } = parse(args, {});
    const m = await modelsService.update((await ctx.open()).gw, required(positionals[0], "<model-id>"), {
      enabled,
    });
    ctx.out(`${m.id} is now ${m.enabled ? "enabled" : "disabled"}`);
    return 0;
  };
}

export const modelsCommands: CommandGroup = {
  name: "models",
  summary: "Models, prices and routes",
  actions: {
    list: {
      usage: "models list [--json]",
      summary: "List models with prices per 1M tokens",
      async run(args, ctx) {
        const { values } = parse(args, { json: { type: "boolean" } });
        const rows = modelsService.list((await ctx.open()).gw);
        ctx.out(
          values.json
            ? JSON.stringify(rows)
            : table(
                rows.map((m) => ({
                  ...m,
                  input: m.prices.input,
                  output: m.prices.output,
                  routes: m.routes.map((r) => `${r.provider}:${r.model}`).join(","),
                })),
                ["id", "kind", "enabled", "input", "output", "currency", "routes", "source"],
              ),
        );
        return 0;
      },
    },
    enable: { usage: "models enable <model-id>", summary: "Enable a model", run: toggle(true) },
    disable: {
      usage: "models disable <model-id>",
      summary: "Disable a model (answers 404 to clients)",
      run: toggle(false),
    },
    delete: {
      usage: "models delete <model-id>",
      summary: "Delete a model (refused while another model names it as a fallback)",
      async run(args, ctx) {
        const { positionals } = parse(args, {});
        const { id } = await modelsService.delete(
          (await ctx.open()).gw,
          required(positionals[0], "<model-id>"),
        );
        ctx.out(`${id} is deleted`);
        return 0;
      },
    },
  },
};
