import type { z } from "zod";
import type { ModelRecord } from "../catalog/catalog.ts";
import { isFreeModel } from "../catalog/free-model.ts";
import { kindMismatch, MEDIA_KIND, type ModelKind } from "../catalog/model-kind.ts";
import type { SurfaceCodec } from "../core/codec.ts";
import type { Dialect } from "../core/dialect.ts";
import { assertCapabilities, featuresOf, restricts } from "../core/features.ts";
import type { JsonBody } from "../core/json-body.ts";
import type { CoreRequest } from "../core/request.ts";
import { badRequest, forbidden, modelNotFound } from "../errors.ts";
import {
  checkedJsonBody,
  parseJsonBody,
  parseJsonObject,
  readBody,
  readBodyBytes,
  validateBody,
} from "../http/body.ts";
import { authenticateClient } from "../http/client-auth.ts";
import { formHashText, parseFormBody } from "../http/form-body.ts";
import { requestOrigin } from "../http/request-target.ts";
import type { KeyRecord } from "../keys/key-store.ts";
import { DeferredAdmission, PendingAdmission } from "../limits/admission.ts";
import type { RateHeaders } from "../limits/rate-limit.ts";
import { AUTO_MODEL, chooseAutoModel, type Features } from "../routing/auto.ts";
import { BilledCall } from "./billed-call.ts";
import type { CallServices } from "./call-services.ts";
import { type MediaMeter, mediaCall } from "./media-call.ts";
import { meteredCall } from "./metered-call.ts";

/** What a surface's route tells the pipeline about one decoded request. */
export type Prepared = {
  modelId: string;
  stream: boolean;
  inbound: { dialect: Dialect; body: JsonBody; headers?: Record<string, string> };
  /** The request in canonical form, decoded on first use (memoized; see lazyCore). */
  core: () => CoreRequest;
  requestedMaxTokens: number | null;
  choices: number;
  inputBound(model: ModelRecord): number;
  codec: SurfaceCodec;
  /** What the request needs of a model, for `model: "auto"`. */
  features?: Features;
};

/** A media route's request: billed by its own meter (per image, per second, per input token). */
export type MediaPrepared = { modelId: string; media: MediaMeter };

export type ClientCallSpec<S extends z.ZodType> = {
  endpoint: string;
  schema: S;
  /** Forces streaming (the `/stream` alias) before validation. */
  forceStream?: boolean;
  /** "json-or-form" also takes multipart/form-data (the SDKs upload images and videos that way). */
  body?: "json" | "json-or-form";
  /**
   * A cheaper check of the parsed JSON body than the schema's (the pass-through path: the
   * schema's rules by hand, see dialects/openai-chat/check-request.ts, and the client's text
   * kept to forward); null for a body it does not vouch for, which then goes through the
   * schema (for the error that names the field) and `prepare`.
   */
  fast?(body: Record<string, unknown>, raw: string, rawLength: number): Prepared | null;
  prepare(body: z.infer<S>, rawLength: number): Prepared | MediaPrepared;
};

/** The body read and prepared, its text for idempotency hashing. */
async function readClientBody<S extends z.ZodType>(
  request: Request,
  limit: number,
  spec: ClientCallSpec<S>,
): Promise<{ prepared: Prepared | MediaPrepared; raw: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (spec.body === "json-or-form" && type.toLowerCase().startsWith("multipart/form-data")) {
    const bytes = await readBodyBytes(request, limit);
    const form = await parseFormBody(bytes, type);
    return {
      prepared: spec.prepare(validateBody(form, spec.schema), bytes.byteLength),
      raw: formHashText(form),
    };
  }
  const raw = await readBody(request, limit);
  const size = Buffer.byteLength(raw);
  if (!spec.fast) return { prepared: spec.prepare(parseJsonBody(raw, spec.schema), size), raw };
  const body = parseJsonObject(raw);
  return {
    prepared: spec.fast(body, raw, size) ?? spec.prepare(checkedJsonBody(body, spec.schema), size),
    raw,
  };
}

/**
 * The request text for the log line, made outside clientCall: a closure made inside it
 * would keep clientCall's whole scope alive with the call (a held stream keeps its call).
 */
/** Where links the gateway hands out point: the configured public URL, else the request's origin. */
function originOf(gw: Pick<CallServices, "settings">, request: Request): string {
  return gw.settings.publicUrl ?? requestOrigin(request.url);
}

export function resolveModel(
  gw: Pick<CallServices, "catalog" | "plans" | "routes">,
  key: KeyRecord | null,
  id: string,
  features?: Features,
  kind: ModelKind = "chat",
): ModelRecord {
  if (id === AUTO_MODEL && !gw.catalog.model(id) && key) {
    if (kind !== "chat")
      throw badRequest(
        `model "auto" chooses among chat models only: name the ${kind} model to use.`,
        "model",
        "model_kind_mismatch",
      );
    return chooseAutoModel(
      gw.catalog,
      gw.routes,
      { ...key, models: gw.plans.usableModels(key) },
      features ?? { tools: false, images: false, jsonSchema: false },
      Date.now(),
    );
  }
  const model = gw.catalog.model(id);
  if (!model?.enabled) throw modelNotFound(id);
  if (key?.models && !key.models.has(id)) throw forbidden(`This API key may not use the model '${id}'.`);
  if (key && !gw.plans.modelAllowed(key.accountId, id))
    throw forbidden(`The account's plan does not include the model '${id}'.`);
  return model;
}

/**
 * The one pipeline every billed client route runs: open the request's billed call, then
 * authenticate, count against the rate limits, read and validate the body, resolve the
 * model, and hand the call to the metered (or media) call. Whatever is thrown on the way
 * ends the call as failed, so a request refused anywhere still gets its one log row.
 */
export async function clientCall<S extends z.ZodType>(
  gw: CallServices,
  ctx: { request: Request; headers: Record<string, string | number>; requestId: string },
  spec: ClientCallSpec<S>,
): Promise<Response> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const call = BilledCall.open(gw, {
    requestId: ctx.requestId,
    startedAt,
    t0,
    endpoint: spec.endpoint,
    stream: spec.forceStream === true,
  });
  try {
    const key = authenticateClient(gw, ctx.request);
    call.identify(key);
    // One box answers at once. Replicas (Redis): an early check on the counts Redis last
    // reported, the windows left to the call's reservation script (PendingAdmission).
    const admitting =
      gw.limiter.admitLater?.(key, startedAt, ctx.requestId) ??
      gw.limiter.admit(key, startedAt, ctx.requestId);
    const admitted = admitting instanceof Promise ? await admitting : admitting;
    const pending = admitted instanceof PendingAdmission ? admitted : null;
    if (pending) call.admitWith(pending);
    let deferred = admitted instanceof DeferredAdmission ? admitted : null;
    let rate: RateHeaders = deferred || pending ? {} : (admitted as RateHeaders);
    Object.assign(ctx.headers, rate);
    const { prepared, raw } = await readClientBody(ctx.request, gw.settings.bodyLimitBytes, spec);
    call.named(prepared.modelId, "stream" in prepared && prepared.stream);
    const model =
      "media" in prepared
        ? resolveModel(gw, key, prepared.modelId, undefined, MEDIA_KIND[prepared.media.capability])
        : resolveModel(gw, key, prepared.modelId, prepared.features);
    call.serve(model);
    if (pending && isFreeModel(model)) {
      // Nothing priced to reserve: the windows alone, as before (narrowly while Redis is away).
      const alone = await pending.alone();
      if (alone instanceof DeferredAdmission) deferred = alone;
      else rate = alone;
      Object.assign(ctx.headers, rate);
    }
    if (deferred) {
      // Redis was away: a free model within this replica's share of the limits, else a 503.
      rate = deferred.decide(isFreeModel(model));
      Object.assign(ctx.headers, rate);
    }
    // What a metered and a media call both take.
    const req = {
      requestId: ctx.requestId,
      startedAt,
      t0,
      key,
      model,
      rawBody: raw,
      idempotencyKey: ctx.request.headers.get("idempotency-key"),
      signal: ctx.request.signal,
      // A priced call's rate headers arrive with its reservation (the same script).
      headers: pending?.open ? pending.headers : { ...rate },
    };
    if ("media" in prepared)
      return await mediaCall(gw, call, { ...req, meter: prepared.media, origin: originOf(gw, ctx.request) });
    // Chat, responses, messages and generateContent serve chat models only (mediaCall checks its own kind).
    const mismatch = kindMismatch(model, "chat");
    if (mismatch) throw mismatch;
    // A model that declares a feature missing refuses it before anything is reserved.
    if (restricts(model.capabilities))
      assertCapabilities(prepared.features ?? featuresOf(prepared.core()), model.capabilities, model.id);
    call.promptText = raw;
    return await meteredCall(gw, call, {
      ...req,
      stream: prepared.stream,
      inbound: prepared.inbound,
      core: prepared.core,
      inputBound: prepared.inputBound(model),
      requestedMaxTokens: prepared.requestedMaxTokens,
      choices: prepared.choices,
      codec: prepared.codec,
    });
  } catch (err) {
    // A no-op when the call already ended (its row is committed, or a stream ends it later).
    await call.fail(err);
    throw err;
  }
}
