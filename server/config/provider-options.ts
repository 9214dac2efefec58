import type { z } from "zod";

const GIGACHAT_SCOPES = ["GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP"];

/**
 * Kind-specific provider options checked when tollgate.yaml is loaded, so a missing
 * Yandex folder or a mistyped GigaChat scope stops the start instead of failing requests.
 * Returns [option, message] pairs.
 */
export function providerOptionIssues(kind: string, options: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const o = options;
  if (o.tls_verify !== undefined && typeof o.tls_verify !== "boolean")
    out.push(["tls_verify", "must be true or false"]);
  if (o.ca_cert !== undefined && (typeof o.ca_cert !== "string" || !o.ca_cert.includes("BEGIN CERTIFICATE")))
    out.push(["ca_cert", "must be PEM text (-----BEGIN CERTIFICATE-----...)"]);
  if (
    kind === "openai" &&
    o.max_tokens_field !== undefined &&
    o.max_tokens_field !== "max_tokens" &&
    o.max_tokens_field !== "max_completion_tokens"
  )
    out.push(["max_tokens_field", 'must be "max_tokens" or "max_completion_tokens"']);
  if (kind === "gigachat") {
    if (o.scope !== undefined && !GIGACHAT_SCOPES.includes(String(o.scope)))
      out.push(["scope", `must be one of ${GIGACHAT_SCOPES.join(", ")}`]);
    if (o.auth_url !== undefined && !/^https?:\/\//.test(String(o.auth_url)))
      out.push(["auth_url", "must be a URL"]);
  }
  if (kind === "yandex") {
    if (typeof o.folder_id !== "string" || !/^[a-z0-9]+$/i.test(o.folder_id))
      out.push(["folder_id", "the Yandex Cloud folder id is required"]);
    if (o.auth !== undefined && o.auth !== "api_key" && o.auth !== "iam_token")
      out.push(["auth", 'must be "api_key" or "iam_token"']);
  }
  return out;
}

export function checkProviderOptions(
  p: { kind: string; options: Record<string, unknown> },
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  for (const [option, message] of providerOptionIssues(p.kind, p.options))
    ctx.addIssue({ code: "custom", path: [...path, "options", option], message });
}
