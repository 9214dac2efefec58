import { eq } from "drizzle-orm";
import type { Conn, Db } from "../client.ts";
import { models, providers } from "../schema/index.ts";
import type { FullRow } from "./columns.ts";

/** Upstream providers and public models (db/schema/catalog.ts). */

export type ProviderRow = typeof providers.$inferSelect;
export type ModelRow = typeof models.$inferSelect;
export type ProviderPatch = Partial<FullRow<typeof providers>>;
export type ModelPatch = Partial<FullRow<typeof models>>;

/** One write of a catalog reconciliation (Store.catalog.reconcile). */
export type CatalogWrite =
  | { insertProvider: FullRow<typeof providers> }
  | { updateProvider: { id: string; set: ProviderPatch } }
  | { insertModel: FullRow<typeof models> }
  | { updateModel: { id: string; set: ModelPatch } };

export function allProviders(db: Conn): ProviderRow[] {
  return db.select().from(providers).all();
}

export function findProvider(db: Conn, id: string): ProviderRow | undefined {
  return db.select().from(providers).where(eq(providers.id, id)).get();
}

export function insertProvider(db: Conn, row: FullRow<typeof providers>): void {
  db.insert(providers).values(row).run();
}

export function updateProvider(db: Conn, id: string, set: ProviderPatch): void {
  db.update(providers).set(set).where(eq(providers.id, id)).run();
}

export function deleteProvider(db: Conn, id: string): void {
  db.delete(providers).where(eq(providers.id, id)).run();
}

export function allModels(db: Conn): ModelRow[] {
  return db.select().from(models).all();
}

export function findModel(db: Conn, id: string): ModelRow | undefined {
  return db.select().from(models).where(eq(models.id, id)).get();
}

export function insertModel(db: Conn, row: FullRow<typeof models>): void {
  db.insert(models).values(row).run();
}

export function updateModel(db: Conn, id: string, set: ModelPatch): void {
  db.update(models).set(set).where(eq(models.id, id)).run();
}

export function deleteModel(db: Conn, id: string): void {
  db.delete(models).where(eq(models.id, id)).run();
}

/** Store.catalog.reconcile: read, decide, write in one IMMEDIATE transaction (writers queue behind it). */
export function reconcileCatalog<T>(
  db: Db,
  decide: (current: { providers: ProviderRow[]; models: ModelRow[] }) => {
    writes: CatalogWrite[];
    result: T;
  },
): T {
  return db.transaction(
    (tx) => {
      const { writes, result } = decide({ providers: allProviders(tx), models: allModels(tx) });
      for (const w of writes) {
        if ("insertProvider" in w) insertProvider(tx, w.insertProvider);
        else if ("updateProvider" in w) updateProvider(tx, w.updateProvider.id, w.updateProvider.set);
        else if ("insertModel" in w) insertModel(tx, w.insertModel);
        else updateModel(tx, w.updateModel.id, w.updateModel.set);
      }
      return result;
    },
    { behavior: "immediate" },
  );
}
