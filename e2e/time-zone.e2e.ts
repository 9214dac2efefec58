import type { Page } from "@playwright/test";
import { clientKey, expect, signIn, test } from "./support/fixtures.ts";

/**
 * One time zone setting (issue 15, "Clear numbers"): every page that shows times states the
 * zone, and the switch re-renders every time at once. The browser is in Tokyo (UTC+9, no
 * daylight saving), so "UTC" and "my time zone" print different hours.
 */
test.use({ timezoneId: "Asia/Tokyo" });

/** The request's time as its detail page prints it (`<id> · 2026-03-01 14:02:33`), in minutes of the day. */
async function shownMinutes(page: Page, id: string): Promise<number> {
  await expect(page.getByRole("main")).toContainText(new RegExp(`${id} · \\d{4}-`));
  const text = (await page.getByRole("main").textContent()) ?? "";
  const m = new RegExp(`${id} · \\d{4}-\\d{2}-\\d{2} (\\d{2}):(\\d{2}):\\d{2}`).exec(text);
  expect(m).not.toBeNull();
  return Number(m![1]) * 60 + Number(m![2]);
}

test("one time zone setting: every page that shows times states it, and the switch re-renders them", async ({
  page,
  gateway,
  openaiFor,
}) => {
  const c = await clientKey(gateway, "time-zone", "5");
  const { response } = await openaiFor(c.key)
    .chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] })
    .withResponse();
  const requestId = response.headers.get("x-request-id")!;
  await signIn(page, gateway.username, gateway.password);
  const pages = [
    "",
    "keys",
    `keys/${c.keyId}`,
    "accounts",
    `accounts/${c.account.id}`,
    "requests",
    `requests/${requestId}`,
    "alerts",
    "admins",
  ];
  const note = page.getByTestId("time-zone-note");
  for (const path of pages) {
    await page.goto(path);
    await expect(note, path).toHaveText("Times in UTC");
  }
  // The pages' own words agree with the setting.
  await page.goto("");
  await expect(page.getByText("Days and hours are in UTC.")).toBeVisible();
  await page.goto("requests");
  await expect(page.getByText("Times and days are in UTC.")).toBeVisible();
  await page.goto(`requests/${requestId}`);
  const utc = await shownMinutes(page, requestId);

  await page.getByText("My time zone").click();
  await expect(note).toHaveText("Times in your time zone (Asia/Tokyo, UTC+9)");
  // Re-rendered at once, without a reload: nine hours later.
  expect(((await shownMinutes(page, requestId)) - utc + 24 * 60) % (24 * 60)).toBe(9 * 60);
  for (const path of pages) {
    await page.goto(path);
    await expect(note, path).toHaveText("Times in your time zone (Asia/Tokyo, UTC+9)");
  }
  await page.goto("");
  await expect(page.getByText(/Days and hours are in your time zone/)).toBeVisible();
  await page.goto("requests");
  await expect(page.getByText(/Times and days are in your time zone/)).toBeVisible();
  // Kept in this browser: a reload keeps it; switching back is UTC everywhere again.
  await page.reload();
  await expect(note).toContainText("Asia/Tokyo");
  await page.getByText("UTC", { exact: true }).click();
  await expect(note).toHaveText("Times in UTC");
  await page.goto("");
  await expect(page.getByText("Days and hours are in UTC.")).toBeVisible();
});
