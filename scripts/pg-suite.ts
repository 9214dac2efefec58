/**
 * The part of the gateway suite `npm test` runs a second time on PostgreSQL
 * (TOLLGATE_TEST_ENGINE=postgres: every TestGateway on a real server; docs/scale-out.md "The
 * gateway suite on PostgreSQL"). The whole suite passes there too (run it with
 * `TOLLGATE_TEST_ENGINE=postgres bun test server/tests`); CI repeats the files where the
 * engine decides the outcome (money, the books, idempotency, other processes' changes,
 * admin reads and writes, identity) and leaves out what runs the same on either engine or
 * is about SQLite itself, so that the whole of `npm test` stays within 15 minutes on a
 * 2-core machine.
 */
export const PG_SUITE = [
  "server/tests/admin-hardening.test.ts",
  "server/tests/admin-session.test.ts",
  "server/tests/admin-stats.test.ts",
  "server/tests/admin.test.ts",
  "server/tests/alerts-email.test.ts",
  "server/tests/base-url-credentials.test.ts",
  "server/tests/billed-call.test.ts",
  "server/tests/billing-edges.test.ts",
  "server/tests/billing.test.ts",
  "server/tests/budgets-alerts.test.ts",
  "server/tests/cache-sync.test.ts",
  "server/tests/chat.test.ts",
  "server/tests/cost-bounds.test.ts",
  "server/tests/errors.test.ts",
  "server/tests/hostile-input.test.ts",
  "server/tests/idempotency.test.ts",
  "server/tests/identity-isolation.test.ts",
  "server/tests/identity-jwt.test.ts",
  "server/tests/identity-plans.test.ts",
  "server/tests/identity-portal.test.ts",
  "server/tests/identity-signup.test.ts",
  "server/tests/images.test.ts",
  "server/tests/model-catalog.test.ts",
  "server/tests/oauth-pkce.test.ts",
  "server/tests/observability.test.ts",
  "server/tests/provider-models.test.ts",
  "server/tests/reliability.test.ts",
  "server/tests/request-log-panel.test.ts",
  "server/tests/secret-echo.test.ts",
  "server/tests/spend-limit.test.ts",
  "server/tests/surfaces.test.ts",
];
