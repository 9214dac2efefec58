import type { Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import type { IdentityDecl } from "../config/identity.ts";
import type { Settings } from "../config/settings.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { Limiter } from "../limits/admission.ts";
import type { PlanBook } from "../plans/plan-book.ts";
import type { PlanLimits } from "../plans/plan-limits.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { AccessTokens } from "./access-tokens.ts";
import { AttemptWindow } from "./attempt-window.ts";
import { EmailCodes } from "./codes.ts";
import { ExternalIssuer } from "./external-issuer.ts";
import { Invites } from "./invites.ts";
import { Mailer } from "./mailer.ts";
import { OAuth } from "./oauth.ts";
import { UserSessions } from "./sessions.ts";
import { SignupPolicy } from "./signup.ts";
import { Users } from "./users.ts";

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * What the identity layer acts on: accounts and their keys, plans and today's counts, the
 * settings, and the Store (db/store.ts: either engine) and cipher for its own tables and keyed hashes. The gateway
 * object (the composition root) has them all; identity sees no more than it names.
 */
export type IdentityServices = {
  readonly store: Store;
  readonly cipher: Pick<Cipher, "mac">;
  readonly keys: KeyStore;
  readonly book: AccountBook;
  readonly plans: PlanBook;
  readonly planLimits: Pick<PlanLimits, "usage">;
  readonly limiter: Pick<Limiter, "dayLimit" | "dayCount" | "sharedUsage">;
  readonly settings: Pick<Settings, "currency">;
};

export type IdentityOptions = {
  decl: IdentityDecl;
  /** JWT_ACCESS_TOKEN_EXPIRE_MINUTES (the LLM Gateway reference's name). */
  accessTokenMinutes: number;
  refreshTokenDays: number;
  /** JWT_SECRET_KEY, or null: a key derived from the deployment's secret key. */
  signingSecret: string | null;
  /** How messages name the gateway ("Tollgate at https://..."). */
  siteName: string;
};

/** How many codes and wrong guesses, and from where: the windows of the e-mail code flow. */
export type CodeLimits = {
  sendsPerEmail: AttemptWindow;
  sendsPerClient: AttemptWindow;
  failuresPerEmail: AttemptWindow;
  failuresPerClient: AttemptWindow;
};

/**
 * The identity layer's services, built once at start on the gateway's accounts, keys and
 * ledger: users and memberships, invites, e-mail codes and their limits, mail, sessions,
 * access tokens, the sign-up policy, (optionally) the external token issuer, and OAuth apps.
 */
export class Identity {
  readonly users: Users;
  readonly invites: Invites;
  readonly codes: EmailCodes;
  readonly limits: CodeLimits;
  readonly mailer: Mailer;
  readonly sessions: UserSessions;
  readonly tokens: AccessTokens;
  readonly signup: SignupPolicy;
  readonly external: ExternalIssuer | null;
  readonly oauth: OAuth;
  readonly siteName: string;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly gw: IdentityServices,
    opts: IdentityOptions,
  ) {
    const { decl } = opts;
    const deps = { store: gw.store, keys: gw.keys, book: gw.book, plans: gw.plans };
    this.siteName = opts.siteName;
    this.users = new Users(deps);
    this.invites = new Invites(gw.store);
    this.codes = new EmailCodes(gw.store, gw.cipher, {
      ttlMs: decl.codes.ttl_minutes * 60_000,
      maxAttempts: decl.codes.max_attempts,
      ticketTtlMs: 15 * 60_000,
    });
    // Wrong guesses: every code asked for may be tried to its limit, no more.
    const perEmail = decl.codes.max_attempts * decl.codes.per_email_per_hour;
    const perClient = decl.codes.max_attempts * decl.codes.per_client_per_hour;
    this.limits = {
      sendsPerEmail: new AttemptWindow(decl.codes.per_email_per_hour, HOUR, "codes asked for this address"),
      sendsPerClient: new AttemptWindow(
        decl.codes.per_client_per_hour,
        HOUR,
        "codes asked from your address",
      ),
      failuresPerEmail: new AttemptWindow(perEmail, HOUR, "wrong codes for this address"),
      failuresPerClient: new AttemptWindow(perClient, HOUR, "wrong codes from your address"),
    };
    this.mailer = new Mailer(gw.store, { from: decl.mail.from, smtp: decl.mail.smtp });
    this.sessions = new UserSessions(gw.store, { refresh: opts.refreshTokenDays * DAY, browser: 7 * DAY });
    const key = new TextEncoder().encode(opts.signingSecret ?? gw.cipher.mac("identity:jwt-signing-key"));
    this.tokens = new AccessTokens(key, opts.accessTokenMinutes * 60_000);
    this.signup = new SignupPolicy(gw.store, decl.signup);
    this.external = decl.external_jwt ? new ExternalIssuer(decl.external_jwt, deps) : null;
    this.oauth = new OAuth({ store: gw.store, keys: gw.keys, users: this.users, cipher: gw.cipher });
  }

  /** Loads the memberships (a signed-in call finds its key without a query), then sweeps every ten minutes. */
  async start(): Promise<void> {
    await this.users.load();
    this.sweeper = setInterval(() => {
      this.sessions.sweep(Date.now());
      this.oauth
        .sweep(Date.now())
        .catch((err: unknown) =>
          console.error(
            JSON.stringify({ level: "error", msg: "oauth code sweep failed", error: String(err) }),
          ),
        );
    }, 10 * 60_000);
    this.sweeper.unref?.();
  }

  /**
   * Reloads what identity caches (memberships, users, live sign-ins) when the gateway
   * reloads after another process's change: a user disabled, signed out or removed on
   * another replica is refused here too.
   */
  async reload(): Promise<void> {
    this.sessions.forget();
    await this.users.load();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.mailer.idle();
    this.mailer.close();
  }
}
