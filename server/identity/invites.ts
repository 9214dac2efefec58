import type { InviteRow } from "../../db/queries/identity.ts";
import type { Store } from "../../db/store.ts";
import { newId } from "../core/ids.ts";
import { notFound } from "../errors.ts";
import type { Role } from "./users.ts";

export type Invite = InviteRow;

/** How long an invitation stays open. */
export const INVITE_TTL_MS = 14 * 86_400_000;

/**
 * Invitations by e-mail address: to an account with a role, or (no account) to sign up at
 * all while sign-up is by invitation. They are taken when the address completes a sign-in.
 */
export class Invites {
  constructor(private readonly store: Pick<Store, "identity">) {}

  async create(
    input: { email: string; accountId: string | null; role: Role; invitedBy: string },
    now: number,
  ): Promise<Invite> {
    const row: InviteRow = {
      id: newId("inv"),
      email: input.email,
      accountId: input.accountId,
      role: input.role,
      invitedBy: input.invitedBy,
      createdAt: now,
      expiresAt: now + INVITE_TTL_MS,
      acceptedAt: null,
      revokedAt: null,
    };
    await this.store.identity.insertInvite(row);
    return row;
  }

  pending(email: string, now: number): Promise<Invite[]> {
    return this.store.identity.pendingInvites(email, now);
  }

  /** Takes an open invite: true for one caller only (two sign-ins of one address at once), false when revoked meanwhile. */
  accept(id: string, now: number): Promise<boolean> {
    return this.store.identity.acceptInvite(id, now);
  }

  list(accountId: string | null, limit = 200): Promise<Invite[]> {
    return this.store.identity.invites(accountId, limit);
  }

  get(id: string): Promise<Invite | undefined> {
    return this.store.identity.invite(id);
  }

  async revoke(id: string, now: number): Promise<Invite> {
    const inv = await this.get(id);
    if (!inv) throw notFound(`No invite with id '${id}'.`, "invite_not_found");
    if (inv.revokedAt === null && inv.acceptedAt === null) await this.store.identity.revokeInvite(id, now);
    return { ...inv, revokedAt: inv.revokedAt ?? now };
  }
}
