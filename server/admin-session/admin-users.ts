import type { AdminUserRow } from "../../db/queries/admins.ts";
import type { Store } from "../../db/store.ts";
import { GatewayError, notFound } from "../errors.ts";
import { randomToken } from "../secrets/tokens.ts";

export type AdminUserView = {
  id: string;
  username: string;
  created_at: string;
  last_login_at: string | null;
};

const USERNAME = /^[a-zA-Z0-9._@-]{1,64}$/;
export const MIN_PASSWORD = 10;

/**
 * A hash of a password nobody knows: a sign-in for an unknown username verifies against
 * it, so a wrong username takes as long as a wrong password (no username probing by timing).
 */
let decoyHash: Promise<string> | null = null;
const decoy = () => {
  decoyHash ??= Bun.password.hash(randomToken(16));
  return decoyHash;
};

const view = (r: AdminUserRow): AdminUserView => ({
  id: r.id,
  username: r.username,
  created_at: new Date(r.createdAt).toISOString(),
  last_login_at: r.lastLoginAt === null ? null : new Date(r.lastLoginAt).toISOString(),
});

/** Admin users: create, list, delete, check a password. Used by the sign-in route and the CLI. */
export class AdminUsers {
  constructor(private readonly rows: Store["admins"]) {}

  count(): Promise<number> {
    return this.rows.count();
  }

  async list(): Promise<AdminUserView[]> {
    return (await this.rows.list()).map(view);
  }

  async create(username: string, password: string, now = Date.now()): Promise<AdminUserView> {
    if (!USERNAME.test(username))
      throw new GatewayError(
        "invalid_request",
        "The username must be 1 to 64 letters, digits, '.', '_', '@' or '-'.",
        { code: "invalid_username", param: "username" },
      );
    if (password.length < MIN_PASSWORD)
      throw new GatewayError(
        "invalid_request",
        `The password must have at least ${MIN_PASSWORD} characters.`,
        {
          code: "weak_password",
          param: "password",
        },
      );
    if (await this.rows.named(username))
      throw new GatewayError("conflict", `An admin user named '${username}' already exists.`, {
        code: "admin_user_exists",
        param: "username",
      });
    const row = {
      id: `adm_${randomToken(9)}`,
      username,
      passwordHash: await Bun.password.hash(password),
      createdAt: now,
      lastLoginAt: null,
    };
    await this.rows.insert(row);
    return view(row);
  }

  /** Deletes by id or username; their sessions go with them (ON DELETE CASCADE). */
  async delete(idOrUsername: string): Promise<AdminUserView> {
    const row = (await this.rows.byId(idOrUsername)) ?? (await this.rows.named(idOrUsername));
    if (!row) throw notFound(`No admin user '${idOrUsername}'.`, "admin_user_not_found");
    await this.rows.delete(row.id);
    return view(row);
  }

  /** The user when the password matches, else null. Always spends one hash verification. */
  async verify(username: string, password: string, now = Date.now()): Promise<AdminUserView | null> {
    const row = await this.rows.named(username);
    const ok = await Bun.password.verify(password, row?.passwordHash ?? (await decoy()));
    if (!row || !ok) return null;
    await this.rows.recordSignIn(row.id, now);
    return view({ ...row, lastLoginAt: now });
  }
}
