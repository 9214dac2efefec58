import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseConfig } from "../config/load.ts";

/** deploy/tollgate.example.yaml is what an operator copies: it must load as it is. */
test("the RUB example config (GigaChat, YandexGPT) parses, with prices per 1M roubles", () => {
  const file = new URL("../../deploy/tollgate.example.yaml", import.meta.url).pathname;
  const env = {
    GIGACHAT_AUTH_KEY: "a2V5OnNlY3JldA==",
    YANDEX_API_KEY: "ya-key",
    YANDEX_FOLDER_ID: "b1gfolder",
  };
  const config = parseConfig(readFileSync(file, "utf8"), env, file);
  expect(config.currency).toBe("RUB");
  const pro = config.models.find((m) => m.id === "yandexgpt-pro");
  // Amounts are held in nano-units: 1200 RUB = 1.2e12.
  expect(pro?.prices).toMatchObject({ input: 1_200_000_000_000, output: 1_200_000_000_000 });
  expect(config.models.map((m) => m.id)).toContain("gigachat-2-max");
});
