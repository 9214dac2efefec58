import { fixtureJson, fixtureText } from "./fixtures.ts";
import { chunked, MockServer, type Recorded } from "./mock-server.ts";

export const GIGACHAT_AUTH_KEY = "ZTU2MjM2MjctYmI4Yy00MTJjLTk0YjctbW9jazpzZWNyZXQtbW9jay1naWdhY2hhdA==";

type Fixture = "chat" | "chat-function-call" | "chat-stream" | "chat-stream-function";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * GigaChat on loopback: the OAuth endpoint (/api/v2/oauth) and the REST API (/api/v1),
 * answering with the recorded fixtures. It issues real-looking tokens that expire, refuses
 * expired or revoked ones with GigaChat's 401 body, and checks the token request exactly
 * (Basic authorization key, uuid4 RqUID, form-encoded scope).
 */
export class MockGigaChat extends MockServer<Fixture> {
  /** Tokens issued: token -> expires_at (ms). */
  readonly tokens = new Map<string, number>();
  /** Lifetime of issued tokens; GigaChat's is 30 minutes. */
  tokenTtlMs = 30 * 60_000;
  /** Delay before the token answer, to let concurrent requests pile up. */
  tokenDelayMs = 0;
  private issued = 0;

  get apiUrl(): string {
    return `${this.origin}/api/v1`;
  }

  get authUrl(): string {
    return `${this.origin}/api/v2/oauth`;
  }

  /** Every token issued so far stops working (GigaChat answers 401 to it). */
  revokeTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  protected async handle(req: Request, rec: Recorded): Promise<Response> {
    if (rec.path === "/api/v2/oauth") return this.oauth(req, rec);
    if (!rec.path.startsWith("/api/v1/")) return new Response("not found", { status: 404 });
    const bearer = /^Bearer (.+)$/.exec(rec.headers.authorization ?? "")?.[1];
    const exp = bearer ? this.tokens.get(bearer) : undefined;
    if (!exp || exp <= Date.now())
      return Response.json({ status: 401, message: "Unauthorized" }, { status: 401 });

    const route = rec.path.slice("/api/v1".length);
    const body = rec.body as Record<string, unknown>;
    const picked = this.answerFor(route);
    if (route === "/embeddings") {
      if (picked) {
        const r = await this.explicit(req, picked);
        if (r instanceof Response) return r;
      }
      return Response.json(embeddings(body));
    }
    if (route !== "/chat/completions") return new Response("not found", { status: 404 });
    const stream = body.stream === true;
    const answer = picked ? await this.explicit(req, picked) : stream ? "chat-stream" : "chat";
    if (answer instanceof Response) return answer;
    if (answer.includes("stream")) {
      const events = fixtureText(`gigachat/${answer}.sse`).split(/(?<=\n\n)/);
      return chunked(events, "text/event-stream");
    }
    return Response.json(fixtureJson(`gigachat/${answer}.json`));
  }

  private async oauth(req: Request, rec: Recorded): Promise<Response> {
    const picked = this.answerFor("/oauth");
    if (picked) {
      const r = await this.explicit(req, picked);
      if (r instanceof Response) return r;
    }
    const form = new URLSearchParams(typeof rec.body === "string" ? rec.body : "");
    const okAuth = rec.headers.authorization === `Basic ${GIGACHAT_AUTH_KEY}`;
    const okType = rec.headers["content-type"]?.startsWith("application/x-www-form-urlencoded");
    const okRq = UUID4.test(rec.headers.rquid ?? "");
    const scope = form.get("scope");
    if (!okAuth)
      return Response.json({ code: 6, message: "credentials doesn't match db data" }, { status: 401 });
    if (!okType || !okRq || !scope || !/^GIGACHAT_API_(PERS|B2B|CORP)$/.test(scope))
      return Response.json({ code: 7, message: "scope or RqUID is invalid" }, { status: 400 });
    if (this.tokenDelayMs) await Bun.sleep(this.tokenDelayMs);
    const token = `${String(fixtureJson("gigachat/token.json").access_token)}.${++this.issued}`;
    const expiresAt = Date.now() + this.tokenTtlMs;
    this.tokens.set(token, expiresAt);
    return Response.json({ access_token: token, expires_at: expiresAt });
  }
}

/** The recorded embedding item, once per input, with a deterministic usage per input. */
function embeddings(body: Record<string, unknown>) {
  const doc = fixtureJson("gigachat/embeddings.json");
  const item = (doc.data as Record<string, unknown>[])[0]!;
  const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
  return {
    ...doc,
    model: String(body.model),
    data: inputs.map((text, index) => ({ ...item, index, usage: { prompt_tokens: 3 + text.length } })),
  };
}
