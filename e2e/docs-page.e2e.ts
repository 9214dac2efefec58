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
  await expect(page.getByText("/admin/api/keys").first()).toBeVisible();
  expect(outside).toEqual([]);
});
