import {
  and,
  between,
  type Column,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";

/**
 * Conditions both dialects share, over either schema's columns (db/schema, db/pg/schema):
 * written once so the twins of db/pg/queries cannot drift from db/queries.
 */

/** Keyed request-log rows since `since` that count against rate limits (rejections by the limiter itself do not). */
export const admittedSince = (
  log: { createdAt: Column; keyId: Column; errorCode: Column },
  since: number,
): SQL | undefined =>
  and(
    gte(log.createdAt, since),
    isNotNull(log.keyId),
    or(isNull(log.errorCode), ne(log.errorCode, "rate_limit_exceeded")),
  );

export type RequestSearch = {
  keyId?: string;
  accountId?: string;
  model?: string;
  status?: number;
  outcome?: "ok" | "error" | "client_closed";
  /** "errors": every request that did not succeed; "4xx", "5xx": by status class. */
  statusClass?: "errors" | "4xx" | "5xx";
  /** A request id, or part of a key's or account's name, or a key (or its shown prefix). */
  q?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
};

type LogColumns = {
  id: Column;
  keyId: Column;
  accountId: Column;
  model: Column;
  status: Column;
  outcome: Column;
  createdAt: Column;
};

/** Where the free text finds keys and accounts; `ids` selects the matching ids of each (one subquery per table). */
export type TextMatch = {
  /** The dialect's string position: SQLite `instr`, PostgreSQL `strpos` (1-based, 0: absent). */
  position: "instr" | "strpos";
  names: { keyName: Column; keyPrefix: Column; accountName: Column };
  ids: (where: { keys: SQL; accounts: SQL }) => { keys: SQLWrapper; accounts: SQLWrapper };
};

/**
 * A request id, or part of a key's or account's name (any case), or a key whose shown
 * prefix the text starts with (a pasted key). Keys and accounts are few: the matching ones
 * first, then the log through its indexes.
 */
function textFilter(log: LogColumns, q: string, m: TextMatch): SQL {
  const pos = sql.raw(m.position);
  const has = (column: Column) => sql`${pos}(lower(${column}), ${q.toLowerCase()}) > 0`;
  const ids = m.ids({
    keys: or(has(m.names.keyName), sql`${pos}(${q}, ${m.names.keyPrefix}) = 1`)!,
    accounts: has(m.names.accountName),
  });
  return or(eq(log.id, q), inArray(log.keyId, ids.keys), inArray(log.accountId, ids.accounts))!;
}

/** The admin log's filter over either schema's request log. */
export function requestFilter(log: LogColumns, f: RequestSearch, text: TextMatch): SQL | undefined {
  const w: (SQL | undefined)[] = [];
  if (f.keyId) w.push(eq(log.keyId, f.keyId));
  if (f.accountId) w.push(eq(log.accountId, f.accountId));
  if (f.model) w.push(eq(log.model, f.model));
  if (f.status !== undefined) w.push(eq(log.status, f.status));
  if (f.outcome) w.push(eq(log.outcome, f.outcome));
  if (f.statusClass === "errors") w.push(ne(log.outcome, "ok"));
  if (f.statusClass === "4xx") w.push(between(log.status, 400, 499));
  if (f.statusClass === "5xx") w.push(between(log.status, 500, 599));
  if (f.from !== undefined) w.push(gte(log.createdAt, f.from));
  if (f.to !== undefined) w.push(lt(log.createdAt, f.to));
  const q = f.q?.trim();
  if (q) w.push(textFilter(log, q, text));
  return w.length ? and(...w) : undefined;
}

/** Where an export page of the log resumes: its last row (newest first). */
export type LogCursor = { createdAt: number; id: string };

/** The rows after `after` in the log's newest-first order (created_at, then id); null: from the newest. */
export const olderThan = (
  log: { createdAt: Column; id: Column },
  after: LogCursor | null,
): SQL | undefined =>
  after
    ? or(lt(log.createdAt, after.createdAt), and(eq(log.createdAt, after.createdAt), lt(log.id, after.id)))
    : undefined;
