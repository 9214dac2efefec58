import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expect } from "./fixtures.ts";

/** Screenshots of the pages (gitignored), for looking at the layout. */
export const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/**
 * A full-page screenshot at 1280 and 390 px wide, `<name>-desktop.png` and `-phone.png`;
 * fails when anything overflows the page sideways at either width.
 */
export async function shoot(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await page.mouse.move(0, 0); // no chart tooltip left open under the pointer
  // Nothing still loading, in either language.
  await expect(page.getByRole("status").filter({ hasText: /Loading|Загрузка/ })).toHaveCount(0);
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    await page.waitForTimeout(150); // let the charts re-measure their container
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name}-${w.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    // Nothing may overflow the page sideways at either width (tables scroll inside their card).
    const overflow = await page.evaluate(() => {
      const clipped = (el: Element | null): boolean =>
        !!el &&
        (["auto", "hidden", "scroll"].includes(getComputedStyle(el).overflowX) || clipped(el.parentElement));
      const culprits = Array.from(document.querySelectorAll("body *"))
        .filter(
          (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !clipped(el.parentElement),
        )
        .map(
          (el) => `${el.tagName.toLowerCase()}.${el.getAttribute("class")?.split(" ").slice(0, 4).join(".")}`,
        );
      return { px: document.documentElement.scrollWidth - window.innerWidth, culprits: culprits.slice(0, 5) };
    });
    expect(
      overflow.px,
      `${name} at ${w.width}px overflows: ${overflow.culprits.join(", ")}`,
    ).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
