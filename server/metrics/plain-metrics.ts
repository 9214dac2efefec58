import type { Registry } from "prom-client";

/**
 * Counters and histograms kept as plain numbers per label set, read by prom-client's registry
 * only when /metrics is scraped. prom-client's own `inc` and `observe` hash and validate the
 * label object on every call, even through a `labels()` child: with a series per (model, route,
 * status, endpoint) and seven updates per finished request, that was 1.4 µs a request
 * (`bun bench/metrics-cost.ts`). Here a series is looked up once per request by the caller and
 * each update is an addition. The text is prom-client's (the registry formats these as its own).
 */

type Labels = Record<string, string>;
type Value = { labels: Labels; value: number; metricName?: string };

abstract class PlainMetric<S> {
  private readonly series = new Map<string, { labels: Labels; s: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "histogram",
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  protected abstract make(): S;
  protected abstract updated(s: S): boolean;
  protected abstract values(labels: Labels, s: S): Value[];

  /** The series of these labels, made on first use (the caller bounds the combinations). */
  child(labels: Labels): S {
    const id = Object.values(labels).join("\u0000");
    let e = this.series.get(id);
    if (!e) {
      e = { labels, s: this.make() };
      this.series.set(id, e);
    }
    return e.s;
  }

  /** What prom-client's registry reads (the shape of its own metrics' `get`). */
  get(): { name: string; help: string; type: string; values: Value[]; aggregator: "sum" } {
    const values: Value[] = [];
    // As prom-client: a series appears once it was updated, not when its child was made.
    for (const { labels, s } of this.series.values())
      if (this.updated(s)) values.push(...this.values(labels, s));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: "sum" };
  }

  reset(): void {
    this.series.clear();
  }
}

export class PlainCount {
  value = 0;
  updated = false;
  inc(v = 1): void {
    this.value += v;
    this.updated = true;
  }
}

export class PlainCounter extends PlainMetric<PlainCount> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, "counter", registry);
  }
  protected make(): PlainCount {
    return new PlainCount();
  }
  protected updated(s: PlainCount): boolean {
    return s.updated;
  }
  protected values(labels: Labels, s: PlainCount): Value[] {
    return [{ labels, value: s.value }];
  }
}

export class PlainBuckets {
  /** Observations per bucket (not cumulative), the last one above every bound (+Inf). */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(v: number): void {
    if (!Number.isFinite(v)) return;
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && v > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class PlainHistogram extends PlainMetric<PlainBuckets> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, "histogram", registry);
  }
  protected make(): PlainBuckets {
    return new PlainBuckets(this.bounds);
  }
  protected updated(s: PlainBuckets): boolean {
    return s.count > 0;
  }
  protected values(labels: Labels, s: PlainBuckets): Value[] {
    // As prom-client writes a histogram: cumulative buckets, +Inf, then _sum and _count.
    const bucket = `${this.name}_bucket`;
    const out: Value[] = [];
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += s.counts[i]!;
      out.push({ labels: { le: String(le), ...labels }, value: acc, metricName: bucket });
    });
    out.push({ labels: { le: "+Inf", ...labels }, value: s.count, metricName: bucket });
    out.push({ labels, value: s.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: s.count, metricName: `${this.name}_count` });
    return out;
  }
}
