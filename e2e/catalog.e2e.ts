import { expect, test, unique } from "./support/fixtures.ts";

test("adding a model fills its prices, context window and capabilities from the model catalog, editable before saving", async ({
  admin: page,
  gateway,
}) => {
  const id = unique("catalog-model");
  await page.getByRole("link", { name: "Models" }).click();
  await page.getByRole("button", { name: "Add model" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a model" });
  await dialog.getByLabel("Model id (what clients send)").fill(id);
  const route = dialog.getByTestId("route-row").first();
  await route.getByLabel("Provider").selectOption("mock");
  await route.getByLabel("Upstream model").fill("gpt-4o-mini");
  await expect(dialog.getByTestId("catalog-note")).toContainText("Filled from the model catalog");
  await expect(dialog.getByLabel(/^Input \(USD per 1M tokens\)/)).toHaveValue("0.15");
  await expect(dialog.getByLabel(/^Cached input/)).toHaveValue("0.075");
  await expect(dialog.getByLabel(/^Output \(USD per 1M tokens\)/)).toHaveValue("0.6");
  await expect(dialog.getByLabel("Context window (tokens)")).toHaveValue("128000");
  await expect(dialog.getByLabel("Tool calls")).toHaveValue("yes");
  await expect(dialog.getByLabel("Image input")).toHaveValue("yes");
  // Editable: the admin's own price wins, and a catalog answer does not overwrite it.
  await dialog.getByLabel(/^Output \(USD per 1M tokens\)/).fill("0.7");
  await dialog.getByLabel("Image input").selectOption("no");
  await dialog.getByRole("button", { name: "Add model" }).click();
  await expect(dialog).toBeHidden();

  const res = await fetch(`${gateway.url}/admin/api/models/${id}`, {
    headers: { authorization: `Bearer ${gateway.adminToken}` },
  });
  const model = (await res.json()) as Record<string, unknown>;
  expect(model).toMatchObject({
    prices: { input: 0.15, cached_input: 0.075, output: 0.7 },
    context_window: 128000,
    max_output_tokens: 16384,
    kind: "chat",
    capabilities: { tools: true, vision: false, reasoning: false },
  });
});

test("a model the catalog does not know asks for its prices", async ({ admin: page }) => {
  await page.getByRole("link", { name: "Providers" }).click();
  await page.getByRole("button", { name: "Test connection" }).first().click();
  await page.getByRole("checkbox", { name: "mock-large" }).check();
  await page.getByRole("button", { name: /Add selected/ }).click();
  const dialog = page.getByRole("dialog", { name: "Add models from mock" });
  await expect(dialog.getByTestId("catalog-note")).toContainText("Not in the model catalog");
  await expect(dialog.getByLabel(/^Input \(USD per 1M tokens\)/)).toHaveValue("");
});
