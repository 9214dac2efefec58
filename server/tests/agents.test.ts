import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runAgent, scratch, writeFiles } from "../testing/agents.ts";
import type { TestGateway } from "../testing/harness.ts";
import { startMatrix } from "../testing/matrix.ts";
import type { MockUpstream } from "../testing/mock-upstream.ts";

/**
 * The real coding agents, unmodified, against Tollgate on loopback with an upstream of
 * another kind than the one they speak, offline: each completes a prompt that needs a
 * tool round trip (the mock asks for the agent's own file-reading tool, the agent runs
 * it, the result comes back translated), and every call is billed.
 */
let mocks: Map<string, MockUpstream>;
let tg: TestGateway;
let stop: () => Promise<void>;
const SECRET_LINE = "tollgate-agent-check-7f3a";
const ANSWER = "The file says the check phrase.";

beforeAll(async () => {
  ({ tg, mocks, stop } = await startMatrix());
});
afterAll(() => stop());

/** Every call of the key billed: one log row per upstream request, all 200 with a cost, the ledger matching. */
async function expectAllBilled(k: { key: string; keyId: string }, upstreamCalls: number) {
  const rows = await tg.logRows(k.keyId);
  expect(rows.length).toBe(upstreamCalls);
  let spent = 0;
  for (const r of rows) {
    expect(r).toMatchObject({ status: 200, outcome: "ok", usage_source: "upstream" });
    expect(r.cost as number).toBeGreaterThan(0);
    spent += r.cost as number;
  }
  const bal = (await (
    await fetch(`${tg.url}/v1/balance`, { headers: { authorization: `Bearer ${k.key}` } })
  ).json()) as {
    balance: number;
  };
  expect(bal.balance).toBeCloseTo(5 - spent, 9);
}

function toolResultSeen(m: MockUpstream): boolean {
  return m.received.some((r) => JSON.stringify(r.body).includes(SECRET_LINE));
}

describe("coding agents through Tollgate, another upstream kind, offline", () => {
  test("Claude Code (Anthropic Messages) -> OpenAI upstream: Read tool round trip", async () => {
    const up = mocks.get("openai")!.reset();
    const k = await tg.client(5);
    const dirs = scratch("claude");
    const file = join(dirs.work, "hello.txt");
    writeFiles(dirs.work, { "hello.txt": `${SECRET_LINE}\n` });
    up.always({
      toolsUntilResult: true,
      toolCalls: [{ name: "Read", arguments: JSON.stringify({ file_path: file }) }],
      text: ANSWER,
    });
    const run = await runAgent(
      "claude",
      ["-p", "What does hello.txt say?", "--allowedTools", "Read", "--output-format", "text"],
      dirs,
      {
        ANTHROPIC_BASE_URL: `${tg.url}/v1`,
        ANTHROPIC_API_KEY: k.key,
        ANTHROPIC_MODEL: "m-openai",
        ANTHROPIC_SMALL_FAST_MODEL: "m-openai",
        ANTHROPIC_DEFAULT_HAIKU_MODEL: "m-openai",
      },
    );
    expect(run.stdout).toContain(ANSWER);
    expect(run.code).toBe(0);
    expect(toolResultSeen(up)).toBe(true);
    expect(up.received.length).toBeGreaterThanOrEqual(2);
    await expectAllBilled(k, up.received.length);
    dirs.remove();
  }, 120_000);

  test("Codex (Responses) -> Anthropic upstream: exec_command round trip", async () => {
    const up = mocks.get("anthropic")!.reset();
    const k = await tg.client(5);
    const dirs = scratch("codex");
    writeFiles(dirs.work, { "hello.txt": `${SECRET_LINE}\n` });
    writeFiles(dirs.home, {
      "config.toml": `model_provider = "tollgate"
model = "m-anthropic"

[model_providers.tollgate]
name = "Tollgate"
base_url = "${tg.url}/v1"
env_key = "TOLLGATE_API_KEY"
wire_api = "responses"
`,
    });
    up.always({
      toolsUntilResult: true,
      toolCalls: [{ name: "exec_command", arguments: JSON.stringify({ cmd: "cat hello.txt" }) }],
      text: ANSWER,
    });
    const run = await runAgent(
      "codex",
      [
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "What does hello.txt say?",
      ],
      dirs,
      { CODEX_HOME: dirs.home, TOLLGATE_API_KEY: k.key },
    );
    expect(run.stdout + run.stderr).toContain(ANSWER);
    expect(run.code).toBe(0);
    expect(toolResultSeen(up)).toBe(true);
    await expectAllBilled(k, up.received.length);
    dirs.remove();
  }, 120_000);

  test("OpenCode (chat completions) -> Gemini upstream: read tool round trip", async () => {
    const up = mocks.get("gemini")!.reset();
    const k = await tg.client(5);
    const dirs = scratch("opencode");
    const file = join(dirs.work, "hello.txt");
    writeFiles(dirs.work, {
      "hello.txt": `${SECRET_LINE}\n`,
      "opencode.json": JSON.stringify({
        $schema: "https://opencode.ai/config.json",
        provider: {
          tollgate: {
            npm: "@ai-sdk/openai-compatible",
            name: "Tollgate",
            options: { baseURL: `${tg.url}/v1`, apiKey: "{env:TOLLGATE_API_KEY}" },
            models: { "m-gemini": { name: "Gemini via Tollgate" } },
          },
        },
        model: "tollgate/m-gemini",
        autoupdate: false,
        share: "disabled",
      }),
    });
    up.always({
      toolsUntilResult: true,
      toolCalls: [{ name: "read", arguments: JSON.stringify({ filePath: file }) }],
      text: ANSWER,
    });
    const run = await runAgent(
      "opencode",
      ["run", "-m", "tollgate/m-gemini", "What does hello.txt say?"],
      dirs,
      {
        TOLLGATE_API_KEY: k.key,
      },
    );
    expect(run.stdout).toContain(ANSWER);
    expect(run.code).toBe(0);
    expect(toolResultSeen(up)).toBe(true);
    await expectAllBilled(k, up.received.length);
    dirs.remove();
  }, 120_000);
});
