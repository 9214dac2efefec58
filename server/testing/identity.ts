import type { TestGateway } from "./harness.ts";
import { SmtpSink } from "./smtp-sink.ts";

export type Tokens = {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: { id: string; email: string };
  account: { id: string; name: string; role: string };
};

/** A JSON request to the gateway, answered as status and parsed body. */
export async function call<T = Record<string, unknown>>(
  tg: TestGateway,
  method: string,
  path: string,
  opts: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(`${tg.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** Iskra's three steps over HTTP, the code read from the message the SMTP server received. */
export async function signIn(
  tg: TestGateway,
  smtp: SmtpSink,
  email: string,
  opts: { name?: string; client?: string } = {},
): Promise<Tokens> {
  const headers: Record<string, string> = opts.client ? { "x-forwarded-for": opts.client } : {};
  const sent = await call(tg, "POST", "/auth/send-code", { body: { email }, headers });
  if (sent.status !== 200) throw new Error(`send-code: ${sent.status} ${JSON.stringify(sent.body)}`);
  const code = SmtpSink.codeOf(await smtp.next(email.trim().toLowerCase()));
  const verified = await call<{ registration_token: string }>(tg, "POST", "/auth/verify-email", {
    body: { email, code },
    headers,
  });
  if (verified.status !== 200)
    throw new Error(`verify-email: ${verified.status} ${JSON.stringify(verified.body)}`);
  const done = await call<Tokens>(tg, "POST", "/auth/complete-registration", {
    body: { registration_token: verified.body.registration_token, ...(opts.name ? { name: opts.name } : {}) },
    headers,
  });
  if (done.status !== 200)
    throw new Error(`complete-registration: ${done.status} ${JSON.stringify(done.body)}`);
  return done.body;
}

/** The identity section of a test config: sign-up mode and mail through the sink. */
export function identityConfig(
  smtp: SmtpSink,
  signup: "open" | "invite" | "closed" = "open",
  extra = "",
): string {
  return `
identity:
  signup: ${signup}
  mail: { from: "Tollgate <tollgate@test.local>", smtp: "${smtp.url}" }
${extra}`;
}
