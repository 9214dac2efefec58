import { eq, lt } from "drizzle-orm";
import type { GeneratedMediaRow } from "../../queries/media.ts";
import type { PgConn } from "../client.ts";
import { generatedMedia } from "../schema/index.ts";

/** Links to generated media on PostgreSQL: the twins of db/queries/media.ts. */

export async function findMedia(db: PgConn, id: string): Promise<GeneratedMediaRow | undefined> {
  const [row] = await db.select().from(generatedMedia).where(eq(generatedMedia.id, id));
  return row;
}

export async function purgeMedia(db: PgConn, before: number): Promise<void> {
  await db.delete(generatedMedia).where(lt(generatedMedia.expiresAt, before));
}
