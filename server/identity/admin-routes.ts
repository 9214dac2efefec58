import { Elysia } from "elysia";
import { z } from "zod";
import { SIGNUP_MODES } from "../config/identity.ts";
import { badRequest, GatewayError, notFound } from "../errors.ts";
import { EmailInput } from "./email.ts";
import type { Identity } from "./identity.ts";
import { invite, inviteView, memberView } from "./team.ts";
import type { User } from "./users.ts";
import { iso, Page } from "./views.ts";

const tags = ["Admin: users"];
const Role = z.enum(["owner", "member"]);
const SignupBody = z.object({ mode: z.enum(SIGNUP_MODES).nullable() });
const CreateUser = z.object({
  email: EmailInput,
  name: z.string().trim().max(200).optional(),
  account_id: z.string().min(1).optional(),
  role: Role.default("member"),
});
const PatchUser = z.object({
  name: z.string().trim().max(200).nullable().optional(),
  status: z.enum(["active", "disabled"]).optional(),
});
const InviteBody = z.object({
  email: EmailInput,
  account_id: z.string().min(1).nullable().default(null),
  role: Role.default("member"),
});
const MemberBody = z.object({ email: EmailInput, role: Role.default("member") });
const LinkBody = z.object({ subject: z.string().min(1).max(200), account_id: z.string().min(1) });
const InviteQuery = z.object({ account_id: z.string().optional() });

/**
 * The identity layer for operators, under /admin/api (behind the admin's credentials):
 * the sign-up mode, users and their accounts, invitations, members of an account, the
 * mail outbox (where codes wait when no SMTP server is configured) and the subjects of the
 * external token issuer. The panel's screens for these can come later.
 */
export const identityAdmin = (id: Identity) => {
  const db = id.gw.store.identity;
  const user = async (userId: string): Promise<User> => {
    const u = await id.users.get(userId);
    if (!u) throw notFound(`No user with id '${userId}'.`, "user_not_found");
    return u;
  };
  const userView = async (u: User) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    created_at: iso(u.createdAt),
    last_login_at: iso(u.lastLoginAt),
    accounts: (await id.users.membershipsOf(u.id)).map((m) => ({
      id: m.accountId,
      name: m.accountName,
      role: m.role,
    })),
  });
  const settings = async () => {
    const signup = await id.signup.current();
    return {
      signup_mode: signup.mode,
      signup_mode_source: signup.source,
      mail: { transport: id.mailer.kind, from: id.mailer.from },
      access_token_minutes: Math.round(id.tokens.ttlMs / 60_000),
      refresh_token_days: Math.round(id.sessions.ttlMs.refresh / 86_400_000),
      external_jwt: id.external
        ? {
            issuer: id.external.decl.issuer,
            audience: id.external.decl.audience,
            verification: id.external.decl.secret !== undefined ? "hs256_secret" : "jwks",
            jwks_url: id.external.decl.jwks_url ?? null,
            account_claim: id.external.decl.account_claim,
            provision: id.external.decl.provision,
          }
        : null,
    };
  };
  return new Elysia({ name: "admin-identity" })
    .get("/identity", settings, { detail: { summary: "Sign-up mode, mail transport, token settings", tags } })
    .put(
      "/identity/signup",
      async ({ body }) => {
        await id.signup.set(body.mode);
        return settings();
      },
      { body: SignupBody, detail: { summary: "Set the sign-up mode (null: back to tollgate.yaml's)", tags } },
    )
    .get(
      "/users",
      async ({ query }) => {
        const page = await db.users(query.limit, query.offset);
        return { data: await Promise.all(page.rows.map(userView)), total: page.total };
      },
      { query: Page, detail: { summary: "Users, newest first, with their accounts", tags } },
    )
    .post(
      "/users",
      async ({ body, set }) => {
        const now = Date.now();
        if (await id.users.byEmail(body.email))
          throw new GatewayError("conflict", `A user with the address ${body.email} exists.`, {
            code: "user_exists",
          });
        if (body.account_id && !id.gw.book.get(body.account_id))
          throw notFound(`No account with id '${body.account_id}'.`, "account_not_found");
        const u = await id.users.create(body.email, body.name ?? null, now);
        if (body.account_id) await id.users.addMember(body.account_id, u, body.role, now);
        else await id.users.personalAccount(u, now);
        set.status = 201;
        return userView(u);
      },
      {
        body: CreateUser,
        detail: { summary: "Create a user (whatever the sign-up mode), in an account or their own", tags },
      },
    )
    .get("/users/:id", async ({ params }) => userView(await user(params.id)), {
      detail: { summary: "One user", tags },
    })
    .patch(
      "/users/:id",
      async ({ params, body }) => {
        await user(params.id);
        const u = await id.users.update(params.id, body);
        if (body.status === "disabled") {
          await id.sessions.revokeUser(u.id, Date.now());
          await id.oauth.revokeAll({ userId: u.id }, Date.now());
        }
        return userView(u);
      },
      {
        body: PatchUser,
        detail: { summary: "Rename, disable (ends every sign-in) or re-enable a user", tags },
      },
    )
    .delete(
      "/users/:id/sessions",
      async ({ params }) => ({
        revoked: await id.sessions.revokeUser((await user(params.id)).id, Date.now()),
      }),
      { detail: { summary: "Sign a user out everywhere", tags } },
    )
    .get(
      "/invites",
      async ({ query }) => ({ data: (await id.invites.list(query.account_id ?? null)).map(inviteView) }),
      {
        query: InviteQuery,
        detail: { summary: "Invitations, newest first (of one account with account_id)", tags },
      },
    )
    .post(
      "/invites",
      async ({ body, set }) => {
        const r = await invite(
          id,
          { email: body.email, accountId: body.account_id, role: body.role, invitedBy: "admin" },
          Date.now(),
        );
        set.status = 201;
        return { ...inviteView(r.invite), joined: r.joined };
      },
      { body: InviteBody, detail: { summary: "Invite an address, to an account or to sign up", tags } },
    )
    .delete(
      "/invites/:id",
      async ({ params }) => inviteView(await id.invites.revoke(params.id, Date.now())),
      {
        detail: { summary: "Withdraw an invitation", tags },
      },
    )
    .get(
      "/accounts/:id/members",
      async ({ params }) => {
        if (!id.gw.book.get(params.id))
          throw notFound(`No account with id '${params.id}'.`, "account_not_found");
        return { data: (await id.users.membersOf(params.id)).map(memberView) };
      },
      { detail: { summary: "Members of an account", tags } },
    )
    .post(
      "/accounts/:id/members",
      async ({ params, body, set }) => {
        const u = await id.users.byEmail(body.email);
        if (!u)
          throw badRequest(
            `No user with the address ${body.email}: invite it instead.`,
            "email",
            "user_not_found",
          );
        await id.users.addMember(params.id, u, body.role, Date.now());
        set.status = 201;
        return memberView((await id.users.membersOf(params.id)).find((m) => m.userId === u.id)!);
      },
      { body: MemberBody, detail: { summary: "Add a user to an account, or change their role", tags } },
    )
    .delete(
      "/accounts/:id/members/:user",
      async ({ params }) => {
        await id.users.removeMember(params.id, params.user, { force: true });
        await id.oauth.revokeAll({ userId: params.user, accountId: params.id }, Date.now());
        return { removed: true };
      },
      { detail: { summary: "Remove a member (their key on the account is revoked)", tags } },
    )
    .get(
      "/outbox",
      async ({ query }) => {
        const page = await db.mail(query.limit, query.offset);
        return {
          transport: id.mailer.kind,
          data: page.rows.map((m) => ({
            id: m.id,
            to: m.to,
            subject: m.subject,
            text: m.text,
            purpose: m.purpose,
            transport: m.transport,
            status: m.status,
            error: m.error,
            created_at: iso(m.createdAt),
            sent_at: iso(m.sentAt),
          })),
          total: page.total,
        };
      },
      { query: Page, detail: { summary: "Mail sent or kept in the outbox, newest first", tags } },
    )
    .get(
      "/external-identities",
      async () => ({
        data: (await db.externalIdentities()).map((e) => ({
          id: e.id,
          issuer: e.issuer,
          subject: e.subject,
          account_id: e.accountId,
          key_id: e.keyId,
          created_at: iso(e.createdAt),
        })),
      }),
      { detail: { summary: "Subjects of the external token issuer and their accounts", tags } },
    )
    .post(
      "/external-identities",
      async ({ body, set }) => {
        if (!id.external)
          throw badRequest(
            "No external token issuer is configured (identity.external_jwt).",
            null,
            "no_external_issuer",
          );
        if (!id.gw.book.get(body.account_id))
          throw notFound(`No account with id '${body.account_id}'.`, "account_not_found");
        if (await db.externalIdentity(id.external.issuer, body.subject))
          throw new GatewayError("conflict", "This subject is linked already: unlink it first.", {
            code: "subject_linked",
          });
        const link = await id.external.link(body.subject, body.account_id, Date.now());
        set.status = 201;
        return { id: link.id, subject: body.subject, account_id: body.account_id, key_id: link.keyId };
      },
      { body: LinkBody, detail: { summary: "Link an external subject to an account", tags } },
    )
    .delete(
      "/external-identities/:id",
      async ({ params }) => {
        const row = await db.deleteExternalIdentity(params.id);
        if (!row) throw notFound(`No external identity with id '${params.id}'.`, "not_found");
        await id.gw.keys.update(row.keyId, { status: "revoked" });
        return { id: row.id, deleted: true };
      },
      { detail: { summary: "Unlink a subject (its key is revoked)", tags } },
    );
};
