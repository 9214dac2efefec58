import type { Dialect } from "../core/dialect.ts";
import { JsonBody } from "../core/json-body.ts";
import type { ProviderDialectCodec } from "../core/translate.ts";
import type { Json } from "../core/wire-json.ts";
import { providerSecrets, upstreamError, upstreamInvalid } from "./errors.ts";
import { MAX_ANSWER_BYTES, MAX_ERROR_BYTES, tlsInit, UpstreamExchange } from "./http.ts";
import type { ChatCall, UpstreamResult } from "./provider.ts";

export type UpstreamRequest = {
  url: string;
  headers: Record<string, string>;
  /** POST (default) or GET (polling a job: no body). */
  method?: "GET" | "POST";
  /**
   * JSON (a value, or a JsonBody: a client's forwarded text goes as it is), or form data
   * (multipart uploads, sent with the boundary fetch chooses).
   */
  body?: Json | JsonBody | FormData;
  /**
   * The wire format of the answer: a translatable dialect's codec (a client speaking
   * another dialect reads the answer through its decoders), or only the name of a format
   * that is passed through (Responses) or read by the caller (media).
   */
  dialect: ProviderDialectCodec | Dialect;
  /** Strings to scrub from upstream error messages (the provider's key; its header values are added). */
  secrets: (string | null | undefined)[];
  /** How a streamed answer is framed: SSE (default) or newline-delimited JSON (Yandex). */
  streamFormat?: "sse" | "ndjson";
  /**
   * For credentials that expire upstream (GigaChat's access token): on a 401, fresh auth
   * headers are fetched and the request is sent once more.
   */
  refreshAuth?: () => Promise<Record<string, string>>;
};

const CREDENTIAL_HEADERS = new Set(["authorization", "api-key", "x-api-key", "x-goog-api-key"]);

/** The credentials in request headers (a fetched access token, `Api-Key <key>`), without their scheme. */
function credentialsIn(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers))
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) out.push(value.replace(/^[A-Za-z-]+\s+/, ""));
  return out;
}

/**
 * POSTs one request under the call's deadlines and client signal, maps an error status
 * to a GatewayError (scrubbed of secrets), and returns the answer as JSON or as SSE
 * events. The exchange stays open while the caller consumes the stream.
 */
export async function postUpstream(
  call: Pick<ChatCall, "target" | "signal" | "stream" | "requestId">,
  r: UpstreamRequest,
): Promise<UpstreamResult> {
  // Grows when refreshAuth brings a fresh token: the exchange scrubs streams with this list.
  const secrets = [
    ...r.secrets,
    ...providerSecrets(call.target.provider),
    ...credentialsIn(r.headers),
  ].filter((x): x is string => typeof x === "string" && x.length >= 8);
  const ex = new UpstreamExchange(call.target.provider.timeouts, call.signal, call.stream, secrets);
  const headers: Record<string, string> = {
    ...call.target.provider.headers,
    ...r.headers,
    ...(r.body === undefined || r.body instanceof FormData ? {} : { "content-type": "application/json" }),
    accept: call.stream && r.streamFormat !== "ndjson" ? "text/event-stream" : "application/json",
    "x-request-id": call.requestId,
  };
  const codec = typeof r.dialect === "string" ? null : r.dialect;
  const dialect = codec ? codec.dialect : (r.dialect as Dialect);
  let ok = false;
  try {
    const body =
      r.body === undefined || r.body instanceof FormData
        ? r.body
        : r.body instanceof JsonBody
          ? r.body.text()
          : JSON.stringify(r.body);
    const init = { method: r.method ?? "POST", body, ...tlsInit(call.target.provider) };
    let res = await ex.send(r.url, { ...init, headers });
    if (res.status === 401 && r.refreshAuth) {
      await ex.text(res, MAX_ERROR_BYTES, "truncate");
      const fresh = await r.refreshAuth();
      secrets.push(...credentialsIn(fresh));
      res = await ex.send(r.url, { ...init, headers: { ...headers, ...fresh } });
    }
    if (!res.ok)
      throw upstreamError(res.status, await ex.text(res, MAX_ERROR_BYTES, "truncate"), res.headers, secrets);
    const type = res.headers.get("content-type") ?? "";
    // Yandex frames its stream as JSON lines whatever content type it declares.
    if (call.stream && r.streamFormat === "ndjson") {
      ok = true;
      return { kind: "stream", dialect, codec, events: ex.lines(res), headers: res.headers };
    }
    if (call.stream && type.includes("text/event-stream")) {
      ok = true;
      return { kind: "stream", dialect, codec, events: ex.events(res), headers: res.headers };
    }
    const text = await ex.text(res, MAX_ANSWER_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw upstreamInvalid("not JSON");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw upstreamInvalid("not a JSON object");
    if (call.stream) throw upstreamInvalid("a JSON body where a stream was expected");
    return { kind: "json", dialect, codec, body: parsed as Json, text, headers: res.headers };
  } finally {
    if (!ok) ex.close();
  }
}
