/**
 * The e-mail code flow's single-use steps and limits under requests that arrive at once.
 * Identity reaches its tables through the async Store, so a read and the write after it
 * are no longer one synchronous step: each limit must hold when its requests interleave
 * (guesses, a right code sent twice, a registration token spent twice, two sign-ups of
 * one address). Everything over real HTTP, the code read from a real SMTP server. On
 * SQLite separate HTTP requests hardly interleave (each Store call has happened when it
 * returns), so these hold trivially there; they bite when the harness runs the gateway on
 * PostgreSQL. server/identity/identity-engines.test.ts makes the same calls at once
 * in-process on both engines, where they do interleave.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, type Tokens } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

// Three guesses per code; six failures an hour per address; clients hardly limited.
const LIMITS = `
  codes: { ttl_minutes: 10, max_attempts: 3, per_email_per_hour: 2, per_client_per_hour: 100 }`;

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let clients = 0;
const from = () => ({ "x-forwarded-for": `198.51.100.${++clients}` });

beforeAll(async () => {
  mock = new MockOpenAI().start();
  smtp = await new SmtpSink().start();
  tg = await TestGateway.start({
    config: standardConfig(mock.url, identityConfig(smtp, "open", LIMITS)),
    env: { TOLLGATE_TRUSTED_PROXIES: "127.0.0.1" },
  });
});
afterAll(async () => {
  await tg.stop();
  await smtp.stop();
  mock.stop();
});

async function codeFor(email: string): Promise<string> {
  const sent = await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from() });
  expect(sent.status).toBe(200);
  return SmtpSink.codeOf(await smtp.next(email));
}

const wrong = (code: string, by = 1) => String((Number(code) + by) % 1_000_000).padStart(6, "0");

/** `n` copies of one request at once; their statuses, sorted. */
const atOnce = async (n: number, request: (i: number) => Promise<{ status: number }>) =>
  (await Promise.all(Array.from({ length: n }, (_, i) => request(i)))).map((r) => r.status).sort();

const verify = (email: string, code: string) =>
  call<{ registration_token: string }>(tg, "POST", "/auth/verify-email", {
    body: { email, code },
    headers: from(),
  });

const complete = (ticket: string) =>
  call<Tokens>(tg, "POST", "/auth/complete-registration", { body: { registration_token: ticket } });

describe("the e-mail code flow under requests at once", () => {
  test("wrong guesses at once still burn the code after three: the right code after them is refused", async () => {
    const email = "burn@example.com";
    const code = await codeFor(email);
    // Four at once: each takes one of the code's attempts in one statement, none is lost.
    expect(await atOnce(4, (i) => verify(email, wrong(code, i + 1)))).toEqual([400, 400, 400, 400]);
    const right = await verify(email, code);
    expect(right.status).toBe(400);
    expect(right.body).toMatchObject({ error: { code: "invalid_code" } });
  });

  test("guesses at once cannot slip past the address's hourly failures: six answered, the rest 429", async () => {
    const email = "flood@example.com";
    const code = await codeFor(email);
    const statuses = await atOnce(12, (i) => verify(email, wrong(code, i + 1)));
    expect(statuses).toEqual([...Array(6).fill(400), ...Array(6).fill(429)]);
    expect((await verify(email, code)).status).toBe(429);
  });

  test("codes asked at once: the address's two an hour are sent, the rest 429", async () => {
    const email = "asks@example.com";
    const statuses = await atOnce(5, () =>
      call(tg, "POST", "/auth/send-code", { body: { email }, headers: from() }),
    );
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    await smtp.next(email);
    await smtp.next(email);
  });

  test("the right code sent several times at once gives one registration token, spent once", async () => {
    const email = "twice@example.com";
    const code = await codeFor(email);
    const answers = await Promise.all(Array.from({ length: 4 }, () => verify(email, code)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400]);
    const ticket = answers.find((a) => a.status === 200)!.body.registration_token;
    const done = await Promise.all(Array.from({ length: 4 }, () => complete(ticket)));
    expect(done.map((d) => d.status).sort()).toEqual([200, 400, 400, 400]);
    expect(done.filter((d) => d.status === 400).map((d) => d.body)).toEqual(
      Array(3).fill(
        expect.objectContaining({ error: expect.objectContaining({ code: "invalid_registration_token" }) }),
      ),
    );
  });

  test("two sign-ups of one new address at once: one user, both signed in as them", async () => {
    const email = "pair@example.com";
    const tickets: string[] = [];
    for (let i = 0; i < 2; i++) {
      const v = await verify(email, await codeFor(email));
      expect(v.status).toBe(200);
      tickets.push(v.body.registration_token);
    }
    const [a, b] = await Promise.all(tickets.map(complete));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(a!.body.user.id).toBe(b!.body.user.id);
    const users = await tg.admin<{ data: { id: string; email: string }[] }>("GET", "/users?limit=100");
    expect(users.body.data.filter((u) => u.email === email)).toHaveLength(1);
  });
});
