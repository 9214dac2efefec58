/**
 * The plain counters and histograms write what prom-client's own would for the same updates:
 * the same lines (label order and series order aside, which Prometheus does not read).
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { Counter, Histogram, Registry } from "prom-client";
import { PlainCounter, PlainHistogram } from "./plain-metrics.ts";

const BOUNDS = [0.005, 0.01, 0.1, 1, 10];
/** A line's labels sorted, and the lines sorted: what a scraper reads, whatever the order. */
const canonical = (text: string) =>
  text
    .split("\n")
    .map((l) => l.replace(/\{([^}]*)\}/, (_, inner: string) => `{${inner.split(",").sort().join(",")}}`))
    .sort();

test("the same updates give the same exposition as prom-client's Counter and Histogram", async () => {
  const update = fc.record({
    model: fc.constantFrom("a", "b", 'q"uote', "back\\slash"),
    route: fc.constantFrom("r1", "r2"),
    v: fc.oneof(fc.double({ min: 0, max: 400, noNaN: true }), fc.constantFrom(0, 0.005, 0.01, 1, 10)),
    n: fc.nat({ max: 1000 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(update, { maxLength: 40 }), async (updates) => {
      const theirs = new Registry();
      const ours = new Registry();
      const c = new Counter({
        name: "x_total",
        help: "h",
        labelNames: ["model", "route"],
        registers: [theirs],
      });
      const h = new Histogram({
        name: "y_seconds",
        help: "h",
        labelNames: ["model", "route"],
        buckets: BOUNDS,
        registers: [theirs],
      });
      const pc = new PlainCounter("x_total", "h", ours);
      const ph = new PlainHistogram("y_seconds", "h", BOUNDS, ours);
      for (const u of updates) {
        const labels = { model: u.model, route: u.route };
        c.labels(labels).inc(u.n);
        pc.child(labels).inc(u.n);
        h.labels(labels).observe(u.v);
        ph.child(labels).observe(u.v);
      }
      expect(canonical(await ours.metrics())).toEqual(canonical(await theirs.metrics()));
    }),
    { numRuns: 300 },
  );
});

test("a child made but never updated is not written", async () => {
  const r = new Registry();
  const pc = new PlainCounter("x_total", "h", r);
  const ph = new PlainHistogram("y_seconds", "h", BOUNDS, r);
  pc.child({ model: "a" });
  ph.child({ model: "a" });
  expect(await r.metrics()).not.toContain("model=");
  pc.child({ model: "a" }).inc();
  expect(await r.metrics()).toContain('x_total{model="a"} 1');
});
