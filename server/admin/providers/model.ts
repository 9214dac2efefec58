import { z } from "zod";
import { BaseUrl, PROVIDER_KINDS } from "../../config/schema.ts";

const Timeouts = z.object({
  connect_ms: z.number().int().positive().optional(),
  first_byte_ms: z.number().int().positive().optional(),
  total_ms: z.number().int().positive().optional(),
});

export const CreateProvider = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "letters, digits, '.', '_' and '-' only"),
  kind: z.enum(PROVIDER_KINDS),
  base_url: BaseUrl,
  /** Write-only: stored encrypted, shown masked. */
  api_key: z.string().min(1).nullable().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  options: z.record(z.string(), z.unknown()).default({}),
  timeouts: Timeouts.default({}),
  enabled: z.boolean().default(true),
});

export const UpdateProvider = z.object({
  base_url: BaseUrl.optional(),
  /** A string sets the key, null clears it, absent keeps it. */
  api_key: z.string().min(1).nullable().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  timeouts: Timeouts.optional(),
  enabled: z.boolean().optional(),
});

export type ProviderView = {
  id: string;
  kind: string;
  base_url: string;
  api_key: string | null;
  headers: Record<string, string>;
  options: Record<string, unknown>;
  timeouts: { connect_ms: number; first_byte_ms: number; total_ms: number };
  enabled: boolean;
  source: "config" | "admin";
  created_at: string;
  updated_at: string;
};

/** A model the upstream lists: the id routes name, and its display name when it gives one. */
export type UpstreamModel = { id: string; name: string | null };

export type ConnectionTest = {
  ok: boolean;
  status: number | null;
  latency_ms: number;
  message: string;
  /** The upstream's models, sorted by id; null when it did not list them. */
  models: UpstreamModel[] | null;
};
