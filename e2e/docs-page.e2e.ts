import { expect, test } from "./support/fixtures.ts";

test("the API docs page renders every route with nothing fetched from outside loopback", async ({
  page,
  gateway,
}) => {
  const outside: string[] = [];
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return route.continue();
    outside.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${gateway.url}/docs`);
  await expect(page.getByRole("heading", { name: /Tollgate/ })).toBeVisible();
  await expect(page.getByText("/v1/chat/completions").first()).toBeVisible();
  // Swagger UI renders the operations as they scroll into view: with 100+ routes the admin
  // section is far down, so scroll until it is drawn (it must be, or this times out).
  const adminKeys = page.getByText("/admin/api/keys").first();
  await expect(async () => {
    await page.mouse.wheel(0, 5000);
    await expect(adminKeys).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 30_000 });
  expect(outside).toEqual([]);
});
