import { anthropicDialect } from "../../dialects/anthropic/index.ts";
import type { ChatCall, Provider, UpstreamResult } from "../provider.ts";
import { upstreamBody } from "../translate-body.ts";
import { postUpstream } from "../upstream-call.ts";

/** Pinned API version: the one every Messages feature we translate is documented against. */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Anthropic's Messages API (`base_url` like https://api.anthropic.com, with or without
 * /v1). A Messages client's body passes through with the client's `anthropic-beta` flags;
 * any other dialect is encoded from the canonical request.
 */
export const anthropicProvider = {
  kind: "anthropic",

  async chat(call: ChatCall): Promise<UpstreamResult> {
    const { provider } = call.target;
    const body = upstreamBody(call, anthropicDialect);
    const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
    if (provider.apiKey) headers["x-api-key"] = provider.apiKey;
    const beta =
      call.inbound.dialect === "anthropic-messages" ? call.inbound.headers?.["anthropic-beta"] : undefined;
    if (beta) headers["anthropic-beta"] = beta;
    const base = provider.baseUrl.replace(/\/+$/, "");
    return postUpstream(call, {
      url: `${base}${/\/v\d+$/.test(base) ? "" : "/v1"}/messages`,
      headers,
      body,
      dialect: anthropicDialect,
      secrets: [provider.apiKey],
    });
  },
} satisfies Provider;
