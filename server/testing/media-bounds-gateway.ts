import { imagePrice, secondsCost, unitsCost, videoSecondPrice } from "../billing/media-prices.ts";
import { costOf, UNITS_PER_CURRENCY } from "../billing/money.ts";
import { countText } from "../tokens/count.ts";
import { TestGateway } from "./harness.ts";
import { GIGACHAT_AUTH_KEY, MockGigaChat } from "./mock-gigachat.ts";
import { MockHonestMedia, type Produced, type ReadOrder } from "./mock-honest-media.ts";
import { MockYandex, YANDEX_API_KEY, YANDEX_FOLDER } from "./mock-yandex.ts";

/**
 * The real gateway in front of the honest media mock, with the models the media bounds
 * tests use, and the two things those tests measure: what the account was charged, and
 * what the upstream made, priced independently of the gateway's own accounting.
 */

export const GEMINI_TEST_KEY = "AIzaMockHonestMediaKey0123456789abcdef";

/**
 * Each public model on the honest mock routes to an upstream model of the same name plus
 * "up-", so `produced` maps back. GigaChat and Yandex embeddings run on their own mocks,
 * which report tokens by a fixed rule (3 + characters, 2 + characters per input).
 */
const config = (m: MockHonestMedia, giga: MockGigaChat, ya: MockYandex) => `
currency: USD
defaults: { rate_limits: { key_rpm: 1000000 } }
routing: { circuit_breaker: { enabled: false }, backoff: { base_ms: 1, max_ms: 2 } }
providers:
  - { id: up, kind: openai, base_url: "${m.url}", api_key: sk-honest-media-key, options: { video_poll_ms: 1 } }
  - { id: gem, kind: gemini, base_url: "${m.origin}", api_key: ${GEMINI_TEST_KEY} }
  - id: giga
    kind: gigachat
    base_url: ${giga.apiUrl}
    api_key: ${GIGACHAT_AUTH_KEY}
    options: { auth_url: ${giga.authUrl} }
  - { id: ya, kind: yandex, base_url: "${ya.apiUrl}", api_key: ${YANDEX_API_KEY}, options: { folder_id: ${YANDEX_FOLDER} } }
models:
  - id: img-star
    routes: [{ provider: up, model: up-img-star }]
    prices:
      image: { "1024x1024/high": 0.17, "1024x1024": 0.04, "1536x1024/high": 0.25, "*/low": 0.01, "*": 0.06 }
    capabilities: { max_images: 4 }
  - id: img-sized
    routes: [{ provider: up, model: up-img-sized }]
    prices: { image: { "1024x1024": 0.02, "1536x1024": 0.03, "1536x1024/hd": 0.08 } }
  - id: vid
    routes: [{ provider: up, model: up-vid }]
    prices: { video_second: { "1280x720": 0.01, "720x1280": 0.01, "1792x1024": 0.05 } }
    capabilities: { max_video_seconds: 12 }
  - id: vid-flat
    routes: [{ provider: up, model: up-vid-flat }]
    prices: { video_second: 0.02 }
    capabilities: { default_video_seconds: 8 }
  - id: embed
    routes: [{ provider: up, model: up-embed }]
    prices: { input: 1000 }
    capabilities: { max_embedding_inputs: 8, max_embedding_tokens: 64, max_embedding_dimensions: 32 }
  - id: embed-gem
    routes: [{ provider: gem, model: up-embed-gem }]
    prices: { input: 2000 }
  - id: embed-giga
    routes: [{ provider: giga, model: Embeddings }]
    prices: { input: 1500 }
    capabilities: { max_embedding_tokens: 100 }
  - id: embed-ya
    routes: [{ provider: ya, model: text-search-doc/latest }]
    prices: { input: 500 }
    capabilities: { max_embedding_inputs: 4 }
`;

/** A reservation or a charge that broke the book's rules, seen from inside the running server. */
export type BookViolation = { what: string; amount: number; cost?: number };

export class MediaBoundsGateway {
  readonly violations: BookViolation[] = [];

  private constructor(
    readonly tg: TestGateway,
    readonly mock: MockHonestMedia,
    readonly giga: MockGigaChat,
    readonly ya: MockYandex,
  ) {}

  static async start(): Promise<MediaBoundsGateway> {
    const mock = new MockHonestMedia().start();
    const giga = new MockGigaChat().start();
    const ya = new MockYandex().start();
    const tg = await TestGateway.start({ config: config(mock, giga, ya) });
    const g = new MediaBoundsGateway(tg, mock, giga, ya);
    g.watchBook();
    return g;
  }

  /** Clears every mock's records and the book's violations; the honest mock reads in `order`. */
  reset(order: ReadOrder = "canonical-first"): void {
    this.mock.reset();
    this.mock.order = order;
    this.giga.reset();
    this.ya.reset();
    this.violations.length = 0;
  }

  /**
   * Every hold the server makes is a non-negative integer, and no settlement is asked to
   * charge more than its hold (the book clamps a charge to the balance silently: the client
   * would get output that nobody pays for).
   */
  private watchBook(): void {
    const book = this.tg.gw.book;
    const hold = book.hold.bind(book);
    const settle = book.settle.bind(book);
    book.hold = (key, amount) => {
      if (!Number.isSafeInteger(amount) || amount < 0) this.violations.push({ what: "reservation", amount });
      return hold(key, amount);
    };
    book.settle = (h, key, cost, ref) => {
      if (!(cost <= h.amount))
        this.violations.push({ what: "charge above reservation", amount: h.amount, cost });
      return settle(h, key, cost, ref);
    };
  }

  async stop(): Promise<void> {
    await this.tg.stop();
    this.mock.stop();
    this.giga.stop();
    this.ya.stop();
  }

  /** What the key's account has been charged so far, in nano-units. */
  async usedNano(key: string): Promise<{ used: number; balance: number; keyUsed: number }> {
    const r = await fetch(`${this.tg.url}/v1/balance`, { headers: { authorization: `Bearer ${key}` } });
    const b = (await r.json()) as { used: number; balance: number; token: { used: number } };
    const nano = (x: number) => Math.round(x * UNITS_PER_CURRENCY);
    return { used: nano(b.used), balance: nano(b.balance), keyUsed: nano(b.token.used) };
  }

  /** POSTs a JSON body, or a multipart form (values as text, `image` as an uploaded file). */
  post(key: string, path: string, body: Record<string, unknown>, multipart = false): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (!multipart) {
      headers["content-type"] = "application/json";
      return fetch(`${this.tg.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    }
    const form = new FormData();
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined) continue;
      if (k === "image")
        form.append("image", new File([new Uint8Array([137, 80, 78, 71])], "a.png", { type: "image/png" }));
      else form.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
    }
    return fetch(`${this.tg.url}${path}`, { method: "POST", headers, body: form });
  }

  /**
   * The price of what the upstream made, from the model's price table and the upstream's
   * own report (tokens for embeddings; Gemini reports none, so its input counted as the
   * gateway bills it). Null when the table has no price for it: nothing was reserved for it.
   */
  private costOf(p: Produced): number | null {
    const model = this.tg.gw.catalog.model(p.model.replace(/^up-/, ""));
    if (!model) return null;
    switch (p.kind) {
      case "images": {
        const each = imagePrice(model.mediaPrices, p.size, p.quality);
        return each === null ? null : unitsCost(each, p.count);
      }
      case "video": {
        const perSecond = videoSecondPrice(model.mediaPrices, [p.size]);
        return perSecond === null ? null : secondsCost(perSecond, p.seconds * 1000);
      }
      case "embeddings":
        return costOf(model.prices, { input: p.tokens, cached: 0, output: 0 });
      case "gemini-embeddings":
        return costOf(model.prices, {
          input: p.texts.reduce((n, t) => n + countText(t), 0),
          cached: 0,
          output: 0,
        });
    }
  }

  /**
   * The price of everything every upstream made since the last reset (one GigaChat call per
   * request, one Yandex call per input), and what the honest mock made that has no price.
   */
  made(): { nano: number; unpriced: Produced[] } {
    let nano = 0;
    const unpriced: Produced[] = [];
    for (const p of this.mock.produced) {
      const cost = this.costOf(p);
      if (cost === null) unpriced.push(p);
      else nano += cost;
    }
    const tokens = (id: string, input: number) =>
      costOf(this.tg.gw.catalog.model(id)!.prices, { input, cached: 0, output: 0 });
    for (const r of this.giga.requests("/api/v1/embeddings")) {
      const inputs = (r.body as { input: string[] }).input;
      nano += tokens(
        "embed-giga",
        inputs.reduce((n, t) => n + 3 + t.length, 0),
      );
    }
    for (const r of this.ya.requests("/foundationModels/v1/textEmbedding"))
      nano += tokens("embed-ya", 2 + String((r.body as { text: string }).text).length);
    return { nano, unpriced };
  }
}
