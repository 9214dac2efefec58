/**
 * An attacker with a valid key: on PostgreSQL the group commit sends each
 * entry's log row as JSON cast to jsonb (tollgate_commit_batch). A client-chosen string that
 * lands on the log row with a NUL in it (\u0000: jsonb refuses it) fails the entry, and with it
 * the charge: the Responses API's unknown built-in tool type is such a string
 * (openai-responses/tools.ts: hints.push(`tools[${t.type}]`), dropped by a Chat upstream and
 * named in `dropped_fields`). A stream's text has reached the client by then: it was served,
 * not billed, until the batch's text wrote each NUL as U+FFFD (db/pg/queries/writes.ts withoutNul).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { accountBooks } from "./pg-books.ts";

let pg: PgServer;
let mock: MockOpenAI;
let tg: TestGateway;
let direct: string;

beforeAll(async () => {
  pg = await startPg();
  mock = new MockOpenAI().start();
  direct = await pg.createDatabase("nul_log_row");
  tg = await TestGateway.start({
    config: standardConfig(mock.url),
    env: { TOLLGATE_DB: direct, TOLLGATE_SECRET: "a-secret-for-the-nul-test" },
  });
}, 60_000);
afterAll(async () => {
  await tg?.stop();
  mock?.stop();
  await pg?.stop();
});

async function books(accountId: string) {
  const b = await accountBooks(direct, accountId);
  return { charges: b.charges.length, rows: b.rows.length, balance: b.balance };
}

for (const tool of ["web_search_preview", "web_search\u0000preview"])
  test(`a streamed Responses call with a built-in tool the Chat upstream cannot take (${JSON.stringify(tool)}): answered and charged`, async () => {
    const c = await tg.client(1);
    const start = await books(c.accountId);
    const res = await fetch(`${tg.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-test", stream: true, input: "hi", tools: [{ type: tool }] }),
    });
    // What reached the client, chunk by chunk (a failed commit resets the connection at the end).
    let text = "";
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += dec.decode(value, { stream: true });
      }
    } catch (err) {
      text += `\n[connection: ${(err as Error).message.slice(0, 40)}]`;
    }
    await Bun.sleep(200);
    const after = await books(c.accountId);
    expect(res.status).toBe(200);
    // The answer's text reached the client either way.
    expect(text).toContain("Hello");
    expect(after.charges).toBe(1);
    expect(after.balance).toBeLessThan(start.balance);
  }, 60_000);
