import { expect, test } from "bun:test";
import { afterNow } from "./after-now.ts";

/** A run that records when it began and ends when told. */
function rig() {
  const began: number[] = [];
  const ends: (() => void)[] = [];
  let clock = 0;
  const run = () =>
    new Promise<void>((resolve) => {
      began.push(++clock);
      ends.push(resolve);
    });
  return { began, ends, tick: () => ++clock, run };
}

test("calls during a run share one run after it; each gets a run that began after its call", async () => {
  const r = rig();
  const call = afterNow(r.run);
  const first = call();
  const calledAt = r.tick();
  const joined = Array.from({ length: 50 }, () => call());
  expect(r.began).toHaveLength(1); // the 50 wait: the run in flight may have read too early
  r.ends[0]!();
  await first;
  await Bun.sleep(0);
  expect(r.began).toHaveLength(2);
  expect(r.began[1]!).toBeGreaterThan(calledAt);
  r.ends[1]!();
  await Promise.all(joined);
  // Idle again: the next call starts a run of its own at once.
  const later = call();
  expect(r.began).toHaveLength(3);
  r.ends[2]!();
  await later;
});

test("a run that fails rejects its own callers; the queued run still happens", async () => {
  let n = 0;
  const call = afterNow(async () => {
    n++;
    await Bun.sleep(1);
    if (n === 1) throw new Error("database away");
  });
  const first = call();
  const second = call();
  await expect(first).rejects.toThrow("database away");
  await expect(second).resolves.toBeUndefined();
  expect(n).toBe(2);
});
