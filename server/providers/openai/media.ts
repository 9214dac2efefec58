import { isUploadedFile } from "../../core/upload.ts";
import { num, objs } from "../../core/wire-json.ts";
import { upstreamInvalid } from "../errors.ts";
import type { EmbeddingsCall, EmbeddingsResult, ImagesCall, ImagesResult } from "../provider.ts";
import { postUpstream } from "../upstream-call.ts";

/**
 * OpenAI-compatible embeddings and images (POST {base}/embeddings, /images/generations,
 * /images/edits): the client's body goes as it came but for the model id, as JSON or as
 * the multipart form it was.
 */

function auth(call: { target: EmbeddingsCall["target"] }): Record<string, string> {
  const key = call.target.provider.apiKey;
  return key ? { authorization: `Bearer ${key}` } : {};
}

async function postJson(
  call: EmbeddingsCall | ImagesCall,
  path: string,
  body: Record<string, unknown> | FormData,
) {
  const { provider } = call.target;
  const res = await postUpstream(
    { ...call, stream: false },
    {
      url: `${provider.baseUrl.replace(/\/+$/, "")}${path}`,
      headers: auth(call),
      body,
      dialect: "openai-embeddings",
      secrets: [provider.apiKey],
    },
  );
  if (res.kind !== "json") throw upstreamInvalid("a stream where JSON was expected");
  return res.body;
}

export async function openaiEmbeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
  const body = await postJson(call, "/embeddings", { ...call.body, model: call.target.model });
  const items = objs(body.data).sort((a, b) => (num(a.index) ?? 0) - (num(b.index) ?? 0));
  const vectors = items.map((it) => {
    const e = it.embedding;
    if (typeof e === "string" || Array.isArray(e)) return e as number[] | string;
    throw upstreamInvalid("an embedding that is neither a list of numbers nor base64");
  });
  const usage = body.usage as Record<string, unknown> | undefined;
  return {
    vectors,
    model: typeof body.model === "string" ? body.model : call.target.model,
    inputTokens: num(usage?.prompt_tokens) ?? null,
  };
}

/** The client's form again, for the upstream: files as files, arrays as `key[]` entries. */
export function toFormData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  const add = (key: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (isUploadedFile(v))
      form.append(key, new File([v.data as Uint8Array<ArrayBuffer>], v.name, { type: v.type }));
    else if (Array.isArray(v)) for (const x of v) add(`${key}[]`, x);
    else if (typeof v === "object")
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) add(`${key}[${k}]`, x);
    else form.append(key, String(v));
  };
  for (const [k, v] of Object.entries(fields)) add(k, v);
  return form;
}

export async function openaiImages(call: ImagesCall): Promise<ImagesResult> {
  const fields = { ...call.body, model: call.target.model };
  const body = await postJson(call, `/images/${call.op}`, call.multipart ? toFormData(fields) : fields);
  if (!Array.isArray(body.data)) throw upstreamInvalid("an images answer without data");
  return { body };
}
