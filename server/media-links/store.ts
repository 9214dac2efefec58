import type { Database, Statement } from "bun:sqlite";
import { GatewayError, notFound } from "../errors.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { randomToken } from "../secrets/tokens.ts";
import type { Write } from "../store/writes.ts";

const INSERT = `INSERT INTO generated_media (id, kind, account_id, key_id, request_id, provider_id, upstream_ref_enc, mime_type, meta, created_at, expires_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export type MediaKind = "image" | "video";

export type MediaLink = {
  id: string;
  kind: MediaKind;
  accountId: string;
  keyId: string;
  providerId: string;
  /** Decrypted: the upstream URL or job id. Never sent to a client. */
  upstreamRef: string;
  mimeType: string | null;
  meta: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
};

/** Expired links answer 410 for this long, then the rows go (and the links answer 404). */
const KEEP_EXPIRED_MS = 7 * 86_400_000;

export const contentExpired = (kind: MediaKind) =>
  new GatewayError(
    "gone",
    `This generated ${kind}'s link has expired. Generate it again, or download generated content soon after it is made.`,
    { code: "content_expired" },
  );

/**
 * Links to generated media served through the gateway. The id is 144 random bits: the
 * link itself is the capability (like a signed URL), so a download needs no API key. The
 * upstream reference stays encrypted at rest because a provider's URL may carry its
 * credentials (a signature, a SAS token).
 */
export class MediaLinks {
  private readonly select: Statement;
  private readonly remove: Statement;

  constructor(
    sqlite: Database,
    private readonly cipher: Cipher,
  ) {
    this.select = sqlite.prepare("SELECT * FROM generated_media WHERE id = ?");
    this.remove = sqlite.prepare("DELETE FROM generated_media WHERE expires_at < ?");
  }

  /** A new link id and the write that stores it (run it in a group commit before answering). */
  create(input: {
    kind: MediaKind;
    accountId: string;
    keyId: string;
    requestId: string;
    providerId: string;
    upstreamRef: string;
    mimeType: string | null;
    /** What the link's metadata route shows, built once the id and expiry are known. */
    meta?: (link: { id: string; expiresAt: number }) => Record<string, unknown>;
    now: number;
    ttlMs: number;
  }): { id: string; expiresAt: number; write: Write } {
    const id = `${input.kind === "video" ? "video" : "img"}_${randomToken(18)}`;
    const expiresAt = input.now + input.ttlMs;
    const enc = this.cipher.encrypt(input.upstreamRef);
    const meta = JSON.stringify(input.meta?.({ id, expiresAt }) ?? {});
    const write: Write = {
      sql: INSERT,
      params: [
        id,
        input.kind,
        input.accountId,
        input.keyId,
        input.requestId,
        input.providerId,
        enc,
        input.mimeType,
        meta,
        input.now,
        expiresAt,
      ],
    };
    return { id, expiresAt, write };
  }

  /** The live link, or 404 (unknown, other kind) / 410 (expired). */
  resolve(kind: MediaKind, id: string, now: number): MediaLink {
    const row = this.select.get(id) as Record<string, unknown> | null;
    if (!row || row.kind !== kind)
      throw notFound(`No generated ${kind} with id '${id}'.`, `${kind}_not_found`);
    if ((row.expires_at as number) <= now) throw contentExpired(kind);
    return {
      id,
      kind,
      accountId: row.account_id as string,
      keyId: row.key_id as string,
      providerId: row.provider_id as string,
      upstreamRef: this.cipher.decrypt(row.upstream_ref_enc as string),
      mimeType: (row.mime_type as string | null) ?? null,
      meta: JSON.parse(row.meta as string) as Record<string, unknown>,
      createdAt: row.created_at as number,
      expiresAt: row.expires_at as number,
    };
  }

  sweep(now: number): void {
    this.remove.run(now - KEEP_EXPIRED_MS);
  }
}
