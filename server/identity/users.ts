import type { MemberRow, MembershipView, UserRow } from "../../db/queries/identity.ts";
import type { Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import { newId } from "../core/ids.ts";
import { GatewayError, notFound } from "../errors.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { PlanBook } from "../plans/plan-book.ts";

export type Role = MemberRow["role"];
export type User = UserRow;
export type Membership = MembershipView;

export type UserDeps = { store: Pick<Store, "identity">; keys: KeyStore; book: AccountBook; plans: PlanBook };

/** Bounds the not-found marks kept between reloads (each is one valid token's membership). */
const MAX_ABSENT = 10_000;
const memberKey = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;

/**
 * Users and their memberships. A membership is made with its own API key on the account
 * (the secret thrown away at once: nobody can present it), under which the person's
 * signed-in calls are limited, billed and logged. Removing a member revokes that key.
 * Memberships and users are cached: a signed-in call finds its key without a query.
 */
export class Users {
  private members = new Map<string, MemberRow>();
  private users = new Map<string, UserRow>();
  /** Moves on each load and removal: a read that started before one does not fill the cache after it. */
  private epoch = 0;
  /** Memberships read and not found, until when: an ex-member's token costs one read a second, not one a call. */
  private absent = new Map<string, number>();

  constructor(private readonly d: UserDeps) {}

  private get db() {
    return this.d.store.identity;
  }

  /** Every membership, and no user cached: at start, and on each reload after another process's change. */
  async load(): Promise<void> {
    this.epoch++;
    this.users.clear();
    this.absent.clear();
    const all = await this.db.allMemberships();
    this.members = new Map(all.map((m) => [memberKey(m.accountId, m.userId), m]));
  }

  async get(id: string): Promise<User | undefined> {
    const cached = this.users.get(id);
    if (cached) return cached;
    const epoch = this.epoch;
    const u = await this.db.user(id);
    // A reload that started while the read was away may know better: leave the cache to the next read.
    if (u && this.epoch === epoch) this.users.set(id, u);
    return u;
  }

  byEmail(email: string): Promise<User | undefined> {
    return this.db.userByEmail(email);
  }

  /** A new user; 409 user_exists when the address is taken (perhaps a moment ago, by a sign-up at once). */
  async create(email: string, name: string | null, now: number): Promise<User> {
    const row: UserRow = {
      id: newId("usr"),
      email,
      name,
      status: "active",
      createdAt: now,
      lastLoginAt: null,
    };
    if (!(await this.db.insertUser(row)))
      throw new GatewayError("conflict", `A user with the address ${email} exists.`, { code: "user_exists" });
    this.users.set(row.id, row);
    return row;
  }

  async update(id: string, set: Partial<Pick<UserRow, "name" | "status" | "lastLoginAt">>): Promise<User> {
    const row = await this.db.updateUser(id, set);
    if (!row) throw notFound(`No user with id '${id}'.`, "user_not_found");
    this.users.set(id, row);
    return row;
  }

  membership(accountId: string, userId: string): MemberRow | undefined {
    return this.members.get(memberKey(accountId, userId));
  }

  /**
   * The membership a signed-in call acts under. One made on another replica a moment ago
   * (a sign-up, an invite taken) is not in this one's cache until the change signal's
   * reload: it is read from the table then, rather than the new member's first call being
   * refused. Only our own signed tokens and sessions come here, so a miss costs one row's
   * read per valid token, not per guess.
   */
  async memberOf(accountId: string, userId: string): Promise<MemberRow | undefined> {
    const key = memberKey(accountId, userId);
    const cached = this.members.get(key);
    if (cached) return cached;
    const now = Date.now();
    if ((this.absent.get(key) ?? 0) > now) return undefined;
    const epoch = this.epoch;
    const row = await this.db.membership(accountId, userId);
    // As in get(): a reload that started while the read was away knows better.
    if (this.epoch === epoch) {
      if (row) this.members.set(key, row);
      else {
        if (this.absent.size >= MAX_ABSENT) this.absent.clear();
        this.absent.set(key, now + 1000);
      }
    }
    return row;
  }

  membershipsOf(userId: string): Promise<Membership[]> {
    return this.db.membershipsOf(userId);
  }

  membersOf(accountId: string): Promise<Membership[]> {
    return this.db.membersOf(accountId);
  }

  /** The person's first account they own, else their first: where a fresh sign-in acts. */
  async homeAccount(userId: string): Promise<Membership | undefined> {
    const all = await this.membershipsOf(userId);
    return all.find((m) => m.role === "owner") ?? all[0];
  }

  /** Adds the user to the account with a role (or changes the role of a member). */
  async addMember(accountId: string, user: User, role: Role, now: number): Promise<MemberRow> {
    if (!this.d.book.get(accountId))
      throw notFound(`No account with id '${accountId}'.`, "account_not_found");
    const existing = this.membership(accountId, user.id);
    if (existing) {
      if (existing.role !== role) {
        if (existing.role === "owner") this.keepAnOwner(accountId, user.id);
        // Memory first, in this turn: two owners demoting each other at once cannot both pass keepAnOwner.
        const before = existing.role;
        existing.role = role;
        await this.db.setMemberRole(accountId, user.id, role).catch((err: unknown) => {
          existing.role = before;
          throw err;
        });
      }
      return existing;
    }
    const { record } = await this.d.keys.create({ accountId, name: `Sign-in: ${user.email}` }, now);
    // Added meanwhile (two invites taken at once): keep that membership, drop the spare key.
    const raced = this.membership(accountId, user.id);
    if (raced) {
      await this.d.keys.update(record.id, { status: "revoked" });
      return raced;
    }
    const row: MemberRow = { accountId, userId: user.id, role, keyId: record.id, createdAt: now };
    const key = memberKey(accountId, user.id);
    this.members.set(key, row);
    await this.db.insertMembership(row).catch((err: unknown) => {
      this.members.delete(key);
      throw err;
    });
    return row;
  }

  /** Removes a member and revokes their key; the last owner stays unless an admin removes them (`force`). */
  async removeMember(accountId: string, userId: string, opts: { force?: boolean } = {}): Promise<void> {
    const m = this.membership(accountId, userId);
    if (!m) throw notFound("No such member of this account.", "member_not_found");
    if (m.role === "owner" && !opts.force) this.keepAnOwner(accountId, userId);
    // Memory first, in this turn (as for a role change): the last two owners cannot both leave.
    const key = memberKey(accountId, userId);
    this.members.delete(key);
    this.epoch++; // a memberOf read already away must not put it back
    await this.db.deleteMembership(accountId, userId).catch((err: unknown) => {
      this.members.set(key, m);
      throw err;
    });
    await this.d.keys.update(m.keyId, { status: "revoked" });
  }

  /** A new account owned by the user (sign-up), on the default plan when there is one. */
  async personalAccount(user: User, now: number): Promise<MemberRow> {
    const acct = await this.d.book.create({ name: this.freeAccountName(user.email), balance: 0 }, now);
    const plan = this.d.plans.defaultPlan();
    if (plan) await this.d.plans.assign(acct.id, plan.id, now);
    return this.addMember(acct.id, user, "owner", now);
  }

  /** An account must keep an owner: its last one cannot leave or be demoted. */
  private keepAnOwner(accountId: string, userId: string): void {
    const owners = [...this.members.values()].filter(
      (m) => m.accountId === accountId && m.role === "owner" && m.userId !== userId,
    );
    if (owners.length === 0)
      throw new GatewayError(
        "conflict",
        "An account keeps at least one owner: make another member owner first.",
        {
          code: "last_owner",
        },
      );
  }

  private freeAccountName(email: string): string {
    const taken = new Set(this.d.book.all().map((a) => a.name));
    if (!taken.has(email)) return email;
    for (let i = 2; ; i++) if (!taken.has(`${email} (${i})`)) return `${email} (${i})`;
  }
}
