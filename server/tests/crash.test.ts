import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { standardConfig } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { spawnServer } from "../testing/process.ts";

let mock: MockOpenAI;
beforeAll(() => {
  mock = new MockOpenAI().start();
  mock.always({ delayMs: 15, chunkDelayMs: 5, text: "one two three four five six", chunks: 6 });
});
afterAll(() => mock.stop());

describe("kill -9 under load", () => {
  // Both writers: inline (the default, its fsync off the event loop) and the writer thread.
  for (const writer of ["inline", "thread"])
    test(`after a restart every answer a client received in full is billed exactly once, and the books balance (${writer} writer)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "tollgate-crash-"));
      const cfgPath = join(dir, "tollgate.yaml");
      writeFileSync(cfgPath, standardConfig(mock.url));
      const env = {
        TOLLGATE_DB: join(dir, "t.db"),
        TOLLGATE_CONFIG: cfgPath,
        TOLLGATE_ADMIN_TOKEN: "admin-token-for-this-test",
        TOLLGATE_DB_SYNC: "full",
        TOLLGATE_WRITER: writer,
      };
      const admin = async (url: string, method: string, path: string, body?: unknown) =>
        (
          await fetch(`${url}/admin/api${path}`, {
            method,
            headers: {
              authorization: "Bearer admin-token-for-this-test",
              "content-type": "application/json",
            },
            body: body ? JSON.stringify(body) : undefined,
          })
        ).json();

      const server = await spawnServer(env);
      const acct = await admin(server.url, "POST", "/accounts", { name: "crash", balance: 100 });
      const key = (await admin(server.url, "POST", "/keys", { account_id: acct.id, name: "load" }))
        .key as string;

      const completed: string[] = [];
      let stop = false;
      const one = async (stream: boolean) => {
        const res = await fetch(`${server.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }], stream }),
        });
        const id = res.headers.get("x-request-id")!;
        const text = await res.text();
        // "Received in full": a complete JSON answer, or a stream through its [DONE].
        if (
          res.status === 200 &&
          (stream ? text.trimEnd().endsWith("data: [DONE]") : JSON.parse(text).choices)
        )
          completed.push(id);
      };
      const worker = async (n: number) => {
        for (let i = 0; !stop; i++) await one((n + i) % 2 === 0).catch(() => {});
      };
      const load = Promise.all(Array.from({ length: 30 }, (_, n) => worker(n)));
      await Bun.sleep(900);
      server.proc.kill("SIGKILL");
      await server.proc.exited;
      stop = true;
      await load;
      expect(completed.length).toBeGreaterThan(30);

      const again = await spawnServer(env);
      const account = await admin(again.url, "GET", `/accounts/${acct.id}`);
      expect(account.reserved).toBe(0);
      await again.stop();

      const db = new Database(join(dir, "t.db"), { readonly: true });
      expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      const charges = db
        .query(
          "SELECT request_id, count(*) AS n, sum(-amount) AS amount FROM ledger WHERE kind = 'charge' GROUP BY request_id",
        )
        .all() as { request_id: string; n: number; amount: number }[];
      const byRequest = new Map(charges.map((c) => [c.request_id, c]));
      for (const id of completed) {
        expect(byRequest.get(id)?.n).toBe(1);
        const row = db.query("SELECT status, cost FROM request_log WHERE id = ?").get(id) as {
          status: number;
          cost: number;
        };
        expect(row.status).toBe(200);
        expect(row.cost).toBe(byRequest.get(id)!.amount);
      }
      expect(charges.every((c) => c.n === 1)).toBe(true);
      const logged = db.query("SELECT coalesce(sum(cost), 0) AS s FROM request_log").get() as { s: number };
      const charged = charges.reduce((s, c) => s + c.amount, 0);
      expect(charged).toBe(logged.s);
      const bal = db.query("SELECT balance, used FROM accounts WHERE id = ?").get(acct.id) as {
        balance: number;
        used: number;
      };
      expect(bal.balance).toBe(100 * 1e9 - charged);
      expect(bal.used).toBe(charged);
      const lastLedger = db
        .query(
          "SELECT balance_after FROM ledger WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .get(acct.id) as { balance_after: number };
      expect(lastLedger.balance_after).toBe(bal.balance);
      db.close();
    });
});
