import { expect, test } from "./support/fixtures.ts";

test("the panel works from the keyboard: skip link, navigation, dialogs open with Enter and close with Escape", async ({
  admin: page,
}) => {
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Overview" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Keys" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  const issue = page.getByRole("button", { name: "Issue key" });
  await issue.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Issue an API key" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Account").or(dialog.getByText("Create an account first"))).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(issue).toBeFocused();
  await page.getByRole("link", { name: "Models" }).click();
  const toggle = page.getByRole("switch", { name: "off-model enabled" });
  await toggle.focus();
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Space");
  await expect(toggle).toHaveAttribute("aria-checked", "false");
});

test("a model toggle that fails is rolled back with a visible message", async ({ admin: page }) => {
  await page.getByRole("link", { name: "Models" }).click();
  const toggle = page.getByRole("switch", { name: "vendor/slashed-model enabled" });
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  // The gateway becomes unreachable for this one write (a network fault, not a stubbed answer).
  await page.route("**/admin/api/models/**", (route) =>
    route.request().method() === "PATCH" ? route.abort("failed") : route.continue(),
  );
  await toggle.click();
  await expect(page.getByRole("alert")).toContainText(
    "Could not disable vendor/slashed-model; it is back as it was.",
  );
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await page.unroute("**/admin/api/models/**");
  await page.reload();
  await expect(page.getByRole("switch", { name: "vendor/slashed-model enabled" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
});
