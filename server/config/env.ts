import { z } from "zod";
import { scaleOutProblem } from "./scale.ts";

/** Environment, read once in main.ts (or the CLI) and passed down frozen. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default("0.0.0.0"),
  TOLLGATE_DB: z.string().default("./data/tollgate.db"),
  TOLLGATE_CONFIG: z.string().optional(),
  TOLLGATE_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** With TOLLGATE_ADMIN_PASSWORD: the first admin user of the panel, created on a start with none. */
  TOLLGATE_ADMIN_USER: z.string().min(1).optional(),
  TOLLGATE_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  TOLLGATE_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /**
   * Reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For
   * names the client for the sign-in limit; without it the TCP peer is the client.
   */
  TOLLGATE_TRUSTED_PROXIES: z.string().optional(),
  /** When set, /metrics and /health/{detailed,system,history,circuit-breakers} need it as a Bearer token. */
  TOLLGATE_OBSERVABILITY_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  TOLLGATE_DB_SYNC: z.enum(["full", "normal"]).default("full"),
  /**
   * Where group commits run: inline on the event loop (default; its fsync still runs off
   * it), or a writer thread with its own connection, which pays off when the machine has
   * cores to spare (on 2 shared cores it measured slower: see bench/README.md).
   */
  TOLLGATE_WRITER: z.enum(["inline", "thread"]).default("inline"),
  TOLLGATE_LOG_LEVEL: z.enum(["silent", "info", "debug"]).default("info"),
  /**
   * Bun's cap on concurrent outbound fetches (default 256: the 257th upstream stream
   * would wait). Only read by Bun at process start, so launchers set it; we warn if low.
   */
  BUN_CONFIG_MAX_HTTP_REQUESTS: z.coerce.number().int().optional(),
  /** Lifetime of the access tokens users get (the LLM Gateway reference's name). */
  JWT_ACCESS_TOKEN_EXPIRE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** Lifetime of refresh tokens (each use rotates the token and restarts it). */
  JWT_REFRESH_TOKEN_EXPIRE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Signs users' access tokens (HS256); unset: a key derived from the deployment's secret key. */
  JWT_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  /** On SIGTERM, how long requests and streams in flight may take to finish. */
  TOLLGATE_SHUTDOWN_GRACE_S: z.coerce.number().min(0).max(3600).default(30),
  /** Shared fast state for several replicas (docs/scale-out.md): rate windows, reservations, claims, invalidation. */
  TOLLGATE_REDIS: z.string().optional(),
  /** How many replicas share TOLLGATE_DB: more than one needs PostgreSQL and Redis (server/config/scale.ts). */
  TOLLGATE_REPLICAS: z.coerce.number().int().min(1).default(1),
});

export type Env = Readonly<z.infer<typeof EnvSchema>>;

export function readEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const { TOLLGATE_DB: db, TOLLGATE_REDIS: redis, TOLLGATE_REPLICAS: replicas } = parsed.data;
  const problem = scaleOutProblem({ db, redis, replicas });
  if (problem) throw new Error(`Invalid environment:\n  ${problem}`);
  return Object.freeze(parsed.data);
}
