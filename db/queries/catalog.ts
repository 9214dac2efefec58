import { eq } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { models, providers } from "../schema/index.ts";
import type { FullRow } from "./columns.ts";

/** Upstream providers and public models (db/schema/catalog.ts). */

export type ProviderRow = typeof providers.$inferSelect;
export type ModelRow = typeof models.$inferSelect;
export type ProviderPatch = Partial<FullRow<typeof providers>>;
export type ModelPatch = Partial<FullRow<typeof models>>;

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
