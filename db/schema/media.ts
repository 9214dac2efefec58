import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Generated images and videos served through the gateway's own links
 * (/v1/images/<id>/content, /v1/videos/<id>/content) until they expire: the upstream's
 * URL or job id stays here, encrypted, because it may carry the provider's credentials.
 * The id is a random capability token: whoever has the link may fetch the content.
 */
export const generatedMedia = sqliteTable(
  "generated_media",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["image", "video"] }).notNull(),
    accountId: text("account_id").notNull(),
    keyId: text("key_id").notNull(),
    requestId: text("request_id").notNull(),
    providerId: text("provider_id").notNull(),
    /** AES-GCM encrypted upstream reference (a URL, or a video job id). */
    upstreamRefEnc: text("upstream_ref_enc").notNull(),
    mimeType: text("mime_type"),
    /** What GET /v1/videos/<id> shows (the OpenAI video object), JSON. */
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("generated_media_expiry").on(t.expiresAt)],
);
