import type { ModelRecord } from "./catalog.ts";

/** Whether calling the model costs nothing: every token, image and video-second price is zero. */
export function isFreeModel(m: Pick<ModelRecord, "prices" | "mediaPrices">): boolean {
  const { input, cachedInput, output, cacheWrite, cacheWrite1h } = m.prices;
  if ([input, cachedInput, output, cacheWrite ?? 0, cacheWrite1h ?? 0].some((p) => p !== 0)) return false;
  const media = [
    ...Object.values(m.mediaPrices.image ?? {}),
    ...Object.values(m.mediaPrices.videoSecond ?? {}),
  ];
  return media.every((p) => p === 0);
}
