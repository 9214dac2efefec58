import type { ModelRoute } from "../../db/schema/index.ts";
import type { Catalog, ModelRecord } from "../catalog/catalog.ts";
import { GatewayError } from "../errors.ts";
import type { Target } from "../providers/provider.ts";

/**
 * Candidate targets of a model in the order to try them: routes grouped by priority
 * (higher first), weighted random order inside a group. Routes whose provider is missing
 * or disabled are skipped.
 */
export function orderedTargets(
  model: ModelRecord,
  catalog: Catalog,
  random: () => number = Math.random,
): Target[] {
  const byPriority = new Map<number, ModelRoute[]>();
  for (const r of model.routes) {
    const p = catalog.provider(r.provider);
    if (!p?.enabled) continue;
    const group = byPriority.get(r.priority) ?? [];
    group.push(r);
    byPriority.set(r.priority, group);
  }
  const out: Target[] = [];
  for (const prio of [...byPriority.keys()].sort((a, b) => b - a)) {
    for (const r of weightedOrder(byPriority.get(prio) ?? [], random)) {
      const provider = catalog.provider(r.provider);
      if (provider) out.push({ provider, model: r.model });
    }
  }
  if (out.length === 0) {
    throw new GatewayError(
      "unavailable",
      `No working route for model '${model.id}': its providers are missing or disabled.`,
      {
        code: "no_route",
      },
    );
  }
  return out;
}

function weightedOrder<T extends { weight: number }>(items: T[], random: () => number): T[] {
  if (items.length <= 1) return items;
  const pool = [...items];
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, r) => s + Math.max(1, r.weight), 0);
    let x = random() * total;
    let i = 0;
    for (; i < pool.length - 1; i++) {
      x -= Math.max(1, pool[i]!.weight);
      if (x < 0) break;
    }
    out.push(pool.splice(i, 1)[0]!);
  }
  return out;
}
