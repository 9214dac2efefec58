import type { PgConn } from "../../db/pg/client.ts";
import { accountMirror, mirrorState } from "../../db/pg/queries/mirror.ts";
import type { MirrorSource } from "../billing/cluster-book.ts";

/** Where the Redis mirror of balances loads from on PostgreSQL (SharedState.mirror, built by boot). */
export function pgMirror(pg: PgConn): MirrorSource {
  return {
    state: (accountId, keyId) => mirrorState(pg, accountId, keyId),
    account: (accountId) => accountMirror(pg, accountId),
  };
}
