import type { Store } from "../../store.ts";
import type { PgConn } from "../client.ts";
import * as sessions from "./admin-sessions.ts";
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

/** The Store (db/store.ts) over PostgreSQL: each method one round trip (or one transaction) on the pool. */
export function pgStore(db: PgConn): Store {
  return {
    keys: {
      all: () => keys.allKeys(db),
      hashExists: (hash) => keys.keyHashExists(db, hash),
      lastUsed: () => keys.keysLastUsed(db),
      insert: (row) => keys.insertKey(db, row),
      update: (id, set) => keys.updateKey(db, id, set),
    },
    catalog: {
      providers: () => catalog.allProviders(db),
      provider: (id) => catalog.findProvider(db, id),
      insertProvider: (row) => catalog.insertProvider(db, row),
      updateProvider: (id, set) => catalog.updateProvider(db, id, set),
      deleteProvider: (id) => catalog.deleteProvider(db, id),
      models: () => catalog.allModels(db),
      model: (id) => catalog.findModel(db, id),
      insertModel: (row) => catalog.insertModel(db, row),
      updateModel: (id, set) => catalog.updateModel(db, id, set),
      deleteModel: (id) => catalog.deleteModel(db, id),
      reconcile: (decide) => catalog.reconcileCatalog(db, decide),
    },
    accounts: {
      all: () => billing.allAccounts(db),
      snapshot: (after) => billing.accountsSnapshot(db, after),
      balance: (id) => billing.accountBalance(db, id),
      named: (name) => billing.accountNamed(db, name),
      update: (id, set) => billing.updateAccount(db, id, set),
      insert: (account, opening) => billing.insertAccount(db, account, opening),
      credit: (entry) => billing.creditAccount(db, entry),
    },
    ledger: {
      lastPosition: () => billing.lastLedgerPosition(db),
      after: (position) => billing.ledgerAfter(db, position),
      keysChargedSince: (since) => billing.keysChargedSince(db, since),
      keyChargedSince: (accountId, keyId, since) => billing.keyChargedSince(db, accountId, keyId, since),
      page: (accountId, limit, offset, kinds) => billing.ledgerPage(db, accountId, limit, offset, kinds),
      chargedFor: (requestId) => billing.chargedFor(db, requestId),
      exportAfter: (f, after, size) => billing.ledgerExportAfter(db, f, after, size),
    },
    plans: {
      all: () => plans.allPlans(db),
      assignments: () => plans.allAccountPlans(db),
      insert: (row) => plans.insertPlan(db, row),
      update: (id, set, makeDefault) => plans.updatePlan(db, id, set, makeDefault),
      accountsOn: (planId) => plans.accountsOnPlan(db, planId),
      remove: (id) => plans.deletePlan(db, id),
      saveAssignment: (row) => plans.upsertAccountPlan(db, row),
      removeAssignment: (accountId) => plans.deleteAccountPlan(db, accountId),
    },
    requests: {
      rateWindowSeed: (since) => requests.rateWindowSeed(db, since),
      accountUsageSince: (since) => plans.accountUsageSince(db, since),
      search: (f, page) => requests.searchRequests(db, f, page),
      find: (id) => requests.findNamedRequest(db, id),
      keyTotals: (keyId) => requests.keyUsageTotals(db, keyId),
      keyDaily: (keyId, since) => requests.keyUsageDaily(db, keyId, since),
      accountDaily: (accountId, since) => requests.accountUsageDaily(db, accountId, since),
      after: (f, after, size) => requests.requestsAfter(db, f, after, size),
      usageSince: (since) => requests.usageSince(db, since),
      usageBuckets: (since, size, offset) => requests.usageBuckets(db, since, size, offset),
      spendByAccount: (since) => requests.spendByAccount(db, since),
      topModels: (since, limit) => requests.topModels(db, since, limit),
      topKeys: (since, limit) => requests.topKeys(db, since, limit),
    },
    admins: {
      count: () => admins.countAdminUsers(db),
      list: () => admins.listAdminUsers(db),
      byId: (id) => admins.adminUserById(db, id),
      named: (username) => admins.adminUserNamed(db, username),
      insert: (row) => admins.insertAdminUser(db, row),
      delete: (id) => admins.deleteAdminUser(db, id),
      recordSignIn: (id, at) => admins.recordSignIn(db, id, at),
    },
    adminSessions: {
      deleteStale: (fingerprint) => sessions.deleteStaleTokenSessions(db, fingerprint),
      insert: (row) => sessions.insertSession(db, row),
      live: (tokenHash, now) => sessions.liveSession(db, tokenHash, now),
      delete: (tokenHash) => sessions.deleteSession(db, tokenHash),
    },
    alerts: {
      insertDelivery: (row) => alerts.insertDelivery(db, row),
      updateDelivery: (id, set) => alerts.updateDelivery(db, id, set),
      deliveryPage: (limit, offset) => alerts.deliveryPage(db, limit, offset),
    },
    setupFacts: () => setupFacts(db),
    media: {
      find: (id) => media.findMedia(db, id),
      purge: (before) => media.purgeMedia(db, before),
    },
    idempotency: {
      find: (keyId, idemKey) => system.findIdempotent(db, keyId, idemKey),
      purge: (before) => system.purgeIdempotent(db, before),
    },
    identity: {
      user: (id) => identity.findUser(db, id),
      userByEmail: (email) => identity.findUserByEmail(db, email),
      users: (limit, offset) => identity.listUsers(db, limit, offset),
      insertUser: (row) => identity.insertUser(db, row),
      updateUser: (id, set) => identity.updateUser(db, id, set),
      allMemberships: () => identity.allMemberships(db),
      membership: (accountId, userId) => identity.membership(db, accountId, userId),
      membershipsOf: (userId) => identity.membershipsOfUser(db, userId),
      membersOf: (accountId) => identity.membersOfAccount(db, accountId),
      insertMembership: (row) => identity.insertMembership(db, row),
      setMemberRole: (accountId, userId, role) => identity.setMemberRole(db, accountId, userId, role),
      deleteMembership: (accountId, userId) => identity.deleteMembership(db, accountId, userId),
      insertInvite: (row) => identity.insertInvite(db, row),
      pendingInvites: (email, now) => identity.pendingInvites(db, email, now),
      invites: (accountId, limit) => identity.listInvites(db, accountId, limit),
      invite: (id) => identity.findInvite(db, id),
      acceptInvite: (id, now) => identity.acceptInvite(db, id, now),
      revokeInvite: (id, now) => identity.revokeInvite(db, id, now),
      issueCode: (row) => identity.issueCode(db, row),
      openCode: (email, now) => identity.openCode(db, email, now),
      attemptCode: (id, max, now) => identity.attemptCode(db, id, max, now),
      redeemCode: (id, ticket, now) => identity.redeemCode(db, id, ticket, now),
      spendTicket: (ticketHash, now) => identity.spendTicket(db, ticketHash, now),
      insertSession: (row) => identity.insertSession(db, row),
      sessionByHash: (tokenHash) => identity.findSessionByHash(db, tokenHash),
      liveSessionOfFamily: (familyId, now) => identity.liveSessionOfFamily(db, familyId, now),
      replaceSession: (id, by, now) => identity.replaceSession(db, id, by, now),
      revokeFamily: (familyId, now) => identity.revokeFamily(db, familyId, now),
      revokeUserSessions: (userId, now) => identity.revokeUserSessions(db, userId, now),
      insertMail: (row) => identity.insertMail(db, row),
      updateMail: (id, set) => identity.updateMail(db, id, set),
      mail: (limit, offset) => identity.listMail(db, limit, offset),
      externalIdentity: (issuer, subject) => identity.findExternalIdentity(db, issuer, subject),
      insertExternalIdentity: (row) => identity.insertExternalIdentity(db, row),
      externalIdentities: () => identity.listExternalIdentities(db),
      deleteExternalIdentity: (id) => identity.deleteExternalIdentity(db, id),
    },
    oauth: {
      insertApp: (row, ownerLimit) => oauth.insertApp(db, row, ownerLimit),
      app: (id) => oauth.findApp(db, id),
      apps: (limit, offset, ownerUserId) => oauth.listApps(db, limit, offset, ownerUserId),
      updateApp: (id, set) => oauth.updateApp(db, id, set),
      activeGrantCounts: () => oauth.activeGrantCounts(db),
      insertCode: (row) => oauth.insertOAuthCode(db, row),
      spendCode: (codeHash, now) => oauth.spendOAuthCode(db, codeHash, now),
      code: (codeHash) => oauth.findOAuthCode(db, codeHash),
      replayCode: (codeHash) => oauth.replayOAuthCode(db, codeHash),
      purgeCodes: (before) => oauth.purgeOAuthCodes(db, before),
      recordGrant: (row, codeId) => oauth.recordGrant(db, row, codeId),
      grants: (f, limit, offset) => oauth.listGrants(db, f, limit, offset),
      grant: (id) => oauth.findGrant(db, id),
      activeGrants: (f) => oauth.activeGrants(db, f),
      revokeGrant: (id, now) => oauth.revokeGrant(db, id, now),
    },
    settings: {
      read: (key) => system.readSetting(db, key),
      upsert: (key, value) => system.upsertSetting(db, key, value),
      delete: (key) => system.deleteSetting(db, key),
      bump: (key) => system.bumpSetting(db, key),
    },
  };
}
