import { describe, expect, test } from "bun:test";
import { migrateDb, openDb } from "../../db/client.ts";
import { DEFAULT_MIGRATIONS } from "../boot.ts";
import { InlineWriter } from "./inline-writer.ts";
import type { Entry } from "./writes.ts";

function setup() {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, DEFAULT_MIGRATIONS);
  sqlite.run("INSERT INTO accounts (id, name, balance, used, created_at) VALUES ('a1', 'a', 1000, 0, 0)");
  sqlite.run(
    "INSERT INTO api_keys (id, account_id, name, prefix, hash, status, used, created_at) VALUES ('k1', 'a1', 'k', 'p', 'h', 'active', 0, 0)",
  );
  const writer = new InlineWriter(sqlite);
  const charge = (ledgerId: string, amount: number, at: number): Entry => [
    { charge: { ledgerId, accountId: "a1", keyId: "k1", amount, requestId: `r-${ledgerId}`, at } },
  ];
  return { sqlite, writer, charge };
}

describe("charges folded per batch", () => {
  test("one read and one write per account and key per batch; balance_after in order", async () => {
    const { sqlite, writer, charge } = setup();
    await Promise.all([
      writer.enqueue(charge("t1", 100, 5)),
      writer.enqueue(charge("t2", 50, 9)),
      writer.enqueue(charge("t3", 25, 7)),
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

  test("an entry that fails takes its charge back; the others keep exact balances", async () => {
    const { sqlite, writer, charge } = setup();
    const ok1 = writer.enqueue(charge("t1", 100, 1));
    const dup = writer.enqueue(charge("t1", 40, 2)); // duplicate ledger id: fails after debiting
    const ok2 = writer.enqueue(charge("t2", 10, 3));
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

  test("a key's last use without a charge", async () => {
    const { sqlite, writer } = setup();
    await writer.enqueue([{ touch: { keyId: "k1", at: 42 } }]);
    expect(sqlite.query("SELECT used, last_used_at FROM api_keys").get()).toEqual({
      used: 0,
      last_used_at: 42,
    });
  });
});
