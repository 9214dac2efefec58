/**
 * Typed errors thrown anywhere in the server and rendered once per client dialect
 * (dialects/<dialect>/error.ts). Nothing here knows about HTTP bodies.
 */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "insufficient_quota"
  | "permission"
  | "not_found"
  | "conflict"
  | "gone"
  | "too_large"
  | "unprocessable"
  | "rate_limit"
  | "internal"
  | "upstream"
  | "unavailable"
  | "timeout";

const STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  insufficient_quota: 402,
  permission: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unprocessable: 422,
  rate_limit: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
};

export type GatewayErrorInit = {
  code: string;
  param?: string | null;
  headers?: Record<string, string>;
  /** Overrides the status of the kind (an upstream 4xx keeps its own status). */
  status?: number;
  /** Never retried nor failed over, whatever the kind (e.g. a video job already created upstream). */
  final?: boolean;
  /** The HTTP status the upstream itself answered, when this error is its answer (the log shows it). */
  upstreamStatus?: number;
};

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly headers: Record<string, string>;
  readonly final: boolean;
  readonly upstreamStatus: number | null;

  constructor(kind: ErrorKind, message: string, init: GatewayErrorInit) {
    super(message);
    this.name = "GatewayError";
    this.kind = kind;
    this.status = init.status ?? STATUS[kind];
    this.code = init.code;
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
    this.final = init.final ?? false;
    this.upstreamStatus = init.upstreamStatus ?? null;
  }
}

/**
 * The client went away (mid-upload, or during the answer): nothing is rendered, the call is
 * logged as `499 client_closed`, and it is not a server error in the metrics.
 */
export class ClientClosed extends Error {
  constructor() {
    super("client closed the connection");
    this.name = "ClientClosed";
  }
}

export const badRequest = (message: string, param: string | null = null, code = "invalid_request") =>
  new GatewayError("invalid_request", message, { code, param });

export const unauthorized = (message = "Invalid or missing API key.", code = "invalid_api_key") =>
  new GatewayError("authentication", message, { code });

export const forbidden = (message: string, code = "model_not_allowed") =>
  new GatewayError("permission", message, { code });

export const notFound = (message: string, code = "not_found") =>
  new GatewayError("not_found", message, { code });

export const modelNotFound = (model: string) =>
  new GatewayError("not_found", `The model '${model.slice(0, 256)}' does not exist or is not enabled.`, {
    code: "model_not_found",
    param: "model",
  });

export const insufficientQuota = (message: string) =>
  new GatewayError("insufficient_quota", message, { code: "insufficient_quota" });

/** An upstream answer the gateway cannot read (not JSON, a chat completion without choices...). */
export const upstreamInvalid = (what: string) =>
  new GatewayError("upstream", `The upstream provider sent an invalid response: ${what}.`, {
    code: "upstream_invalid_response",
  });

/**
 * The books could not be written or read (PostgreSQL unreachable, a disk that refuses): the
 * answer is withheld and nothing is billed, so the client may simply retry.
 */
export const storeUnavailable = () =>
  new GatewayError(
    "unavailable",
    "The request could not be recorded (the database is unreachable right now); it was not billed. Retry shortly.",
    { code: "store_unavailable", headers: { "retry-after": "1" } },
  );

/**
 * The charge was sent to the books and the database stopped answering before it said whether
 * it committed (a failover, a network cut), and did not answer again in time: the request may
 * have been recorded and billed. Not `store_unavailable` (which promises nothing was billed),
 * and no Retry-After: a blind retry may pay twice. The replica learns the outcome once the
 * database answers, and its books follow it.
 */
export const storeOutcomeUnknown = () =>
  new GatewayError(
    "unavailable",
    "The request's charge could not be confirmed (the database stopped answering while it was being recorded); it may have been recorded and billed. Check the request log before retrying.",
    { code: "store_outcome_unknown" },
  );

export const internalError = (message = "Internal server error.") =>
  new GatewayError("internal", message, { code: "internal_error" });
