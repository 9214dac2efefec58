/**
 * The books of one database, computed by the database itself with SQL both engines run
 * unchanged, so `migrate-db` can compare a SQLite source with its PostgreSQL copy: row counts,
 * money totals, and per account and per key whether the balance and spend agree with the ledger.
 */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export type Books = {
  /** Metric name -> value (counts and sums, integers). */
  totals: Record<string, number>;
  /** Per account: balance, used, Σ ledger amounts, Σ charges (as positive spend). */
  accounts: Map<string, { balance: number; used: number; ledger: number; charged: number }>;
  /** Per key: recorded spend and Σ of its charges in the ledger. */
  keys: Map<string, { used: number; charged: number }>;
};

const n = (v: unknown) => Number(v ?? 0);

export async function readBooks(run: Query, tables: string[]): Promise<Books> {
  const totals: Record<string, number> = {};
  for (const t of tables) {
    const [r] = await run(`SELECT count(*) AS n FROM "${t}"`);
    totals[`rows ${t}`] = n(r?.n);
  }
  const sum = async (name: string, sql: string) => {
    const [r] = await run(sql);
    totals[name] = n(r?.v);
  };
  await sum("Σ accounts.balance", "SELECT CAST(COALESCE(SUM(balance), 0) AS BIGINT) AS v FROM accounts");
  await sum("Σ accounts.used", "SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) AS v FROM accounts");
  await sum("Σ api_keys.used", "SELECT CAST(COALESCE(SUM(used), 0) AS BIGINT) AS v FROM api_keys");
  for (const kind of ["topup", "charge", "refund", "adjustment"])
    await sum(
      `Σ ledger ${kind}`,
      `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS v FROM ledger WHERE kind = '${kind}'`,
    );
  await sum("Σ request_log.cost", "SELECT CAST(COALESCE(SUM(cost), 0) AS BIGINT) AS v FROM request_log");

  const accounts: Books["accounts"] = new Map();
  for (const r of await run(
    `SELECT a.id AS id, a.balance AS balance, a.used AS used,
       CAST(COALESCE((SELECT SUM(l.amount) FROM ledger l WHERE l.account_id = a.id), 0) AS BIGINT) AS ledger,
       CAST(COALESCE((SELECT -SUM(l.amount) FROM ledger l WHERE l.account_id = a.id AND l.kind = 'charge'), 0) AS BIGINT) AS charged
     FROM accounts a`,
  ))
    accounts.set(String(r.id), {
      balance: n(r.balance),
      used: n(r.used),
      ledger: n(r.ledger),
      charged: n(r.charged),
    });
  const keys: Books["keys"] = new Map();
  for (const r of await run(
    `SELECT k.id AS id, k.used AS used,
       CAST(COALESCE((SELECT -SUM(l.amount) FROM ledger l WHERE l.key_id = k.id AND l.kind = 'charge'), 0) AS BIGINT) AS charged
     FROM api_keys k`,
  ))
    keys.set(String(r.id), { used: n(r.used), charged: n(r.charged) });
  totals["accounts whose balance ≠ Σ ledger"] = [...accounts.values()].filter(
    (a) => a.balance !== a.ledger,
  ).length;
  return { totals, accounts, keys };
}

export type Comparison = { lines: string[]; ok: boolean };

/** Side by side: every total, then every account and key that differs between the two. */
export function compareBooks(source: Books, target: Books): Comparison {
  const lines: string[] = [];
  let ok = true;
  const width = Math.max(...Object.keys(source.totals).map((k) => k.length));
  lines.push(`${"".padEnd(width)}  ${"sqlite".padStart(16)}  ${"postgres".padStart(16)}`);
  for (const [name, v] of Object.entries(source.totals)) {
    const w = target.totals[name];
    const same = v === w;
    if (!same) ok = false;
    lines.push(
      `${name.padEnd(width)}  ${String(v).padStart(16)}  ${String(w).padStart(16)}${same ? "" : "  DIFFERS"}`,
    );
  }
  if (source.totals["accounts whose balance ≠ Σ ledger"] !== 0) {
    ok = false;
    lines.push("The source's books do not balance: some account's balance is not the sum of its ledger.");
  }
  const differ = <V>(a: Map<string, V>, b: Map<string, V>) =>
    [...new Set([...a.keys(), ...b.keys()])].filter(
      (id) => JSON.stringify(a.get(id)) !== JSON.stringify(b.get(id)),
    );
  const badAccounts = differ(source.accounts, target.accounts);
  const badKeys = differ(source.keys, target.keys);
  lines.push(
    `per account (balance, used, Σ ledger, Σ charges): ${source.accounts.size} compared, ${badAccounts.length} differ`,
    `per key (spend, Σ charges): ${source.keys.size} compared, ${badKeys.length} differ`,
  );
  for (const id of badAccounts.slice(0, 20))
    lines.push(
      `  account ${id}: ${JSON.stringify(source.accounts.get(id))} vs ${JSON.stringify(target.accounts.get(id))}`,
    );
  for (const id of badKeys.slice(0, 20))
    lines.push(
      `  key ${id}: ${JSON.stringify(source.keys.get(id))} vs ${JSON.stringify(target.keys.get(id))}`,
    );
  if (badAccounts.length > 0 || badKeys.length > 0) ok = false;
  return { lines, ok };
}
