import type { Db } from "../client.ts";

/** A connection or a transaction on it: what a query needs to run. */
export type Conn = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];
