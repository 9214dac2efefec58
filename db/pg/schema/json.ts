import { customType } from "drizzle-orm/pg-core";

/**
 * A jsonb column that Bun's PostgreSQL client stores as JSON, not as a JSON string.
 * Drizzle's own `jsonb()` stringifies the value and Bun.SQL serializes that string again,
 * so `["a"]` would be stored as the jsonb string "[\"a\"]" (drizzle-orm#4942, bun#28819);
 * here the value goes to Bun as it is (Bun serializes objects and arrays itself) and comes
 * back already parsed. Our JSON columns hold objects and arrays only.
 */
export const jsonb = <T>(name: string) =>
  customType<{ data: T; driverData: unknown }>({
    dataType: () => "jsonb",
    toDriver: (value) => value,
    fromDriver: (value) => (typeof value === "string" ? JSON.parse(value) : value) as T,
  })(name);
