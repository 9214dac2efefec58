import { expect, test } from "bun:test";
import { connectionSnippets, gatewayBase, shellWord } from "./snippets.ts";

test("the base is server.public_url without its trailing slash, else the page's origin", () => {
  expect(gatewayBase("https://llm.example.com/", "http://10.0.0.5:8000")).toBe("https://llm.example.com");
  expect(gatewayBase(null, "http://10.0.0.5:8000")).toBe("http://10.0.0.5:8000");
});

test("shell words are quoted only when they need it, and a quote inside survives", async () => {
  expect(shellWord("vendor/model-1.5")).toBe("vendor/model-1.5");
  const odd = `it's a "model" $HOME`;
  const out = Bun.spawnSync(["sh", "-c", `printf %s ${shellWord(odd)}`]).stdout.toString();
  expect(out).toBe(odd);
});

test("a model id that needs quoting still gives a curl body that is valid JSON", () => {
  const curl = connectionSnippets({ base: "http://h", key: "sk-tg-x", model: `a'b"c` })[0]!.snippets[0]!.text;
  const body = Bun.spawnSync([
    "sh",
    "-c",
    `set -- ${curl.split("-d ")[1]}; printf %s "$1"`,
  ]).stdout.toString();
  expect(JSON.parse(body).model).toBe(`a'b"c`);
});
