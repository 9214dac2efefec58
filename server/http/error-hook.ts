import { formatPath } from "../config/path.ts";
import { ClientClosed, GatewayError, internalError, notFound } from "../errors.ts";

export type ElysiaErrorInput = { error: unknown; code: unknown; request: Request; path: string };

/**
 * A client surface's error shape: the paths that answer in it and how it writes a typed
 * error. The surface's routes declare it (routes/anthropic.ts, routes/gemini.ts,
 * routes/openai-chat.ts), with the renderer from their dialect's `error.ts`; app.ts hands
 * them to the one hook. So http/ knows no dialect, and a new client surface adds its own.
 */
export type ErrorSurface = {
  readonly shape: string;
  owns(path: string): boolean;
  render(err: GatewayError): Response;
};

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

/**
 * The one place errors become responses. The shape follows the surface that owns the path
 * (Anthropic for /v1/messages, Google for /v1beta, ...), the fallback's for the rest (the
 * OpenAI shape, also the admin API's). Used by the app's onError and by the checks that
 * refuse a request before routing (host-check.ts, body-limit.ts). Unknown errors are
 * logged to stderr without request data and answered with a plain 500.
 */
export class ErrorHook {
  constructor(
    private readonly fallback: ErrorSurface,
    private readonly surfaces: readonly ErrorSurface[],
  ) {}

  /** The surface whose shape a path answers in; `/v1/v1/...` is the `/v1/...` alias. */
  surfaceOf(path: string): ErrorSurface {
    const p = path.startsWith("/v1/v1") ? path.slice(3) : path;
    return this.surfaces.find((s) => s.owns(p)) ?? this.fallback;
  }

  shapeOf(path: string): string {
    return this.surfaceOf(path).shape;
  }

  render(input: ElysiaErrorInput): Response {
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
    return this.surfaceOf(input.path).render(err);
  }
}
