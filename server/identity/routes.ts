import { Elysia } from "elysia";
import { z } from "zod";
import { checkOrigin } from "../admin-session/cookie.ts";
import { amountToNumber } from "../billing/money.ts";
import type { ClientAddresses, PeerSource } from "../http/client-address.ts";
import { authParse } from "./body.ts";
import { callerOf, cookieUser, personOf, requireUser, userCookie } from "./caller.ts";
import { EmailInput } from "./email.ts";
import type { Identity } from "./identity.ts";
import { meView } from "./me.ts";
import type { SessionMeta } from "./sessions.ts";
import { SignIn } from "./sign-in.ts";

const tags = ["Auth"];

const SendCode = z.object({ email: EmailInput });
const VerifyEmail = z.object({ email: EmailInput, code: z.string().max(32) });
const Complete = z.object({
  registration_token: z.string().min(1).max(200),
  name: z.string().trim().max(200).nullish(),
});
const Refresh = z.object({
  refresh_token: z.string().min(1).max(200),
  account_id: z.string().max(100).optional(),
});
const Logout = z.object({ refresh_token: z.string().max(200).optional() }).optional();

/**
 * `/auth/*`: Iskra's e-mail code sign-up and `/auth/me`, with refresh, logout, the
 * caller's accounts and a browser session. Requests are per client address limited where
 * codes are concerned (sign-in.ts); everything answers in the OpenAI error shape.
 */
export const authRoutes = (id: Identity, addresses: ClientAddresses) => {
  const signIn = new SignIn(id);
  const meta = (request: Request, server: PeerSource): SessionMeta => ({
    clientAddress: addresses.of(request, server),
    userAgent: request.headers.get("user-agent"),
  });
  return new Elysia({ name: "auth" })
    .onParse(authParse)
    .post(
      "/auth/send-code",
      async ({ body, request, server }) => {
        await signIn.sendCode(body.email, addresses.of(request, server), Date.now());
        return {
          message: "If this address can sign in, a code is on its way. It works once, for a few minutes.",
          expires_in: Math.round(id.codes.settings.ttlMs / 1000),
        };
      },
      { body: SendCode, detail: { summary: "Mail a sign-in code to an address", tags } },
    )
    .post(
      "/auth/verify-email",
      ({ body, request, server }) =>
        signIn.verifyEmail(body.email, body.code, addresses.of(request, server), Date.now()),
      {
        body: VerifyEmail,
        detail: { summary: "Check the code; returns a single-use registration token", tags },
      },
    )
    .post(
      "/auth/complete-registration",
      ({ body, request, server }) =>
        signIn.complete(body.registration_token, { name: body.name }, meta(request, server), Date.now()),
      {
        body: Complete,
        detail: { summary: "Spend the registration token: access and refresh tokens", tags },
      },
    )
    .post(
      "/auth/refresh",
      ({ body, request, server }) =>
        signIn.refresh(body.refresh_token, body.account_id, meta(request, server), Date.now()),
      { body: Refresh, detail: { summary: "New tokens for a refresh token (it is rotated)", tags } },
    )
    .post(
      "/auth/logout",
      async ({ body, request }) => {
        const now = Date.now();
        let revoked = false;
        if (body?.refresh_token) revoked = await id.sessions.revokeByToken(body.refresh_token, now);
        if (request.headers.get("authorization")) {
          const u = await requireUser(id, request);
          const session = await id.sessions.live(u.sessionId, now);
          if (session) {
            await id.sessions.revoke(session, now);
            revoked = true;
          }
        }
        return { revoked };
      },
      { body: Logout, detail: { summary: "End the sign-in (its access and refresh tokens)", tags } },
    )
    .get(
      "/auth/me",
      async ({ request }) => meView(id.gw, await callerOf(id, request, { cookie: true }), Date.now()),
      {
        detail: { summary: "Who is calling, the plan, and today's usage against its limit", tags },
      },
    )
    .get(
      "/auth/accounts",
      async ({ request, server }) => {
        // A read: the portal's cookie does too.
        const user = await personOf(id, request, addresses.viaTrustedProxy(request, server));
        return {
          data: (await id.users.membershipsOf(user.id)).map((m) => {
            const acct = id.gw.book.get(m.accountId);
            return {
              id: m.accountId,
              name: m.accountName,
              role: m.role,
              plan: id.gw.plans.peek(m.accountId)?.id ?? null,
              balance: acct ? amountToNumber(acct.balance) : null,
              currency: id.gw.settings.currency,
            };
          }),
        };
      },
      { detail: { summary: "The accounts the signed-in user belongs to, with roles", tags } },
    )
    .post(
      "/auth/session",
      async ({ request, server, set }) => {
        const u = await requireUser(id, request);
        const { token } = await id.sessions.open(
          { userId: u.user.id, accountId: u.accountId, kind: "browser", ...meta(request, server) },
          Date.now(),
        );
        set.headers["set-cookie"] = userCookie(token, request, id.sessions.ttlMs.browser);
        return { session: "cookie", expires_in: Math.round(id.sessions.ttlMs.browser / 1000) };
      },
      { detail: { summary: "Open a browser session (cookie) for the signed-in user", tags } },
    )
    .delete(
      "/auth/session",
      async ({ request, server, set }) => {
        // A cookie-authenticated write: only from our own pages.
        checkOrigin(request, addresses.viaTrustedProxy(request, server));
        const c = await cookieUser(id, request);
        if (c) await id.sessions.revoke(c.session, Date.now());
        set.headers["set-cookie"] = userCookie("", request, 0);
        return { revoked: c !== null };
      },
      { detail: { summary: "End the browser session", tags } },
    );
};
