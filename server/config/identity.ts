import { z } from "zod";

export const SIGNUP_MODES = ["open", "invite", "closed"] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

/**
 * Tokens of the operator's own identity system (the LLM Gateway reference: "tokens must be
 * obtained through your authentication system"): HS256 with a shared secret, or keys from
 * a JWKS URL; the issuer and audience are always checked.
 */
const ExternalJwt = z
  .object({
    issuer: z.string().min(1),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    secret: z.string().min(32, "at least 32 characters (HS256)").optional(),
    jwks_url: z.url({ protocol: /^https?$/ }).optional(),
    /** Algorithms accepted; default HS256 with a secret, RS256/PS256/ES256/EdDSA with JWKS. */
    algorithms: z
      .array(z.string().regex(/^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/))
      .min(1)
      .optional(),
    /** The claim naming the account: each distinct value is one account. */
    account_claim: z.string().min(1).default("sub"),
    /** Create the account (empty balance, the default plan) on a value's first use; else 401 until an admin links it. */
    provision: z.boolean().default(false),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.secret === undefined) === (v.jwks_url === undefined))
      ctx.addIssue({ code: "custom", message: "set exactly one of secret (HS256) and jwks_url" });
    const algs = v.algorithms ?? [];
    if (v.secret !== undefined && algs.some((a) => !a.startsWith("HS")))
      ctx.addIssue({
        code: "custom",
        path: ["algorithms"],
        message: "a secret verifies HS* algorithms only",
      });
    if (v.jwks_url !== undefined && algs.some((a) => a.startsWith("HS")))
      ctx.addIssue({
        code: "custom",
        path: ["algorithms"],
        message: "a JWKS verifies public-key algorithms only",
      });
  });

export type ExternalJwtDecl = z.infer<typeof ExternalJwt>;

/** `identity:` in tollgate.yaml: sign-up, mail, e-mail codes and external tokens. */
export const IdentityDecl = z
  .object({
    /** Who may create a user: anyone with a mailbox, invited addresses only, or nobody (the admin can change it). */
    signup: z.enum(SIGNUP_MODES).default("closed"),
    mail: z
      .object({
        from: z.string().min(3).default("Tollgate <tollgate@localhost>"),
        /** smtp:// or smtps:// URL (credentials in it, e.g. ${SMTP_URL}); unset: messages stay in the outbox. */
        smtp: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^smtps?$/ }).optional()),
      })
      .strict()
      .default({ from: "Tollgate <tollgate@localhost>" }),
    codes: z
      .object({
        ttl_minutes: z.number().int().min(1).max(60).default(10),
        /** Wrong codes tried before a code is burnt. */
        max_attempts: z.number().int().min(1).max(20).default(5),
        /** Codes asked for one address per hour, and from one client address per hour. */
        per_email_per_hour: z.number().int().min(1).default(5),
        per_client_per_hour: z.number().int().min(1).default(30),
      })
      .strict()
      .default({ ttl_minutes: 10, max_attempts: 5, per_email_per_hour: 5, per_client_per_hour: 30 }),
    external_jwt: ExternalJwt.optional(),
  })
  .strict();

export type IdentityDecl = z.infer<typeof IdentityDecl>;

export const IDENTITY_DEFAULTS: IdentityDecl = IdentityDecl.parse({});
