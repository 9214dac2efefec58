import { describe, expect, test } from "bun:test";
import { migrateDb, openDb } from "../../db/client.ts";
import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { GroupCommit } from "../store/group-commit.ts";
import { ChargeBatch } from "./charge-batch.ts";

function setup() {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  sqlite.run("INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('a1', 'a', 1000, 0, 0)");
  sqlite.run(
    "INSERT INTO api_keys (id, account_id, name, prefix, hash, status, used, created_at) VALUES ('k1', 'a1', 'k', 'p', 'h', 'active', 0, 0)",
  );
  const gc = new GroupCommit(sqlite);
  const batch = new ChargeBatch(sqlite);
  gc.participate(batch);
  const ledger = sqlite.prepare(
    "INSERT INTO ledger (id, account_id, kind, amount, balance_after, created_at) VALUES (?, 'a1', 'charge', ?, ?, 0)",
  );
  const charge = (id: string, amount: number, at: number) => () => {
    const after = batch.debit("a1", amount);
    ledger.run(id, -amount, after);
    batch.keyUse("k1", amount, at);
  };
  return { sqlite, gc, charge };
}

describe("ChargeBatch", () => {
  test("one read and one write per account and key per batch; balance_after in order", async () => {
    const { sqlite, gc, charge } = setup();
    await Promise.all([
      gc.enqueue(charge("t1", 100, 5)),
      gc.enqueue(charge("t2", 50, 9)),
      gc.enqueue(charge("t3", 25, 7)),
    ]);
    expect(sqlite.query("SELECT balance, used FROM accounts").get()).toEqual({ balance: 825, used: 175 });
    expect(sqlite.query("SELECT used, last_used_at FROM api_keys").get()).toEqual({
      used: 175,
      last_used_at: 9,
    });
    expect(sqlite.query("SELECT id, balance_after FROM ledger ORDER BY id").all()).toEqual([
      { id: "t1", balance_after: 900 },
      { id: "t2", balance_after: 850 },
      { id: "t3", balance_after: 825 },
    ]);
  });

  test("a failing op in the batch takes its charge back; the others keep exact balances", async () => {
    const { sqlite, gc, charge } = setup();
    const ok1 = gc.enqueue(charge("t1", 100, 1));
    const dup = gc.enqueue(charge("t1", 40, 2)); // duplicate ledger id: fails after debiting
    const ok2 = gc.enqueue(charge("t2", 10, 3));
    await ok1;
    await ok2;
    await expect(dup).rejects.toThrow();
    expect(sqlite.query("SELECT balance, used FROM accounts").get()).toEqual({ balance: 890, used: 110 });
    expect(sqlite.query("SELECT used, last_used_at FROM api_keys").get()).toEqual({
      used: 110,
      last_used_at: 3,
    });
    expect(sqlite.query("SELECT id, balance_after FROM ledger ORDER BY id").all()).toEqual([
      { id: "t1", balance_after: 900 },
      { id: "t2", balance_after: 890 },
    ]);
  });
});
