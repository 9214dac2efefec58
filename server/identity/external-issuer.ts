import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import type { Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import type { ExternalJwtDecl } from "../config/identity.ts";
import { newId } from "../core/ids.ts";
import { GatewayError, unauthorized } from "../errors.ts";
import { freshKey } from "../keys/fresh-key.ts";
import type { KeyRecord, KeyStore } from "../keys/key-store.ts";
import type { PlanBook } from "../plans/plan-book.ts";
import { sha256 } from "../secrets/tokens.ts";
import { tokenRefusal } from "./access-tokens.ts";

const PUBLIC_KEY_ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"];
const MAX_SUBJECT = 200;

export type ExternalDeps = {
  store: Pick<Store, "identity">;
  keys: KeyStore;
  book: AccountBook;
  plans: PlanBook;
};

/**
 * Tokens issued by the operator's own identity system (the LLM Gateway reference's set-up).
 * The signature is checked with the shared HS256 secret or the issuer's JWKS (fetched and
 * cached by jose, refreshed when a new `kid` appears), with the algorithms pinned to the
 * key type (no `alg: none`, no HS256 signed with a public key), and the issuer, audience
 * and expiry always checked. The `account_claim` names the account: each value maps to an
 * account and a key of its own on it (like a membership), made on first use when
 * `provision` is on, else linked by an admin.
 */
export class ExternalIssuer {
  private readonly key: Uint8Array | ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];
  /** First uses in progress, per subject: calls at once make one account, not one each. */
  private readonly provisioning = new Map<string, Promise<KeyRecord | undefined>>();

  constructor(
    readonly decl: ExternalJwtDecl,
    private readonly d: ExternalDeps,
  ) {
    if (decl.secret !== undefined) {
      this.key = new TextEncoder().encode(decl.secret);
      this.algorithms = decl.algorithms ?? ["HS256"];
    } else {
      this.key = createRemoteJWKSet(new URL(decl.jwks_url!), {
        timeoutDuration: 5000,
        cooldownDuration: 30_000,
      });
      this.algorithms = decl.algorithms ?? PUBLIC_KEY_ALGORITHMS;
    }
  }

  get issuer(): string {
    return this.decl.issuer;
  }

  async verify(token: string, now: number): Promise<JWTPayload> {
    try {
      const opts = {
        algorithms: this.algorithms,
        issuer: this.decl.issuer,
        audience: this.decl.audience,
        currentDate: new Date(now),
        requiredClaims: ["exp", this.decl.account_claim],
      };
      const { payload } =
        this.key instanceof Uint8Array
          ? await jwtVerify(token, this.key, opts)
          : await jwtVerify(token, this.key, opts);
      return payload;
    } catch (err) {
      // The issuer's keys could not be fetched: not the token's fault.
      if (
        err instanceof errors.JWKSTimeout ||
        err instanceof errors.JWKSInvalid ||
        !(err instanceof errors.JOSEError)
      )
        throw new GatewayError("unavailable", "The token issuer's keys cannot be fetched right now.", {
          code: "issuer_unavailable",
        });
      throw tokenRefusal(err);
    }
  }

  /** The key a verified token's subject acts with (provisioned on first use if enabled). */
  async keyFor(claims: JWTPayload, now: number): Promise<KeyRecord | undefined> {
    const raw = claims[this.decl.account_claim];
    const subject = typeof raw === "string" || typeof raw === "number" ? String(raw) : "";
    if (!subject || subject.length > MAX_SUBJECT)
      throw unauthorized(
        `The token's '${this.decl.account_claim}' claim does not name an account.`,
        "invalid_token",
      );
    const known = await this.d.store.identity.externalIdentity(this.decl.issuer, subject);
    if (known) return this.active(known.keyId);
    if (!this.decl.provision)
      throw unauthorized(
        "This token's subject has no account on this gateway: ask the operator to link it.",
        "unknown_subject",
      );
    // A subject's first calls at once share one provisioning (in this process).
    let provisioning = this.provisioning.get(subject);
    if (!provisioning) {
      provisioning = this.provision(subject, now).finally(() => this.provisioning.delete(subject));
      this.provisioning.set(subject, provisioning);
    }
    return provisioning;
  }

  /** Links a subject to an existing account (admin), with a key of its own there. */
  async link(subject: string, accountId: string, now: number): Promise<{ id: string; keyId: string }> {
    const { record } = await this.d.keys.create({ accountId, name: `External: ${subject}` }, now);
    const id = newId("ext");
    try {
      await this.d.store.identity.insertExternalIdentity({
        id,
        issuer: this.decl.issuer,
        subject,
        accountId,
        keyId: record.id,
        createdAt: now,
      });
    } catch (err) {
      // Linked meanwhile (by another replica): the key made for this link is nobody's.
      await this.d.keys.update(record.id, { status: "revoked" });
      throw err;
    }
    return { id, keyId: record.id };
  }

  /**
   * The subject's account and key, on first use. Calls at once in this process share one
   * provisioning (`keyFor`); on several replicas, the account's id is derived from the issuer
   * and the subject, so a second replica's insert is refused by the table's key and it uses
   * the account the first made, instead of leaving a spare one. Both may then make a key and
   * link it: the link is unique per subject, and the loser's key is revoked (`link`). A
   * subject unlinked by an admin gets a new account of its own id (two first uses of it at
   * once on two replicas may then still leave a spare one).
   */
  private async provision(subject: string, now: number): Promise<KeyRecord | undefined> {
    let accountId = externalAccountId(this.decl.issuer, subject);
    // Unlinked by an admin since (the link's key revoked): a new account, as before, not the old one back.
    if (this.d.keys.all().some((k) => k.accountId === accountId && k.status === "revoked"))
      accountId = newId("acc");
    if (!this.d.book.get(accountId)) {
      const taken = new Set(this.d.book.all().map((a) => a.name));
      let name = `external:${subject}`;
      for (let i = 2; taken.has(name); i++) name = `external:${subject} (${i})`;
      try {
        await this.d.book.create({ id: accountId, name, balance: 0 }, now);
        const plan = this.d.plans.defaultPlan();
        if (plan) await this.d.plans.assign(accountId, plan.id, now);
      } catch (err) {
        // Made meanwhile by another replica (or by one that stopped before linking it): load it.
        await this.d.book.refresh();
        if (!this.d.book.get(accountId)) throw err;
      }
    }
    try {
      return this.active((await this.link(subject, accountId, now)).keyId);
    } catch (err) {
      // Another replica linked the subject first (the issuer and subject are unique): its key.
      const linked = await this.d.store.identity.externalIdentity(this.decl.issuer, subject);
      if (!linked) throw err;
      return this.active(linked.keyId);
    }
  }

  /** The subject's key (whether it may be used is the caller's check, as for a membership's). */
  private active(keyId: string): Promise<KeyRecord | undefined> {
    return freshKey(this.d, keyId);
  }
}

/** The account a subject's first use makes: the same id on every replica (an account id's shape, `acc_` and 32 hex digits). */
export const externalAccountId = (issuer: string, subject: string) =>
  `acc_${sha256(`external\n${issuer}\n${subject}`).slice(0, 32)}`;
