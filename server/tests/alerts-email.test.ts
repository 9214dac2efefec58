/**
 * Alerts by e-mail: the recipients set through the admin API, the gateway's one mail path
 * (identity/mailer.ts) delivering to a real SMTP server on loopback, each delivery logged
 * beside the webhook's; without SMTP the outbox keeps the message.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { identityConfig } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;

const PANEL = "https://gw.example.com";

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url, `${identityConfig(smtp)}\nserver: { public_url: "${PANEL}" }\n`),
  });
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});

type Delivery = {
  id: string;
  event: string;
  channel: "webhook" | "email";
  url: string;
  status: string;
  attempts: number;
  last_error: string | null;
  payload: { id: string; event: string; data: Record<string, unknown> };
};

const deliveries = async (g: TestGateway = tg) =>
  (await g.admin<{ data: Delivery[] }>("GET", "/alerts/deliveries?limit=100")).body.data;

async function chat(key: string) {
  const res = await fetch(`${tg.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-test", max_tokens: 16, messages: [{ role: "user", content: "Hi." }] }),
  });
  await res.body?.cancel();
  return res.status;
}

describe("alert e-mail over SMTP", () => {
  test("recipients are set once each; an account below its threshold mails each of them, logged beside the webhook", async () => {
    const put = await tg.admin("PUT", "/alerts/email", {
      recipients: ["ops@example.com", " OPS@example.com", "billing@example.com"],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ recipients: ["ops@example.com", "billing@example.com"], transport: "smtp" });
    expect((await tg.admin("GET", "/alerts/email")).body).toEqual(put.body);
    const hook = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
    try {
      await tg.admin("PUT", "/alerts/webhook", {
        url: `http://127.0.0.1:${hook.port}/`,
        secret: "0123456789abcdef",
      });
      const c = await tg.client(1);
      await tg.admin("PATCH", `/accounts/${c.accountId}`, { low_balance_threshold: "0.99999" });
      expect(await chat(c.key)).toBe(200);
      await tg.gw.alerts.settled();

      for (const to of ["ops@example.com", "billing@example.com"]) {
        const mail = await smtp.next(to);
        expect(mail.from).toBe("tollgate@test.local");
        expect(mail.subject).toContain("is running low");
        expect(mail.text).toContain("fell below its low-balance threshold");
        expect(mail.text).toContain("Threshold: 0.99999 USD");
        expect(mail.text).toContain(`${PANEL}/admin/accounts/${c.accountId}`);
        // The same JSON as the webhook's body, with this delivery's own id.
        const json = JSON.parse(mail.text.slice(mail.text.indexOf("{"))) as Delivery["payload"];
        expect(json.event).toBe("account.low_balance");
        expect((json.data.account as { id: string }).id).toBe(c.accountId);
      }
      const mine = (await deliveries()).filter(
        (d) => (d.payload.data.account as { id: string } | undefined)?.id === c.accountId,
      );
      expect(mine.map((d) => [d.channel, d.url, d.status, d.attempts]).sort()).toEqual([
        ["email", "mailto:billing@example.com", "delivered", 1],
        ["email", "mailto:ops@example.com", "delivered", 1],
        ["webhook", `http://127.0.0.1:${hook.port}/`, "delivered", 1],
      ]);
      // The outbox records each mail (without its text, as for every mail sent over SMTP).
      const outbox = await tg.admin<{ data: { to: string; purpose: string; status: string }[] }>(
        "GET",
        "/outbox?limit=20",
      );
      const alertMail = outbox.body.data.filter((m) => m.purpose === "alert");
      expect(alertMail.map((m) => m.to).sort()).toEqual(["billing@example.com", "ops@example.com"]);
      expect(alertMail.every((m) => m.status === "sent")).toBe(true);
    } finally {
      await tg.admin("DELETE", "/alerts/webhook");
      hook.stop(true);
    }
  });

  test("a key reaching its spend limit is mailed once; an empty list stops alert mail", async () => {
    await tg.admin("PUT", "/alerts/email", { recipients: ["keys@example.com"] });
    const c = await tg.client(100, { spend_limit: "0.0003" });
    let refused = false;
    for (let i = 0; i < 60 && !refused; i++) refused = (await chat(c.key)) === 402;
    expect(refused).toBe(true);
    await tg.gw.alerts.settled();
    const mail = await smtp.next("keys@example.com");
    expect(mail.subject).toContain("reached its spend limit");
    expect(mail.text).toContain(`(${c.keyId}) reached its spend limit of 0.0003 USD`);
    expect(mail.text).toContain(`${PANEL}/admin/keys/${c.keyId}`);
    expect(smtp.messages.filter((m) => m.to.includes("keys@example.com"))).toHaveLength(0);

    await tg.admin("PUT", "/alerts/email", { recipients: [] });
    expect((await tg.admin("GET", "/alerts/email")).body).toEqual({ recipients: [], transport: "smtp" });
    const sent = await tg.admin<{ id: string | null; ids: string[] }>("POST", "/alerts/test");
    expect(sent.body).toEqual({ id: null, ids: [] });
  });

  test("an address that is not one is refused", async () => {
    const r = await tg.admin("PUT", "/alerts/email", { recipients: ["not an address"] });
    expect(r.status).toBe(400);
    expect((await tg.admin<{ recipients: string[] }>("GET", "/alerts/email")).body.recipients).toEqual([]);
  });
});

describe("alert e-mail without a reachable mail server", () => {
  test("a mail server that refuses the connection: the delivery is logged failed, with the reason", async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dead = await TestGateway.start({
      config: standardConfig(mock.url, `identity: { mail: { smtp: "smtp://127.0.0.1:${port}" } }\n`),
    });
    try {
      await dead.admin("PUT", "/alerts/email", { recipients: ["ops@example.com"] });
      const sent = await dead.admin<{ ids: string[] }>("POST", "/alerts/test");
      expect(sent.body.ids).toHaveLength(1);
      await dead.gw.alerts.settled();
      const d = (await deliveries(dead)).find((x) => x.id === sent.body.ids[0]);
      expect(d).toMatchObject({ channel: "email", status: "failed", attempts: 1 });
      expect(d?.last_error).toContain("ECONNREFUSED");
    } finally {
      await dead.stop();
    }
  });

  test("no SMTP configured: the outbox keeps the alert mail whole and the delivery says so", async () => {
    const plain = await TestGateway.start({ config: standardConfig(mock.url) });
    try {
      const put = await plain.admin("PUT", "/alerts/email", { recipients: ["ops@example.com"] });
      expect(put.body).toEqual({ recipients: ["ops@example.com"], transport: "outbox" });
      const sent = await plain.admin<{ ids: string[] }>("POST", "/alerts/test");
      await plain.gw.alerts.settled();
      const d = (await deliveries(plain)).find((x) => x.id === sent.body.ids[0]);
      expect(d).toMatchObject({ channel: "email", url: "mailto:ops@example.com", status: "stored" });
      const outbox = await plain.admin<{ data: { purpose: string; subject: string; text: string }[] }>(
        "GET",
        "/outbox",
      );
      const m = outbox.body.data.find((x) => x.purpose === "alert");
      expect(m?.subject).toBe("[Tollgate] Test alert");
      expect(m?.text).toContain(`"id":"${sent.body.ids[0]}"`);
    } finally {
      await plain.stop();
    }
  });
});
