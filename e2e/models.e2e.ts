import { expect, test } from "./support/fixtures.ts";

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
