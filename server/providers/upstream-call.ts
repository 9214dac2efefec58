import type { Dialect } from "../core/dialect.ts";
import type { Json } from "../core/wire-json.ts";
import { upstreamError, upstreamInvalid } from "./errors.ts";
import { tlsInit, UpstreamExchange } from "./http.ts";
import type { ChatCall, UpstreamResult } from "./provider.ts";

export type UpstreamRequest = {
  url: string;
  headers: Record<string, string>;
  /** POST (default) or GET (polling a job: no body). */
  method?: "GET" | "POST";
  /** JSON, or form data (multipart uploads, sent with the boundary fetch chooses). */
  body?: Json | FormData;
  /** The wire format of the answer. */
  dialect: Dialect;
  /** Strings to scrub from upstream error messages (the provider's key). */
  secrets: (string | null | undefined)[];
  /** How a streamed answer is framed: SSE (default) or newline-delimited JSON (Yandex). */
  streamFormat?: "sse" | "ndjson";
  /**
   * For credentials that expire upstream (GigaChat's access token): on a 401, fresh auth
   * headers are fetched and the request is sent once more.
   */
  refreshAuth?: () => Promise<Record<string, string>>;
};

/**
 * POSTs one request under the call's deadlines and client signal, maps an error status
 * to a GatewayError (scrubbed of secrets), and returns the answer as JSON or as SSE
 * events. The exchange stays open while the caller consumes the stream.
 */
export async function postUpstream(
  call: Pick<ChatCall, "target" | "signal" | "stream" | "requestId">,
  r: UpstreamRequest,
): Promise<UpstreamResult> {
  const ex = new UpstreamExchange(call.target.provider.timeouts, call.signal, call.stream);
  const headers: Record<string, string> = {
    ...call.target.provider.headers,
    ...r.headers,
    ...(r.body === undefined || r.body instanceof FormData ? {} : { "content-type": "application/json" }),
    accept: call.stream && r.streamFormat !== "ndjson" ? "text/event-stream" : "application/json",
    "x-request-id": call.requestId,
  };
  let ok = false;
  try {
    const body = r.body === undefined || r.body instanceof FormData ? r.body : JSON.stringify(r.body);
    const init = { method: r.method ?? "POST", body, ...tlsInit(call.target.provider) };
    let res = await ex.send(r.url, { ...init, headers });
    if (res.status === 401 && r.refreshAuth) {
      await ex.text(res);
      res = await ex.send(r.url, { ...init, headers: { ...headers, ...(await r.refreshAuth()) } });
    }
    if (!res.ok) throw upstreamError(res.status, await ex.text(res), res.headers, r.secrets);
    const type = res.headers.get("content-type") ?? "";
    // Yandex frames its stream as JSON lines whatever content type it declares.
    if (call.stream && r.streamFormat === "ndjson") {
      ok = true;
      return { kind: "stream", dialect: r.dialect, events: ex.lines(res), headers: res.headers };
    }
    if (call.stream && type.includes("text/event-stream")) {
      ok = true;
      return { kind: "stream", dialect: r.dialect, events: ex.events(res), headers: res.headers };
    }
    const text = await ex.text(res);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw upstreamInvalid("not JSON");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw upstreamInvalid("not a JSON object");
    if (call.stream) throw upstreamInvalid("a JSON body where a stream was expected");
    return { kind: "json", dialect: r.dialect, body: parsed as Json, text, headers: res.headers };
  } finally {
    if (!ok) ex.close();
  }
}
