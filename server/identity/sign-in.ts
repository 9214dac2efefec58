import { bucketOf } from "../admin-session/sign-in-limiter.ts";
import { badRequest, forbidden, GatewayError } from "../errors.ts";
import { invalidCode } from "./codes.ts";
import type { Identity } from "./identity.ts";
import { codeMail, noAccountMail } from "./mail-text.ts";
import type { SessionMeta } from "./sessions.ts";
import type { Membership, User } from "./users.ts";

/** What a sign-in or a refresh hands the client. `token` repeats `access_token` (Iskra's clients read it). */
export type TokenSet = {
  access_token: string;
  token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  user: { id: string; email: string; name: string | null };
  account: { id: string; name: string; role: Membership["role"] };
};

const invalidTicket = () =>
  badRequest(
    "The registration token is invalid, used or expired: verify the e-mail code again.",
    "registration_token",
    "invalid_registration_token",
  );

const signUpRefused = () =>
  forbidden("This gateway does not take new sign-ups for this address.", "signup_closed");

/**
 * The e-mail code flow at Iskra's paths: send-code, verify-email, complete-registration.
 * Nothing a caller sees depends on whether the address is registered, until the caller
 * has proved it reads that mailbox (a right code): send-code always answers the same and
 * never waits for the mail server; a wrong, expired or missing code is the same 400.
 */
export class SignIn {
  /** Per user, the account check in progress (ensureAccount). */
  private readonly ensuring = new Map<string, Promise<void>>();

  constructor(private readonly id: Identity) {}

  /**
   * Mails a code to the address if it may sign in (or a note saying why not). The windows
   * count in the caller's turn, before any read: requests at once cannot slip past them.
   */
  async sendCode(email: string, client: string, now: number): Promise<void> {
    const { limits, users, signup, codes, mailer, siteName } = this.id;
    const from = bucketOf(client);
    limits.sendsPerClient.check(from, now);
    limits.sendsPerEmail.check(email, now);
    limits.sendsPerClient.count(from, now);
    limits.sendsPerEmail.count(email, now);
    const user = await users.byEmail(email);
    if (user && user.status !== "active") return;
    const mode = await signup.mode();
    const mayEnter =
      user !== undefined ||
      mode === "open" ||
      (mode === "invite" && (await this.id.invites.pending(email, now)).length > 0);
    // The answer waits for the outbox row (one write either way), never for the mail server.
    if (!mayEnter) {
      await mailer.post(noAccountMail(email, mode, siteName), now).stored;
      return;
    }
    const code = await codes.issue(email, client, now);
    await mailer.post(codeMail(email, code, Math.round(codes.settings.ttlMs / 60_000), siteName), now).stored;
  }

  /**
   * Checks the code; right, a single-use registration token for complete-registration.
   * Each guess counts as a failure up front, in the caller's turn (guesses at once cannot
   * all pass the windows' check before any is counted), and is taken back unless wrong.
   */
  async verifyEmail(email: string, code: string, client: string, now: number) {
    const { limits, codes, users } = this.id;
    const from = bucketOf(client);
    limits.failuresPerClient.take(from, now);
    try {
      limits.failuresPerEmail.take(email, now);
    } catch (err) {
      limits.failuresPerClient.release(from, now);
      throw err;
    }
    let wrong = false;
    try {
      const { ticket, expiresAt } = await codes.verify(email, code.trim(), now);
      return {
        verified: true,
        registration_token: ticket,
        expires_in: Math.round((expiresAt - now) / 1000),
        registered: (await users.byEmail(email)) !== undefined,
      };
    } catch (err) {
      wrong = err instanceof GatewayError && err.code === invalidCode().code;
      throw err;
    } finally {
      if (!wrong) {
        limits.failuresPerClient.release(from, now);
        limits.failuresPerEmail.release(email, now);
      }
    }
  }

  /**
   * Spends the registration token: a new user is created (if sign-up lets the address in)
   * with the accounts they were invited to, or an account of their own; a returning one
   * takes pending invites. Tokens for the user's home account come back.
   */
  async complete(
    ticket: string,
    input: { name?: string | null },
    meta: SessionMeta,
    now: number,
  ): Promise<TokenSet> {
    const { users, invites, signup } = this.id;
    const email = await this.id.codes.spend(ticket, now);
    if (email === null) throw invalidTicket();
    let user = await users.byEmail(email);
    const pending = await invites.pending(email, now);
    if (!user) {
      const mode = await signup.mode();
      if (mode === "closed" || (mode === "invite" && pending.length === 0)) throw signUpRefused();
      user = await this.newUser(email, input.name?.trim() || null, now);
    }
    if (user.status !== "active") throw forbidden("This user is disabled.", "user_disabled");
    let joined: string | null = null;
    for (const inv of pending) {
      // Taken first, in one statement: of two sign-ins of this address at once, one joins by it.
      if (!(await invites.accept(inv.id, now))) continue;
      if (inv.accountId !== null && this.id.gw.book.get(inv.accountId)) {
        await users.addMember(inv.accountId, user, inv.role, now);
        joined ??= inv.accountId;
      }
    }
    await this.ensureAccount(user, now);
    user = await users.update(user.id, {
      lastLoginAt: now,
      ...(input.name ? { name: input.name.trim() } : {}),
    });
    const home =
      (joined && (await users.membershipsOf(user.id)).find((m) => m.accountId === joined)) ||
      (await users.homeAccount(user.id))!;
    const { token, session } = await this.id.sessions.open(
      { userId: user.id, accountId: home.accountId, kind: "refresh", ...meta },
      now,
    );
    return this.tokenSet(user, home, session.familyId, token, now);
  }

  /** A refresh token for new tokens (rotated), acting for `accountId` if the user is a member of it. */
  async refresh(refreshToken: string, accountId: string | undefined, meta: SessionMeta, now: number) {
    const { sessions, users } = this.id;
    let user: User | undefined;
    let membership: Membership | undefined;
    const { token, session } = await sessions.rotate(refreshToken, accountId, meta, now, async (current) => {
      user = await users.get(current.userId);
      if (user?.status !== "active") throw forbidden("This user is disabled.", "user_disabled");
      const target = accountId ?? current.accountId;
      membership = (await users.membershipsOf(current.userId)).find((m) => m.accountId === target);
      if (!membership)
        throw forbidden(
          accountId ? "You are not a member of that account." : "This sign-in's account is no longer yours.",
          "not_a_member",
        );
    });
    return this.tokenSet(user!, membership!, session.familyId, token, now);
  }

  /**
   * An account of their own for a user in none, once: two sign-ins of one new address at
   * once would otherwise both find no membership and both make one. In this process they
   * take turns; another replica's that won the race shows as a membership when ours fails.
   */
  private ensureAccount(user: User, now: number): Promise<void> {
    const prev = this.ensuring.get(user.id) ?? Promise.resolve();
    const run = prev.then(async () => {
      if ((await this.id.users.membershipsOf(user.id)).length > 0) return;
      try {
        await this.id.users.personalAccount(user, now);
      } catch (err) {
        if ((await this.id.users.membershipsOf(user.id)).length === 0) throw err;
      }
    });
    const settled = run.catch(() => {});
    this.ensuring.set(user.id, settled);
    void settled.then(() => {
      if (this.ensuring.get(user.id) === settled) this.ensuring.delete(user.id);
    });
    return run;
  }

  /** A new user, or the one a sign-up of the same address made a moment ago. */
  private async newUser(email: string, name: string | null, now: number): Promise<User> {
    try {
      return await this.id.users.create(email, name, now);
    } catch (err) {
      const raced = err instanceof GatewayError && err.code === "user_exists";
      const user = raced ? await this.id.users.byEmail(email) : undefined;
      if (!user) throw err;
      return user;
    }
  }

  private async tokenSet(
    user: User,
    m: Membership,
    sessionId: string,
    refreshToken: string,
    now: number,
  ): Promise<TokenSet> {
    const access = await this.id.tokens.sign({ userId: user.id, sessionId, accountId: m.accountId }, now);
    return {
      access_token: access.token,
      token: access.token,
      token_type: "bearer",
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      refresh_expires_in: Math.round(this.id.sessions.ttlMs.refresh / 1000),
      user: { id: user.id, email: user.email, name: user.name },
      account: { id: m.accountId, name: m.accountName, role: m.role },
    };
  }
}
