import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

/** axe-core's WCAG 2.1 A/AA rules on the page as it is; serious and critical findings fail. */
export async function audit(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("status").filter({ hasText: /Loading|Загрузка/ })).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const bad = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(" | ")}`,
    );
  expect.soft(bad, `${name}: serious or critical accessibility violations`).toEqual([]);
}
