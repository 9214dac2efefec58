import { adminPost, clientKey, expect, test, unique } from "./support/fixtures.ts";

test("a request that failed over shows its upstream attempts in order on its detail page", async ({
  admin: page,
  gateway,
  openaiFor,
}) => {
  // A provider on a loopback port nothing listens on, tried first; the mock answers second.
  const dead = unique("dead");
  await adminPost(gateway, "/providers", {
    id: dead,
    kind: "openai",
    base_url: "http://127.0.0.1:9/v1",
    api_key: "x",
  });
  const model = unique("failover");
  await adminPost(gateway, "/models", {
    id: model,
    prices: { input: 1, output: 2 },
    routes: [
      { provider: dead, model: "gone", priority: 1 },
      { provider: "mock", model: "mock-model", priority: 0 },
    ],
  });
  const key = await clientKey(gateway, "attempts");
  const { response } = await openaiFor(key.key)
    .chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] })
    .withResponse();
  const requestId = response.headers.get("x-request-id");
  expect(response.headers.get("x-tollgate-route")).toBe("mock:mock-model");

  await page.goto(`requests/${requestId}`);
  const rows = page.getByRole("table", { name: "Upstream attempts" }).getByTestId("attempt-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(`${dead} → gone`);
  await expect(rows.nth(0)).toContainText("502");
  await expect(rows.nth(0)).toContainText("upstream_connection_failed");
  await expect(rows.nth(1)).toContainText("mock → mock-model");
  await expect(rows.nth(1)).toContainText("200");
});
