import { eq, lt, sql } from "drizzle-orm";
import type { Conn } from "../client.ts";
import { generatedMedia } from "../schema/index.ts";
import { everyColumn, type FullRow, lazy } from "./columns.ts";

/** Links to generated images and videos (db/schema/media.ts). */

export type GeneratedMediaRow = FullRow<typeof generatedMedia>;

export const prepareMediaInsert = (db: Conn) =>
  db.insert(generatedMedia).values(everyColumn(generatedMedia)).prepare();

export function mediaQueries(db: Conn) {
  const find = lazy(() =>
    db
      .select()
      .from(generatedMedia)
      .where(eq(generatedMedia.id, sql.placeholder("id")))
      .prepare(),
  );
  return {
    find: (id: string): GeneratedMediaRow | undefined => find().get({ id }),
    /** Deletes links that expired before `before`. */
    purge: (before: number): void => {
      db.delete(generatedMedia).where(lt(generatedMedia.expiresAt, before)).run();
    },
  };
}
