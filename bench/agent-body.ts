/**
 * Request bodies shaped like a coding agent's (issue 16): a system prompt, the user's task,
 * then the history of tool calls and their results (file contents with quotes, newlines and
 * braces, so JSON escapes are as common as in the real thing), and the agent's tool
 * definitions. Deterministic, ASCII only (wrk's Lua script carries the body as a literal),
 * and padded to the size asked for within a few bytes. The same conversation in four API
 * shapes (`surface`): chat completions, the OpenAI Responses API, the Gemini API and the
 * Anthropic Messages API.
 */

/** The sizes the body-size matrix measures, with their shapes (messages, tools). */
export const BODY_SHAPES = {
  1: { messages: 4, tools: 0 },
  32: { messages: 38, tools: 10 },
  128: { messages: 227, tools: 20 },
} as const;

export type BodyKb = keyof typeof BODY_SHAPES;
export const BODY_KBS = Object.keys(BODY_SHAPES).map(Number) as BodyKb[];

const SYSTEM =
  "You are a coding agent working in the user's repository. Read files before editing them, " +
  "keep changes small, run the tests after each change and report what you did.";

const TOOL_NAMES = [
  "read_file",
  "write_file",
  "edit_file",
  "list_directory",
  "search_files",
  "run_command",
  "run_tests",
  "git_diff",
  "git_status",
  "web_fetch",
  "glob",
  "grep",
  "todo_write",
  "ask_user",
  "open_browser",
  "lint",
  "format",
  "install_package",
  "read_logs",
  "summarize",
];

function tool(i: number) {
  const name = TOOL_NAMES[i % TOOL_NAMES.length]!;
  return {
    type: "function",
    function: {
      name,
      description: `Tool ${name}: performs the ${name.replace("_", " ")} operation in the workspace and returns its output as text. Paths are relative to the repository root.`,
      parameters: {
        type: "object",
        properties: {
          path: { type: "string", description: "A path relative to the repository root." },
          pattern: { type: "string", description: "A glob or regular expression, depending on the tool." },
          limit: { type: "integer", description: "At most this many lines or results.", minimum: 1 },
        },
        required: ["path"],
        additionalProperties: false,
      },
    },
  };
}

/** A slice of TypeScript-looking source: quotes, newlines, tabs and braces to escape. */
function source(n: number, chars: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < chars; i++) {
    const line = `\texport function step${n}_${i}(input: string): string {\n\t\treturn "value ${i}: " + input.replace(/"/g, '\\"');\n\t}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, chars);
}

type Message = Record<string, unknown>;

function history(count: number, toolResultChars: number): Message[] {
  const msgs: Message[] = [
    { role: "system", content: SYSTEM },
    { role: "user", content: "The build fails on the parser module; find out why and fix it." },
  ];
  for (let i = 0; msgs.length < count; i++) {
    const id = `call_${String(i).padStart(6, "0")}`;
    if (msgs.length === count - 1) {
      msgs.push({ role: "user", content: "Continue." });
      break;
    }
    msgs.push({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id,
          type: "function",
          function: { name: "read_file", arguments: JSON.stringify({ path: `src/module${i}.ts` }) },
        },
      ],
    });
    if (msgs.length < count)
      msgs.push({ role: "tool", tool_call_id: id, content: source(i, toolResultChars) });
  }
  return msgs;
}

/** The client API a body is shaped for. */
export type Surface = "chat" | "responses" | "gemini" | "messages";
export const SURFACES: Surface[] = ["chat", "responses", "gemini", "messages"];

/** The Responses API's flat tool: `{type, name, description, parameters}`. */
function responsesTool(i: number) {
  const { name, description, parameters } = tool(i).function;
  return { type: "function", name, description, parameters };
}

type ToolCall = { id: string; function: { name: string; arguments: string } };

/** The chat history as Responses input items (the system prompt goes to `instructions`). */
function responsesInput(msgs: Message[]): Message[] {
  return msgs.flatMap((m): Message[] => {
    if (m.role === "system") return [];
    if (m.role === "tool")
      return [{ type: "function_call_output", call_id: m.tool_call_id, output: m.content }];
    if (m.role === "assistant" && Array.isArray(m.tool_calls))
      return (m.tool_calls as ToolCall[]).map((c) => ({
        type: "function_call",
        call_id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      }));
    return [{ role: m.role, content: m.content }];
  });
}

/** The chat history as Gemini contents (the system prompt goes to `systemInstruction`). */
function geminiContents(msgs: Message[]): Message[] {
  const names = new Map<string, string>();
  return msgs.flatMap((m): Message[] => {
    if (m.role === "system") return [];
    if (m.role === "tool")
      return [
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                name: names.get(String(m.tool_call_id)) ?? "read_file",
                response: { output: m.content },
              },
            },
          ],
        },
      ];
    if (m.role === "assistant" && Array.isArray(m.tool_calls))
      return [
        {
          role: "model",
          parts: (m.tool_calls as ToolCall[]).map((c) => {
            names.set(c.id, c.function.name);
            return { functionCall: { name: c.function.name, args: JSON.parse(c.function.arguments) } };
          }),
        },
      ];
    return [{ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] }];
  });
}

/**
 * The chat history as Anthropic Messages (the system prompt goes to `system`): tool calls
 * as `tool_use` blocks, tool results as `tool_result` blocks in a user message, and
 * consecutive messages of one role merged, since Messages alternate user and assistant.
 */
function anthropicMessages(msgs: Message[]): Message[] {
  const out: { role: string; content: string | Message[] }[] = [];
  for (const m of msgs) {
    if (m.role === "system") continue;
    let role = m.role === "assistant" ? "assistant" : "user";
    let content: string | Message[];
    if (m.role === "tool") {
      role = "user";
      content = [{ type: "tool_result", tool_use_id: m.tool_call_id, content: m.content }];
    } else if (m.role === "assistant" && Array.isArray(m.tool_calls))
      content = (m.tool_calls as ToolCall[]).map((c) => ({
        type: "tool_use",
        id: c.id,
        name: c.function.name,
        input: JSON.parse(c.function.arguments),
      }));
    else content = String(m.content);
    const last = out[out.length - 1];
    if (last?.role !== role) {
      out.push({ role, content });
      continue;
    }
    const blocks = (c: string | Message[]): Message[] =>
      typeof c === "string" ? [{ type: "text", text: c }] : c;
    last.content = [...blocks(last.content), ...blocks(content)];
  }
  return out;
}

/**
 * A body of `surface`'s shape (as an object, for JSON.stringify) from a chat history whose
 * first message is the system prompt, with the first `tools` agent tools.
 */
export function shaped(
  surface: Surface,
  o: { stream: boolean; model: string },
  msgs: Message[],
  tools: number,
): Record<string, unknown> {
  if (surface === "responses") {
    const body: Record<string, unknown> = {
      model: o.model,
      instructions: msgs[0]!.content,
      input: responsesInput(msgs),
    };
    if (tools > 0) body.tools = Array.from({ length: tools }, (_, i) => responsesTool(i));
    body.max_output_tokens = 64;
    if (o.stream) body.stream = true;
    return body;
  }
  if (surface === "messages") {
    const body: Record<string, unknown> = {
      model: o.model,
      max_tokens: 64,
      system: msgs[0]!.content,
      messages: anthropicMessages(msgs),
    };
    if (tools > 0)
      body.tools = Array.from({ length: tools }, (_, i) => {
        const { name, description, parameters } = tool(i).function;
        return { name, description, input_schema: parameters };
      });
    if (o.stream) body.stream = true;
    return body;
  }
  if (surface === "gemini") {
    // The model and streaming are in the URL, not the body.
    const body: Record<string, unknown> = {
      systemInstruction: { parts: [{ text: msgs[0]!.content }] },
      contents: geminiContents(msgs),
    };
    if (tools > 0)
      body.tools = [
        {
          functionDeclarations: Array.from({ length: tools }, (_, i) => {
            const { name, description, parameters } = tool(i).function;
            return { name, description, parametersJsonSchema: parameters };
          }),
        },
      ];
    body.generationConfig = { maxOutputTokens: 64 };
    return body;
  }
  const body: Record<string, unknown> = { model: o.model, messages: msgs, max_tokens: 64 };
  if (tools > 0) body.tools = Array.from({ length: tools }, (_, i) => tool(i));
  if (o.stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  return body;
}

/**
 * An agent-shaped request of about `kb` KB (1,024 bytes each), a chat completion unless
 * `surface` says otherwise (the same conversation in that API's shape). The tool results
 * are sized so the whole body lands on the size: one pass measures the frame, the second
 * fills it.
 */
export function agentBody(o: { kb: BodyKb; stream: boolean; model: string; surface?: Surface }): string {
  const shape = BODY_SHAPES[o.kb];
  const surface = o.surface ?? "chat";
  const build = (chars: number) =>
    JSON.stringify(shaped(surface, o, history(shape.messages, chars), shape.tools));
  const target = o.kb * 1024;
  const results = Math.max(1, Math.floor((shape.messages - 2) / 2));
  const frame = build(0).length;
  // Escapes make a result's JSON longer than its characters: measure once, then correct.
  let chars = Math.max(0, Math.floor((target - frame) / results));
  const first = build(chars).length;
  const perChar = chars > 0 ? (first - frame) / (chars * results) : 1;
  chars = Math.max(0, Math.floor((target - frame) / results / perChar));
  return build(chars);
}
