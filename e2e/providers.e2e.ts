import { clientKey, expect, test, unique } from "./support/fixtures.ts";

test("Test connection lists the upstream's models; the ticked ones are added as models with labelled prices and answer at once", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  await page.getByRole("link", { name: "Providers" }).click();
  await page.getByRole("button", { name: "Test connection to mock" }).click();
  await expect(page.getByText("OK · ")).toContainText("Connected: the provider lists 3 models.");
  const list = page.getByRole("region", { name: "Models mock lists" });
  await expect(list.getByRole("checkbox")).toHaveCount(3);
  // Already routed to: marked with the models that use it.
  await expect(list.getByRole("listitem").filter({ hasText: "mock-model" })).toContainText(
    "added as gpt-test",
  );
  await expect(list.getByRole("button", { name: "Add selected (0)" })).toBeDisabled();
  await list.getByLabel(/^Filter 3 upstream models/).fill("mini");
  await expect(list.getByRole("checkbox")).toHaveCount(1);
  await list.getByRole("checkbox", { name: /mock-mini/ }).check();
  await list.getByLabel(/^Filter/).fill("");
  await list.getByRole("checkbox", { name: /mock-large/ }).check();
  await list.getByRole("button", { name: "Add selected (2)" }).click();

  const dialog = page.getByRole("dialog", { name: "Add models from mock" });
  const rows = dialog.getByTestId("add-model-row");
  await expect(rows).toHaveCount(2);
  const mini = rows.filter({ hasText: "mock-mini" });
  const large = rows.filter({ hasText: "mock-large" });
  await expect(mini.getByLabel("Model id (what clients send)")).toHaveValue("mock-mini");
  const largeId = unique("large");
  await large.getByLabel("Model id (what clients send)").fill(largeId);
  for (const [row, input, output] of [
    [mini, "0.15", "0.6"],
    [large, "2.5", "10"],
  ] as const) {
    await row.getByLabel("Input (USD per 1M tokens)", { exact: true }).fill(input);
    await row.getByLabel("Output (USD per 1M tokens)").fill(output);
  }
  await large.getByLabel("Cached input (USD per 1M tokens)").fill("1.25");
  await dialog.getByRole("button", { name: "Add 2 models" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Added 2 models routed to mock." })).toBeVisible();
  await expect(list.getByRole("listitem").filter({ hasText: "mock-large" })).toContainText(
    `added as ${largeId}`,
  );

  await page.getByRole("link", { name: "Models" }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("switch", { name: `${largeId} enabled` }) });
  await expect(row).toContainText("mock → mock-large");
  await expect(row).toContainText("input 2.50 USD");
  await expect(row).toContainText("cached 1.25 USD");
  await expect(row).toContainText("output 10.00 USD");

  const key = await clientKey(gateway, "providers");
  const reply = await openaiFor(key.key).chat.completions.create({
    model: "mock-mini",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(reply.choices[0]?.message.content).toBe("Hello from the mock upstream.");

  // Other specs share this gateway (the spend-limit one prices a key's cheapest call): remove them.
  for (const id of ["mock-mini", largeId]) {
    const res = await fetch(`${gateway.url}/admin/api/models/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${gateway.adminToken}` },
    });
    expect(res.status).toBe(200);
  }
});
