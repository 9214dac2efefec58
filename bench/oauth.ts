/**
 * What an app's connection costs: `bun bench/oauth.ts [rounds]`. In-process, on loopback:
 * the real server (server/testing/harness.ts); the user signs in through the outbox and
 * opens a browser session. Each round is what a browser and an app do: GET the consent
 * page, POST the approval (a code), POST /oauth/token (a key, a grant). Prints the median
 * and p90 of each step.
 */
import { createHash, randomBytes } from "node:crypto";
import { standardConfig, TestGateway } from "../server/testing/harness.ts";
import { MockOpenAI } from "../server/testing/mock-openai.ts";

const N = Number(process.argv[2] ?? 300);
const REDIRECT = "https://bench.example/cb";

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms`;
}

const mock = new MockOpenAI().start();
const tg = await TestGateway.start({ config: standardConfig(mock.url, "identity: { signup: open }") });
try {
  const post = (path: string, body: unknown, bearer?: string) =>
    fetch(`${tg.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const email = "bench@example.com";
  await post("/auth/send-code", { email });
  const box = await tg.admin<{ data: { to: string; text: string }[] }>("GET", "/outbox");
  const code = /^ {4}(\d{6})$/m.exec(box.body.data.find((m) => m.to === email)!.text)![1];
  const v = (await (await post("/auth/verify-email", { email, code })).json()) as Record<string, string>;
  const t = (await (
    await post("/auth/complete-registration", { registration_token: v.registration_token })
  ).json()) as {
    access_token: string;
    account: { id: string };
  };
  const cookie = (await post("/auth/session", {}, t.access_token)).headers.get("set-cookie")!.split(";")[0]!;
  const app = await tg.admin<{ client_id: string }>("POST", "/oauth/apps", {
    name: "Bench",
    redirect_uris: [REDIRECT],
  });

  const times: Record<string, number[]> = {
    "GET /oauth/authorize": [],
    "POST /oauth/authorize": [],
    "POST /oauth/token": [],
  };
  const timed = async <T>(what: string, i: number, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await run();
    if (i >= 20) times[what]!.push(performance.now() - t0);
    return r;
  };
  for (let i = 0; i < N + 20; i++) {
    const verifier = randomBytes(32).toString("base64url");
    const params = {
      response_type: "code",
      client_id: app.body.client_id,
      redirect_uri: REDIRECT,
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      state: `s${i}`,
    };
    const html = await timed("GET /oauth/authorize", i, async () =>
      (
        await fetch(`${tg.url}/oauth/authorize?${new URLSearchParams(params)}`, { headers: { cookie } })
      ).text(),
    );
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const back = await timed("POST /oauth/authorize", i, () =>
      fetch(`${tg.url}/oauth/authorize`, {
        method: "POST",
        headers: { cookie, origin: tg.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ ...params, csrf, decision: "approve", account_id: t.account.id }),
        redirect: "manual",
      }),
    );
    const issued = new URL(back.headers.get("location")!).searchParams.get("code")!;
    const res = await timed("POST /oauth/token", i, () =>
      fetch(`${tg.url}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code: issued,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
          client_id: app.body.client_id,
        }),
      }),
    );
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  }
  for (const [what, ms] of Object.entries(times)) console.log(`${what}: ${stats(ms)} (${ms.length} rounds)`);
} finally {
  await tg.stop();
  mock.stop();
}
