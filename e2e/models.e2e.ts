import { clientKey, expect, test, unique } from "./support/fixtures.ts";

test("a model's prices are edited in the panel: a cache-write price is set, shown, and cleared again", async ({
  admin: page,
}) => {
  await page.getByRole("link", { name: "Models" }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("switch", { name: "off-model enabled" }) });
  await expect(row).not.toContainText("cache write");

  await row.getByRole("button", { name: "Edit off-model" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit off-model" });
  await dialog.getByLabel(/^Cache write \(/).fill("3.75");
  await dialog.getByLabel(/^Cache write, 1 hour/).fill("6");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("cache write 3.75");
  await expect(row).toContainText("1 h 6.00");

  // Kept across a reload (it is the server's state, not the form's).
  await page.reload();
  const again = page
    .getByRole("row")
    .filter({ has: page.getByRole("switch", { name: "off-model enabled" }) });
  await expect(again).toContainText("cache write 3.75");
  await again.getByRole("button", { name: "Edit off-model" }).click();
  const reopened = page.getByRole("dialog", { name: "Edit off-model" });
  await expect(reopened.getByLabel(/^Cache write \(/)).toHaveValue("3.75");
  await reopened.getByLabel(/^Cache write \(/).fill("");
  await reopened.getByLabel(/^Cache write, 1 hour/).fill("");
  await reopened.getByRole("button", { name: "Save" }).click();
  await expect(reopened).toBeHidden();
  await expect(again).not.toContainText("cache write");
});

test("a model added in the panel (provider dropdown, upstream-model picker, priority, weight) answers API calls at once; a refusal shows in the form", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  const id = unique("panel-model");
  await page.getByRole("link", { name: "Models" }).click();
  await page.getByRole("button", { name: "Add model" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a model" });
  await expect(dialog.getByRole("group", { name: "Prices, in USD per 1M tokens" })).toBeVisible();
  await dialog.getByLabel("Model id (what clients send)").fill("gpt-test"); // taken
  await dialog.getByLabel(/^Input \(USD per 1M tokens\)/).fill("1");
  await dialog.getByLabel(/^Output \(USD per 1M tokens\)/).fill("2");
  const first = dialog.getByTestId("route-row").first();
  await first.getByLabel("Provider").selectOption("mock");
  // The picker offers what the provider lists upstream; free text stays allowed.
  await expect(first).toContainText("3 models listed");
  const offered = await first
    .locator("datalist option")
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(offered).toEqual(["mock-large", "mock-mini", "mock-model"]);
  await first.getByLabel("Upstream model").fill("mock-model");
  await first.getByLabel("Priority").fill("1");
  await dialog.getByRole("button", { name: "Add route" }).click();
  const second = dialog.getByTestId("route-row").nth(1);
  await second.getByLabel("Provider").selectOption("mock");
  await second.getByLabel("Upstream model").fill("mock-large");
  await second.getByLabel("Weight").fill("3");
  await dialog.getByRole("button", { name: "Add model" }).click();
  await expect(dialog.getByRole("alert")).toContainText("gpt-test");

  await dialog.getByLabel("Model id (what clients send)").fill(id);
  await dialog.getByRole("button", { name: "Add model" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole("row").filter({ has: page.getByRole("switch", { name: `${id} enabled` }) });
  await expect(row).toContainText("admin");
  await expect(row).toContainText("mock → mock-model (priority 1, weight 1)");
  await expect(row).toContainText("mock → mock-large (priority 0, weight 3)");
  await expect(row).toContainText("input 1.00 USD");
  await expect(row).toContainText("output 2.00 USD");

  const key = await clientKey(gateway, "models");
  const client = openaiFor(key.key);
  expect((await client.models.list()).data.map((m) => m.id)).toContain(id);
  const reply = await client.chat.completions.create({
    model: id,
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(reply.choices[0]?.message.content).toBe("Hello from the mock upstream.");

  // Deleted after a confirmation: gone from the page and from the API at once.
  await row.getByRole("button", { name: `Delete ${id}` }).click();
  await page
    .getByRole("dialog", { name: `Delete model “${id}”?` })
    .getByRole("button", { name: "Delete model" })
    .click();
  await expect(page.getByRole("switch", { name: `${id} enabled` })).toHaveCount(0);
  const gone = await client.chat.completions
    .create({ model: id, messages: [{ role: "user", content: "Hi" }] })
    .catch((e: { status?: number }) => e.status);
  expect(gone).toBe(404);
});

test("a provider that models still route to is not deleted: the refusal names them", async ({
  admin: page,
}) => {
  await page.getByRole("link", { name: "Providers" }).click();
  await page.getByRole("button", { name: "Delete mock" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete provider “mock”?" });
  await expect(confirm).toContainText("declared in tollgate.yaml");
  await confirm.getByRole("button", { name: "Delete provider" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Could not delete mock" })).toContainText(
    "still routed to by gpt-test",
  );
  await expect(page.getByRole("button", { name: "Delete mock" })).toBeVisible();
});
