import type { z } from "zod";
import type { ProviderPatch } from "../../../db/queries/catalog.ts";
import { DEFAULT_TIMEOUTS, type ProviderRecord } from "../../catalog/catalog.ts";
import { sealHeaders } from "../../catalog/provider-secrets.ts";
import { providerOptionIssues } from "../../config/provider-options.ts";
import { badRequest, GatewayError, notFound } from "../../errors.ts";
import { maskSecret } from "../../secrets/cipher.ts";
import type { AdminServices } from "../services.ts";
import { iso } from "../shared.ts";
import type { CreateProvider, ProviderView, UpdateProvider } from "./model.ts";

/** What this resource reads and writes. */
export type ProvidersDeps = Pick<AdminServices, "store" | "catalog" | "cipher">;

/** Header values may carry credentials (`api-key`, `x-api-key`): they are masked like the key. */
export function providerView(p: ProviderRecord): ProviderView {
  return {
    id: p.id,
    kind: p.kind,
    base_url: maskUrlCredentials(p.baseUrl),
    api_key: maskSecret(p.apiKey),
    headers: Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, maskSecret(v) ?? ""])),
    options: p.options,
    timeouts: {
      connect_ms: p.timeouts.connectMs,
      first_byte_ms: p.timeouts.firstByteMs,
      total_ms: p.timeouts.totalMs,
    },
    enabled: p.enabled,
    source: p.fromConfig ? "config" : "admin",
    created_at: iso(p.createdAt)!,
    updated_at: iso(p.updatedAt)!,
  };
}

/** A base URL stored before credentials in it were refused (config/schema.ts BaseUrl): shown masked. */
const maskUrlCredentials = (url: string) => url.replace(/^(https?:\/\/)[^@/?#]*@/i, "$1••••@");

/** The kind's options (Yandex folder, GigaChat scope, TLS), refused with a 400 naming the option. */
function checkOptions(kind: string, options: Record<string, unknown>): void {
  const [issue] = providerOptionIssues(kind, options);
  if (issue) throw badRequest(`options.${issue[0]}: ${issue[1]}`, `options.${issue[0]}`);
}

/**
 * Stored credentials (the key, header values) go only to the host they were entered for:
 * moving a provider to another host needs them entered again (or cleared), or anyone with
 * a panel session could point it at their own server and capture the key with "Test
 * connection".
 */
function checkCredentialsFollow(current: ProviderRecord, input: z.infer<typeof UpdateProvider>): void {
  if (input.base_url === undefined || new URL(input.base_url).host === new URL(current.baseUrl).host) return;
  const must = (field: string, what: string) =>
    badRequest(
      `${field}: the base URL moves to another host, so the stored ${what} is not sent there: give ${field} again (or clear it) in the same request.`,
      field,
      "credentials_required",
    );
  if (current.apiKey !== null && input.api_key === undefined) throw must("api_key", "API key");
  if (Object.keys(current.headers).length > 0 && input.headers === undefined)
    throw must("headers", "headers");
}

function provider(gw: ProvidersDeps, id: string): ProviderRecord {
  const p = gw.catalog.provider(id);
  if (!p) throw notFound(`No provider with id '${id}'.`, "provider_not_found");
  return p;
}

type Timeouts = { connect_ms?: number; first_byte_ms?: number; total_ms?: number };
const timeoutsOf = (t: Timeouts, base = DEFAULT_TIMEOUTS) => ({
  connectMs: t.connect_ms ?? base.connectMs,
  firstByteMs: t.first_byte_ms ?? base.firstByteMs,
  totalMs: t.total_ms ?? base.totalMs,
});

export const providersService = {
  list(gw: ProvidersDeps): ProviderView[] {
    return gw.catalog
      .providers()
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(providerView);
  },

  get(gw: ProvidersDeps, id: string): ProviderView {
    return providerView(provider(gw, id));
  },

  /**
   * Deletes a provider; 409 while a model routes to it. Past log rows keep its id. A
   * provider tollgate.yaml declares is created again the next time the file is applied (a
   * start, a CLI command) while the file declares it.
   */
  async delete(gw: ProvidersDeps, id: string): Promise<{ id: string; deleted: true }> {
    provider(gw, id);
    const users = gw.catalog
      .models()
      .filter((m) => m.routes.some((r) => r.provider === id))
      .map((m) => m.id);
    if (users.length > 0)
      throw new GatewayError(
        "conflict",
        `Provider '${id}' is still routed to by ${users.join(", ")}: remove those routes first.`,
        { code: "provider_in_use" },
      );
    await gw.store.catalog.deleteProvider(id);
    await gw.catalog.refreshProvider(id);
    return { id, deleted: true };
  },

  async create(gw: ProvidersDeps, input: z.infer<typeof CreateProvider>): Promise<ProviderView> {
    if (gw.catalog.provider(input.id))
      throw new GatewayError("conflict", `A provider '${input.id}' already exists.`, {
        code: "provider_exists",
        param: "id",
      });
    checkOptions(input.kind, input.options);
    const now = Date.now();
    await gw.store.catalog.insertProvider({
      id: input.id,
      kind: input.kind,
      baseUrl: input.base_url,
      apiKeyEnc: input.api_key ? gw.cipher.encrypt(input.api_key) : null,
      ...sealHeaders(gw.cipher, input.headers),
      options: input.options,
      timeouts: timeoutsOf(input.timeouts),
      enabled: input.enabled,
      configHash: null,
      createdAt: now,
      updatedAt: now,
    });
    return providerView((await gw.catalog.refreshProvider(input.id))!);
  },

  async update(gw: ProvidersDeps, id: string, input: z.infer<typeof UpdateProvider>): Promise<ProviderView> {
    const current = provider(gw, id);
    checkCredentialsFollow(current, input);
    const set: ProviderPatch = { updatedAt: Date.now() };
    if (input.base_url !== undefined) set.baseUrl = input.base_url;
    if (input.api_key !== undefined)
      set.apiKeyEnc = input.api_key === null ? null : gw.cipher.encrypt(input.api_key);
    if (input.headers !== undefined) Object.assign(set, sealHeaders(gw.cipher, input.headers));
    if (input.options !== undefined) {
      checkOptions(current.kind, input.options);
      set.options = input.options;
    }
    if (input.timeouts !== undefined) set.timeouts = timeoutsOf(input.timeouts, current.timeouts);
    if (input.enabled !== undefined) set.enabled = input.enabled;
    await gw.store.catalog.updateProvider(id, set);
    return providerView((await gw.catalog.refreshProvider(id))!);
  },
};
