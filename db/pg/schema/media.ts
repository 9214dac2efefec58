import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { jsonb } from "./json.ts";

/** PostgreSQL twin of db/schema/media.ts. */
export const generatedMedia = pgTable(
  "generated_media",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["image", "video"] }).notNull(),
    accountId: text("account_id").notNull(),
    keyId: text("key_id").notNull(),
    requestId: text("request_id").notNull(),
    providerId: text("provider_id").notNull(),
    upstreamRefEnc: text("upstream_ref_enc").notNull(),
    mimeType: text("mime_type"),
    meta: jsonb<Record<string, unknown>>("meta").notNull().default({}),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("generated_media_expiry").on(t.expiresAt)],
);
