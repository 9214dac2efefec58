import type { CatalogWrite, Store } from "../../db/store.ts";
import type { AccountBook } from "../billing/account-book.ts";
import { DEFAULT_TIMEOUTS } from "../catalog/catalog.ts";
import { sealHeaders } from "../catalog/provider-secrets.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { sha256 } from "../secrets/tokens.ts";
import type { Config, ModelDecl, ProviderDecl } from "./schema.ts";

export type ApplyReport = { created: string[]; updated: string[]; kept: string[] };

const hashOf = (kind: string, decl: unknown) => sha256(`${kind}:${JSON.stringify(decl)}`);

/**
 * Applies tollgate.yaml to the database, idempotently. Each declared item remembers the
 * hash of its declaration: an item whose declaration is unchanged since the last apply
 * is left alone (so changes made later through the admin API stand); an item whose
 * declaration changed in the file is overwritten from the file. Accounts are created
 * once with their opening balance and never reset. Items removed from the file stay.
 */
export async function applyConfig(
  deps: { store: Store; cipher: Cipher; book: AccountBook },
  config: Config,
  now: number,
): Promise<ApplyReport> {
  const timeoutDefaults = config.defaults.timeouts;
  // Read, decided and written in one transaction: a server and a CLI applying at once queue.
  const report = await deps.store.catalog.reconcile((current) => {
    const report: ApplyReport = { created: [], updated: [], kept: [] };
    const writes: CatalogWrite[] = [];
    const providers = new Map(current.providers.map((r) => [r.id, r]));
    const models = new Map(current.models.map((r) => [r.id, r]));
    for (const p of config.providers) {
      const hash = hashOf("provider", p);
      const existing = providers.get(p.id);
      if (existing && existing.configHash === hash) {
        report.kept.push(`provider ${p.id}`);
        continue;
      }
      const row = providerRow(p, deps.cipher, timeoutDefaults);
      if (existing) {
        writes.push({ updateProvider: { id: p.id, set: { ...row, configHash: hash, updatedAt: now } } });
        report.updated.push(`provider ${p.id}`);
      } else {
        writes.push({ insertProvider: { ...row, configHash: hash, createdAt: now, updatedAt: now } });
        report.created.push(`provider ${p.id}`);
      }
    }
    for (const m of config.models) {
      const hash = hashOf("model", m);
      const existing = models.get(m.id);
      if (existing && existing.configHash === hash) {
        report.kept.push(`model ${m.id}`);
        continue;
      }
      const row = modelRow(m);
      if (existing) {
        writes.push({ updateModel: { id: m.id, set: { ...row, configHash: hash, updatedAt: now } } });
        report.updated.push(`model ${m.id}`);
      } else {
        writes.push({ insertModel: { ...row, configHash: hash, createdAt: now, updatedAt: now } });
        report.created.push(`model ${m.id}`);
      }
    }
    return { writes, result: report };
  });
  for (const a of config.accounts) {
    if (await deps.store.accounts.named(a.name)) {
      report.kept.push(`account ${a.name}`);
      continue;
    }
    await deps.book.create({ name: a.name, balance: a.balance, configHash: hashOf("account", a) }, now);
    report.created.push(`account ${a.name}`);
  }
  return report;
}

function providerRow(p: ProviderDecl, cipher: Cipher, defaults: Config["defaults"]["timeouts"]) {
  const t = { ...defaults, ...p.timeouts };
  return {
    id: p.id,
    kind: p.kind,
    baseUrl: p.base_url,
    apiKeyEnc: p.api_key ? cipher.encrypt(p.api_key) : null,
    ...sealHeaders(cipher, p.headers),
    options: p.options,
    timeouts: {
      connectMs: t.connect_ms ?? DEFAULT_TIMEOUTS.connectMs,
      firstByteMs: t.first_byte_ms ?? DEFAULT_TIMEOUTS.firstByteMs,
      totalMs: t.total_ms ?? DEFAULT_TIMEOUTS.totalMs,
    },
    enabled: p.enabled,
  };
}

function modelRow(m: ModelDecl) {
  return {
    id: m.id,
    enabled: m.enabled,
    kind: m.kind ?? null,
    ownedBy: m.owned_by ?? null,
    routes: m.routes.map((r) => ({
      provider: r.provider,
      model: r.model,
      priority: r.priority,
      weight: r.weight,
    })),
    priceInput: m.prices.input,
    priceCachedInput: m.prices.cached_input ?? m.prices.input,
    priceOutput: m.prices.output,
    priceCacheWrite: m.prices.cache_write ?? null,
    priceCacheWrite1h: m.prices.cache_write_1h ?? null,
    priceExtras: {
      ...(m.prices.image ? { image: m.prices.image } : {}),
      ...(m.prices.video_second ? { videoSecond: m.prices.video_second } : {}),
    },
    maxOutputTokens: m.max_output_tokens ?? null,
    contextWindow: m.context_window ?? null,
    capabilities: m.capabilities,
    fallbacks: m.fallbacks,
  };
}
