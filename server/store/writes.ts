/**
 * Writes as plain data, so a batch can be executed on the main thread or handed to the
 * writer thread alike. One request's writes form an `Entry`, committed atomically.
 */
export type Binding = string | number | null;

export type Write =
  /** A prepared statement (cached by its text) with its bindings. */
  | { sql: string; params: Binding[] }
  /** A charge: a ledger entry whose balance_after is computed in the batch; the account and key rows are written once per batch. */
  | {
      charge: {
        ledgerId: string;
        accountId: string;
        keyId: string;
        amount: number;
        requestId: string;
        at: number;
      };
    }
  /** A key's last use, folded per batch. */
  | { touch: { keyId: string; at: number } };

export type Entry = Write[];

/** How a batch went: the indexes of entries that failed (each rolled back alone), with why. */
export type BatchResult = { failed: [number, string][] };
