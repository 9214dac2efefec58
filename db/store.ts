import type { AdminSessionRow, AdminUserRow, LiveSession } from "./queries/admins.ts";
import type { DeliveryRow } from "./queries/alerts.ts";
import type { AccountRow, LedgerExportRow, LedgerMove, LedgerPageRow, LedgerRow } from "./queries/billing.ts";
import type { CatalogWrite, ModelPatch, ModelRow, ProviderPatch, ProviderRow } from "./queries/catalog.ts";
import type { FullRow } from "./queries/columns.ts";
import type {
  CodeRow,
  ExternalIdentityRow,
  InviteRow,
  MailRow,
  MemberRow,
  MembershipView,
  SessionRow,
  UserRow,
} from "./queries/identity.ts";
import type { KeyRow } from "./queries/keys.ts";
import type { LedgerExportFilter } from "./queries/ledger-export.ts";
import type { GeneratedMediaRow } from "./queries/media.ts";
import type { AppRow, GrantFilter, GrantRow, GrantView, OAuthCodeRow } from "./queries/oauth.ts";
import type { AccountPlanRow, PlanRow } from "./queries/plans.ts";
import type { LogCursor, RequestSearch } from "./queries/predicates.ts";
import type { NamedRequestRow, UsageSums } from "./queries/requests.ts";

type DailyUsage = { day: number; requests: number; input: number; output: number; spend: number };

import type { IdempotencyRow } from "./queries/system.ts";
import type { accounts, adminUsers, apiKeys, models, providers } from "./schema/index.ts";

/**
 * The books as the services see them, whichever engine holds them: one async method per
 * query, grouped by table group as db/queries is. SQLite implements it by wrapping the
 * synchronous queries of db/queries (queries/store.ts: they still run synchronously
 * underneath, and the hot path keeps its own prepared statements); PostgreSQL implements it
 * over the db/pg/schema twin (pg/queries/store.ts). Rows are the same plain shapes on both
 * (numbers for money and times, parsed JSON), so nothing above db/ knows which one runs.
 * db/store.test.ts runs the same calls on both engines and expects the same answers.
 */
export type { CatalogWrite };

export interface Store {
  readonly keys: {
    all(): Promise<KeyRow[]>;
    /** Whether a key with this SHA-256 exists (one made by another replica a moment ago). */
    hashExists(hash: string): Promise<boolean>;
    /** Each key's last use as committed by the group commit. */
    lastUsed(): Promise<Map<string, number | null>>;
    insert(row: FullRow<typeof apiKeys>): Promise<void>;
    /** Applies a patch (none: reads the row); the row after it, or undefined for an unknown id. */
    update(id: string, set: Partial<KeyRow>): Promise<KeyRow | undefined>;
  };
  readonly catalog: {
    providers(): Promise<ProviderRow[]>;
    provider(id: string): Promise<ProviderRow | undefined>;
    insertProvider(row: FullRow<typeof providers>): Promise<void>;
    updateProvider(id: string, set: ProviderPatch): Promise<void>;
    deleteProvider(id: string): Promise<void>;
    models(): Promise<ModelRow[]>;
    model(id: string): Promise<ModelRow | undefined>;
    insertModel(row: FullRow<typeof models>): Promise<void>;
    updateModel(id: string, set: ModelPatch): Promise<void>;
    deleteModel(id: string): Promise<void>;
    /**
     * Reads every provider and model, asks `decide` (synchronous, pure) what to write, and
     * writes it, all in one transaction that concurrent reconciliations (a server and a CLI
     * applying tollgate.yaml at once) take one after the other. Returns what `decide` returned.
     */
    reconcile<T>(
      decide: (current: { providers: ProviderRow[]; models: ModelRow[] }) => {
        writes: CatalogWrite[];
        result: T;
      },
    ): Promise<T>;
  };
  readonly accounts: {
    all(): Promise<AccountRow[]>;
    /**
     * Every account, the ledger entries committed after `after` (none for null) and the
     * newest position, from one snapshot: what the account book loads and refreshes from.
     */
    snapshot(after: number | null): Promise<{ rows: AccountRow[]; moves: LedgerMove[]; position: number }>;
    balance(id: string): Promise<number | undefined>;
    named(name: string): Promise<{ id: string } | undefined>;
    /** Sets status or low-balance threshold; the row after it, or undefined for an unknown id. */
    update(
      id: string,
      set: Partial<Pick<AccountRow, "status" | "lowBalanceThreshold">>,
    ): Promise<AccountRow | undefined>;
    /** A new account and, for a non-zero opening balance, its opening top-up, in one transaction. */
    insert(account: FullRow<typeof accounts>, opening: { id: string; note: string } | null): Promise<void>;
    /** Moves a balance by a signed amount with its ledger entry, atomically; the balance after, or undefined for an unknown account. */
    credit(
      entry: Omit<LedgerRow, "balanceAfter" | "keyId" | "requestId"> & {
        kind: Exclude<LedgerRow["kind"], "charge">;
      },
    ): Promise<number | undefined>;
  };
  readonly ledger: {
    /** The newest entry's position in commit order (0 for an empty ledger). */
    lastPosition(): Promise<number>;
    /** Entries committed after `position`, in commit order. */
    after(position: number): Promise<LedgerMove[]>;
    /** What each key was charged since `since` (positive; keys charged nothing are absent). */
    keysChargedSince(since: number): Promise<Map<string, number>>;
    /** What one key was charged since `since` (positive). */
    keyChargedSince(accountId: string, keyId: string, since: number): Promise<number>;
    /** An account's entries, newest commit first, with each charge's endpoint and model; only `kinds` (null: all). */
    page(
      accountId: string,
      limit: number,
      offset: number,
      kinds: readonly LedgerRow["kind"][] | null,
    ): Promise<{ rows: LedgerPageRow[]; total: number }>;
    /** What was charged for one request (positive). */
    chargedFor(requestId: string): Promise<number>;
    /** One export page: up to `size` entries after `after` (0: from the first) in commit order, with names. */
    exportAfter(f: LedgerExportFilter, after: number, size: number): Promise<LedgerExportRow[]>;
  };
  readonly plans: {
    all(): Promise<PlanRow[]>;
    assignments(): Promise<AccountPlanRow[]>;
    /** Inserts a plan; a default one becomes the only default, in the same transaction. */
    insert(row: PlanRow): Promise<void>;
    /** Updates a plan; `makeDefault` makes it the only default, in the same transaction. */
    update(id: string, set: Partial<PlanRow>, makeDefault: boolean): Promise<void>;
    /** How many accounts are on the plan. */
    accountsOn(planId: string): Promise<number>;
    remove(id: string): Promise<void>;
    /** Inserts or replaces the account's assignment. */
    saveAssignment(row: AccountPlanRow): Promise<void>;
    removeAssignment(accountId: string): Promise<void>;
  };
  readonly requests: {
    /** The log rows that seed the rate windows: keyed, since `since`, not refused by a rate limit. */
    rateWindowSeed(since: number): Promise<{ keyId: string; accountId: string; createdAt: number }[]>;
    /** Per account since `since`: admitted requests and tokens, to seed the plan windows. */
    accountUsageSince(since: number): Promise<{ accountId: string; requests: number; tokens: number }[]>;
    /** The admin log's page, newest first, with its key's and account's names, and how many rows match. */
    search(
      f: RequestSearch,
      page: { limit: number; offset: number },
    ): Promise<{ rows: NamedRequestRow[]; total: number }>;
    /** One request with the names of its key and account. */
    find(id: string): Promise<NamedRequestRow | undefined>;
    /** A key's lifetime counts and sums. */
    keyTotals(keyId: string): Promise<UsageSums & { cached: number }>;
    /** A key's (or an account's) requests, tokens and spend per UTC day since `since`; `day`: days since the epoch, oldest first. */
    keyDaily(keyId: string, since: number): Promise<DailyUsage[]>;
    accountDaily(accountId: string, since: number): Promise<DailyUsage[]>;
    /** One export page: up to `size` matching rows after `after` (null: from the newest), newest first. */
    after(f: RequestSearch, after: LogCursor | null, size: number): Promise<NamedRequestRow[]>;
    /** The overview's sums of every request since `since` (money in nano-units). */
    usageSince(since: number): Promise<UsageSums | undefined>;
    /** Sums per bucket of `size` ms since `since`, shifted `offset` ms; `bucket`: the start (+ offset) divided by `size`. */
    usageBuckets(since: number, size: number, offset: number): Promise<(UsageSums & { bucket: number })[]>;
    /** Requests and spend of every account with traffic since `since`, most spend first. */
    spendByAccount(
      since: number,
    ): Promise<{ accountId: string; name: string | null; requests: number; spend: number }[]>;
    /** The models with the most spend (then requests) since `since`. */
    topModels(
      since: number,
      limit: number,
    ): Promise<{ model: string; requests: number; input: number; output: number; spend: number }[]>;
    /** The keys with the most spend (then requests) since `since`, with the key's name when it still exists. */
    topKeys(
      since: number,
      limit: number,
    ): Promise<
      { keyId: string; name: string | null; accountId: string | null; requests: number; spend: number }[]
    >;
  };
  readonly admins: {
    count(): Promise<number>;
    /** Oldest first. */
    list(): Promise<AdminUserRow[]>;
    byId(id: string): Promise<AdminUserRow | undefined>;
    named(username: string): Promise<AdminUserRow | undefined>;
    insert(row: FullRow<typeof adminUsers>): Promise<void>;
    /** Deletes a user; their sessions go with them. */
    delete(id: string): Promise<void>;
    recordSignIn(id: string, at: number): Promise<void>;
  };
  readonly adminSessions: {
    /** Ends the admin-token sessions opened under another admin token (or none). */
    deleteStale(fingerprint: string): Promise<void>;
    /** Sweeps expired sessions, then stores the new one. */
    insert(row: AdminSessionRow): Promise<void>;
    /** The unexpired session with this token hash. */
    live(tokenHash: string, now: number): Promise<LiveSession | undefined>;
    delete(tokenHash: string): Promise<void>;
  };
  readonly alerts: {
    insertDelivery(row: DeliveryRow): Promise<void>;
    updateDelivery(
      id: string,
      set: Pick<DeliveryRow, "status" | "attempts" | "responseStatus" | "lastError" | "updatedAt">,
    ): Promise<void>;
    /** Newest first, with the total. */
    deliveryPage(limit: number, offset: number): Promise<{ rows: DeliveryRow[]; total: number }>;
  };
  /** The panel's first-run checklist: whether any account, any key and any answered request exists. */
  setupFacts(): Promise<{ account: boolean; key: boolean; firstRequest: boolean }>;
  readonly media: {
    /** A generated-media link's row (written by the group commit), expired or not. */
    find(id: string): Promise<GeneratedMediaRow | undefined>;
    /** Deletes links that expired before `before`. */
    purge(before: number): Promise<void>;
  };
  readonly idempotency: {
    /** The stored response of a completed call (written by the group commit), expired or not. */
    find(keyId: string, idemKey: string): Promise<IdempotencyRow | undefined>;
    /** Deletes responses stored before `before`. */
    purge(before: number): Promise<void>;
  };
  readonly identity: {
    user(id: string): Promise<UserRow | undefined>;
    userByEmail(email: string): Promise<UserRow | undefined>;
    /** Newest first, with the total. */
    users(limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }>;
    /** False when the address is taken (nothing is written). */
    insertUser(row: UserRow): Promise<boolean>;
    /** The row after the patch, or undefined for an unknown id. */
    updateUser(id: string, set: Partial<UserRow>): Promise<UserRow | undefined>;
    allMemberships(): Promise<MemberRow[]>;
    membership(accountId: string, userId: string): Promise<MemberRow | undefined>;
    /** Oldest first, with the account's name and the user's address. */
    membershipsOf(userId: string): Promise<MembershipView[]>;
    membersOf(accountId: string): Promise<MembershipView[]>;
    insertMembership(row: MemberRow): Promise<void>;
    setMemberRole(accountId: string, userId: string, role: MemberRow["role"]): Promise<void>;
    deleteMembership(accountId: string, userId: string): Promise<void>;
    insertInvite(row: InviteRow): Promise<void>;
    /** Invites of an address not taken, revoked or expired, oldest first. */
    pendingInvites(email: string, now: number): Promise<InviteRow[]>;
    /** Newest first; of one account, or (null) of all. */
    invites(accountId: string | null, limit: number): Promise<InviteRow[]>;
    invite(id: string): Promise<InviteRow | undefined>;
    /** Takes an open invite; of two calls at once only one gets true. */
    acceptInvite(id: string, now: number): Promise<boolean>;
    /** Withdraws an invite not yet taken. */
    revokeInvite(id: string, now: number): Promise<void>;
    /** Stores a code and ends the address's older open codes, in one transaction. */
    issueCode(row: CodeRow): Promise<void>;
    /** The address's newest open code. */
    openCode(email: string, now: number): Promise<CodeRow | undefined>;
    /** Takes one attempt of an open code with attempts left (the last one ends it), atomically; the row after, or undefined. */
    attemptCode(id: string, max: number, now: number): Promise<CodeRow | undefined>;
    /** Makes a code a ticket, once (true for one caller only); the code ends. */
    redeemCode(id: string, ticket: { hash: string; expiresAt: number }, now: number): Promise<boolean>;
    /** Spends an open ticket, once; the code's row, or undefined. */
    spendTicket(ticketHash: string, now: number): Promise<CodeRow | undefined>;
    insertSession(row: SessionRow): Promise<void>;
    sessionByHash(tokenHash: string): Promise<SessionRow | undefined>;
    /** The newest live session of a family. */
    liveSessionOfFamily(familyId: string, now: number): Promise<SessionRow | undefined>;
    /** Marks a live session replaced by `by`; of two calls at once only one gets true. */
    replaceSession(id: string, by: string, now: number): Promise<boolean>;
    /** Revokes a family's live sessions; their ids. */
    revokeFamily(familyId: string, now: number): Promise<string[]>;
    revokeUserSessions(userId: string, now: number): Promise<string[]>;
    insertMail(row: MailRow): Promise<void>;
    updateMail(id: string, set: Partial<MailRow>): Promise<void>;
    /** The outbox, newest first, with the total. */
    mail(limit: number, offset: number): Promise<{ rows: MailRow[]; total: number }>;
    externalIdentity(issuer: string, subject: string): Promise<ExternalIdentityRow | undefined>;
    insertExternalIdentity(row: ExternalIdentityRow): Promise<void>;
    /** Newest first. */
    externalIdentities(): Promise<ExternalIdentityRow[]>;
    /** The deleted row, or undefined for an unknown id. */
    deleteExternalIdentity(id: string): Promise<ExternalIdentityRow | undefined>;
  };
  readonly oauth: {
    /** With `ownerLimit`, a user's own app only while they have fewer live apps (one conditional statement): false if not stored. */
    insertApp(row: AppRow, ownerLimit?: number): Promise<boolean>;
    /** An app not deleted. */
    app(id: string): Promise<AppRow | undefined>;
    /** Apps not deleted, newest first; with `ownerUserId`, that user's own. */
    apps(limit: number, offset: number, ownerUserId?: string): Promise<{ rows: AppRow[]; total: number }>;
    /** Patches an app not deleted; the row after, or undefined. */
    updateApp(id: string, set: Partial<AppRow>): Promise<AppRow | undefined>;
    /** Active grants per app. */
    activeGrantCounts(): Promise<Map<string, number>>;
    insertCode(row: OAuthCodeRow): Promise<void>;
    /** Marks a code used if it was not; of two calls at once only one gets the row. */
    spendCode(codeHash: string, now: number): Promise<OAuthCodeRow | undefined>;
    code(codeHash: string): Promise<OAuthCodeRow | undefined>;
    /** A used code presented again: the row, its grant marked REPLAYED if none was recorded yet (then none will be). */
    replayCode(codeHash: string): Promise<OAuthCodeRow | undefined>;
    purgeCodes(before: number): Promise<void>;
    /** A grant and its code's link to it, in one transaction; false (nothing written) when the code was replayed meanwhile. */
    recordGrant(row: GrantRow, codeId: string): Promise<boolean>;
    /** Newest first, with the names a list shows, and the total. */
    grants(f: GrantFilter, limit: number, offset: number): Promise<{ rows: GrantView[]; total: number }>;
    grant(id: string): Promise<GrantView | undefined>;
    activeGrants(f: GrantFilter): Promise<GrantRow[]>;
    revokeGrant(id: string, now: number): Promise<void>;
  };
  readonly settings: {
    read(key: string): Promise<string | undefined>;
    /** Sets a setting whether or not it exists. */
    upsert(key: string, value: string): Promise<void>;
    delete(key: string): Promise<void>;
    /** Adds one to an integer-valued setting (a missing one becomes "1"), in one statement. */
    bump(key: string): Promise<void>;
  };
}
