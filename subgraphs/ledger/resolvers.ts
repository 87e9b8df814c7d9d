/** Resolvers of the municipal ledger subgraph (schema/ledger.graphql). */
import { oneBatch } from '../../db/mongo.ts';
import { aikiError, bytesToHex, hexToBytes, inclusionProof, isMunicipalityCode, parseAddress, splitLedgerId } from '../../core/index.ts';
import type { Resolvers } from '../../schema/generated/ledger.ts';
import type { LedgerContext } from './context.ts';
import { blockKey, confirmedModel, transactionModel, type AccountModel, type BlockDoc, type TransactionModel } from './models.ts';

const MAX_PAGE = 100;
const MAX_BATCH = 1000;
const TXID = /^[0-9a-f]{64}$/;

function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw aikiError('BAD_USER_INPUT', `first must be 1–${MAX_PAGE} (got ${n})`, { field: 'first' });
  return n;
}

function cursorNumber(after: string | null | undefined): number | undefined {
  if (after == null) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(after)) throw aikiError('BAD_USER_INPUT', `after is not a cursor from this connection: ${JSON.stringify(after)}`, { field: 'after' });
  return Number(after);
}

/** The local part of a ledger entity id `<municipality>:<local>`, checking that it names this ledger. */
function localId(id: unknown, ctx: LedgerContext, local: RegExp): string {
  const parts = splitLedgerId(id, local);
  if (!parts) throw aikiError('MALFORMED_REPRESENTATION', `not a ledger id "<municipality>:${local.source.replace(/^\^|\$$/g, '')}": ${JSON.stringify(id ?? null)}`);
  checkMunicipality(parts.municipality, ctx);
  return parts.local;
}

async function loadTransaction(txid: string, ctx: LedgerContext): Promise<TransactionModel | null> {
  const { loaders } = ctx;
  const [at, pending, rejected] = await Promise.all([loaders.txIndex.load(txid), loaders.pending.load(txid), loaders.rejected.load(txid)]);
  const block = at ? await loaders.block.load(at.height) : null;
  const model = transactionModel(txid, { at, block, pending, rejected });
  // Pending, rejected or unknown: state outside the blocks, which changes without a new head (state.ts).
  if (model?.status !== 'CONFIRMED' && ctx.state) ctx.state.volatile = true;
  return model;
}

async function loadAccount(address: string, ctx: LedgerContext): Promise<AccountModel> {
  const { municipality } = parseAddress(address);
  checkMunicipality(municipality, ctx);
  const doc = await ctx.loaders.account.load(address);
  return { address, balance: doc?.balance ?? 0, nonce: doc?.nonce ?? 0 };
}

function checkMunicipality(requested: string, ctx: LedgerContext): void {
  if (requested !== ctx.municipality) {
    throw aikiError('WRONG_MUNICIPALITY', `this is the ledger of ${ctx.municipality}, not of ${requested}`, { municipality: requested, served: ctx.municipality });
  }
}

function blockEdges(blocks: BlockDoc[], first: number) {
  const page = blocks.slice(0, first);
  return {
    edges: page.map((b) => ({ cursor: String(b.height), node: b })),
    pageInfo: { hasNextPage: blocks.length > first, endCursor: page.length ? String(page[page.length - 1]!.height) : null },
  };
}

export const resolvers: Resolvers = {
  Mutation: {
    submitTransaction: async (_root, { municipality, transaction }, ctx) => {
      checkMunicipality(municipality, ctx);
      const [result] = await ctx.admission.submit([transaction], { forwarded: ctx.forwarded });
      if (result instanceof Error) throw result;
      return result!;
    },
    submitTransactions: async (_root, { municipality, transactions }, ctx) => {
      checkMunicipality(municipality, ctx);
      if (transactions.length > MAX_BATCH) throw aikiError('BAD_USER_INPUT', `at most ${MAX_BATCH} transactions per batch (got ${transactions.length})`, { field: 'transactions' });
      // In order: a sender's nonces n, n+1, … in one batch are admitted one after the other.
      const results = await ctx.admission.submit(transactions, { forwarded: ctx.forwarded });
      // An Error item becomes null with its error at that index (graphql-js list completion).
      return results as TransactionModel[];
    },
    settle: async (_root, { municipality, orders }, ctx) => {
      checkMunicipality(municipality, ctx);
      if (orders.length > MAX_BATCH) throw aikiError('BAD_USER_INPUT', `at most ${MAX_BATCH} orders per call (got ${orders.length})`, { field: 'orders' });
      return (await ctx.admission.settle(orders, { forwarded: ctx.forwarded })) as TransactionModel[];
    },
    abortSettlement: async (_root, { municipality, order, signature }, ctx) => {
      checkMunicipality(municipality, ctx);
      return ctx.admission.abortSettlement(order, signature, { forwarded: ctx.forwarded });
    },
  },

  Municipality: {
    /**
     * Only this municipality's own entity resolves here: the shard router sends each
     * representation to the ledger it names, so a mismatch means a misrouted or forged request.
     */
    __resolveReference(ref: { code?: unknown }, ctx) {
      if (!isMunicipalityCode(ref.code)) {
        throw aikiError('MALFORMED_REPRESENTATION', `Municipality representation needs a municipality code, got ${JSON.stringify(ref.code ?? null)}`);
      }
      checkMunicipality(ref.code, ctx);
      return { code: ref.code };
    },
    chain: (_parent, _args, { municipality }) => ({ municipality }),
  },

  Chain: {
    municipality: (chain) => chain.municipality,
    height: async (_chain, _args, { loaders }) => (await loaders.head()).height,
    headHash: async (_chain, _args, { loaders }) => (await loaders.head()).hash,
    headTime: async (_chain, _args, { loaders }) => (await loaders.head()).header.time,
    head: async (_chain, _args, { loaders }) => (await loaders.block.load((await loaders.head()).height))!,
    blocks: async (_chain, { first, after }, { store }) => {
      const n = pageSize(first, 20);
      const before = cursorNumber(after);
      const blocks = await store.blocks.find(before === undefined ? {} : { _id: { $lt: blockKey(before) } }, oneBatch(n + 1)).sort({ _id: -1 }).toArray();
      return blockEdges(blocks, n);
    },
    block: async (_chain, { height, hash }, { store, loaders }) => {
      if ((height == null) === (hash == null)) throw aikiError('BAD_USER_INPUT', 'give exactly one of height and hash', { field: 'height' });
      if (height != null) {
        if (!Number.isSafeInteger(height) || height < 0) throw aikiError('BAD_USER_INPUT', `height must be >= 0 (got ${height})`, { field: 'height' });
        return loaders.block.load(height);
      }
      if (!TXID.test(hash!)) throw aikiError('BAD_USER_INPUT', 'hash must be 64 lower-case hex characters', { field: 'hash' });
      return store.blocks.findOne({ hash: hash! });
    },
    transaction: async (_chain, { txid }, ctx) => {
      if (!TXID.test(txid)) throw aikiError('BAD_USER_INPUT', 'txid must be 64 lower-case hex characters', { field: 'txid' });
      return loadTransaction(txid, ctx);
    },
    account: (_chain, { address }, ctx) => loadAccount(address, ctx),
  },

  Block: {
    __resolveReference: async (ref: { id?: unknown }, ctx) => {
      const height = Number(localId(ref.id, ctx, /^(0|[1-9][0-9]{0,15})$/));
      const block = await ctx.loaders.block.load(height);
      if (!block) throw aikiError('BLOCK_NOT_FOUND', `no block at height ${height} on ${ctx.municipality}`, { municipality: ctx.municipality });
      return block;
    },
    id: (b) => `${b.header.municipality}:${b.height}`,
    municipality: (b) => b.header.municipality,
    height: (b) => b.height,
    hash: (b) => b.hash,
    prevHash: (b) => b.header.prevHash,
    time: (b) => b.header.time,
    txRoot: (b) => b.header.txRoot,
    txCount: (b) => b.header.txCount,
    pohEnd: (b) => b.header.pohEnd,
    pohCount: (b) => b.header.pohCount,
    sequencer: (b) => b.header.sequencer,
    signature: (b) => b.signature,
    transactions: (b, { first, after }) => {
      const n = pageSize(first, 100);
      const start = after == null ? 0 : cursorNumber(after)! + 1;
      const page = b.txs.slice(start, start + n);
      return {
        edges: page.map((tx, i) => ({
          cursor: String(start + i),
          node: confirmedModel(tx, b.height, start + i),
        })),
        pageInfo: { hasNextPage: start + n < b.txs.length, endCursor: page.length ? String(start + page.length - 1) : null },
      };
    },
  },

  Transaction: {
    __resolveReference: async (ref: { id?: unknown }, ctx) => {
      const txid = localId(ref.id, ctx, TXID);
      const tx = await loadTransaction(txid, ctx);
      if (!tx) throw aikiError('TRANSACTION_NOT_FOUND', `no transaction ${txid} on ${ctx.municipality}`, { municipality: ctx.municipality });
      return tx;
    },
    id: (t, _args, { municipality }) => `${municipality}:${t.txid}`,
    txid: (t) => t.txid,
    municipality: (_t, _args, { municipality }) => municipality,
    status: (t) => t.status,
    rejection: (t) => (t.status === 'REJECTED' ? { code: t.code, message: t.message } : null),
    kind: (t) => (t.body.type === 'transfer' ? 'TRANSFER' : t.body.type === 'credit' ? 'CREDIT' : 'REFUND'),
    settlement: (t, _args, { municipality }) => {
      if (t.body.type === 'transfer') return null;
      const source = t.body.type === 'credit' ? parseAddress(t.body.from).municipality : municipality;
      return `${source}:${t.body.settlement}`;
    },
    from: (t) => t.body.from,
    to: (t) => t.body.to,
    amount: (t) => t.body.amount,
    nonce: (t) => (t.body.type === 'transfer' ? t.body.nonce : 0),
    memo: (t) => (t.body.type === 'transfer' ? t.body.memo : ''),
    time: (t) => t.body.time,
    signature: (t) => t.signature,
    sender: (t, _args, ctx) => (t.body.type === 'transfer' ? loadAccount(t.body.from, ctx) : null),
    recipient: (t, _args, ctx) => (t.body.to.startsWith(`${ctx.municipality}:`) ? loadAccount(t.body.to, ctx) : null),
    height: (t) => (t.status === 'CONFIRMED' ? t.height : null),
    block: (t, _args, { loaders }) => (t.status === 'CONFIRMED' ? loaders.block.load(t.height) : null),
    proof: async (t, _args, { loaders }) => {
      if (t.status !== 'CONFIRMED') return null;
      const block = (await loaders.block.load(t.height))!;
      const parent = (await loaders.block.load(t.height - 1))!;
      const leaves = block.txs.map((tx) => hexToBytes(tx.id));
      return {
        txid: t.txid,
        index: t.index,
        treeSize: leaves.length,
        path: inclusionProof(leaves, t.index).map(bytesToHex),
        root: block.header.txRoot,
        header: { ...block.header, hash: block.hash, signature: block.signature },
        poh: { ...block.txs[t.index]!.poh, start: parent.header.pohEnd, segment: block.txs.map((tx) => tx.poh) },
      };
    },
  },

  Account: {
    __resolveReference: (ref: { id?: unknown }, ctx) => loadAccount(String(ref.id ?? ''), ctx),
    id: (a) => a.address,
    municipality: (_a, _args, { municipality }) => municipality,
    balance: (a) => String(a.balance),
    nonce: (a) => a.nonce,
    transactions: async (a, { first, after }, { store, loaders }) => {
      const n = pageSize(first, 20);
      // Newest first. A cursor is `<address>|<height>|<index>`; history documents hold one block's
      // transactions of the account each (models.ts), so n + 1 of them hold at least n + 1.
      const prefix = `${a.address}|`;
      const cursor = after == null ? undefined : /^(\d{12})\|(\d{1,6})$/.exec(after.startsWith(prefix) ? after.slice(prefix.length) : '');
      if (after != null && !cursor) throw aikiError('BAD_USER_INPUT', 'after is not a cursor from this connection', { field: 'after' });
      const [beforeHeight, beforeIndex] = cursor ? [Number(cursor[1]), Number(cursor[2])] : [Infinity, Infinity];
      const upper = cursor ? `${prefix}${cursor[1]}` : `${prefix}~`;
      const groups = await store.history.find({ _id: { $gt: prefix, $lte: upper } }, oneBatch(n + 1)).sort({ _id: -1 }).toArray();
      const entries = groups.flatMap((g) =>
        g.indexes
          .filter((index) => g.height < beforeHeight || index < beforeIndex)
          .reverse()
          .map((index) => ({ height: g.height, index })),
      );
      const page = entries.slice(0, n);
      const blocks = await Promise.all(page.map((e) => loaders.block.load(e.height)));
      return {
        edges: page.map((e, i) => ({
          cursor: `${prefix}${blockKey(e.height)}|${e.index}`,
          node: confirmedModel(blocks[i]!.txs[e.index]!, e.height, e.index),
        })),
        pageInfo: { hasNextPage: entries.length > n, endCursor: page.length ? `${prefix}${blockKey(page[page.length - 1]!.height)}|${page[page.length - 1]!.index}` : null },
      };
    },
  },
};
