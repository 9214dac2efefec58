/**
 * The folder rules of server/ and db/, as the folder READMEs state them, checked by
 * dependency-cruiser in `npm run check` (so a violation fails CI). Why each rule holds:
 * docs/architecture.md#dependency-rules; each folder's README says what it owns.
 *
 * Every import counts, `import type` included (the swc parser does not tell them apart):
 * a type is still a dependency on what the folder means. Tests (`*.test.ts`, server/tests/)
 * may import anything, except that they too take part in no cycle.
 *
 *   npx depcruise server db --config .dependency-cruiser.cjs
 */

/** Test code: exempt from the folder rules (not from no-circular). */
const TESTS = "(\\.test\\.ts$|^server/tests/)";

/** `from` a folder's own code (its tests exempt). */
const code = (path) => ({ path, pathNot: TESTS });

/** A folder that may import, of server/, only itself and the listed paths. */
function onlyImports(name, folder, allowed, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: code(`^server/${folder}/`),
    to: { path: "^server/", pathNot: [`^server/${folder}/`, ...allowed] },
  };
}

/** A folder that must not import the listed folders of server/. */
function mustNotImport(name, folder, forbidden, comment) {
  return {
    name,
    comment,
    severity: "error",
    from: code(`^server/${folder}/`),
    to: { path: `^server/(${forbidden.join("|")})/` },
  };
}

const ERRORS = "^server/errors\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No two modules import each other, through any number of steps (type imports included).",
      severity: "error",
      from: {},
      to: { circular: true },
    },

    // The one-way chain of a billed call: routes -> gateway -> routing -> providers -> dialects -> core.
    {
      name: "gateway-object-is-the-composition-root",
      comment:
        "The Gateway object (gateway/gateway.ts) is built and wired by app.ts, boot.ts and start.ts only; everything else takes the narrow services it uses (gateway/call-services.ts, admin/services.ts, health/checks.ts).",
      severity: "error",
      from: { pathNot: [TESTS, "^server/(app|boot|start)\\.ts$", "^server/testing/"] },
      to: { path: "^server/gateway/gateway\\.ts$" },
    },
    {
      name: "only-routes-build-on-gateway",
      comment: "gateway/ is the billed call's pipeline: only the routes and the composition root use it.",
      severity: "error",
      from: {
        pathNot: [
          TESTS,
          "^server/gateway/",
          "^server/routes/",
          "^server/(app|boot|start)\\.ts$",
          "^server/testing/",
        ],
      },
      to: { path: "^server/gateway/" },
    },
    {
      name: "nothing-imports-routes",
      comment: "Routes sit on top: nothing imports a route but app.ts (routes/README.md).",
      severity: "error",
      from: { pathNot: [TESTS, "^server/routes/", "^server/app\\.ts$"] },
      to: { path: "^server/routes/" },
    },
    mustNotImport(
      "gateway-below-routes",
      "gateway",
      ["routes", "dialects", "admin", "admin-ui", "health", "cli"],
      "The pipeline reaches a client dialect only through core/codec.ts (gateway/README.md).",
    ),
    mustNotImport(
      "routing-below-gateway",
      "routing",
      ["routes", "gateway", "dialects", "billing", "admin", "http", "store"],
      "Routing chooses routes over catalog and providers (routing/README.md).",
    ),
    onlyImports(
      "providers-are-transports",
      "providers",
      ["^server/(dialects|core|sse|secrets|catalog)/", ERRORS],
      "A transport imports dialects/, core/, sse/, secrets/, catalog/ and errors.ts only (providers/README.md).",
    ),
    onlyImports(
      "dialects-know-no-transport",
      "dialects",
      ["^server/(core|sse|tokens|secrets|catalog)/", ERRORS],
      "A dialect turns bytes into canonical values and back: core/, sse/, tokens/, secrets/, catalog/ and errors.ts only (dialects/README.md).",
    ),
    onlyImports(
      "core-is-the-bottom",
      "core",
      ["^server/sse/", ERRORS],
      "The canonical model imports nothing but errors.ts and the SSE event type (core/README.md).",
    ),

    // Services below the pipeline.
    mustNotImport(
      "billing-below-the-pipeline",
      "billing",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin"],
      "Money knows no route, request or transport (billing/README.md).",
    ),
    mustNotImport(
      "catalog-below-the-pipeline",
      "catalog",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin"],
      "catalog/README.md",
    ),
    mustNotImport(
      "keys-below-the-pipeline",
      "keys",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin"],
      "keys/README.md",
    ),
    mustNotImport(
      "limits-below-the-pipeline",
      "limits",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin"],
      "limits/README.md",
    ),
    mustNotImport(
      "usage-log-below-the-pipeline",
      "usage-log",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin"],
      "usage-log/README.md",
    ),
    mustNotImport(
      "media-links-below-the-pipeline",
      "media-links",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "billing", "admin"],
      "Routes fetch a link's content through the provider themselves (media-links/README.md).",
    ),
    mustNotImport(
      "metrics-write-nothing",
      "metrics",
      ["routes", "gateway", "http", "store", "admin"],
      "Metrics are fed by the gateway and routing; they import nothing that writes (metrics/README.md).",
    ),
    mustNotImport(
      "cluster-below-the-pipeline",
      "cluster",
      ["routes", "gateway", "http", "dialects", "providers", "admin"],
      "What replicas share through Redis mirrors its in-process twins and knows no request (cluster/README.md).",
    ),
    mustNotImport(
      "plans-below-the-pipeline",
      "plans",
      ["routes", "gateway", "http", "dialects", "providers", "routing", "admin", "identity"],
      "Plans are limit sets and fees on accounts; the limiter and the book consult them (plans/README.md).",
    ),
    mustNotImport(
      "identity-takes-services",
      "identity",
      ["routes", "gateway", "dialects", "providers", "routing", "admin", "cli"],
      "Users, sign-in and tokens act on the services they name (identity/identity.ts IdentityServices), never the gateway object (identity/README.md).",
    ),
    {
      name: "nothing-imports-identity",
      comment:
        "Identity is wired by the composition root (identity/README.md); tests' helpers build it as the root does.",
      severity: "error",
      from: { pathNot: [TESTS, "^server/testing/", "^server/identity/", "^server/(app|start)\\.ts$"] },
      to: { path: "^server/identity/" },
    },
    onlyImports(
      "store-takes-writes-as-data",
      "store",
      ["^server/core/deadline\\.ts$"],
      "The group commit imports nothing from server/ but the leaf core/deadline.ts: writes arrive as plain data, statements come from db/queries (store/README.md).",
    ),
    onlyImports("secrets-is-a-leaf", "secrets", [], "secrets/README.md"),
    onlyImports("sse-is-a-leaf", "sse", [], "sse/README.md"),
    onlyImports("tokens-is-a-leaf", "tokens", [], "tokens/README.md"),
    {
      name: "errors-is-a-leaf",
      comment: "The typed errors every folder throws import nothing from server/.",
      severity: "error",
      from: { path: ERRORS },
      to: { path: "^server/" },
    },
    {
      name: "engine-chosen-at-the-edges",
      comment:
        "Services reach PostgreSQL only through the Store (db/store.ts): db/pg is opened by boot, the group commit's executor (store/), migrate-db, the health probes and the cluster modules (docs/scale-out.md).",
      severity: "error",
      from: {
        path: "^server/",
        pathNot: [
          TESTS,
          "^server/boot\\.ts$",
          "^server/store/",
          "^server/cli/commands/migrate-db\\.ts$",
          "^server/health/store-checks\\.ts$",
          "^server/cluster/",
          "^server/testing/",
          "^server/generated/",
        ],
      },
      to: { path: "^db/pg/" },
    },
    {
      name: "db-knows-no-server",
      comment: "The schema, migrations and queries import nothing from server/ (db/README.md).",
      severity: "error",
      from: code("^db/"),
      to: { path: "^server/" },
    },

    // HTTP edge, admin, health and entry points.
    mustNotImport(
      "http-knows-no-surface",
      "http",
      ["routes", "gateway", "dialects", "providers", "billing", "routing", "admin"],
      "Cross-cutting HTTP pieces: errors render through the ErrorSurfaces the routes declare (http/README.md).",
    ),
    onlyImports(
      "admin-session-stands-alone",
      "admin-session",
      [ERRORS, "^server/secrets/"],
      "Admin users and sessions import db/, secrets/ and errors.ts only (admin-session/README.md).",
    ),
    onlyImports(
      "admin-ui-serves-files",
      "admin-ui",
      ["^server/http/", ERRORS],
      "The panel's files come in through an AssetSource; admin-ui imports http/ and errors.ts only (admin-ui/README.md).",
    ),
    mustNotImport(
      "admin-takes-services",
      "admin",
      ["routes", "gateway", "cli"],
      "The admin API acts on the services it names (admin/services.ts), never the gateway object or a route (admin/README.md).",
    ),
    {
      name: "nothing-imports-admin",
      comment: "Nothing imports admin/ except app.ts and cli/ (admin/README.md).",
      severity: "error",
      from: { pathNot: [TESTS, "^server/admin/", "^server/cli/", "^server/app\\.ts$"] },
      to: { path: "^server/admin/" },
    },
    mustNotImport(
      "health-reads-state",
      "health",
      ["routes", "gateway", "admin"],
      "Health reads the services' state (health/checks.ts HealthState) and writes nothing (health/README.md).",
    ),
    {
      name: "health-writes-nothing",
      comment: "Health reads pragmas, never a query module (health/README.md).",
      severity: "error",
      from: code("^server/health/"),
      to: { path: "^db/queries/" },
    },
    {
      name: "cli-is-an-entry",
      comment: "Nothing imports cli/ except the entry points (cli/README.md).",
      severity: "error",
      from: { pathNot: [TESTS, "^server/cli/", "^server/(bin|main)\\.ts$"] },
      to: { path: "^server/cli/" },
    },
    {
      name: "generated-only-for-the-binary",
      comment: "Only server/bin.ts imports the generated embedded files (generated/README.md).",
      severity: "error",
      from: { pathNot: [TESTS, "^server/bin\\.ts$"] },
      to: { path: "^server/generated/" },
    },
    {
      name: "testing-is-for-tests",
      comment:
        "Mock upstreams and the harness are imported by tests and the benchmark, never by server code (testing/README.md).",
      severity: "error",
      from: { path: "^(server|db)/", pathNot: [TESTS, "^server/testing/"] },
      to: { path: "^server/testing/" },
    },
  ],
  options: {
    // TypeScript 7's package has no compiler API for dependency-cruiser's tsc parser: swc reads the sources.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^server/generated/embedded\\.js$" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".d.ts"] },
  },
};
