import { formatPath } from "../config/path.ts";
import { renderAnthropicError } from "../dialects/anthropic/error.ts";
import { renderGoogleError } from "../dialects/gemini/error.ts";
import { renderOpenAIError } from "../dialects/openai-chat/error.ts";
import { GatewayError, internalError, notFound } from "../errors.ts";
import { ClientClosed } from "../providers/errors.ts";

type ElysiaErrorInput = { error: unknown; code: unknown; request: Request; path: string };

/** Turns whatever was thrown into a GatewayError: ours as they are, Elysia's by their code. */
export function toGatewayError({ error, code, request, path }: ElysiaErrorInput): GatewayError {
  if (error instanceof GatewayError) return error;
  if (code === "NOT_FOUND") return notFound(`Unknown request URL: ${request.method} ${path}.`, "unknown_url");
  if (code === "PARSE")
    return new GatewayError(
      "invalid_request",
      "We could not parse the body of your request: it is not valid JSON.",
      { code: "invalid_json" },
    );
  if (code === "VALIDATION") {
    const e = error as { valueError?: { path?: PropertyKey[]; message?: string }; type?: string };
    const field = e.valueError?.path ? formatPath(e.valueError.path) : "";
    const where =
      e.type === "query" ? "query parameter" : e.type === "params" ? "path parameter" : "request body";
    return new GatewayError(
      "invalid_request",
      `Invalid ${where}: ${field ? `${field}: ` : ""}${e.valueError?.message ?? "invalid value"}`,
      {
        code: "invalid_request_body",
        param: field || null,
      },
    );
  }
  return internalError();
}

/** Which surface's error shape a path answers in; `/v1/v1/...` is the `/v1/...` alias. */
export function errorShape(path: string): "openai" | "anthropic" | "google" {
  const p = path.startsWith("/v1/v1") ? path.slice(3) : path;
  if (p === "/v1/messages" || p.startsWith("/v1/messages/")) return "anthropic";
  if (p.startsWith("/v1beta/")) return "google";
  // Gemini's v1 API: POST /v1/models/{model}:generateContent
  if (/^\/v1\/models\/.+:[A-Za-z]+$/.test(p)) return "google";
  return "openai";
}

/**
 * The one place errors become responses. The shape follows the surface of the path
 * (Anthropic for /v1/messages, Google for /v1beta, OpenAI for the rest and the admin API).
 * Unknown errors are logged to stderr without request data and answered with a plain 500.
 */
export function renderError(input: ElysiaErrorInput): Response {
  // Elysia wraps what a parse hook throws (limitedParse: a 413, a client gone) in its ParseError.
  const cause = input.code === "PARSE" ? (input.error as { cause?: unknown } | null)?.cause : undefined;
  if (cause instanceof GatewayError || cause instanceof ClientClosed)
    input = { ...input, error: cause, code: "" };
  if (input.error instanceof ClientClosed) return new Response(null, { status: 499 });
  const err = toGatewayError(input);
  if (err.kind === "internal" && !(input.error instanceof GatewayError)) {
    const e = input.error as Error;
    console.error(
      JSON.stringify({
        level: "error",
        msg: "unhandled error",
        path: input.path,
        error: e?.name,
        detail: e?.message?.slice(0, 200),
        stack: e?.stack?.split("\n").slice(0, 4).join(" | "),
      }),
    );
  }
  switch (errorShape(input.path)) {
    case "anthropic":
      return renderAnthropicError(err);
    case "google":
      return renderGoogleError(err);
    default:
      return renderOpenAIError(err);
  }
}
