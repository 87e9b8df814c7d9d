/**
 * A small Prometheus registry: counters, gauges, histograms with fixed buckets, metrics read at
 * scrape time, labels, and the text exposition format 0.0.4 (prometheus.io, "Exposition formats":
 * `# HELP` / `# TYPE` lines, `\\` and newline escaped in help, `\\`, `"` and newline in label
 * values; a histogram as cumulative `_bucket{le=…}` series ending at `le="+Inf"`, then `_sum` and
 * `_count`). prom-client would be a dependency for the ~150 lines this needs.
 *
 * Every labelled metric keeps at most `maxSeries` label sets: beyond that, observations are
 * counted in one series whose labels are all `_overflow`, so a bug that puts an unbounded value in
 * a label shows as that series instead of growing the process's memory and the scrape.
 */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels<L extends string> = Readonly<Record<L, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const OVERFLOW = '_overflow';

/** Prometheus's default buckets, in seconds: 5 ms to 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Label sets kept before new ones fold into the `_overflow` series. Default 1,000. */
  maxSeries?: number;
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus parses it (Go's ParseFloat): `+Inf`, `-Inf`, `NaN`, or a JavaScript number. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** What every metric shares: its name, help, label names, and its series by label values. */
abstract class Metric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected readonly series = new Map<string, { values: string[]; state: S }>();
  private readonly maxSeries: number;

  constructor(opts: MetricOptions<L>, reserved: readonly string[] = []) {
    if (!METRIC_NAME.test(opts.name)) throw new TypeError(`invalid metric name ${JSON.stringify(opts.name)}`);
    const labelNames = opts.labelNames ?? [];
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__') || reserved.includes(l)) throw new TypeError(`${opts.name}: invalid label name ${JSON.stringify(l)}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new TypeError(`${opts.name}: duplicate label names`);
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = labelNames;
    this.maxSeries = opts.maxSeries ?? 1000;
  }

  protected abstract initial(): S;

  /** The state of the series `labels` names; every label name, and only those, must be given. */
  protected at(labels: Labels<L> | undefined): S {
    const given = labels ?? ({} as Labels<L>);
    if (Object.keys(given).length !== this.labelNames.length) throw new TypeError(`${this.name}: expected labels ${this.labelNames.join(', ') || '(none)'}, got ${Object.keys(given).join(', ') || '(none)'}`);
    const values = this.labelNames.map((l) => {
      const v = given[l];
      if (typeof v !== 'string') throw new TypeError(`${this.name}: label ${l} is missing`);
      return v;
    });
    let key = values.join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.maxSeries && this.labelNames.length > 0) {
        values.fill(OVERFLOW);
        key = values.join('\u0000');
        entry = this.series.get(key);
      }
      if (!entry) {
        entry = { values, state: this.initial() };
        this.series.set(key, entry);
      }
    }
    return entry.state;
  }

  /** The series to expose; a metric without labels is exposed at 0 before its first use, as client libraries do. */
  protected entries(): Iterable<{ values: string[]; state: S }> {
    if (this.labelNames.length === 0) this.at(undefined);
    return this.series.values();
  }

  protected pairs(values: readonly string[]): Array<[string, string]> {
    return this.labelNames.map((l, i) => [l, values[i]!]);
  }

  /** This metric's lines of the exposition, without its HELP and TYPE. */
  abstract samples(): string[];

  /** Forgets every series (tests). */
  reset(): void {
    this.series.clear();
  }
}

export class Counter<L extends string = never> extends Metric<L, { value: number }> {
  readonly type = 'counter';
  protected initial() {
    return { value: 0 };
  }
  inc(labels?: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`${this.name}: a counter only goes up (inc by ${by})`);
    this.at(labels).value += by;
  }
  get(labels?: Labels<L>): number {
    return this.at(labels).value;
  }
  samples(): string[] {
    return [...this.entries()].map(({ values, state }) => `${this.name}${labelText(this.pairs(values))} ${formatValue(state.value)}`);
  }
}

export class Gauge<L extends string = never> extends Metric<L, { value: number }> {
  readonly type = 'gauge';
  protected initial() {
    return { value: 0 };
  }
  set(labels: Labels<L> | undefined, value: number): void {
    this.at(labels).value = value;
  }
  inc(labels?: Labels<L>, by = 1): void {
    this.at(labels).value += by;
  }
  dec(labels?: Labels<L>, by = 1): void {
    this.at(labels).value -= by;
  }
  get(labels?: Labels<L>): number {
    return this.at(labels).value;
  }
  samples(): string[] {
    return [...this.entries()].map(({ values, state }) => `${this.name}${labelText(this.pairs(values))} ${formatValue(state.value)}`);
  }
}

interface HistogramState {
  /** Observations per bucket, not cumulative: `counts[i]` for `buckets[i-1] < v <= buckets[i]`, the last for `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends Metric<L, HistogramState> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(opts: MetricOptions<L> & { buckets?: readonly number[] }) {
    const buckets = [...(opts.buckets ?? DEFAULT_BUCKETS)].filter((b) => b !== Infinity);
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new TypeError(`${opts.name}: buckets must be finite and strictly increasing`);
    }
    super(opts, ['le']);
    this.buckets = buckets;
  }

  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(labels: Labels<L> | undefined, value: number): void {
    if (Number.isNaN(value)) return;
    const s = this.at(labels);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  /** Runs `fn` and observes how long it took, in seconds. */
  async time<T>(labels: Labels<L> | undefined, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.observe(labels, (performance.now() - start) / 1000);
    }
  }

  samples(): string[] {
    const lines: string[] = [];
    for (const { values, state } of this.entries()) {
      const pairs = this.pairs(values);
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += state.counts[i]!;
        lines.push(`${this.name}_bucket${labelText([...pairs, ['le', formatValue(b)]])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText([...pairs, ['le', '+Inf']])} ${state.count}`);
      lines.push(`${this.name}_sum${labelText(pairs)} ${formatValue(state.sum)}`);
      lines.push(`${this.name}_count${labelText(pairs)} ${state.count}`);
    }
    return lines;
  }
}

/** A counter or gauge whose samples are read when scraped, from a source that keeps its own counts. */
class Collected<L extends string> {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    readonly labelNames: readonly L[],
    private readonly collect: () => Iterable<readonly [Labels<L>, number]>,
  ) {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name ${JSON.stringify(name)}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new TypeError(`${name}: invalid label name ${JSON.stringify(l)}`);
  }
  samples(): string[] {
    const lines: string[] = [];
    for (const [labels, value] of this.collect()) {
      lines.push(`${this.name}${labelText(this.labelNames.map((l) => [l, labels[l]] as const))} ${formatValue(value)}`);
    }
    return lines;
  }
}

type Exposed = { name: string; help: string; type: string; samples(): string[] };

export class Registry {
  private readonly metrics = new Map<string, Exposed>();

  counter<L extends string = never>(opts: MetricOptions<L>): Counter<L> {
    return this.add(new Counter<L>(opts));
  }

  gauge<L extends string = never>(opts: MetricOptions<L>): Gauge<L> {
    return this.add(new Gauge<L>(opts));
  }

  histogram<L extends string = never>(opts: MetricOptions<L> & { buckets?: readonly number[] }): Histogram<L> {
    return this.add(new Histogram<L>(opts));
  }

  /**
   * A metric read at scrape time: `collect` returns each series' labels and value (a counter's
   * value must only go up, as the source's own running total). A `collect` that throws leaves the
   * metric out of that scrape rather than failing it.
   */
  collected<L extends string = never>(opts: { name: string; help: string; type: 'counter' | 'gauge'; labelNames?: readonly L[]; collect: () => Iterable<readonly [Labels<L>, number]> }): void {
    this.add(new Collected<L>(opts.name, opts.help, opts.type, opts.labelNames ?? [], opts.collect));
  }

  /** The exposition of every metric, in the order they were registered, ending with a newline. */
  metricsText(): string {
    const out: string[] = [];
    for (const m of this.metrics.values()) {
      let samples: string[];
      try {
        samples = m.samples();
      } catch {
        continue;
      }
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...samples);
    }
    return out.length === 0 ? '' : out.join('\n') + '\n';
  }

  private add<M extends Exposed>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new TypeError(`metric ${metric.name} is already registered`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}
