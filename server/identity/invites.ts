import type { Db } from "../../db/client.ts";
import {
  findInvite,
  type InviteRow,
  insertInvite,
  listInvites,
  pendingInvites,
  updateInvite,
} from "../../db/queries/identity.ts";
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
  constructor(private readonly db: Db) {}

  create(
    input: { email: string; accountId: string | null; role: Role; invitedBy: string },
    now: number,
  ): Invite {
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
    insertInvite(this.db, row);
    return row;
  }

  pending(email: string, now: number): Invite[] {
    return pendingInvites(this.db, email, now);
  }

  accepted(id: string, now: number): void {
    updateInvite(this.db, id, { acceptedAt: now });
  }

  list(accountId: string | null, limit = 200): Invite[] {
    return listInvites(this.db, accountId, limit);
  }

  get(id: string): Invite | undefined {
    return findInvite(this.db, id);
  }

  revoke(id: string, now: number): Invite {
    const inv = findInvite(this.db, id);
    if (!inv) throw notFound(`No invite with id '${id}'.`, "invite_not_found");
    if (inv.revokedAt === null && inv.acceptedAt === null) updateInvite(this.db, id, { revokedAt: now });
    return { ...inv, revokedAt: inv.revokedAt ?? now };
  }
}
