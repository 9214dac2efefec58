import type { z } from "zod";
import type { AdminUsers } from "../../admin-session/admin-users.ts";
import type { Session, SessionStore } from "../../admin-session/sessions.ts";
import type { SignInLimiter } from "../../admin-session/sign-in-limiter.ts";
import { GatewayError } from "../../errors.ts";
import type { AdminAuth, AdminPrincipal } from "../../http/admin-auth.ts";
import type { ClientAddresses } from "../../http/client-address.ts";
import type { SessionView, SignIn } from "./model.ts";

export type AuthDeps = {
  auth: AdminAuth;
  users: AdminUsers;
  limiter: SignInLimiter;
  addresses: ClientAddresses;
};

const wrongCredentials = (what: string) =>
  new GatewayError("authentication", `Sign-in failed: wrong ${what}.`, { code: "invalid_credentials" });

export function sessionView(s: Session): SessionView {
  return {
    via: s.user ? "password" : "token",
    user: s.user,
    expires_at: new Date(s.expiresAt).toISOString(),
  };
}

export const authService = {
  /** Checks the credentials (rate limited per client address) and opens a session. */
  async signIn(
    d: AuthDeps,
    input: z.infer<typeof SignIn>,
    client: string,
    now = Date.now(),
  ): Promise<{ token: string; view: SessionView }> {
    // Counted before the (slow) check and given back on success: parallel guesses cannot
    // all pass the limit before the first of them failed.
    const attempt = d.limiter.begin(client, now);
    let userId: string | null = null;
    if (input.token !== undefined) {
      if (!d.auth.verify(input.token)) throw wrongCredentials("admin token");
    } else {
      const user = await d.users.verify(input.username!, input.password!, now);
      if (!user) throw wrongCredentials("username or password");
      userId = user.id;
    }
    attempt.succeeded();
    const { token, session } = await d.auth.sessions.open(userId, now);
    return { token, view: sessionView(session) };
  },

  async signOut(sessions: SessionStore, token: string | null): Promise<void> {
    if (token) await sessions.close(token);
  },

  me(p: AdminPrincipal): SessionView {
    return p.via === "bearer" ? { via: "bearer", user: null, expires_at: null } : sessionView(p.session);
  },
};
