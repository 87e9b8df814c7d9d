/**
 * No label, not kept — on both sides (docs/GATEWAY.md, "The state cache"):
 * - a ledger labels an answer only if every field with a resolver of its own is one it vouches for
 *   (subgraphs/ledger/state.ts FROM_SEALED_BLOCKS): a field added to the contract that reads the
 *   database without being listed makes every answer holding it unlabelled;
 * - the gateway keeps a response only if every data-source call it made was vouched for
 *   (gateway/cache/readThrough.ts): a call nobody reported on makes it unkept.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ledger } from '../../schema/index.ts';
import { createSubgraphServer } from '../../runtime/apollo.ts';
import { createLogger } from '../../runtime/log.ts';
import { STATE_EXTENSION } from '../../runtime/stateLabel.ts';
import { resolvers } from '../../subgraphs/ledger/resolvers.ts';
import { statePlugin, type RequestState } from '../../subgraphs/ledger/state.ts';
import { Reads, StateCache } from '../../gateway/cache/index.ts';

const log = createLogger('test', 'error');
const LABEL = { height: 7, hash: 'ab'.repeat(32) };

/** The ledger's schema and resolvers, plus a field a newcomer added: it reads state (here, a counter standing for the mempool) and is not listed. */
function ledgerWithNewField() {
  let mempoolSize = 0;
  const typeDefs = parse(`${ledger.sdl}\nextend type Chain { pendingCount: Int! }`);
  const all = { ...resolvers, Chain: { ...resolvers.Chain, pendingCount: () => ++mempoolSize } };
  const server = createSubgraphServer<{ municipality: string; state?: RequestState }>(typeDefs, all, log, {
    introspection: true,
    plugins: [statePlugin(all as Record<string, unknown>)],
  });
  return server;
}

async function labelOf(query: string) {
  const server = ledgerWithNewField();
  await server.start();
  try {
    const response = await server.executeOperation({ query }, { contextValue: { municipality: 'kyoto', state: { label: LABEL, volatile: false } } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors).toBeUndefined();
    return response.body.singleResult.extensions?.[STATE_EXTENSION];
  } finally {
    await server.stop();
  }
}

const CHAIN = (fields: string) =>
  `{ _entities(representations: [{ __typename: "Municipality", code: "kyoto" }]) { ... on Municipality { code chain { ${fields} } } } }`;

describe('a ledger labels only what it vouches for', () => {
  it('labels an answer of listed fields', async () => {
    expect(await labelOf(CHAIN('municipality'))).toEqual(LABEL);
  });

  it('never labels an answer holding a field that reads state without being listed', async () => {
    expect(await labelOf(CHAIN('municipality pendingCount'))).toBeUndefined();
    expect(await labelOf(`${CHAIN('...more')} fragment more on Chain { pendingCount }`)).toBeUndefined(); // behind a fragment too
  });
});

describe('the gateway keeps a response only if every call was vouched for', () => {
  const cache = new StateCache<unknown>({ head: async () => LABEL });

  it('keeps one whose every call reported a label', () => {
    const reads = new Reads();
    reads.called();
    reads.read(cache, 'kyoto', LABEL);
    expect(reads.keepable).toBe(true);
  });

  it('does not keep one with a call nobody reported on (a data source that forgot)', () => {
    const reads = new Reads();
    reads.called();
    reads.called();
    reads.read(cache, 'kyoto', LABEL);
    expect(reads.keepable).toBe(false);
  });

  it('does not keep one with an unlabelled answer, and keeps one answered from immutable entities', () => {
    const unlabelled = new Reads();
    unlabelled.called();
    unlabelled.read(cache, 'kyoto', undefined);
    expect(unlabelled.keepable).toBe(false);
    const immutable = new Reads();
    immutable.called();
    immutable.immutable();
    expect(immutable.keepable).toBe(true);
  });
});
