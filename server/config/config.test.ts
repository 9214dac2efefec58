import { describe, expect, test } from "bun:test";
import { parseConfig } from "./load.ts";

const base = `
providers:
  - id: up
    kind: openai
    base_url: http://127.0.0.1:1/v1
    api_key: \${UP_KEY}
models:
  - id: a
    routes: [{ provider: up, model: a-up }]
    prices: { input: 0.15, output: "0.6" }
  - id: b
    routes: [{ provider: up, model: b-up }]
  - id: c
    routes: [{ provider: up, model: c-up }, { provider: x, model: c2 }]
`;

describe("config", () => {
  test("valid file: defaults, interpolation, prices in nano-units", () => {
    const cfg = parseConfig(base.replace("provider: x", "provider: up"), { UP_KEY: "secret-value" });
    expect(cfg.currency).toBe("USD");
    expect(cfg.providers[0]?.api_key).toBe("secret-value");
    expect(cfg.models[0]?.prices.input).toBe(150_000_000);
    expect(cfg.models[0]?.prices.output).toBe(600_000_000);
    expect(cfg.defaults.rate_limits.key_rpm).toBe(60);
    expect(Object.isFrozen(cfg.models[0])).toBe(true);
  });

  test("an unknown provider is named by its path", () => {
    expect(() => parseConfig(base, { UP_KEY: "k" })).toThrow(
      'models[2].routes[1].provider: unknown provider "x"',
    );
  });

  test("a missing environment variable is named by its path", () => {
    expect(() => parseConfig(base, {})).toThrow(
      "providers[0].api_key: environment variable UP_KEY is not set",
    );
  });

  test("defaults after :- and escaped dollars", () => {
    const cfg = parseConfig(
      `providers: [{ id: p, kind: openai, base_url: "\${BASE:-http://localhost:9/v1}", api_key: "$\${LITERAL}" }]`,
      {},
    );
    expect(cfg.providers[0]?.base_url).toBe("http://localhost:9/v1");
    expect(cfg.providers[0]?.api_key).toBe(`$${"{"}LITERAL}`);
  });

  test("bad values and unknown keys are rejected with paths", () => {
    expect(() => parseConfig("currency: dollars", {})).toThrow("currency: an ISO 4217 code");
    expect(() => parseConfig("models: [{ id: m, routes: [] }]", {})).toThrow("models[0].routes:");
    expect(() => parseConfig("accounts: [{ name: a, balance: -1 }]", {})).toThrow(
      "accounts[0].balance: must not be negative",
    );
    expect(() => parseConfig("surprise: 1", {})).toThrow("(root)");
    expect(() => parseConfig("models: [", {})).toThrow("YAML");
  });

  test("RUB works as the currency", () => {
    expect(parseConfig("currency: RUB", {}).currency).toBe("RUB");
  });

  test("GigaChat and Yandex options are checked at load, named by path", () => {
    const giga = `providers: [{ id: g, kind: gigachat, base_url: "https://gigachat.devices.sberbank.ru/api/v1", options: { scope: GIGACHAT_API_PRIVATE } }]`;
    expect(() => parseConfig(giga, {})).toThrow(
      "providers[0].options.scope: must be one of GIGACHAT_API_PERS",
    );
    const ya = `providers: [{ id: y, kind: yandex, base_url: "https://llm.api.cloud.yandex.net/foundationModels/v1" }]`;
    expect(() => parseConfig(ya, {})).toThrow(
      "providers[0].options.folder_id: the Yandex Cloud folder id is required",
    );
    const tls = `providers: [{ id: o, kind: openai, base_url: "https://x/v1", options: { tls_verify: "no" } }]`;
    expect(() => parseConfig(tls, {})).toThrow("providers[0].options.tls_verify");
    const ok = parseConfig(
      `providers: [{ id: y, kind: yandex, base_url: "https://llm.api.cloud.yandex.net/foundationModels/v1", options: { folder_id: b1gabc, auth: iam_token } }]`,
      {},
    );
    expect(ok.providers[0]?.options.folder_id).toBe("b1gabc");
  });

  test("media prices: per image keyed by size/quality, per video second as one amount or by size", () => {
    const cfg = parseConfig(
      `providers: [{ id: o, kind: openai, base_url: "https://x/v1" }]
models:
  - { id: img, routes: [{ provider: o, model: m }], prices: { image: { "1024x1024/high": 0.167, "*": "0.04" } } }
  - { id: vid, routes: [{ provider: o, model: m }], prices: { video_second: 0.1 } }`,
      {},
    );
    expect(cfg.models[0]?.prices.image).toEqual({ "1024x1024/high": 167_000_000, "*": 40_000_000 });
    expect(cfg.models[1]?.prices.video_second).toEqual({ "*": 100_000_000 });
    expect(() =>
      parseConfig(
        `providers: [{ id: o, kind: openai, base_url: "https://x/v1" }]
models: [{ id: img, routes: [{ provider: o, model: m }], prices: { image: { "big one": 1 } } }]`,
        {},
      ),
    ).toThrow("models[0].prices.image");
  });
});
