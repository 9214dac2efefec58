/**
 * How a client connects with a new key: the base URL, and ready-to-paste settings for curl,
 * the OpenAI, Anthropic and Gemini SDKs, Claude Code and Codex. The SDK snippets read the
 * key from TOLLGATE_API_KEY (shown once, with its own copy button) so it is not pasted
 * into source code.
 */
export type Snippet = { id: string; label: string; lang: string; text: string };
export type SnippetGroup = { id: string; label: string; snippets: Snippet[] };

/** The gateway's address for clients: server.public_url when set, else the panel's own origin. */
export const gatewayBase = (publicUrl: string | null | undefined, origin: string) =>
  (publicUrl || origin).replace(/\/+$/, "");

/** A word for a POSIX shell: as it is when it is plain, else single-quoted. */
export const shellWord = (s: string) => (/^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

export function connectionSnippets(o: { base: string; key: string; model: string }): SnippetGroup[] {
  const { base, key, model } = o;
  const v1 = `${base}/v1`;
  const m = JSON.stringify(model);
  const env = `export TOLLGATE_API_KEY=${key}`;
  const one = (id: string, label: string, lang: string, text: string): Snippet => ({ id, label, lang, text });
  return [
    {
      id: "curl",
      label: "curl",
      snippets: [
        one(
          "curl",
          "curl",
          "sh",
          `${env}
curl ${v1}/chat/completions \\
  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d ${shellWord(`{"model": ${m}, "messages": [{"role": "user", "content": "Hello"}]}`)}`,
        ),
      ],
    },
    {
      id: "openai",
      label: "OpenAI SDK",
      snippets: [
        one(
          "openai-python",
          "OpenAI SDK, Python",
          "python",
          `import os
from openai import OpenAI

client = OpenAI(base_url="${v1}", api_key=os.environ["TOLLGATE_API_KEY"])
reply = client.chat.completions.create(
    model=${m},
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
        ),
        one(
          "openai-ts",
          "OpenAI SDK, TypeScript",
          "ts",
          `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${v1}", apiKey: process.env.TOLLGATE_API_KEY });
const reply = await client.chat.completions.create({
  model: ${m},
  messages: [{ role: "user", content: "Hello" }],
});
console.log(reply.choices[0].message.content);`,
        ),
      ],
    },
    {
      id: "anthropic",
      label: "Anthropic SDK",
      snippets: [
        one(
          "anthropic-python",
          "Anthropic SDK, Python",
          "python",
          `import os
import anthropic

client = anthropic.Anthropic(base_url="${base}", api_key=os.environ["TOLLGATE_API_KEY"])
message = client.messages.create(
    model=${m},
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello"}],
)
print(message.content[0].text)`,
        ),
        one(
          "anthropic-ts",
          "Anthropic SDK, TypeScript",
          "ts",
          `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: "${base}", apiKey: process.env.TOLLGATE_API_KEY });
const message = await client.messages.create({
  model: ${m},
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello" }],
});
console.log(message.content);`,
        ),
      ],
    },
    {
      id: "gemini",
      label: "Gemini SDK",
      snippets: [
        one(
          "gemini-python",
          "Gemini SDK, Python",
          "python",
          `import os
from google import genai
from google.genai import types

client = genai.Client(
    api_key=os.environ["TOLLGATE_API_KEY"],
    http_options=types.HttpOptions(base_url="${base}"),
)
response = client.models.generate_content(model=${m}, contents="Hello")
print(response.text)`,
        ),
        one(
          "gemini-ts",
          "Gemini SDK, TypeScript",
          "ts",
          `import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({
  apiKey: process.env.TOLLGATE_API_KEY,
  httpOptions: { baseUrl: "${base}" },
});
const response = await ai.models.generateContent({ model: ${m}, contents: "Hello" });
console.log(response.text);`,
        ),
      ],
    },
    {
      id: "claude-code",
      label: "Claude Code",
      snippets: [
        one(
          "claude-code",
          "Claude Code",
          "sh",
          `export ANTHROPIC_BASE_URL=${base}
export ANTHROPIC_AUTH_TOKEN=${key}
export ANTHROPIC_MODEL=${shellWord(model)}
export ANTHROPIC_DEFAULT_HAIKU_MODEL=${shellWord(model)}
claude`,
        ),
      ],
    },
    {
      id: "codex",
      label: "Codex",
      snippets: [
        one(
          "codex-config",
          "Codex, ~/.codex/config.toml",
          "toml",
          `model_provider = "tollgate"
model = ${m}

[model_providers.tollgate]
name = "Tollgate"
base_url = "${v1}"
env_key = "TOLLGATE_API_KEY"
wire_api = "responses"`,
        ),
        one("codex-env", "Codex, then in the shell", "sh", `${env}\ncodex`),
      ],
    },
  ];
}
