import { and, type Column, gte, isNotNull, isNull, ne, or, type SQL } from "drizzle-orm";

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
