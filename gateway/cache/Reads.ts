/**
 * What the data sources report about one request's subgraph answers, for the response cache
 * (ResponseCache.ts). Apart from it so that the state cache, which reports into it, and the
 * response cache, which reads it, import it without importing each other.
 */
import type { StateLabel } from '../../runtime/stateLabel.ts';

/** What checks a label is still current: the state cache (StateCache.check). */
export interface LabelCheck {
  check(scope: string, label: StateLabel, reads?: Reads): Promise<boolean>;
}

/** One subgraph answer a response was made of: which state cache can check it, for what, at which label. */
export interface Dependency {
  cache: LabelCheck;
  scope: string;
  label: StateLabel;
}

export const READS = Symbol('aiki.reads');

/**
 * What the data sources report about one request's subgraph answers. The response is kept only
 * if every data-source call was vouched for (readThrough.ts: no label, not kept).
 */
export class Reads {
  readonly dependencies = new Map<string, Dependency>();
  /** Some subgraph answer had no label: the response is not kept. */
  unlabelled = false;
  /** Data-source calls made (counted by the gateway, readThrough.ts `countedCalls`), and answers vouched for. */
  private calls = 0;
  private vouched = 0;

  called(): void {
    this.calls++;
  }

  /** An answer made only of immutable entities (the entity cache): it stands on no state. */
  immutable(): void {
    this.vouched++;
  }

  /** Whether the response may be kept: every call vouched for, none unlabelled. */
  get keepable(): boolean {
    return !this.unlabelled && this.vouched >= this.calls;
  }
  /** Labels asked during this request, per cache and scope (StateCache.check). */
  private readonly asked = new Map<object, Map<string, Promise<StateLabel | undefined>>>();

  /** `scope`'s label as asked once during this request. */
  labelNow(cache: object, scope: string, ask: () => Promise<StateLabel | undefined>): Promise<StateLabel | undefined> {
    let byScope = this.asked.get(cache);
    if (!byScope) this.asked.set(cache, (byScope = new Map()));
    let label = byScope.get(scope);
    if (!label) byScope.set(scope, (label = ask()));
    return label;
  }

  /** A subgraph answer read at `label` (undefined: not labelled). */
  read(cache: LabelCheck, scope: string, label: StateLabel | undefined): void {
    if (!label) return void (this.unlabelled = true);
    this.vouched++;
    this.dependencies.set(`${scope}\n${label.scope ?? ''}\n${label.height}\n${label.hash}`, { cache, scope, label });
  }
}

/** The request's {@link Reads}, when the response cache follows it. */
export function readsOf(context: unknown): Reads | undefined {
  return (context as { [READS]?: Reads } | undefined)?.[READS];
}
