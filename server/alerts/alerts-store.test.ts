/**
 * Alerts' webhook and recipients through the Store, on SQLite and on PostgreSQL: what one
 * gateway's admin stored, another loading the same database sends to, and `send` still
 * answers its delivery ids at once (it runs on the request path).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { migrateDb, openDb } from "../../db/client.ts";
import { migratePg, openPg } from "../../db/pg/client.ts";
import { pgStore } from "../../db/pg/queries/store.ts";
import { sqliteStore } from "../../db/queries/store.ts";
import type { Store } from "../../db/store.ts";
import { createCipher } from "../secrets/cipher.ts";
import { type PgServer, startPg } from "../testing/pg-server.ts";
import { type AlertMailer, Alerts } from "./alerts.ts";

let pg: PgServer;
let hook: ReturnType<typeof Bun.serve>;
const posted: { signature: string | null; body: string }[] = [];

beforeAll(async () => {
  pg = await startPg();
  hook = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      posted.push({ signature: req.headers.get("x-tollgate-signature"), body: await req.text() });
      return new Response("ok");
    },
  });
}, 60_000);
afterAll(async () => {
  hook?.stop(true);
  await pg?.stop();
});

const mailed: string[] = [];
const mailer: AlertMailer = {
  kind: "outbox",
  send: async (mail) => {
    mailed.push(mail.to);
    return { status: "stored", error: null };
  },
};

async function script(store: Store) {
  posted.length = 0;
  mailed.length = 0;
  const cipher = createCipher(randomBytes(32));
  const admin = new Alerts(store, cipher, "USD");
  await admin.load();
  const before = { webhook: admin.webhook, recipients: admin.recipients };
  await admin.setWebhook({ url: `http://127.0.0.1:${hook.port}/hook`, secret: "s3cret" });
  await admin.setRecipients(["ops@example.com", "cfo@example.com"]);

  // Another gateway on the same database: sees both after its load.
  const other = new Alerts(store, cipher, "USD", { maxAttempts: 1 });
  other.mailThrough(mailer, null);
  await other.load();
  const loaded = { webhook: other.webhook?.secret, recipients: other.recipients };
  const ids = other.send("test", { message: "hi" }, 1000);
  await other.settled();
  const { rows } = await store.alerts.deliveryPage(10, 0);

  await admin.setWebhook(null);
  await admin.setRecipients([]);
  await other.load();
  const afterClear = {
    webhook: other.webhook,
    recipients: other.recipients,
    ids: other.send("test", {}, 2000),
  };
  return {
    before,
    loaded: { ...loaded, ids: ids.length },
    posted: posted.map((p) => ({ signed: p.signature !== null, event: JSON.parse(p.body).event })),
    mailed: [...mailed].sort(),
    rows: rows
      .map((r) => ({ url: r.url.replace(/:\d+\//, ":port/"), status: r.status, sent: ids.includes(r.id) }))
      .sort((a, b) => a.url.localeCompare(b.url)),
    firstIsHook: posted[0] ? JSON.parse(posted[0].body).id === ids[0] : false,
    afterClear,
  };
}

test("the webhook and recipients stored by one gateway are what another sends to, on both engines", async () => {
  const { sqlite, db } = openDb(":memory:");
  migrateDb(db, `${import.meta.dir}/../../db/migrations`);
  const { client, db: pdb } = openPg(await pg.createDatabase("alerts_store"), { max: 4 });
  await migratePg(pdb);
  try {
    const lite = await script(sqliteStore(db));
    const post = await script(pgStore(pdb));
    expect(post).toEqual(lite);
    expect(lite).toEqual({
      before: { webhook: null, recipients: [] },
      loaded: { webhook: "s3cret", recipients: ["ops@example.com", "cfo@example.com"], ids: 3 },
      posted: [{ signed: true, event: "test" }],
      mailed: ["cfo@example.com", "ops@example.com"],
      rows: [
        { url: "http://127.0.0.1:port/hook", status: "delivered", sent: true },
        { url: "mailto:cfo@example.com", status: "stored", sent: true },
        { url: "mailto:ops@example.com", status: "stored", sent: true },
      ],
      firstIsHook: true,
      afterClear: { webhook: null, recipients: [], ids: [] },
    });
  } finally {
    sqlite.close();
    await client.close();
  }
});
