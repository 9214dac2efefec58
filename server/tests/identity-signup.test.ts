/**
 * Iskra's e-mail code sign-up, end to end over HTTP with a real SMTP server in-process:
 * the code is read from the message the server received. Then the flow's defences, tried
 * as an attacker would: telling registered addresses apart, replaying a code or a
 * registration token, guessing codes, flooding an address or from one client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, setSystemTime, test } from "bun:test";
import { standardConfig, TestGateway } from "../testing/harness.ts";
import { call, identityConfig, signIn } from "../testing/identity.ts";
import { MockOpenAI } from "../testing/mock-openai.ts";
import { SmtpSink } from "../testing/smtp-sink.ts";

const LIMITS = `
  codes: { ttl_minutes: 10, max_attempts: 3, per_email_per_hour: 2, per_client_per_hour: 6 }`;

let mock: MockOpenAI;
let smtp: SmtpSink;
let tg: TestGateway;
let clients = 0;
/** A fresh client address (the gateway trusts loopback as its proxy, so X-Forwarded-For names the client). */
const client = () => `203.0.113.${++clients}`;
const from = (ip: string) => ({ "x-forwarded-for": ip });

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
afterEach(async () => {
  setSystemTime();
  await setMode(null);
});

async function setMode(mode: "open" | "invite" | "closed" | null) {
  const r = await tg.admin("PUT", "/identity/signup", { mode });
  expect(r.status).toBe(200);
}

describe("sign-up by e-mail code over SMTP", () => {
  test("send-code, verify-email, complete-registration: a user with an account of their own, and tokens that work", async () => {
    const ip = client();
    const sent = await call(tg, "POST", "/auth/send-code", {
      body: { email: " Alice@Example.com " },
      headers: from(ip),
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ message: expect.any(String), expires_in: 600 });
    const mail = await smtp.next("alice@example.com");
    expect(mail.from).toBe("tollgate@test.local");
    expect(mail.subject).toMatch(/^Your sign-in code: \d{6}$/);
    const code = SmtpSink.codeOf(mail);
    expect(mail.subject).toContain(code);

    const verified = await call<{ registration_token: string; registered: boolean; verified: boolean }>(
      tg,
      "POST",
      "/auth/verify-email",
      { body: { email: "alice@example.com", code }, headers: from(ip) },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.verified).toBe(true);
    expect(verified.body.registered).toBe(false);

    const done = await call<Record<string, unknown>>(tg, "POST", "/auth/complete-registration", {
      body: { registration_token: verified.body.registration_token, name: "Alice" },
      headers: from(ip),
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      token_type: "bearer",
      expires_in: 1800,
      refresh_expires_in: 30 * 86_400,
      user: { email: "alice@example.com", name: "Alice" },
      account: { name: "alice@example.com", role: "owner" },
    });
    expect(done.body.token).toBe(done.body.access_token);

    const me = await call(tg, "GET", "/auth/me", { bearer: done.body.access_token as string });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: "alice@example.com", tier: null },
      usage: { requestsToday: 0, tokensToday: 0, limit: null, remaining: null },
      auth: "jwt",
    });
  });

  test("a returning user signs in to the same user and account; verify-email says registered only after the code", async () => {
    const first = await signIn(tg, smtp, "bob@example.com", { client: client() });
    const again = await signIn(tg, smtp, "BOB@example.com", { client: client() });
    expect(again.user.id).toBe(first.user.id);
    expect(again.account.id).toBe(first.account.id);
    const users = await tg.admin<{ data: { email: string; accounts: unknown[] }[] }>("GET", "/users");
    expect(users.body.data.filter((u) => u.email === "bob@example.com")).toHaveLength(1);
    expect(users.body.data.find((u) => u.email === "bob@example.com")!.accounts).toHaveLength(1);
  });

  test("the answer to send-code is the same for a registered and an unknown address, in every sign-up mode", async () => {
    for (const mode of ["open", "invite", "closed"] as const) {
      const known = `known-${mode}@example.com`;
      await setMode(null);
      await signIn(tg, smtp, known, { client: client() });
      await setMode(mode);
      const ip = client();
      const registered = await call(tg, "POST", "/auth/send-code", {
        body: { email: known },
        headers: from(ip),
      });
      const unknown = await call(tg, "POST", "/auth/send-code", {
        body: { email: `nobody-${mode}@example.com` },
        headers: from(ip),
      });
      expect([registered.status, unknown.status]).toEqual([200, 200]);
      expect(unknown.body).toEqual(registered.body);
      const names = (h: Headers) => [...h.keys()].filter((k) => k !== "x-request-id" && k !== "date").sort();
      expect(names(unknown.headers)).toEqual(names(registered.headers));
      // The mailbox owner learns why; the caller learns nothing.
      expect(SmtpSink.codeOf(await smtp.next(known))).toMatch(/^\d{6}$/);
      const note = await smtp.next(`nobody-${mode}@example.com`);
      if (mode === "open") expect(note.subject).toMatch(/sign-in code/);
      else expect(note.text).toContain("has no account there");
    }
  });

  test("a code works once; a registration token works once", async () => {
    const ip = client();
    const email = "replay@example.com";
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const code = SmtpSink.codeOf(await smtp.next(email));
    const ok = await call<{ registration_token: string }>(tg, "POST", "/auth/verify-email", {
      body: { email, code },
      headers: from(ip),
    });
    expect(ok.status).toBe(200);
    const replayed = await call(tg, "POST", "/auth/verify-email", {
      body: { email, code },
      headers: from(ip),
    });
    expect(replayed.status).toBe(400);
    expect(replayed.body).toMatchObject({ error: { code: "invalid_code" }, error_type: "validation_error" });

    const ticket = ok.body.registration_token;
    const done = await call(tg, "POST", "/auth/complete-registration", {
      body: { registration_token: ticket },
    });
    expect(done.status).toBe(200);
    const twice = await call(tg, "POST", "/auth/complete-registration", {
      body: { registration_token: ticket },
    });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ error: { code: "invalid_registration_token" } });
  });

  test("an older code ends when a new one is sent; a code expires after its minutes", async () => {
    const ip = client();
    const email = "expiry@example.com";
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const old = SmtpSink.codeOf(await smtp.next(email));
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const fresh = SmtpSink.codeOf(await smtp.next(email));
    if (old !== fresh) {
      const r = await call(tg, "POST", "/auth/verify-email", {
        body: { email, code: old },
        headers: from(ip),
      });
      expect(r.status).toBe(400);
    }
    setSystemTime(new Date(Date.now() + 10 * 60_000 + 1000));
    const late = await call(tg, "POST", "/auth/verify-email", {
      body: { email, code: fresh },
      headers: from(ip),
    });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: { code: "invalid_code" } });
  });

  test("brute force: a code is burnt after 3 wrong guesses; the address gets 429 after 6 failures an hour", async () => {
    const email = "victim@example.com";
    const ip = client();
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const code = SmtpSink.codeOf(await smtp.next(email));
    const wrong = (c: string) => String((Number(c) + 1) % 1_000_000).padStart(6, "0");
    let guess = code;
    for (let i = 0; i < 3; i++) {
      guess = wrong(guess);
      const r = await call(tg, "POST", "/auth/verify-email", {
        body: { email, code: guess },
        headers: from(client()),
      });
      expect(r.status).toBe(400);
    }
    // Burnt: even the right code no longer works.
    const right = await call(tg, "POST", "/auth/verify-email", { body: { email, code }, headers: from(ip) });
    expect(right.status).toBe(400);

    // The right code after the burn was one more failure: 4 of the address's 6 an hour are spent.
    // A second code (the address's hourly allowance is two), guessed from ever new client addresses.
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const second = SmtpSink.codeOf(await smtp.next(email));
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(tg, "POST", "/auth/verify-email", {
        body: { email, code: wrong(wrong(second)) },
        headers: from(client()),
      });
      answers.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(3500);
        expect(r.body).toMatchObject({ error: { code: "too_many_attempts", type: "rate_limit_error" } });
      }
    }
    expect(answers).toEqual([400, 400, 429, 429]);
    // Locked: not even the right code gets through, and no third code is sent this hour.
    const locked = await call(tg, "POST", "/auth/verify-email", {
      body: { email, code: second },
      headers: from(ip),
    });
    expect(locked.status).toBe(429);
    const third = await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    expect(third.status).toBe(429);
  });

  test("one client asking codes for many addresses gets 429 with Retry-After after its hourly allowance", async () => {
    const ip = client();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await call(tg, "POST", "/auth/send-code", {
        body: { email: `spray${i}@example.com` },
        headers: from(ip),
      });
      statuses.push(r.status);
      if (r.status === 429) expect(r.headers.get("retry-after")).toBe("3600");
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    // Another client is not affected.
    const other = await call(tg, "POST", "/auth/send-code", {
      body: { email: "spray7@example.com" },
      headers: from(client()),
    });
    expect(other.status).toBe(200);
  });

  test("a large body to the open /auth routes is refused at 64 KiB, declared or chunked", async () => {
    const big = JSON.stringify({ email: "big@example.com", pad: "x".repeat(70_000) });
    const declared = await fetch(`${tg.url}/auth/send-code`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(declared.status).toBe(413);
    const bytes = new TextEncoder().encode(big);
    const chunked = await fetch(`${tg.url}/auth/verify-email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
          c.close();
        },
      }),
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  test("malformed input is a 400 in the OpenAI shape with the reference's detail", async () => {
    const r = await call(tg, "POST", "/auth/send-code", { body: { email: "not-an-address" } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { type: "invalid_request_error" }, detail: expect.any(String) });
    const code = await call(tg, "POST", "/auth/verify-email", {
      body: { email: "a@example.com", code: "12 34 56" },
    });
    expect(code.status).toBe(400);
  });
});

describe("invite-only and closed sign-up", () => {
  test("invite-only: an uninvited address gets no code; invited to an account, it joins that account as a member", async () => {
    const owner = await signIn(tg, smtp, "team-owner@example.com", { client: client() });
    await setMode("invite");
    const email = "newcomer@example.com";
    const ip = client();
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    expect((await smtp.next(email)).text).toContain("by invitation");

    const inv = await call(tg, "POST", `/auth/accounts/${owner.account.id}/invites`, {
      bearer: owner.access_token,
      body: { email, role: "member" },
    });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ joined: false, role: "member" });
    expect((await smtp.next(email)).subject).toContain("invited");

    const t = await signIn(tg, smtp, email, { client: client() });
    expect(t.account).toEqual({ id: owner.account.id, name: owner.account.name, role: "member" });
    const accounts = await call<{ data: unknown[] }>(tg, "GET", "/auth/accounts", { bearer: t.access_token });
    expect(accounts.body.data).toHaveLength(1);
  });

  test("closed: nobody new, existing users still sign in; a mode change between verify and complete is honoured", async () => {
    await signIn(tg, smtp, "before-close@example.com", { client: client() });
    const email = "late@example.com";
    const ip = client();
    await call(tg, "POST", "/auth/send-code", { body: { email }, headers: from(ip) });
    const code = SmtpSink.codeOf(await smtp.next(email));
    const v = await call<{ registration_token: string }>(tg, "POST", "/auth/verify-email", {
      body: { email, code },
      headers: from(ip),
    });
    await setMode("closed");
    const refused = await call(tg, "POST", "/auth/complete-registration", {
      body: { registration_token: v.body.registration_token },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: "signup_closed" } });
    const existing = await signIn(tg, smtp, "before-close@example.com", { client: client() });
    expect(existing.user.email).toBe("before-close@example.com");
  });

  test("a disabled user gets no code and their tokens stop working", async () => {
    const t = await signIn(tg, smtp, "disabled@example.com", { client: client() });
    const off = await tg.admin("PATCH", `/users/${t.user.id}`, { status: "disabled" });
    expect(off.status).toBe(200);
    const me = await call(tg, "GET", "/auth/me", { bearer: t.access_token });
    expect(me.status).toBe(401);
    const refresh = await call(tg, "POST", "/auth/refresh", { body: { refresh_token: t.refresh_token } });
    expect(refresh.status).toBe(401);
    await call(tg, "POST", "/auth/send-code", {
      body: { email: "disabled@example.com" },
      headers: from(client()),
    });
    await expect(smtp.next("disabled@example.com", 300)).rejects.toThrow("no mail");
  });
});

describe("without SMTP: the outbox", () => {
  test("messages wait in the outbox (admin API) and the sign-up completes from there; SMTP failures are recorded", async () => {
    const local = await TestGateway.start({ config: standardConfig(mock.url, "identity: { signup: open }") });
    try {
      const email = "outbox@example.com";
      expect((await call(local, "POST", "/auth/send-code", { body: { email } })).status).toBe(200);
      const box = await local.admin<{
        transport: string;
        data: { to: string; text: string; status: string }[];
      }>("GET", "/outbox");
      expect(box.body.transport).toBe("outbox");
      const msg = box.body.data.find((m) => m.to === email)!;
      expect(msg.status).toBe("stored");
      const code = /^ {4}(\d{6})$/m.exec(msg.text)![1]!;
      const v = await call<{ registration_token: string }>(local, "POST", "/auth/verify-email", {
        body: { email, code },
      });
      const done = await call(local, "POST", "/auth/complete-registration", {
        body: { registration_token: v.body.registration_token },
      });
      expect(done.status).toBe(200);
    } finally {
      await local.stop();
    }

    // A mail server that refuses connections: the answer is the same, the outbox says what happened.
    const closed = await new SmtpSink().start();
    const deadUrl = closed.url;
    await closed.stop();
    const dead = await TestGateway.start({
      config: standardConfig(mock.url, `identity: { signup: open, mail: { smtp: "${deadUrl}" } }`),
    });
    try {
      const r = await call(dead, "POST", "/auth/send-code", { body: { email: "lost@example.com" } });
      expect(r.status).toBe(200);
      let row: { status: string; error: string | null; text: string | null } | undefined;
      for (let i = 0; i < 100 && row?.status !== "failed"; i++) {
        await Bun.sleep(20);
        const box = await dead.admin<{
          data: { status: string; error: string | null; text: string | null }[];
        }>("GET", "/outbox");
        row = box.body.data[0];
      }
      expect(row).toMatchObject({ status: "failed", text: null });
      expect(row?.error).toBeTruthy();
    } finally {
      await dead.stop();
    }
  });
});
