import { eq, sql } from "drizzle-orm";
import type {
  CatalogWrite,
  ModelPatch,
  ModelRow,
  ProviderPatch,
  ProviderRow,
} from "../../queries/catalog.ts";
import type { FullRow } from "../../queries/columns.ts";
import type { models as sqliteModels, providers as sqliteProviders } from "../../schema/index.ts";
import type { PgConn } from "../client.ts";
import { models, providers } from "../schema/index.ts";

/** Upstream providers and public models on PostgreSQL: the twins of db/queries/catalog.ts. */

export const allProviders = (db: PgConn): Promise<ProviderRow[]> => db.select().from(providers);

export const findProvider = async (db: PgConn, id: string): Promise<ProviderRow | undefined> =>
  (await db.select().from(providers).where(eq(providers.id, id)))[0];

export async function insertProvider(db: PgConn, row: FullRow<typeof sqliteProviders>): Promise<void> {
  await db.insert(providers).values(row);
}

export async function updateProvider(db: PgConn, id: string, set: ProviderPatch): Promise<void> {
  await db.update(providers).set(set).where(eq(providers.id, id));
}

export async function deleteProvider(db: PgConn, id: string): Promise<void> {
  await db.delete(providers).where(eq(providers.id, id));
}

export const allModels = (db: PgConn): Promise<ModelRow[]> => db.select().from(models);

export const findModel = async (db: PgConn, id: string): Promise<ModelRow | undefined> =>
  (await db.select().from(models).where(eq(models.id, id)))[0];

export async function insertModel(db: PgConn, row: FullRow<typeof sqliteModels>): Promise<void> {
  await db.insert(models).values(row);
}

export async function updateModel(db: PgConn, id: string, set: ModelPatch): Promise<void> {
  await db.update(models).set(set).where(eq(models.id, id));
}

export async function deleteModel(db: PgConn, id: string): Promise<void> {
  await db.delete(models).where(eq(models.id, id));
}

/** The advisory lock reconciliations take (an arbitrary constant: "tollgate catalog"). */
const CATALOG_LOCK = 7_461_001;

/**
 * Store.catalog.reconcile: read, decide, write in one transaction. The transaction-scoped
 * advisory lock makes concurrent reconciliations (replicas starting together) run one after
 * the other, as SQLite's IMMEDIATE transaction does: the second sees the first's rows.
 */
export function reconcileCatalog<T>(
  db: PgConn,
  decide: (current: { providers: ProviderRow[]; models: ModelRow[] }) => {
    writes: CatalogWrite[];
    result: T;
  },
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_LOCK})`);
    const { writes, result } = decide({ providers: await allProviders(tx), models: await allModels(tx) });
    for (const w of writes) {
      if ("insertProvider" in w) await insertProvider(tx, w.insertProvider);
      else if ("updateProvider" in w) await updateProvider(tx, w.updateProvider.id, w.updateProvider.set);
      else if ("insertModel" in w) await insertModel(tx, w.insertModel);
      else await updateModel(tx, w.updateModel.id, w.updateModel.set);
    }
    return result;
  });
}
