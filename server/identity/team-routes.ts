import { Elysia } from "elysia";
import { z } from "zod";
import { forbidden, notFound } from "../errors.ts";
import { authParse } from "./body.ts";
import { personOf, requireUser } from "./caller.ts";
import { EmailInput } from "./email.ts";
import type { Identity } from "./identity.ts";
import { accountInvite, invite, inviteView, memberView } from "./team.ts";

const tags = ["Auth: teams"];
const Role = z.enum(["owner", "member"]);
const InviteBody = z.object({ email: EmailInput, role: Role.default("member") });
const RoleBody = z.object({ role: Role });

/**
 * An account's members and invitations, for its own people: every member sees the
 * members; owners invite, change roles and remove; anyone may leave. Only access tokens
 * of signed-in users write here (Bearer, never a cookie: no cross-site writes; the
 * portal's cookie may read the members),
 * and an account the caller is not a member of is "not found", like one that does not exist.
 */
export const teamRoutes = (id: Identity) => {
  const member = async (request: Request, accountId: string, need: "member" | "owner") => {
    const u = await requireUser(id, request);
    return { ...u, ...roleOn(u.user.id, accountId, need) };
  };
  const roleOn = (userId: string, accountId: string, need: "member" | "owner") => {
    const m = id.users.membership(accountId, userId);
    if (!m) throw notFound(`No account with id '${accountId}'.`, "account_not_found");
    if (need === "owner" && m.role !== "owner")
      throw forbidden("Only an owner of this account can do that.", "owner_required");
    return { accountId, role: m.role };
  };
  return new Elysia({ name: "auth-teams", prefix: "/auth/accounts/:id" })
    .onParse(authParse)
    .get(
      "/members",
      async ({ request, params }) => {
        // A read: the portal's session cookie does too (a GET needs no Origin check).
        const m = roleOn((await personOf(id, request, false)).id, params.id, "member");
        return { data: (await id.users.membersOf(m.accountId)).map(memberView) };
      },
      { detail: { summary: "Members of one of your accounts", tags } },
    )
    .post(
      "/invites",
      async ({ request, params, body, set }) => {
        const m = await member(request, params.id, "owner");
        const r = await invite(
          id,
          { email: body.email, accountId: m.accountId, role: body.role, invitedBy: m.user.id },
          Date.now(),
        );
        set.status = 201;
        return { ...inviteView(r.invite), joined: r.joined };
      },
      { body: InviteBody, detail: { summary: "Invite an address to the account (owners)", tags } },
    )
    .get(
      "/invites",
      async ({ request, params }) => {
        const m = await member(request, params.id, "owner");
        return { data: (await id.invites.list(m.accountId)).map(inviteView) };
      },
      { detail: { summary: "The account's invitations (owners)", tags } },
    )
    .delete(
      "/invites/:invite",
      async ({ request, params }) => {
        const m = await member(request, params.id, "owner");
        const inv = await accountInvite(id, m.accountId, params.invite);
        return inviteView(await id.invites.revoke(inv.id, Date.now()));
      },
      { detail: { summary: "Withdraw an invitation (owners)", tags } },
    )
    .patch(
      "/members/:user",
      async ({ request, params, body }) => {
        const m = await member(request, params.id, "owner");
        const userId = params.user;
        const target = await id.users.get(userId);
        if (!target || !id.users.membership(m.accountId, userId))
          throw notFound("No such member of this account.", "member_not_found");
        await id.users.addMember(m.accountId, target, body.role, Date.now());
        return memberView((await id.users.membersOf(m.accountId)).find((x) => x.userId === userId)!);
      },
      { body: RoleBody, detail: { summary: "Change a member's role (owners)", tags } },
    )
    .delete(
      "/members/:user",
      async ({ request, params }) => {
        const userId = params.user;
        const self = (await requireUser(id, request)).user.id === userId;
        const m = await member(request, params.id, self ? "member" : "owner");
        // Their access tokens for this account stop working at once (the membership is checked on each call).
        await id.users.removeMember(m.accountId, userId);
        await id.oauth.revokeAll({ userId, accountId: m.accountId }, Date.now());
        return { removed: true };
      },
      { detail: { summary: "Remove a member (owners), or leave the account (yourself)", tags } },
    );
};
