import { z } from "zod";
import { MODEL_KINDS } from "../catalog/model-kind.ts";
import { Amount, NonNegativeAmount } from "./amount.ts";
import { IDENTITY_DEFAULTS, IdentityDecl } from "./identity.ts";
import { PlansDecl } from "./plans.ts";
import { checkProviderOptions } from "./provider-options.ts";

export { Amount, NonNegativeAmount };

/**
 * An upstream's base URL: http or https, without credentials. `https://user:KEY@host`
 * would be stored and shown in clear (the panel, the admin API, logs of the URL): keys go
 * in `api_key` or `headers`, which are sealed at rest and masked when shown.
 */
export const BaseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .refine((u) => !hasCredentials(u), {
    message:
      "must not contain credentials (user:password@host): put the key in api_key or headers, which are stored encrypted and shown masked",
  });

/** Whether a URL carries a user name or password. */
export function hasCredentials(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && (parsed.username !== "" || parsed.password !== "");
}

const Timeouts = z
  .object({
    connect_ms: z.number().int().positive().optional(),
    first_byte_ms: z.number().int().positive().optional(),
    total_ms: z.number().int().positive().optional(),
  })
  .strict();

export const PROVIDER_KINDS = ["openai", "anthropic", "gemini", "gigachat", "yandex"] as const;
export const ProviderKind = z.enum(PROVIDER_KINDS);
export type ProviderKind = z.infer<typeof ProviderKind>;

const ProviderDecl = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "letters, digits, '.', '_' and '-' only"),
    kind: ProviderKind,
    base_url: BaseUrl,
    api_key: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    options: z.record(z.string(), z.unknown()).default({}),
    timeouts: Timeouts.optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

const RouteDecl = z
  .object({
    provider: z.string(),
    model: z.string().min(1),
    priority: z.number().int().default(0),
    weight: z.number().int().positive().default(1),
  })
  .strict();

/** Per-image prices keyed "<size>/<quality>", "<size>", "*" + "/<quality>" or "*". */
export const ImagePricesDecl = z.record(
  z.string().regex(/^(\*|[a-z0-9]+)(\/[a-z0-9]+)?$/i),
  NonNegativeAmount,
);
/** Per-second video prices: one amount for every size, or keyed by size / resolution / "*". */
export const VideoPricesDecl = z
  .union([NonNegativeAmount, z.record(z.string().min(1), NonNegativeAmount)])
  .transform((v) => (typeof v === "number" ? { "*": v } : v));

const PricesDecl = z
  .object({
    input: NonNegativeAmount.default(0),
    cached_input: NonNegativeAmount.optional(),
    output: NonNegativeAmount.default(0),
    cache_write: NonNegativeAmount.optional(),
    cache_write_1h: NonNegativeAmount.optional(),
    image: ImagePricesDecl.optional(),
    video_second: VideoPricesDecl.optional(),
  })
  .strict();

/** What a model serves; left out, it is inferred from the model's prices and routes. */
export const ModelKindDecl = z.enum(MODEL_KINDS);
/** The owner `/v1/models` shows (a vendor or organisation name, never needed to route). */
export const OwnedByDecl = z.string().trim().min(1).max(100);

const ModelDecl = z
  .object({
    id: z.string().min(1).max(200),
    kind: ModelKindDecl.optional(),
    owned_by: OwnedByDecl.optional(),
    routes: z.array(RouteDecl).min(1),
    prices: PricesDecl.default({ input: 0, output: 0 }),
    enabled: z.boolean().default(true),
    max_output_tokens: z.number().int().positive().optional(),
    context_window: z.number().int().positive().optional(),
    capabilities: z.record(z.string(), z.unknown()).default({}),
    /** Other models to try, in order, when every route of this one failed (opt-in). */
    fallbacks: z.array(z.string().min(1)).default([]),
  })
  .strict();

const AccountDecl = z
  .object({
    name: z.string().min(1).max(200),
    balance: NonNegativeAmount.default(0),
  })
  .strict();

const RateLimits = z
  .object({
    key_rpm: z.number().int().positive().nullable().default(60),
    key_rpd: z.number().int().positive().nullable().default(null),
    account_rpm: z.number().int().positive().nullable().default(null),
    /** Requests per clock hour across the deployment (the LLM Gateway reference's global limit). */
    global_rph: z.number().int().positive().nullable().default(null),
  })
  .strict();

const Routing = z
  .object({
    /** Upstream attempts per model, across its routes (failover and retries). */
    max_attempts: z.number().int().min(1).max(10).default(3),
    /**
     * Name the route that answered (`x-tollgate-route: <provider>:<upstream model>`) on every
     * answer. Off by default: which provider serves a model is the deployment's business.
     */
    expose_route_headers: z.boolean().default(false),
    /**
     * How long one client request may wait for an upstream to answer, across every attempt,
     * retry and fallback (then 504 request_timeout); 0 turns it off. A stream is bounded until
     * its first event reaches the client, a JSON answer until it arrived whole.
     */
    request_timeout_ms: z.number().int().min(0).default(120_000),
    backoff: z
      .object({
        base_ms: z.number().int().positive().default(100),
        max_ms: z.number().int().positive().default(2000),
      })
      .strict()
      .default({ base_ms: 100, max_ms: 2000 }),
    retry_budget: z
      .object({ ratio: z.number().min(0).max(1).default(0.2), min_per_second: z.number().min(0).default(5) })
      .strict()
      .default({ ratio: 0.2, min_per_second: 5 }),
    circuit_breaker: z
      .object({
        enabled: z.boolean().default(true),
        failure_threshold: z.number().int().positive().default(5),
        recovery_timeout_ms: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({ enabled: true, failure_threshold: 5, recovery_timeout_ms: 30_000 }),
  })
  .strict();

export const ConfigSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD or RUB")
      .default("USD"),
    server: z
      .object({
        body_limit_mb: z.number().positive().default(20),
        public_url: z.url().optional(),
      })
      .strict()
      .default({ body_limit_mb: 20 }),
    defaults: z
      .object({
        rate_limits: RateLimits.default({ key_rpm: 60, key_rpd: null, account_rpm: null, global_rph: null }),
        max_output_tokens: z.number().int().positive().default(4096),
        timeouts: Timeouts.default({}),
        /** How long gateway links to generated images and videos work (then 410 Gone). */
        media_link_ttl_s: z.number().positive().default(3600),
      })
      .strict()
      .default({
        rate_limits: { key_rpm: 60, key_rpd: null, account_rpm: null, global_rph: null },
        max_output_tokens: 4096,
        timeouts: {},
        media_link_ttl_s: 3600,
      }),
    routing: Routing.default({
      max_attempts: 3,
      expose_route_headers: false,
      request_timeout_ms: 120_000,
      backoff: { base_ms: 100, max_ms: 2000 },
      retry_budget: { ratio: 0.2, min_per_second: 5 },
      circuit_breaker: { enabled: true, failure_threshold: 5, recovery_timeout_ms: 30_000 },
    }),
    health: z
      .object({
        /** Actively probe every provider (GET <base_url>/models) this often; 0 turns probing off. */
        probe_interval_s: z.number().min(0).default(0),
      })
      .strict()
      .default({ probe_interval_s: 0 }),
    logging: z
      .object({
        /** One JSON line per request on stdout. */
        requests: z.boolean().default(true),
        /** Include the prompt text in those lines (off: no prompt text is ever logged). */
        prompts: z.boolean().default(false),
      })
      .strict()
      .default({ requests: true, prompts: false }),
    metrics: z
      .object({
        /** Label request metrics with key ids (unbounded label sets: off by default). */
        key_labels: z.boolean().default(false),
        /** A `user_balance` gauge per account (the LLM Gateway reference's; one series per account: off by default). */
        balance_gauge: z.boolean().default(false),
      })
      .strict()
      .default({ key_labels: false, balance_gauge: false }),
    providers: z.array(ProviderDecl).default([]),
    models: z.array(ModelDecl).default([]),
    accounts: z.array(AccountDecl).default([]),
    plans: PlansDecl,
    identity: IdentityDecl.default(IDENTITY_DEFAULTS),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const providerIds = new Set<string>();
    cfg.providers.forEach((p, i) => {
      if (providerIds.has(p.id))
        ctx.addIssue({
          code: "custom",
          path: ["providers", i, "id"],
          message: `duplicate provider "${p.id}"`,
        });
      providerIds.add(p.id);
      checkProviderOptions(p, ["providers", i], ctx);
    });
    const modelIds = new Set<string>();
    cfg.models.forEach((m, i) => {
      if (modelIds.has(m.id))
        ctx.addIssue({ code: "custom", path: ["models", i, "id"], message: `duplicate model "${m.id}"` });
      modelIds.add(m.id);
      m.fallbacks.forEach((f, j) => {
        if (!cfg.models.some((o) => o.id === f) || f === m.id) {
          ctx.addIssue({
            code: "custom",
            path: ["models", i, "fallbacks", j],
            message: `unknown fallback model "${f}"`,
          });
        }
      });
      m.routes.forEach((r, j) => {
        if (!providerIds.has(r.provider)) {
          ctx.addIssue({
            code: "custom",
            path: ["models", i, "routes", j, "provider"],
            message: `unknown provider "${r.provider}"`,
          });
        }
      });
    });
    const names = new Set<string>();
    cfg.accounts.forEach((a, i) => {
      if (names.has(a.name))
        ctx.addIssue({
          code: "custom",
          path: ["accounts", i, "name"],
          message: `duplicate account "${a.name}"`,
        });
      names.add(a.name);
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
export type ProviderDecl = z.infer<typeof ProviderDecl>;
export type ModelDecl = z.infer<typeof ModelDecl>;
export type AccountDecl = z.infer<typeof AccountDecl>;
