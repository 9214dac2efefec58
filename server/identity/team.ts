import { notFound } from "../errors.ts";
import type { Identity } from "./identity.ts";
import type { Invite } from "./invites.ts";
import { inviteMail } from "./mail-text.ts";
import type { Membership, Role } from "./users.ts";
import { iso } from "./views.ts";

/**
 * Team operations shared by account owners (/auth/accounts/...) and admins
 * (/admin/api/...): invite by address, change a role, remove a member.
 */
export function memberView(m: Membership) {
  return { user_id: m.userId, email: m.email, role: m.role, joined_at: iso(m.createdAt) };
}

export function inviteView(i: Invite) {
  return {
    id: i.id,
    email: i.email,
    account_id: i.accountId,
    role: i.role,
    invited_by: i.invitedBy,
    created_at: iso(i.createdAt),
    expires_at: iso(i.expiresAt),
    accepted_at: iso(i.acceptedAt),
    revoked_at: iso(i.revokedAt),
  };
}

/**
 * Invites an address to an account (or, with no account, to sign up at all). A person who
 * is already a user joins the account at once; anyone else joins when they first sign in.
 * Either way a message tells them.
 */
export async function invite(
  id: Identity,
  input: { email: string; accountId: string | null; role: Role; invitedBy: string },
  now: number,
): Promise<{ invite: Invite; joined: boolean }> {
  const acct = input.accountId === null ? null : id.gw.book.get(input.accountId);
  if (input.accountId !== null && !acct)
    throw notFound(`No account with id '${input.accountId}'.`, "account_not_found");
  const inv = await id.invites.create(input, now);
  const user = await id.users.byEmail(input.email);
  let joined = false;
  // Taken first, as a sign-in takes it: one that signed in meanwhile has joined by it already.
  if (user && input.accountId !== null && (await id.invites.accept(inv.id, now))) {
    await id.users.addMember(input.accountId, user, input.role, now);
    joined = true;
  }
  await id.mailer.post(inviteMail(input.email, acct?.name ?? null, id.siteName), now).stored;
  return { invite: { ...inv, acceptedAt: joined ? now : null }, joined };
}

/** An invite of this account (404 for another account's: ids are not a way to probe). */
export async function accountInvite(id: Identity, accountId: string, inviteId: string): Promise<Invite> {
  const inv = await id.invites.get(inviteId);
  if (!inv || inv.accountId !== accountId)
    throw notFound(`No invite with id '${inviteId}'.`, "invite_not_found");
  return inv;
}
