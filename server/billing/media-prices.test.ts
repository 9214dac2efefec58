import { describe, expect, test } from "bun:test";
import {
  imagePrice,
  maxImagePrice,
  maxVideoSecondPrice,
  secondsCost,
  unitsCost,
  videoSecondPrice,
} from "./media-prices.ts";

const prices = {
  image: {
    "1024x1024/high": 167_000_000,
    "1024x1024/low": 11_000_000,
    "1024x1024": 42_000_000,
    "*/high": 250_000_000,
    "*": 63_000_000,
  },
  videoSecond: { "1280x720": 100_000_000, "1080p": 300_000_000, "*": 150_000_000 },
};

describe("media prices", () => {
  test("image price: size/quality, then size, then any size of that quality, then *", () => {
    expect(imagePrice(prices, "1024x1024", "high")).toBe(167_000_000);
    expect(imagePrice(prices, "1024X1024", "LOW")).toBe(11_000_000);
    expect(imagePrice(prices, "1024x1024", "medium")).toBe(42_000_000);
    expect(imagePrice(prices, "1536x1024", "high")).toBe(250_000_000);
    expect(imagePrice(prices, "1536x1024", null)).toBe(63_000_000);
    expect(imagePrice({}, "1024x1024", "high")).toBeNull();
    expect(imagePrice({ image: { "512x512": 1 } }, "1024x1024", null)).toBeNull();
  });

  test("the reservation bound for an unknown size is the dearest matching entry", () => {
    expect(maxImagePrice(prices, "low")).toBe(63_000_000);
    expect(maxImagePrice(prices, "high")).toBe(250_000_000);
    expect(maxImagePrice(prices, null)).toBe(250_000_000);
    expect(maxImagePrice({}, null)).toBeNull();
  });

  test("video price per second by size, resolution, then *", () => {
    expect(videoSecondPrice(prices, ["1280x720", "720p"])).toBe(100_000_000);
    expect(videoSecondPrice(prices, ["1920x1080", "1080p"])).toBe(300_000_000);
    expect(videoSecondPrice(prices, ["720x1280", undefined])).toBe(150_000_000);
    expect(videoSecondPrice({}, ["1280x720"])).toBeNull();
    expect(maxVideoSecondPrice(prices)).toBe(300_000_000);
  });

  test("costs are exact in nano-units, beyond 2^53 in the intermediate product", () => {
    expect(unitsCost(167_000_000, 3)).toBe(501_000_000);
    expect(secondsCost(100_000_000, 8000)).toBe(800_000_000);
    expect(secondsCost(3, 1)).toBe(1); // rounded up once
    expect(secondsCost(1_000_000_000_000, 3_600_000)).toBe(3_600_000_000_000_000);
  });

  test("sizes and qualities named like Object.prototype members find no inherited 'price'", () => {
    for (const name of ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty"]) {
      expect(imagePrice(prices, name, null)).toBe(63_000_000);
      expect(imagePrice(prices, "1024x1024", name)).toBe(42_000_000);
      expect(videoSecondPrice(prices, [name])).toBe(150_000_000);
      expect(imagePrice({ image: { "512x512": 1 } }, name, null)).toBeNull();
    }
  });
});
