import { fixtureJson, fixtureText } from "./fixtures.ts";
import { chunked, MockServer, type Recorded } from "./mock-server.ts";

export const YANDEX_FOLDER = "b1gmockfolder0000";
export const YANDEX_API_KEY = "AQVNmock-yandex-api-key-0123456789";

type Fixture = "completion" | "completion-tool-calls" | "completion-stream" | "completion-stream-tool-calls";

const unauthorized = {
  error: { grpcCode: 16, httpCode: 401, message: "Unknown api key", httpStatus: "Unauthorized", details: [] },
};

/**
 * Yandex Foundation Models on loopback (/foundationModels/v1/...), answering with the
 * recorded fixtures. It checks what the real API requires: `Authorization: Api-Key <key>`
 * (or `Bearer <IAM token>`), `x-folder-id`, a `gpt://<folder>/...` or `emb://<folder>/...`
 * model URI of that folder; streams are newline-delimited JSON lines carrying the whole
 * text so far.
 */
export class MockYandex extends MockServer<Fixture> {
  /** The credential the mock accepts, and as which scheme. */
  auth: { scheme: "Api-Key" | "Bearer"; secret: string } = { scheme: "Api-Key", secret: YANDEX_API_KEY };

  get apiUrl(): string {
    return `${this.origin}/foundationModels/v1`;
  }

  protected async handle(req: Request, rec: Recorded): Promise<Response> {
    if (rec.headers.authorization !== `${this.auth.scheme} ${this.auth.secret}`)
      return Response.json(unauthorized, { status: 401 });
    if (rec.headers["x-folder-id"] !== YANDEX_FOLDER)
      return Response.json(
        {
          error: {
            grpcCode: 7,
            httpCode: 403,
            message: "Permission denied",
            httpStatus: "Forbidden",
            details: [],
          },
        },
        { status: 403 },
      );
    const body = rec.body as Record<string, unknown>;
    const route = rec.path.replace("/foundationModels/v1", "");
    const picked = this.answerFor(route);
    if (route === "/textEmbedding") {
      if (picked) {
        const r = await this.explicit(req, picked);
        if (r instanceof Response) return r;
      }
      if (!String(body.modelUri).startsWith(`emb://${YANDEX_FOLDER}/`)) return badUri(body.modelUri);
      return Response.json(textEmbedding(body));
    }
    if (route !== "/completion") return new Response("not found", { status: 404 });
    if (!String(body.modelUri).startsWith(`gpt://${YANDEX_FOLDER}/`)) return badUri(body.modelUri);
    const stream = (body.completionOptions as Record<string, unknown> | undefined)?.stream === true;
    const answer = picked ? await this.explicit(req, picked) : stream ? "completion-stream" : "completion";
    if (answer instanceof Response) return answer;
    if (answer.startsWith("completion-stream")) {
      const lines = fixtureText(`yandex/${answer}.ndjson`).split(/(?<=\n)/);
      return chunked(lines, "application/json");
    }
    return Response.json(fixtureJson(`yandex/${answer}.json`));
  }
}

function badUri(uri: unknown): Response {
  return Response.json(
    {
      error: {
        grpcCode: 3,
        httpCode: 400,
        message: `Specified model ${String(uri)} not found in folder`,
        httpStatus: "Bad Request",
        details: [],
      },
    },
    { status: 400 },
  );
}

/** The recorded embedding (cut or padded to `dim`), with a token count that depends on the text. */
function textEmbedding(body: Record<string, unknown>) {
  const doc = fixtureJson("yandex/text-embedding.json");
  const base = doc.embedding as number[];
  const dim = body.dim === undefined ? base.length : Number(body.dim);
  const embedding = Array.from({ length: dim }, (_, i) => base[i % base.length]!);
  return { ...doc, embedding, numTokens: String(2 + String(body.text).length) };
}
