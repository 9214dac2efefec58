/**
 * What a signed-in user's access token costs per request next to an API key:
 * `bun bench/identity-auth.ts [requests]`. In-process, on loopback: the real server
 * (server/testing/harness.ts) and its mock upstream; the user signs in through the
 * outbox. Prints the verification alone (a token's first use, then later ones) and the median
 * and p90 latency of GET /v1/models and of a chat completion with each credential,
 * requests interleaved so both see the same machine.
 */
import { AccessTokens } from "../server/identity/access-tokens.ts";
import { standardConfig, TestGateway } from "../server/testing/harness.ts";
import { MockOpenAI } from "../server/testing/mock-openai.ts";

const N = Number(process.argv[2] ?? 400);

async function signInViaOutbox(tg: TestGateway, email: string): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(`${tg.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  await post("/auth/send-code", { email });
  const box = await tg.admin<{ data: { to: string; text: string }[] }>("GET", "/outbox");
  const code = /^ {4}(\d{6})$/m.exec(box.body.data.find((m) => m.to === email)!.text)![1];
  const v = await post("/auth/verify-email", { email, code });
  return (await post("/auth/complete-registration", { registration_token: v.registration_token }))
    .access_token!;
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms`;
}

const tokens = new AccessTokens(new TextEncoder().encode("bench-signing-key-0123456789abcdef"), 30 * 60_000);
const claims = { userId: "usr_x", sessionId: "ses_x", accountId: "acc_x" };
const ROUNDS = 5_000;
// Distinct tokens (each has its own jti): the first verification of each runs the HS256 check.
const many = await Promise.all(Array.from({ length: ROUNDS }, () => tokens.sign(claims, Date.now())));
let t0 = performance.now();
for (const { token } of many) await tokens.verify(token, Date.now());
const first = (performance.now() - t0) / ROUNDS;
t0 = performance.now();
for (let i = 0; i < ROUNDS; i++) await tokens.verify(many[0]!.token, Date.now());
const again = (performance.now() - t0) / ROUNDS;
console.log(
  `access token verification: first use ${(first * 1000).toFixed(1)} µs (jose HS256), later uses ${(again * 1000).toFixed(1)} µs (remembered)`,
);

const mock = new MockOpenAI().start();
const tg = await TestGateway.start({
  config: standardConfig(mock.url, "identity: { signup: open }").replace("key_rpm: 1000", "key_rpm: 1000000"),
});
try {
  const jwt = await signInViaOutbox(tg, "bench@example.com");
  const me = await tg.admin<{ data: { id: string; name: string }[] }>("GET", "/accounts");
  const acct = me.body.data.find((a) => a.name === "bench@example.com")!.id;
  await tg.admin("POST", `/accounts/${acct}/topups`, { amount: 1000 });
  const key = (await tg.key(acct, { rpm_limit: 1_000_000 })).key;
  const body = JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "hi" }] });
  for (const [what, run] of [
    [
      "GET /v1/models",
      (cred: string) => fetch(`${tg.url}/v1/models`, { headers: { authorization: `Bearer ${cred}` } }),
    ],
    [
      "POST /v1/chat/completions",
      (cred: string) =>
        fetch(`${tg.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${cred}`, "content-type": "application/json" },
          body,
        }),
    ],
  ] as const) {
    const times: Record<string, number[]> = { key: [], jwt: [] };
    for (let i = 0; i < N + 20; i++) {
      for (const [name, cred] of [
        ["key", key],
        ["jwt", jwt],
      ] as const) {
        const s = performance.now();
        const r = await run(cred);
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`${what} with ${name}: ${r.status}`);
        if (i >= 20) times[name]!.push(performance.now() - s);
      }
    }
    console.log(`${what}: API key ${stats(times.key!)}; access token ${stats(times.jwt!)} (${N} each)`);
  }
} finally {
  await tg.stop();
  mock.stop();
}
