/** The state cache's rules, with a head the test moves: kept while the label holds, never after. */
import { describe, expect, it } from 'vitest';
import { Reads, SingleFlight, StateCache } from '../../gateway/cache/index.ts';
import type { StateLabel } from '../../runtime/stateLabel.ts';

function setup() {
  const heads = new Map<string, StateLabel | undefined>([['kyoto', { height: 5, hash: 'a' }]]);
  let headReads = 0;
  let fetches = 0;
  const cache = new StateCache<{ n: number }>({
    singleFlight: new SingleFlight(),
    head: async (scope) => {
      headReads++;
      return heads.get(scope);
    },
  });
  /** A fetch answering `{ n }` with the head's label now, or without one. */
  const fetch =
    (labelled = true) =>
    async () => {
      fetches++;
      return { reply: { n: fetches }, label: labelled ? heads.get('kyoto') : undefined };
    };
  return { heads, cache, fetch, counts: () => ({ headReads, fetches }) };
}

describe('StateCache', () => {
  it('answers from the cache while the head is the labelled block, and fetches anew once it moves', async () => {
    const { heads, cache, fetch, counts } = setup();
    expect(await cache.read('kyoto', 'q', fetch())).toEqual({ n: 1 });
    expect(await cache.read('kyoto', 'q', fetch())).toEqual({ n: 1 });
    expect(counts()).toEqual({ headReads: 1, fetches: 1 });
    heads.set('kyoto', { height: 6, hash: 'b' });
    expect(await cache.read('kyoto', 'q', fetch())).toEqual({ n: 2 });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, stale: 1, entries: 1 });
  });

  it('treats the same height with another hash as another state (a chain replaced)', async () => {
    const { heads, cache, fetch } = setup();
    await cache.read('kyoto', 'q', fetch());
    heads.set('kyoto', { height: 5, hash: 'other' });
    expect(await cache.read('kyoto', 'q', fetch())).toEqual({ n: 2 });
  });

  it('never keeps an answer without a label, and uses nothing when the head cannot be read', async () => {
    const { heads, cache, fetch } = setup();
    await cache.read('kyoto', 'q', fetch(false));
    expect(await cache.read('kyoto', 'q', fetch(false))).toEqual({ n: 2 });
    await cache.read('kyoto', 'r', fetch());
    heads.set('kyoto', undefined);
    expect(await cache.read('kyoto', 'r', fetch())).toEqual({ n: 4 });
  });

  it('gives each caller its own copy', async () => {
    const { cache, fetch } = setup();
    await cache.read('kyoto', 'q', fetch());
    const a = await cache.read('kyoto', 'q', fetch());
    a.n = 99;
    expect(await cache.read('kyoto', 'q', fetch())).toEqual({ n: 1 });
  });

  it('checks the head once for requests waiting together', async () => {
    const { cache, fetch, counts } = setup();
    await cache.read('kyoto', 'q', fetch());
    await Promise.all(Array.from({ length: 10 }, () => cache.read('kyoto', 'q', fetch())));
    expect(counts()).toEqual({ headReads: 1, fetches: 1 });
  });

  it('asks a scope once per request: a label asked after the request arrived serves all its reads', async () => {
    const { cache, fetch, counts } = setup();
    await cache.read('kyoto', 'q', fetch());
    await cache.read('kyoto', 'r', fetch());
    const before = counts().headReads;
    const reads = new Reads();
    await cache.read('kyoto', 'q', fetch(), reads);
    await cache.read('kyoto', 'r', fetch(), reads); // later, in the same request: no second check
    expect(counts().headReads).toBe(before + 1);
    await cache.read('kyoto', 'q', fetch(), new Reads()); // another request checks again
    expect(counts().headReads).toBe(before + 2);
  });

  it("reports each answer's label to the request's reads, or that it had none", async () => {
    const { cache, fetch } = setup();
    const reads = new Reads();
    await cache.read('kyoto', 'q', fetch(), reads);
    await cache.read('kyoto', 'q', fetch(), reads);
    expect([...reads.dependencies.values()].map((d) => [d.scope, d.label])).toEqual([['kyoto', { height: 5, hash: 'a' }]]);
    expect(reads.unlabelled).toBe(false);
    await cache.read('kyoto', 'other', fetch(false), reads);
    expect(reads.unlabelled).toBe(true);
  });
});
