/**
 * The cap on a metric's label sets, the one rule of ours on top of prom-client: a metric keeps at
 * most `max` label sets; an observation with a new set beyond that is counted in one series whose
 * labels are all `_overflow`. A bug that puts an unbounded value in a label (an id, a URL) then
 * shows as that series instead of growing the process's memory and every scrape without end.
 */
export const OVERFLOW = '_overflow';

/** Label sets a metric keeps by default. */
export const MAX_SERIES = 1000;

export class LabelCap<L extends string> {
  private readonly seen = new Set<string>();
  private readonly overflow: Readonly<Record<L, string>>;

  /**
   * The cap is `max`, plus what `more` says when a new label set arrives beyond `max` (a bound that
   * grows with the shard map: read only then).
   */
  constructor(
    private readonly names: readonly L[],
    private readonly max: number = MAX_SERIES,
    private readonly more: () => number = () => 0,
  ) {
    this.overflow = Object.fromEntries(names.map((n) => [n, OVERFLOW])) as Record<L, string>;
  }

  /** `labels` as they are while the cap allows them (or they were seen before), else the `_overflow` set. */
  labels(labels: Readonly<Record<L, string>>): Readonly<Record<L, string>> {
    const key = this.names.map((n) => labels[n]).join('\u0000');
    if (this.seen.has(key)) return labels;
    if (this.seen.size >= this.max && this.seen.size >= this.max + this.more()) return this.overflow;
    this.seen.add(key);
    return labels;
  }

  /** Label sets kept. */
  get size(): number {
    return this.seen.size;
  }
}
