import type { Metric, MetricValueWithName, Registry } from 'prom-client';

/** What one observation is recorded with: a few labels from a fixed set, bound once. */
export interface HistogramChild {
  observe(value: number): void;
}

/** One label set's observations; `counts[i]` counts those in bucket i alone (not cumulative), the last those above. */
interface Series {
  readonly labels: Record<string, string>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
  /** Whether it is exported: from its first observation on, as prom-client lists a label set. */
  listed: boolean;
}

interface BoundHistogramConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: Registry[];
}

/** prom-client's value: `exemplar` is null on buckets (this histogram keeps none) and absent on the sum and count. */
type ExportedValue = MetricValueWithName<string> & { sharedLabels?: Record<string, string>; exemplar?: null };

/** What a prom-client registry reads from a metric (`get`, or `getForPromString` for the text format). */
interface ExportedHistogram {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: MetricValueWithName<string>[];
}

/**
 * A Prometheus histogram for hot paths: each label set is bound once, and an observation is then a bucket search and
 * three additions, with nothing allocated. prom-client's histogram builds a string of the labels and a bucket key on
 * every observation, and the cached read observes twice per request. It exports what prom-client's histogram exports
 * for the same observations, line for line.
 */
export class BoundHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly labelNames: readonly L[];
  private readonly bounds: readonly number[];
  private readonly byLabels = new Map<string, Series>();
  private listed: Series[] = [];

  constructor(config: BoundHistogramConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child that records under these labels; the same labels give the same series. */
  labels(labels: Partial<Record<L, string>>): HistogramChild {
    const names = Object.keys(labels);
    const unknown = names.find((name) => !this.labelNames.includes(name as L));
    if (unknown) throw new Error(`${this.name} has no label "${unknown}"`);
    const key = JSON.stringify(this.labelNames.map((name) => labels[name] ?? null));
    let series = this.byLabels.get(key);
    if (!series) {
      const counts = new Float64Array(this.bounds.length + 1);
      series = { labels: { ...labels } as Record<string, string>, counts, sum: 0, count: 0, listed: false };
      this.byLabels.set(key, series);
    }
    const bound = series;
    return { observe: (value) => this.observe(bound, value) };
  }

  /** prom-client's shape for the text format: `le` as the value's label, the series' labels shared. */
  async getForPromString(): Promise<ExportedHistogram> {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const series of this.listed) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += series.counts[i]!;
        values.push(this.value(bucket, { le: this.bounds[i]! }, cumulative, series, null));
      }
      values.push(this.value(bucket, { le: '+Inf' }, series.count, series, null));
      values.push(this.value(`${this.name}_sum`, {}, series.sum, series));
      values.push(this.value(`${this.name}_count`, {}, series.count, series));
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** As JSON, each value with all its labels, `le` first. */
  async get(): Promise<ExportedHistogram> {
    const metric = await this.getForPromString();
    const values = (metric.values as ExportedValue[]).map(({ sharedLabels, ...value }) => ({
      ...value,
      labels: { ...value.labels, ...sharedLabels },
    }));
    return { ...metric, values };
  }

  reset(): void {
    for (const series of this.listed) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
      series.listed = false;
    }
    this.listed = [];
  }

  private observe(series: Series, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: not a finite number: ${value}`);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
    if (!series.listed) {
      series.listed = true;
      this.listed.push(series);
    }
  }

  private value(
    metricName: string,
    labels: ExportedValue['labels'],
    value: number,
    series: Series,
    exemplar?: null,
  ): ExportedValue {
    const exported: ExportedValue = { labels, sharedLabels: series.labels, value, metricName };
    if (exemplar === null) exported.exemplar = null;
    return exported;
  }
}
