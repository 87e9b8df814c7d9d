/**
 * The gateway's side of label grants (runtime/labelGrants.ts): for each subgraph scope the state
 * caches ask about, one request always out to the subgraph, holding the label granted last. While
 * a grant holds, the label it names is the scope's label now, and a kept answer is checked
 * against it without a call (StateCache.check). A scope not asked about for a while is let go.
 */
import { randomUUID } from 'node:crypto';
import type { GrantAnswer, GrantRequest } from '../../runtime/labelGrants.ts';
import type { StateLabel } from '../../runtime/stateLabel.ts';

/** Asks `url` for a grant (POST /state, runtime/stateLabel.ts `askGrant`); undefined when it did not answer one. */
export type AskGrant = (url: string, body: { grant: GrantRequest; scope?: string }, signal: AbortSignal) => Promise<GrantAnswer | undefined>;

interface Held {
  label?: StateLabel;
  /** Until when (performance.now()) the label may be trusted. */
  until: number;
  lastAsked: number;
}

export interface GrantedLabelsStats {
  /** Scopes held now. */
  scopes: number;
  /** Checks answered by a grant, and revocations heard. */
  used: number;
  revoked: number;
}

export class GrantedLabels {
  private readonly holder = randomUUID();
  private readonly held = new Map<string, Held>();
  private readonly stop = new AbortController();
  private readonly counts = { used: 0, revoked: 0 };

  constructor(
    private readonly ask: AskGrant,
    private readonly opts: {
      /** A scope not asked about for this long is let go. */
      idleMs?: number;
      /** After a subgraph grants nothing (or does not answer), ask again after this long. */
      retryMs?: number;
      /** Trust a grant this much less than it says, for the time its answer took to be read. */
      marginMs?: number;
    } = {},
  ) {}

  /** The label of `scope` in the subgraph at `url` now, if a grant holds it; undefined: ask. Keeps a grant for it from now on. */
  current(url: string, scope?: string): StateLabel | undefined {
    const key = `${url}\n${scope ?? ''}`;
    const now = performance.now();
    let held = this.held.get(key);
    if (!held) {
      this.held.set(key, (held = { until: 0, lastAsked: now }));
      void this.keep(key, held, url, scope);
    }
    held.lastAsked = now;
    if (held.label && now < held.until) {
      this.counts.used++;
      return held.label;
    }
    return undefined;
  }

  /** Lets every grant go (the requests out are aborted). */
  close(): void {
    this.stop.abort();
  }

  stats(): GrantedLabelsStats {
    return { scopes: this.held.size, ...this.counts };
  }

  /** One request out at a time for `key`, for as long as it is asked about. */
  private async keep(key: string, held: Held, url: string, scope: string | undefined): Promise<void> {
    const { idleMs = 10_000, retryMs = 1000, marginMs = 5 } = this.opts;
    try {
      while (!this.stop.signal.aborted && performance.now() - held.lastAsked < idleMs) {
        const sent = performance.now();
        const holding = held.label && sent < held.until ? held.label : null;
        if (!holding) held.label = undefined;
        const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(10_000)]);
        const answer = await this.ask(url, { grant: { holder: this.holder, holding }, ...(scope ? { scope } : {}) }, signal).catch(() => undefined);
        if (answer?.label && typeof answer.ms === 'number') {
          held.label = answer.label;
          held.until = sent + answer.ms - marginMs;
          continue;
        }
        // Revoked: dropped here, before the next request acknowledges it.
        held.label = undefined;
        held.until = 0;
        if (answer?.revoked) {
          this.counts.revoked++;
          continue;
        }
        if (!this.stop.signal.aborted) await new Promise((r) => setTimeout(r, retryMs).unref());
      }
    } finally {
      held.label = undefined;
      this.held.delete(key);
    }
  }
}
