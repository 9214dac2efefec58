/**
 * The replica money tests' look at the books in PostgreSQL. Statement text lives with the
 * tests (server/tests), never in server/ or db/ outside the queries (sql-through-schema.test.ts).
 */
import type { openPg } from "../../db/pg/client.ts";

/**
 * An account's books in PostgreSQL: its balance, its charges (their sum and count), the sum of
 * its log rows' costs, and how many charges lack a log row of the same cost.
 */
export async function booksOf(books: ReturnType<typeof openPg>, accountId: string) {
  const [row] = (await books.client.unsafe(
    `SELECT a.balance::bigint AS balance,
       (SELECT coalesce(-sum(amount), 0) FROM ledger WHERE account_id = a.id AND kind = 'charge')::bigint AS charged,
       (SELECT count(*) FROM ledger WHERE account_id = a.id AND kind = 'charge')::int AS charges,
       (SELECT coalesce(sum(cost), 0) FROM request_log WHERE account_id = a.id)::bigint AS logged,
       (SELECT count(*) FROM ledger l LEFT JOIN request_log r ON r.id = l.request_id
          WHERE l.account_id = a.id AND l.kind = 'charge' AND (r.id IS NULL OR r.cost <> -l.amount))::int AS unmatched
     FROM accounts a WHERE a.id = $1`,
    [accountId],
  )) as { balance: string; charged: string; charges: number; logged: string; unmatched: number }[];
  return {
    balance: Number(row?.balance),
    charged: Number(row?.charged),
    charges: row?.charges,
    logged: Number(row?.logged),
    unmatched: row?.unmatched,
  };
}

/**
 * Holds an account's row FOR UPDATE in a transaction of its own until `release`: a group
 * commit's settlement then waits for it inside PostgreSQL, uncommitted.
 */
export async function holdAccountRow(sql: Bun.SQL, accountId: string): Promise<{ release(): Promise<void> }> {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let locked = () => {};
  const lockTaken = new Promise<void>((r) => {
    locked = r;
  });
  const holder = sql.begin(async (tx) => {
    await tx`SELECT id FROM accounts WHERE id = ${accountId} FOR UPDATE`;
    locked();
    await held;
  });
  await Promise.race([lockTaken, holder]);
  return {
    release: async () => {
      release();
      await holder;
    },
  };
}

/** An account's charges, log rows and balance in PostgreSQL, read on a connection of its own (past any proxy). */
export async function accountBooks(url: string, accountId: string) {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    const charges =
      await sql`SELECT request_id, amount FROM ledger WHERE account_id = ${accountId} AND kind = 'charge'`;
    const rows =
      await sql`SELECT id, status, error_code, cost FROM request_log WHERE account_id = ${accountId}`;
    const [acct] = await sql`SELECT balance FROM accounts WHERE id = ${accountId}`;
    return {
      charges: charges as { request_id: string; amount: string | number }[],
      rows: rows as {
        id: string;
        status: string | number;
        error_code: string | null;
        cost: string | number;
      }[],
      balance: Number(acct.balance),
    };
  } finally {
    await sql.close();
  }
}
