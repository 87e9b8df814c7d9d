/**
 * The state cache: subgraph answers that are exactly the subgraph's state now — from a ledger a
 * block page, an account with its balance and history, the head itself; from the main chain a
 * trace or a registry lookup — kept while that state lasts, and checked before every use. The
 * shard router keeps one per municipality (scope: its code), the main chain's data source one per
 * URL.
 *
 * The subgraph labels such an answer with the state it was read at (subgraphs/ledger/state.ts and
 * subgraphs/mainchain/state.ts say when they can). Before a stored answer is used, the subgraph's label now is asked — once for
 * every request waiting on the same subgraph, by a call sent after each of them arrived
 * (SingleFlight) — and the answer is used only if it is the same. For a ledger, a block committed
 * after the label, even one not applied yet, makes the answer unusable, so a balance read after a
 * client saw its transfer CONFIRMED is never the old one (docs/GATEWAY.md).
 *
 * What it saves: a ledger's label is at most two `_id` lookups in one round trip to its database
 * (none on its lease holder: docs/LEDGER.md, "Reads"); the answers it stands for are a page of
 * blocks with their transactions, or an account's history with its blocks.
 */
import { Lru, type LruStats } from '../../runtime/lru.ts';
import type { SingleFlight } from './SingleFlight.ts';
import { STATE_EXTENSION, type StateLabel } from '../../runtime/stateLabel.ts';
import type { Reads } from './Reads.ts';

export interface LabelledReply<R> {
  reply: R;
  /** The head the reply was read at, when the ledger could say; undefined: not kept. */
  label?: StateLabel;
}

/** A subgraph's reply as kept: its label (the `aikiState` extension) taken out of it. */
export function takeLabel<R extends { extensions?: Record<string, unknown> }>(reply: R): LabelledReply<R> {
  if (!reply.extensions || !(STATE_EXTENSION in reply.extensions)) return { reply };
  const { [STATE_EXTENSION]: label, ...rest } = reply.extensions;
  const { extensions: _extensions, ...body } = reply;
  return { reply: (Object.keys(rest).length > 0 ? { ...body, extensions: rest } : body) as R, label: label as StateLabel };
}

export interface StateCacheOptions {
  /**
   * The label of `scope` (a municipality, or a subgraph's URL) now — of `labelScope` in it, for a
   * label that names one (the main chain's registry) — undefined when it has none or cannot be
   * read: nothing is used.
   */
  head: (scope: string, labelScope?: string) => Promise<StateLabel | undefined>;
  /**
   * The label of `scope` (of `labelScope` in it) now, when a grant holds it (GrantedLabels.ts):
   * used without asking. Undefined: ask (`head`).
   */
  granted?: (scope: string, labelScope?: string) => StateLabel | undefined;
  /** Joins head reads of one municipality issued together (one call after each asker arrived). */
  singleFlight?: SingleFlight;
  maxBytes?: number;
  maxEntries?: number;
}

export interface StateCacheStats extends LruStats {
  hits: number;
  /** Answers fetched: none stored, or the stored one unusable. */
  misses: number;
  /** Of the misses, stored answers found unusable: the head had moved. */
  stale: number;
  /** Head reads made (after joining). */
  headReads: number;
  /** Checks answered by a granted label, without a call. */
  granted: number;
}

const sameLabel = (a: StateLabel, b: StateLabel) => a.height === b.height && a.hash === b.hash && a.scope === b.scope;

export class StateCache<R> {
  private readonly store: Lru<string, string>;
  private readonly counts = { hits: 0, stale: 0, misses: 0, headReads: 0, granted: 0 };

  constructor(private readonly options: StateCacheOptions) {
    this.store = Lru.strings(options.maxEntries ?? 10_000, options.maxBytes ?? 64 * 2 ** 20);
  }

  /**
   * The answer to `key` from `municipality`: the stored one if its label is the head now, else
   * `fetch()`'s (kept when labelled). Each caller gets its own copy. `reads` hears the label the
   * answer stands at, or undefined (the response cache, ResponseCache.ts).
   */
  async read(municipality: string, key: string, fetch: () => Promise<LabelledReply<R>>, reads?: Reads): Promise<R> {
    const entryKey = `${municipality}\n${key}`;
    const stored = this.store.get(entryKey);
    if (stored !== undefined) {
      const { label, reply } = JSON.parse(stored) as { label: StateLabel; reply: R };
      if (await this.check(municipality, label, reads)) {
        this.counts.hits++;
        reads?.read(this, municipality, label);
        return reply;
      }
      this.counts.stale++;
      this.store.delete(entryKey);
    }
    this.counts.misses++;
    const { reply, label } = await fetch();
    if (label) this.store.set(entryKey, JSON.stringify({ label, reply }));
    reads?.read(this, municipality, label);
    return reply;
  }

  /**
   * Whether `label` is still `scope`'s state (asked of the subgraph, joined with other askers).
   * Within one request (`reads`) a scope is asked once: a label asked after the request arrived
   * serves all of its reads.
   */
  async check(scope: string, label: StateLabel, reads?: Reads): Promise<boolean> {
    const granted = this.options.granted?.(scope, label.scope);
    if (granted) {
      this.counts.granted++;
      return sameLabel(granted, label);
    }
    const key = label.scope ? `${scope}#${label.scope}` : scope;
    const head = () => this.head(key, scope, label.scope);
    const now = await (reads ? reads.labelNow(this, key, head) : head());
    return now !== undefined && sameLabel(now, label);
  }

  private head(key: string, scope: string, labelScope: string | undefined): Promise<StateLabel | undefined> {
    const read = () => {
      this.counts.headReads++;
      return this.options.head(scope, labelScope);
    };
    return this.options.singleFlight ? this.options.singleFlight.run(`head\n${key}`, read, (label) => label) : read();
  }

  stats(): StateCacheStats {
    return { ...this.counts, ...this.store.stats() };
  }
}
