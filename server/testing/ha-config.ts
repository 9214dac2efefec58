import { PROVIDER_SECRET } from "./harness.ts";

/**
 * Two providers (a primary preferred by priority, a secondary) behind one model, plus
 * single-route, fallback and auto-routing models: the set-up of the reliability tests.
 */
export function haConfig(
  primaryUrl: string,
  secondaryUrl: string,
  opts: { threshold?: number; recoveryMs?: number } = {},
): string {
  const provider = (
    id: string,
    url: string,
    t = "{ connect_ms: 1000, first_byte_ms: 400, total_ms: 5000 }",
  ) =>
    `  - id: ${id}\n    kind: openai\n    base_url: ${url}\n    api_key: ${PROVIDER_SECRET}\n    timeouts: ${t}\n`;
  return `
currency: USD
defaults:
  rate_limits: { key_rpm: 100000 }
  max_output_tokens: 200
routing:
  max_attempts: 3
  expose_route_headers: true
  backoff: { base_ms: 20, max_ms: 200 }
  retry_budget: { ratio: 0.5, min_per_second: 50 }
  circuit_breaker: { failure_threshold: ${opts.threshold ?? 5}, recovery_timeout_ms: ${opts.recoveryMs ?? 500} }
providers:
${provider("primary", primaryUrl)}${provider("secondary", secondaryUrl)}${provider("refused", "http://127.0.0.1:1/v1")}
models:
  - id: ha-model
    routes:
      - { provider: primary, model: up-primary, priority: 1 }
      - { provider: secondary, model: up-secondary, priority: 0 }
    prices: { input: 1, output: 2 }
  - id: dead-first
    routes:
      - { provider: refused, model: nothing, priority: 1 }
      - { provider: secondary, model: up-secondary, priority: 0 }
    prices: { input: 1, output: 2 }
  - id: solo
    routes: [{ provider: primary, model: up-solo }]
    prices: { input: 1, output: 2 }
  - id: main-model
    routes: [{ provider: primary, model: up-main }]
    prices: { input: 1, output: 2 }
    fallbacks: [backup-model]
  - id: backup-model
    routes: [{ provider: secondary, model: up-backup }]
    prices: { input: 3, output: 6 }
  - id: cheap-text
    routes: [{ provider: secondary, model: up-cheap }]
    prices: { input: 0.1, output: 0.2 }
    capabilities: { tools: false }
  - id: mid-tools
    routes: [{ provider: secondary, model: up-mid }]
    prices: { input: 0.5, output: 1 }
  - id: vision-pro
    routes: [{ provider: secondary, model: up-vision }]
    prices: { input: 2, output: 8 }
    capabilities: { vision: true }
`;
}
