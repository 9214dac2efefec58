import type { Db } from "../client.ts";
import type { Store } from "../store.ts";
import * as admins from "./admins.ts";
import * as alerts from "./alerts.ts";
import * as billing from "./billing.ts";
import * as catalog from "./catalog.ts";
import * as identity from "./identity.ts";
import * as keys from "./keys.ts";
import * as media from "./media.ts";
import * as oauth from "./oauth.ts";
import * as plans from "./plans.ts";
import * as requests from "./requests.ts";
import { setupFacts } from "./setup.ts";
import * as system from "./system.ts";

/**
 * The Store (db/store.ts) over SQLite: today's synchronous queries, each answered as a
 * resolved promise. What a caller awaits already happened when the call returned.
 */
export function sqliteStore(db: Db): Store {
  const idempotency = system.idempotencyQueries(db);
  const links = media.mediaQueries(db);
  return {
    keys: {
      all: async () => keys.allKeys(db),
      hashExists: async (hash) => keys.keyHashExists(db, hash),
      lastUsed: async () => keys.keysLastUsed(db),
      insert: async (row) => keys.insertKey(db, row),
      update: async (id, set) => keys.updateKey(db, id, set),
    },
    catalog: {
      providers: async () => catalog.allProviders(db),
      provider: async (id) => catalog.findProvider(db, id),
      insertProvider: async (row) => catalog.insertProvider(db, row),
      updateProvider: async (id, set) => catalog.updateProvider(db, id, set),
      deleteProvider: async (id) => catalog.deleteProvider(db, id),
      models: async () => catalog.allModels(db),
      model: async (id) => catalog.findModel(db, id),
      insertModel: async (row) => catalog.insertModel(db, row),
      updateModel: async (id, set) => catalog.updateModel(db, id, set),
      deleteModel: async (id) => catalog.deleteModel(db, id),
      reconcile: async (decide) => catalog.reconcileCatalog(db, decide),
    },
    accounts: {
      all: async () => billing.allAccounts(db),
      snapshot: async (after) => billing.accountsSnapshot(db, after),
      balance: async (id) => billing.accountBalance(db, id),
      named: async (name) => billing.accountNamed(db, name),
      update: async (id, set) => billing.updateAccount(db, id, set),
      insert: async (account, opening) => billing.insertAccount(db, account, opening),
      credit: async (entry) => billing.creditAccount(db, entry),
    },
    ledger: {
      lastPosition: async () => billing.lastLedgerPosition(db),
      after: async (position) => billing.ledgerAfter(db, position),
      keysChargedSince: async (since) => billing.keysChargedSince(db, since),
      keyChargedSince: async (accountId, keyId, since) =>
        billing.keyChargedSince(db, accountId, keyId, since),
      page: async (accountId, limit, offset, kinds) =>
        billing.ledgerPage(db, accountId, limit, offset, kinds),
      chargedFor: async (requestId) => billing.chargedFor(db, requestId),
      exportAfter: async (f, after, size) => billing.ledgerExportAfter(db, f, after, size),
    },
    plans: {
      all: async () => plans.allPlans(db),
      assignments: async () => plans.allAccountPlans(db),
      insert: async (row) => plans.createPlan(db, row),
      update: async (id, set, makeDefault) => plans.changePlan(db, id, set, makeDefault),
      accountsOn: async (planId) => plans.accountsOnPlan(db, planId),
      remove: async (id) => plans.deletePlan(db, id),
      saveAssignment: async (row) => plans.upsertAccountPlan(db, row),
      removeAssignment: async (accountId) => plans.deleteAccountPlan(db, accountId),
    },
    requests: {
      rateWindowSeed: async (since) => requests.rateWindowSeed(db, since),
      accountUsageSince: async (since) => plans.accountUsageSince(db, since),
      search: async (f, page) => requests.searchRequests(db, f, page),
      find: async (id) => requests.findNamedRequest(db, id),
      keyTotals: async (keyId) => requests.keyUsageTotals(db, keyId),
      keyDaily: async (keyId, since) => requests.keyUsageDaily(db, keyId, since),
      accountDaily: async (accountId, since) => requests.accountUsageDaily(db, accountId, since),
      after: async (f, after, size) => requests.requestsAfter(db, f, after, size),
      usageSince: async (since) => requests.usageSince(db, since),
      usageBuckets: async (since, size, offset) => requests.usageBuckets(db, since, size, offset),
      spendByAccount: async (since) => requests.spendByAccount(db, since),
      topModels: async (since, limit) => requests.topModels(db, since, limit),
      topKeys: async (since, limit) => requests.topKeys(db, since, limit),
    },
    admins: {
      count: async () => admins.countAdminUsers(db),
      list: async () => admins.listAdminUsers(db),
      byId: async (id) => admins.adminUserById(db, id),
      named: async (username) => admins.adminUserNamed(db, username),
      insert: async (row) => admins.insertAdminUser(db, row),
      delete: async (id) => admins.deleteAdminUser(db, id),
      recordSignIn: async (id, at) => admins.recordSignIn(db, id, at),
    },
    adminSessions: {
      deleteStale: async (fingerprint) => admins.deleteStaleTokenSessions(db, fingerprint),
      insert: async (row) => db.transaction((tx) => admins.insertSession(tx, row)),
      live: async (tokenHash, now) => admins.liveSession(db, tokenHash, now),
      delete: async (tokenHash) => admins.deleteSession(db, tokenHash),
    },
    alerts: {
      insertDelivery: async (row) => alerts.insertDelivery(db, row),
      updateDelivery: async (id, set) => alerts.updateDelivery(db, id, set),
      deliveryPage: async (limit, offset) => alerts.deliveryPage(db, limit, offset),
    },
    setupFacts: async () => setupFacts(db),
    media: {
      find: async (id) => links.find(id),
      purge: async (before) => links.purge(before),
    },
    idempotency: {
      find: async (keyId, idemKey) => idempotency.find(keyId, idemKey),
      purge: async (before) => idempotency.purge(before),
    },
    identity: {
      user: async (id) => identity.findUser(db, id),
      userByEmail: async (email) => identity.findUserByEmail(db, email),
      users: async (limit, offset) => identity.listUsers(db, limit, offset),
      insertUser: async (row) => identity.insertUser(db, row),
      updateUser: async (id, set) => identity.updateUser(db, id, set),
      allMemberships: async () => identity.allMemberships(db),
      membership: async (accountId, userId) => identity.membership(db, accountId, userId),
      membershipsOf: async (userId) => identity.membershipsOfUser(db, userId),
      membersOf: async (accountId) => identity.membersOfAccount(db, accountId),
      insertMembership: async (row) => identity.insertMembership(db, row),
      setMemberRole: async (accountId, userId, role) => identity.setMemberRole(db, accountId, userId, role),
      deleteMembership: async (accountId, userId) => identity.deleteMembership(db, accountId, userId),
      insertInvite: async (row) => identity.insertInvite(db, row),
      pendingInvites: async (email, now) => identity.pendingInvites(db, email, now),
      invites: async (accountId, limit) => identity.listInvites(db, accountId, limit),
      invite: async (id) => identity.findInvite(db, id),
      acceptInvite: async (id, now) => identity.acceptInvite(db, id, now),
      revokeInvite: async (id, now) => identity.revokeInvite(db, id, now),
      issueCode: async (row) => identity.issueCode(db, row),
      openCode: async (email, now) => identity.openCode(db, email, now),
      attemptCode: async (id, max, now) => identity.attemptCode(db, id, max, now),
      redeemCode: async (id, ticket, now) => identity.redeemCode(db, id, ticket, now),
      spendTicket: async (ticketHash, now) => identity.spendTicket(db, ticketHash, now),
      insertSession: async (row) => identity.insertSession(db, row),
      sessionByHash: async (tokenHash) => identity.findSessionByHash(db, tokenHash),
      liveSessionOfFamily: async (familyId, now) => identity.liveSessionOfFamily(db, familyId, now),
      replaceSession: async (id, by, now) => identity.replaceSession(db, id, by, now),
      revokeFamily: async (familyId, now) => identity.revokeFamily(db, familyId, now),
      revokeUserSessions: async (userId, now) => identity.revokeUserSessions(db, userId, now),
      insertMail: async (row) => identity.insertMail(db, row),
      updateMail: async (id, set) => identity.updateMail(db, id, set),
      mail: async (limit, offset) => identity.listMail(db, limit, offset),
      externalIdentity: async (issuer, subject) => identity.findExternalIdentity(db, issuer, subject),
      insertExternalIdentity: async (row) => identity.insertExternalIdentity(db, row),
      externalIdentities: async () => identity.listExternalIdentities(db),
      deleteExternalIdentity: async (id) => identity.deleteExternalIdentity(db, id),
    },
    oauth: {
      insertApp: async (row, ownerLimit) => oauth.insertApp(db, row, ownerLimit),
      app: async (id) => oauth.findApp(db, id),
      apps: async (limit, offset, ownerUserId) => oauth.listApps(db, limit, offset, ownerUserId),
      updateApp: async (id, set) => oauth.updateApp(db, id, set),
      activeGrantCounts: async () => oauth.activeGrantCounts(db),
      insertCode: async (row) => oauth.insertOAuthCode(db, row),
      spendCode: async (codeHash, now) => oauth.spendOAuthCode(db, codeHash, now),
      code: async (codeHash) => oauth.findOAuthCode(db, codeHash),
      replayCode: async (codeHash) => oauth.replayOAuthCode(db, codeHash),
      purgeCodes: async (before) => oauth.purgeOAuthCodes(db, before),
      recordGrant: async (row, codeId) => oauth.recordGrant(db, row, codeId),
      grants: async (f, limit, offset) => oauth.listGrants(db, f, limit, offset),
      grant: async (id) => oauth.findGrant(db, id),
      activeGrants: async (f) => oauth.activeGrants(db, f),
      revokeGrant: async (id, now) => oauth.revokeGrant(db, id, now),
    },
    settings: {
      read: async (key) => system.readSetting(db, key),
      upsert: async (key, value) => system.upsertSetting(db, key, value),
      delete: async (key) => system.deleteSetting(db, key),
      bump: async (key) => system.bumpSetting(db, key),
    },
  };
}
