import { costOf, parseAmount } from "../billing/money.ts";
import { PROVIDER_SECRET, TestGateway } from "./harness.ts";
import type { ReadingOrder } from "./honest-caps.ts";
import { PROVIDERS } from "./matrix.ts";
import type { MockUpstream } from "./mock-upstream.ts";

/**
 * A gateway in front of one honest mock of every provider kind (see honest-caps.ts), for
 * proving that what an upstream writes is what was reserved and billed: the cost-bounds
 * property test and its regression tests share it.
 */

/** Every text route, named by its dialect. */
export type Surface = "chat" | "responses" | "messages" | "gemini";
export const SURFACES: Surface[] = ["chat", "responses", "messages", "gemini"];

/** One generated call: which route and model, and the body's cost fields in the order they are sent. */
export type TextCall = {
  surface: Surface;
  model: string;
  stream: boolean;
  fields: [string, unknown][];
};

/** Per 1M tokens, for every model of the rig. */
const PRICES = { input: 1, cached_input: 0.5, output: 2 };
/** The declared output limit of the m-* models; u-* models declare none (the default applies). */
export const MODEL_LIMIT = 300;
export const DEFAULT_LIMIT = 400;

/** Providers: one per kind, plus OpenAI with the Responses API and OpenAI with `max_completion_tokens`. */
const VARIANTS: { id: string; kind: string; options?: string }[] = [
  ...PROVIDERS.map((p) => ({ id: p.kind, kind: p.kind })),
  { id: "openai-responses", kind: "openai", options: "    options: { responses_api: true }\n" },
  {
    id: "openai-mct",
    kind: "openai",
    options: "    options: { max_tokens_field: max_completion_tokens }\n",
  },
];

/** Model ids: m-<provider> with a declared limit, u-<provider> without. */
export const MODELS = VARIANTS.flatMap((v) => [`m-${v.id}`, `u-${v.id}`]);

function config(mocks: Map<string, MockUpstream>): string {
  const providers = VARIANTS.map((v) => {
    const entry = PROVIDERS.find((p) => p.kind === v.kind)!;
    const url = mocks.get(v.kind)!.url;
    const extra = v.options ?? (typeof entry.extra === "function" ? entry.extra(url) : (entry.extra ?? ""));
    return `  - id: p-${v.id}
    kind: ${v.kind}
    base_url: ${url}
    api_key: ${PROVIDER_SECRET}
    timeouts: { connect_ms: 2000, first_byte_ms: 5000, total_ms: 15000 }
${extra}`;
  }).join("\n");
  const prices = `{ input: ${PRICES.input}, cached_input: ${PRICES.cached_input}, output: ${PRICES.output} }`;
  const models = VARIANTS.map(
    (v) => `  - id: m-${v.id}
    routes: [{ provider: p-${v.id}, model: up-${v.id} }]
    prices: ${prices}
    max_output_tokens: ${MODEL_LIMIT}
  - id: u-${v.id}
    routes: [{ provider: p-${v.id}, model: up-${v.id} }]
    prices: ${prices}`,
  ).join("\n");
  return `
currency: USD
defaults:
  rate_limits: { key_rpm: 1000000 }
  max_output_tokens: ${DEFAULT_LIMIT}
providers:
${providers}
models:
${models}
`;
}

const PATHS = { chat: "/v1/chat/completions", responses: "/v1/responses", messages: "/v1/messages" };

/** A call's route and body; the cost fields keep their generated order. */
export function requestFor(call: TextCall): { path: string; body: Record<string, unknown> } {
  const fields = Object.fromEntries(call.fields);
  if (call.surface === "gemini")
    return {
      path: `/v1beta/models/${call.model}:${call.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
      body: { contents: [{ role: "user", parts: [{ text: "hi" }] }], ...fields },
    };
  const prompt =
    call.surface === "responses" ? { input: "hi" } : { messages: [{ role: "user", content: "hi" }] };
  return {
    path: PATHS[call.surface],
    body: { model: call.model, ...prompt, stream: call.stream, ...fields },
  };
}

export type Sent = { call: TextCall; status: number; requestId: string; text: string };

export type Client = { accountId: string; keyId: string; key: string; spendLimit: number | null };

export class CostRig {
  private constructor(
    readonly tg: TestGateway,
    readonly mocks: Map<string, MockUpstream>,
  ) {}

  static async start(): Promise<CostRig> {
    const mocks = new Map<string, MockUpstream>();
    for (const p of PROVIDERS) mocks.set(p.kind, p.mock());
    const tg = await TestGateway.start({ config: config(mocks) });
    return new CostRig(tg, mocks).honest("first");
  }

  /** Every mock writes up to the cap it reads, reading duplicate spellings in `order`. */
  honest(order: ReadingOrder): this {
    for (const m of this.mocks.values()) m.always({ honestCaps: order });
    return this;
  }

  /** An account with `balance` (currency units) and a key on it, optionally with its own spend limit. */
  async client(balance: string, spendLimit: string | null = null): Promise<Client> {
    const c = await this.tg.client(balance, spendLimit === null ? {} : { spend_limit: spendLimit });
    return {
      accountId: c.accountId,
      keyId: c.keyId,
      key: c.key,
      spendLimit: spendLimit === null ? null : parseAmount(spendLimit),
    };
  }

  async send(key: string, call: TextCall): Promise<Sent> {
    const { path, body } = requestFor(call);
    const res = await fetch(`${this.tg.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      call,
      status: res.status,
      requestId: res.headers.get("x-request-id") ?? "",
      text: await res.text(),
    };
  }

  /** What the upstream reported for a request, from whichever mock answered it. */
  reported(requestId: string): { prompt: number; completion: number } | undefined {
    for (const m of this.mocks.values()) {
      const r = m.reported.get(requestId);
      if (r) return r;
    }
    return undefined;
  }

  /** The bodies the upstreams received for a request (the gateway's x-request-id). */
  received(requestId: string): Record<string, unknown>[] {
    return [...this.mocks.values()].flatMap((m) =>
      m.received.filter((r) => r.headers["x-request-id"] === requestId).map((r) => r.body),
    );
  }

  /** What the books charged for a request, through the Store (either engine). */
  private charged(requestId: string): Promise<number> {
    return this.tg.gw.store.ledger.chargedFor(requestId);
  }

  /**
   * What broke the rules for these calls of one client, in words (empty when none): a 5xx;
   * a balance below zero or a reservation left open; a key past its spend limit; a charge
   * other than the cost of the usage the upstream reported (nothing reported: nothing charged).
   */
  async violations(client: Client, sent: Sent[]): Promise<string[]> {
    const out: string[] = [];
    for (const s of sent)
      if (s.status >= 500) out.push(`${s.status} for ${JSON.stringify(s.call)}: ${s.text.slice(0, 300)}`);
    const acct = this.tg.gw.book.get(client.accountId);
    const table = await this.tg.gw.store.accounts.balance(client.accountId);
    if (!acct || acct.balance < 0 || table === undefined || table < 0)
      out.push(`balance below zero: memory ${acct?.balance}, table ${table}`);
    if (acct && acct.reserved !== 0) out.push(`reservations left open: ${acct.reserved}`);
    const key = this.tg.gw.keys.get(client.keyId);
    if (client.spendLimit !== null && key && key.used > client.spendLimit)
      out.push(`key spent ${key.used}, past its limit ${client.spendLimit}`);
    const prices = {
      input: parseAmount(PRICES.input)!,
      cachedInput: parseAmount(PRICES.cached_input)!,
      output: parseAmount(PRICES.output)!,
    };
    for (const s of sent) {
      const usage = this.reported(s.requestId);
      const expected = usage
        ? costOf(prices, { input: usage.prompt, cached: 0, output: usage.completion })
        : 0;
      const charged = await this.charged(s.requestId);
      if (charged !== expected)
        out.push(
          `charged ${charged}, upstream reported ${JSON.stringify(usage ?? null)} costing ${expected} (status ${s.status}) for ${JSON.stringify(s.call)}; upstream got ${JSON.stringify(this.received(s.requestId))}`,
        );
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.tg.stop();
    for (const m of this.mocks.values()) m.stop();
  }
}
