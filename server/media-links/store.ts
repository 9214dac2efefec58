import type { Store } from "../../db/store.ts";
import { GatewayError, notFound } from "../errors.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { randomToken } from "../secrets/tokens.ts";
import type { Write } from "../store/writes.ts";

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
  constructor(
    private readonly rows: Store["media"],
    private readonly cipher: Cipher,
  ) {}

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
    const write: Write = {
      op: "generated_media.insert",
      row: {
        id,
        kind: input.kind,
        accountId: input.accountId,
        keyId: input.keyId,
        requestId: input.requestId,
        providerId: input.providerId,
        upstreamRefEnc: enc,
        mimeType: input.mimeType,
        meta: input.meta?.({ id, expiresAt }) ?? {},
        createdAt: input.now,
        expiresAt,
      },
    };
    return { id, expiresAt, write };
  }

  /**
   * The live link, or 404 (unknown, other kind) / 410 (expired). Read through the Store: a
   * download is not a billed request, so the await it adds on SQLite is off the hot path.
   */
  async resolve(kind: MediaKind, id: string, now: number): Promise<MediaLink> {
    const row = await this.rows.find(id);
    if (!row || row.kind !== kind)
      throw notFound(`No generated ${kind} with id '${id}'.`, `${kind}_not_found`);
    if (row.expiresAt <= now) throw contentExpired(kind);
    return {
      id,
      kind,
      accountId: row.accountId,
      keyId: row.keyId,
      providerId: row.providerId,
      upstreamRef: this.cipher.decrypt(row.upstreamRefEnc),
      mimeType: row.mimeType ?? null,
      meta: row.meta,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }

  sweep(now: number): Promise<void> {
    return this.rows.purge(now - KEEP_EXPIRED_MS);
  }
}
