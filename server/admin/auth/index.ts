import { Elysia } from "elysia";
import {
  checkOrigin,
  clearedSessionCookie,
  readSessionCookie,
  sessionCookie,
} from "../../admin-session/cookie.ts";
import { SignIn, type SignInMethods } from "./model.ts";
import { type AuthDeps, authService as svc } from "./service.ts";

const tags = ["Admin: sign-in"];

/** Sign-in routes: open to everyone (they are how one gets in), so mounted before the admin guard. */
export const authAdmin = (d: AuthDeps) =>
  new Elysia({ name: "admin-auth" })
    .post(
      "/auth/login",
      async ({ body, request, server, set }) => {
        checkOrigin(request, d.addresses.viaTrustedProxy(request, server));
        const client = d.addresses.of(request, server);
        const { token, view } = await svc.signIn(d, body, client);
        set.headers["set-cookie"] = sessionCookie(token, request);
        set.headers["cache-control"] = "no-store";
        return view;
      },
      {
        body: SignIn,
        detail: {
          summary: "Sign in (username + password, or the admin token); sets an HttpOnly session cookie",
          tags,
        },
      },
    )
    .post(
      "/auth/logout",
      async ({ request, server, set }) => {
        checkOrigin(request, d.addresses.viaTrustedProxy(request, server));
        await svc.signOut(d.auth.sessions, readSessionCookie(request));
        set.headers["set-cookie"] = clearedSessionCookie(request);
        set.status = 204;
      },
      { detail: { summary: "Sign out: ends the session and clears the cookie", tags } },
    )
    .get(
      "/auth/methods",
      async (): Promise<SignInMethods> => ({ password: (await d.users.count()) > 0, token: true }),
      {
        detail: {
          summary:
            "Which sign-in methods work (open): a password once an admin user exists, else only the admin token",
          tags,
        },
      },
    )
    .get(
      "/auth/me",
      async ({ request, server }) =>
        svc.me(await d.auth.require(request, d.addresses.viaTrustedProxy(request, server))),
      {
        detail: { summary: "Who is signed in, and until when", tags },
      },
    );
