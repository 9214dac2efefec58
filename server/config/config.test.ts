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
});
