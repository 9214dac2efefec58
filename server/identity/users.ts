import type { Db } from "../../db/client.ts";
import {
  allMemberships,
  deleteMembership,
  findUser,
  findUserByEmail,
  insertMembership,
  insertUser,
  type MemberRow,
  type MembershipView,
  membershipsOfUser,
  membersOfAccount,
  setMemberRole,
  type UserRow,
  updateUser,
} from "../../db/queries/identity.ts";
import type { AccountBook } from "../billing/account-book.ts";
import { newId } from "../core/ids.ts";
import { GatewayError, notFound } from "../errors.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { PlanBook } from "../plans/plan-book.ts";

export type Role = MemberRow["role"];
export type User = UserRow;
export type Membership = MembershipView;

export type UserDeps = { db: Db; keys: KeyStore; book: AccountBook; plans: PlanBook };

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

  constructor(private readonly d: UserDeps) {}

  load(): void {
    this.members = new Map(allMemberships(this.d.db).map((m) => [memberKey(m.accountId, m.userId), m]));
    this.users.clear();
  }

  get(id: string): User | undefined {
    let u = this.users.get(id);
    if (!u) {
      u = findUser(this.d.db, id);
      if (u) this.users.set(id, u);
    }
    return u;
  }

  byEmail(email: string): User | undefined {
    return findUserByEmail(this.d.db, email);
  }

  create(email: string, name: string | null, now: number): User {
    const row: UserRow = {
      id: newId("usr"),
      email,
      name,
      status: "active",
      createdAt: now,
      lastLoginAt: null,
    };
    insertUser(this.d.db, row);
    this.users.set(row.id, row);
    return row;
  }

  update(id: string, set: Partial<Pick<UserRow, "name" | "status" | "lastLoginAt">>): User {
    const row = updateUser(this.d.db, id, set);
    if (!row) throw notFound(`No user with id '${id}'.`, "user_not_found");
    this.users.set(id, row);
    return row;
  }

  membership(accountId: string, userId: string): MemberRow | undefined {
    return this.members.get(memberKey(accountId, userId));
  }

  membershipsOf(userId: string): Membership[] {
    return membershipsOfUser(this.d.db, userId);
  }

  membersOf(accountId: string): Membership[] {
    return membersOfAccount(this.d.db, accountId);
  }

  /** The person's first account they own, else their first: where a fresh sign-in acts. */
  homeAccount(userId: string): Membership | undefined {
    const all = this.membershipsOf(userId);
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
        setMemberRole(this.d.db, accountId, user.id, role);
        existing.role = role;
      }
      return existing;
    }
    const { record } = await this.d.keys.create({ accountId, name: `Sign-in: ${user.email}` }, now);
    const row: MemberRow = { accountId, userId: user.id, role, keyId: record.id, createdAt: now };
    insertMembership(this.d.db, row);
    this.members.set(memberKey(accountId, user.id), row);
    return row;
  }

  /** Removes a member and revokes their key; the last owner stays unless an admin removes them (`force`). */
  async removeMember(accountId: string, userId: string, opts: { force?: boolean } = {}): Promise<void> {
    const m = this.membership(accountId, userId);
    if (!m) throw notFound("No such member of this account.", "member_not_found");
    if (m.role === "owner" && !opts.force) this.keepAnOwner(accountId, userId);
    deleteMembership(this.d.db, accountId, userId);
    this.members.delete(memberKey(accountId, userId));
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
