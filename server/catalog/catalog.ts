import type { ModelRow, ProviderRow } from "../../db/queries/catalog.ts";
import type { MediaPrices, ModelRoute, ProviderTimeouts } from "../../db/schema/index.ts";
import type { Store } from "../../db/store.ts";
import type { Prices } from "../billing/money.ts";
import type { Cipher } from "../secrets/cipher.ts";
import { defaultOwner, inferKind, type ModelKind } from "./model-kind.ts";
import { openHeaders } from "./provider-secrets.ts";

export type ModelRecord = {
  id: string;
  enabled: boolean;
  /** What the model serves: declared, else inferred (model-kind.ts). */
  kind: ModelKind;
  kindDeclared: boolean;
  /** The public owner shown by `/v1/models`: declared, else from the id (never a provider id). */
  ownedBy: string;
  ownedByDeclared: boolean;
  routes: ModelRoute[];
  prices: Prices;
  /** Per-image and per-second prices (nano-units), for the media routes. */
  mediaPrices: MediaPrices;
  maxOutputTokens: number | null;
  contextWindow: number | null;
  capabilities: Record<string, unknown>;
  fallbacks: string[];
  fromConfig: boolean;
  createdAt: number;
  updatedAt: number;
};

export type ProviderRecord = {
  id: string;
  kind: string;
  baseUrl: string;
  /** Decrypted, memory only: never logged, never returned. */
  apiKey: string | null;
  /** Decrypted like the key (values may be credentials); shown masked. */
  headers: Record<string, string>;
  options: Record<string, unknown>;
  timeouts: ProviderTimeouts;
  enabled: boolean;
  fromConfig: boolean;
  createdAt: number;
  updatedAt: number;
};

export const DEFAULT_TIMEOUTS: ProviderTimeouts = {
  connectMs: 10_000,
  firstByteMs: 120_000,
  totalMs: 600_000,
};

function modelRecord(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    enabled: row.enabled,
    kind: row.kind ?? inferKind(row.routes, row.priceExtras),
    kindDeclared: row.kind !== null,
    ownedBy: row.ownedBy ?? defaultOwner(row.id),
    ownedByDeclared: row.ownedBy !== null,
    routes: row.routes,
    prices: {
      input: row.priceInput,
      cachedInput: row.priceCachedInput,
      output: row.priceOutput,
      cacheWrite: row.priceCacheWrite,
      cacheWrite1h: row.priceCacheWrite1h,
    },
    mediaPrices: row.priceExtras,
    maxOutputTokens: row.maxOutputTokens,
    contextWindow: row.contextWindow,
    capabilities: row.capabilities,
    fallbacks: row.fallbacks,
    fromConfig: row.configHash !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Models and providers, served from memory on the hot path. Admin changes go through
 * here (write, then refresh the one record); changes made by another process are picked
 * up by a full `load()` when SQLite's data_version moves.
 */
export class Catalog {
  private modelMap = new Map<string, ModelRecord>();
  private providerMap = new Map<string, ProviderRecord>();

  constructor(
    private readonly cipher: Cipher,
    private readonly store: Store,
  ) {}

  async load(): Promise<void> {
    const [models, providers] = await Promise.all([
      this.store.catalog.models(),
      this.store.catalog.providers(),
    ]);
    this.modelMap = new Map(models.map((r) => [r.id, modelRecord(r)]));
    this.providerMap = new Map(providers.map((r) => [r.id, this.providerRecord(r)]));
  }

  private providerRecord(row: ProviderRow): ProviderRecord {
    let apiKey: string | null = null;
    if (row.apiKeyEnc) {
      try {
        apiKey = this.cipher.decrypt(row.apiKeyEnc);
      } catch {
        // Wrong TOLLGATE_SECRET or key file: the provider answers 502 until its key is set again.
        apiKey = null;
      }
    }
    return {
      id: row.id,
      kind: row.kind,
      baseUrl: row.baseUrl,
      apiKey,
      headers: openHeaders(this.cipher, row),
      options: row.options,
      timeouts: { ...DEFAULT_TIMEOUTS, ...row.timeouts },
      enabled: row.enabled,
      fromConfig: row.configHash !== null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  model(id: string): ModelRecord | undefined {
    return this.modelMap.get(id);
  }

  models(): ModelRecord[] {
    return [...this.modelMap.values()];
  }

  provider(id: string): ProviderRecord | undefined {
    return this.providerMap.get(id);
  }

  providers(): ProviderRecord[] {
    return [...this.providerMap.values()];
  }

  async refreshModel(id: string): Promise<ModelRecord | undefined> {
    const row = await this.store.catalog.model(id);
    if (!row) {
      this.modelMap.delete(id);
      return undefined;
    }
    const rec = modelRecord(row);
    this.modelMap.set(id, rec);
    return rec;
  }

  async refreshProvider(id: string): Promise<ProviderRecord | undefined> {
    const row = await this.store.catalog.provider(id);
    if (!row) {
      this.providerMap.delete(id);
      return undefined;
    }
    const rec = this.providerRecord(row);
    this.providerMap.set(id, rec);
    return rec;
  }
}
