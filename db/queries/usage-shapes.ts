import { and, type Column, count, desc, eq, gte, isNotNull, max, type SQL, sql } from "drizzle-orm";

/**
 * The overview's sums over either schema's request log (db/schema, db/pg/schema): the
 * selected fields, filters and orders written once, so that db/queries/requests.ts and its
 * PostgreSQL twin differ only in their tables, joins and how a query is run.
 */

type UsageLog = {
  createdAt: Column;
  outcome: Column;
  inputTokens: Column;
  outputTokens: Column;
  cost: Column;
  accountId: Column;
  keyId: Column;
  model: Column;
};

export const total = (c: Column) => sql<number>`coalesce(sum(${c}), 0)`.mapWith(Number);

/** Counts and sums of a set of rows; money in nano-units. */
export const usageSums = (log: UsageLog) => ({
  requests: count(),
  errors: sql<number>`coalesce(sum(case when ${eq(log.outcome, "error")} then 1 else 0 end), 0)`.mapWith(
    Number,
  ),
  input: total(log.inputTokens),
  output: total(log.outputTokens),
  spend: total(log.cost),
});

/** A grouped ranking: most spend first, then most requests, of the rows since `since` that have `column`. */
function ranked(log: UsageLog, column: Column, since: number) {
  const spend = total(log.cost).as("spend");
  const requests = count().as("requests");
  return {
    spend,
    requests,
    where: and(gte(log.createdAt, since), isNotNull(column)),
    order: [desc(spend), desc(requests)] as SQL[],
  };
}

/** Requests and spend per account. */
export function accountSpend<L extends UsageLog>(log: L, accountName: Column, since: number) {
  const r = ranked(log, log.accountId, since);
  return {
    ...r,
    fields: {
      accountId: log.accountId as L["accountId"],
      name: max(accountName),
      requests: r.requests,
      spend: r.spend,
    },
  };
}

/** Requests, tokens and spend per model. */
export function modelSpend<L extends UsageLog>(log: L, since: number) {
  const r = ranked(log, log.model, since);
  const fields = {
    model: log.model as L["model"],
    requests: r.requests,
    input: total(log.inputTokens),
    output: total(log.outputTokens),
    spend: r.spend,
  };
  return { ...r, fields };
}

/** Requests and spend per key, with its name when it still exists. */
export function keySpend<L extends UsageLog>(log: L, keyName: Column, since: number) {
  const r = ranked(log, log.keyId, since);
  // One value per key (a key belongs to one account); max() says so in any dialect.
  const fields = {
    keyId: log.keyId as L["keyId"],
    name: max(keyName),
    accountId: max(log.accountId),
    requests: r.requests,
    spend: r.spend,
  };
  return { ...r, fields };
}

/** A day's requests, tokens and spend (the day column is the dialect's). */
export const dailySums = (log: UsageLog) => ({
  requests: count(),
  input: total(log.inputTokens),
  output: total(log.outputTokens),
  spend: total(log.cost),
});
