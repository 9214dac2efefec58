import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { settings } from "../../db/schema/index.ts";
import { GatewayError } from "../errors.ts";
import { randomToken, sha256, tokenMatchesHash } from "../secrets/tokens.ts";

const TOKEN_SETTING = "admin_token_hash";

/**
 * The admin token. TOLLGATE_ADMIN_TOKEN wins when set; otherwise the hash stored on
 * first start is used. Only the hash is ever stored; comparison is constant-time.
 */
export class AdminAuth {
  private constructor(private readonly hash: string) {}

  /** Returns the auth and, on a first start without TOLLGATE_ADMIN_TOKEN, the generated token (print it once). */
  static init(db: Db, envToken: string | undefined): { auth: AdminAuth; generated: string | null } {
    if (envToken) return { auth: new AdminAuth(sha256(envToken)), generated: null };
    const row = db.select().from(settings).where(eq(settings.key, TOKEN_SETTING)).get();
    if (row) return { auth: new AdminAuth(row.value), generated: null };
    const token = `tga_${randomToken(24)}`;
    db.insert(settings)
      .values({ key: TOKEN_SETTING, value: sha256(token) })
      .run();
    return { auth: new AdminAuth(sha256(token)), generated: token };
  }

  verify(token: string): boolean {
    return tokenMatchesHash(token, this.hash);
  }

  /** Throws 401 unless the request carries the admin token as a bearer. */
  require(request: Request): void {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
    if (!m?.[1] || !this.verify(m[1])) {
      throw new GatewayError(
        "authentication",
        "Admin authentication required: send Authorization: Bearer <admin token>.",
        {
          code: "invalid_admin_token",
        },
      );
    }
  }
}
