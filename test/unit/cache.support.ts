/**
 * A small ledger subgraph in memory for the cache's unit tests: the real contract
 * (schema/ledger.graphql) served by @apollo/subgraph over a model the test changes — blocks,
 * transactions that move from PENDING to CONFIRMED, accounts whose balance and history change —
 * and a fetch that counts what it is asked.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import { aikiError } from '../../core/errors.ts';
import type { EntitiesReply, FetchEntities } from '../../gateway/cache/index.ts';
import { ledger } from '../../schema/sdl.ts';

export interface Tx {
  id: string;
  txid: string;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  from: string;
  to: string;
  amount: string;
  height?: number;
  index?: number;
}

export interface Model {
  blocks: Map<number, { height: number; hash: string; txs: string[] }>;
  txs: Map<string, Tx>;
  accounts: Map<string, { balance: number; nonce: number; history: string[] }>;
}

const page = <T>(items: T[], first: number) => ({
  edges: items.slice(0, first).map((node, i) => ({ cursor: String(i), node })),
  pageInfo: { hasNextPage: items.length > first, endCursor: items.length ? String(Math.min(first, items.length) - 1) : null },
});

export function ledgerModel(): Model {
  return { blocks: new Map(), txs: new Map(), accounts: new Map() };
}

/** Seals a block at the next height holding `txids` (each then CONFIRMED) and returns its height. */
export function seal(model: Model, txids: string[]): number {
  const height = model.blocks.size;
  model.blocks.set(height, { height, hash: `hash-${height}`, txs: txids });
  txids.forEach((id, index) => Object.assign(model.txs.get(id)!, { status: 'CONFIRMED', height, index }));
  return height;
}

export function memorySubgraph(model: Model) {
  const block = (height: number) => {
    const b = model.blocks.get(height);
    if (!b) throw aikiError('BLOCK_NOT_FOUND', `no block at height ${height}`);
    return b;
  };
  const tx = (id: string) => {
    const t = model.txs.get(id);
    if (!t) throw aikiError('TRANSACTION_NOT_FOUND', `no transaction ${id}`);
    return t;
  };
  const account = (id: string) => ({ id, ...(model.accounts.get(id) ?? { balance: 0, nonce: 0, history: [] }) });
  const schema = buildSubgraphSchema({
    typeDefs: ledger.typeDefs,
    resolvers: {
      Municipality: { __resolveReference: (ref: { code: string }) => ref, chain: (m: { code: string }) => ({ municipality: m.code }) },
      Chain: {
        height: () => model.blocks.size - 1,
        headHash: () => block(model.blocks.size - 1).hash,
        blocks: (_c: unknown, { first }: { first: number }) => page([...model.blocks.values()].reverse(), first),
      },
      Block: {
        __resolveReference: async (ref: { id: string }) => block(Number(ref.id.split(':')[1])), // async, as the ledger's: a miss is an error at its index
        id: (b: { height: number }) => `kyoto:${b.height}`,
        transactions: (b: { txs: string[] }, { first }: { first: number }) => page(b.txs.map(tx), first),
      },
      Transaction: {
        __resolveReference: async (ref: { id: string }) => tx(ref.id),
        kind: () => 'TRANSFER',
        height: (t: Tx) => (t.status === 'CONFIRMED' ? t.height : null),
        block: (t: Tx) => (t.status === 'CONFIRMED' ? block(t.height!) : null),
        proof: (t: Tx) =>
          t.status === 'CONFIRMED'
            ? { txid: t.txid, index: t.index, treeSize: block(t.height!).txs.length, path: [`path-${t.txid}`], root: `root-${t.height}` }
            : null,
        sender: (t: Tx) => account(t.from),
      },
      Account: {
        __resolveReference: (ref: { id: string }) => account(ref.id),
        balance: (a: { balance: number }) => String(a.balance),
        transactions: (a: { history: string[] }, { first }: { first: number }) => page(a.history.map(tx), first),
      },
    },
  });
  const calls: Array<{ query: string; representations: unknown[] }> = [];
  const fetch: FetchEntities = async (query, variables, representations) => {
    calls.push({ query, representations });
    const result = await execute({ schema, document: parse(query), variableValues: { ...variables, representations } });
    return JSON.parse(JSON.stringify(result)) as EntitiesReply;
  };
  return { fetch, calls };
}

export const entities = (selection: string, variables = '') =>
  `query($representations: [_Any!]!${variables}) { _entities(representations: $representations) { ${selection} } }`;
