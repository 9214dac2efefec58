import type { z } from "zod";
import type { ModelRecord } from "../catalog/catalog.ts";
import type { Dialect } from "../core/dialect.ts";
import { forbidden, GatewayError, modelNotFound } from "../errors.ts";
import { parseJsonBody, readBody } from "../http/body.ts";
import { authenticateClient } from "../http/client-auth.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { ClientClosed } from "../providers/errors.ts";
import { AUTO_MODEL, chooseAutoModel, type Features } from "../routing/auto.ts";
import type { SurfaceCodec } from "./codec.ts";
import type { Gateway } from "./gateway.ts";
import { draftLog, MeteredFailure, meteredCall } from "./metered-call.ts";

/** What a surface's route tells the pipeline about one decoded request. */
export type Prepared = {
  modelId: string;
  stream: boolean;
  inbound: { dialect: Dialect; body: Record<string, unknown> };
  requestedMaxTokens: number | null;
  choices: number;
  inputBound(model: ModelRecord): number;
  codec: SurfaceCodec;
  /** What the request needs of a model, for `model: "auto"`. */
  features?: Features;
};

export type ClientCallSpec<S extends z.ZodType> = {
  endpoint: string;
  schema: S;
  /** Forces streaming (the `/stream` alias) before validation. */
  forceStream?: boolean;
  prepare(body: z.infer<S>, rawLength: number): Prepared;
};

export function resolveModel(
  gw: Gateway,
  key: KeyRecord | null,
  id: string,
  features?: Features,
): ModelRecord {
  if (id === AUTO_MODEL && !gw.catalog.model(id) && key) {
    return chooseAutoModel(
      gw.catalog,
      gw.routes,
      key,
      features ?? { tools: false, images: false, jsonSchema: false },
      Date.now(),
    );
  }
  const model = gw.catalog.model(id);
  if (!model?.enabled) throw modelNotFound(id);
  if (key?.models && !key.models.has(id)) throw forbidden(`This API key may not use the model '${id}'.`);
  return model;
}

/**
 * The one pipeline every billed client route runs: authenticate, count against the rate
 * limits, read and validate the body, resolve the model, then the metered upstream
 * call. A request refused on the way still gets its log row.
 */
export async function clientCall<S extends z.ZodType>(
  gw: Gateway,
  ctx: { request: Request; headers: Record<string, string | number>; requestId: string },
  spec: ClientCallSpec<S>,
): Promise<Response> {
  const startedAt = Date.now();
  const t0 = performance.now();
  let key: KeyRecord | null = null;
  let modelId: string | null = null;
  let stream = spec.forceStream === true;
  gw.inFlight++;
  try {
    key = authenticateClient(gw, ctx.request);
    const rate = gw.limiter.admit(key, startedAt);
    Object.assign(ctx.headers, rate);
    const raw = await readBody(ctx.request, gw.settings.bodyLimitBytes);
    const body = parseJsonBody(raw, spec.schema);
    const prepared = spec.prepare(body, Buffer.byteLength(raw));
    modelId = prepared.modelId;
    stream = prepared.stream;
    const model = resolveModel(gw, key, prepared.modelId, prepared.features);
    const idem = ctx.request.headers.get("idempotency-key");
    return await meteredCall(gw, {
      requestId: ctx.requestId,
      startedAt,
      t0,
      endpoint: spec.endpoint,
      key,
      model,
      stream: prepared.stream,
      inbound: prepared.inbound,
      rawBody: raw,
      idempotencyKey: idem === null ? null : idem,
      inputBound: prepared.inputBound(model),
      requestedMaxTokens: prepared.requestedMaxTokens,
      choices: prepared.choices,
      signal: ctx.request.signal,
      headers: { ...rate },
      codec: prepared.codec,
      promptText: () => (raw.length > 20_000 ? `${raw.slice(0, 20_000)}…` : raw),
    });
  } catch (err) {
    // meteredCall logs its own failures; errors before it are logged here.
    if (!(err instanceof MeteredFailure))
      await logRejected(
        gw,
        { requestId: ctx.requestId, startedAt, t0, endpoint: spec.endpoint, stream },
        key,
        modelId,
        err,
      );
    throw err instanceof MeteredFailure ? err.cause : err;
  } finally {
    gw.inFlight--;
  }
}

async function logRejected(
  gw: Gateway,
  req: { requestId: string; startedAt: number; t0: number; endpoint: string; stream: boolean },
  key: KeyRecord | null,
  model: string | null,
  err: unknown,
) {
  const row = draftLog(req, key, model);
  const g = err instanceof GatewayError ? err : null;
  const closed = err instanceof ClientClosed;
  row.status = closed ? 499 : (g?.status ?? 500);
  row.outcome = closed ? "client_closed" : "error";
  row.errorCode = closed ? "client_closed" : (g?.code ?? "internal_error");
  row.errorMessage = g?.message ?? null;
  row.latencyMs = Math.round(performance.now() - req.t0);
  try {
    await gw.commits.enqueue(gw.log.op(row));
  } catch {
    // nothing more to do: the client still gets its error
  }
  gw.recordRequest(row);
}
