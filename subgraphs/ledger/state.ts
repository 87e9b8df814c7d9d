/**
 * State labels: telling the gateway that an answer is exactly this ledger's state at one height,
 * so that it may keep the answer until the head moves (gateway/cache/StateCache.ts,
 * docs/GATEWAY.md "State cache").
 *
 * Everything a read answers is derived from sealed blocks — balances, nonces, histories, block
 * pages, the head — except what a transaction lookup finds outside the blocks: a PENDING or
 * REJECTED entry, or nothing yet. So an answer is labelled with the head (height and hash) when:
 *
 * 1. at the start of the request, before any resolver reads, every committed block is applied
 *    (`meta.applied` = the newest block): the state read is at least the state at that head;
 * 2. no resolver read state outside the blocks (`volatile`, set by loadTransaction);
 * 3. the answer has no errors.
 *
 * The gateway uses the label only while the ledger still gives the same one (asked at
 * `POST /state`, runtime/stateLabel.ts: every committed block applied, and the newest the labelled
 * one). Then no block was committed after the label was taken, so none was applied either (a
 * block is committed before it is applied, docs/LEDGER.md): the answer is exactly what the ledger
 * would answer now. Any newer block — even one only committed, not applied yet — makes it unusable.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { blockKey } from '../../db/mongo.ts';
import { CONFIRMED_TRANSACTION_FIELDS, SEALED_BLOCK_FIELDS } from '../../schema/index.ts';
import type { DocumentNode } from 'graphql';
import { STATE_EXTENSION, unvouchedFields, type StateLabel } from '../../runtime/stateLabel.ts';
import type { SealedCache } from './sealed.ts';
import type { LedgerStore } from './store.ts';

/** What a request records about the state it reads. */
export interface RequestState {
  /** The head at the start of the request, when every committed block was applied; else undefined. */
  label?: StateLabel;
  /** A resolver read something not derived from sealed blocks. */
  volatile: boolean;
}

/**
 * The newest sealed block's height, exact at the moment of the read: blocks are never deleted and
 * their heights are contiguous, so once a height is known sealed the head is at least there, and
 * the head now is the last of the blocks that follow it. Steady state: one `_id` probe for the next
 * height (FerretDB pushes down nothing else, docs/DATABASE.md); a block found is read whole and kept
 * in the sealed cache, where the request that asked for the head will look for it.
 */
export class HeadReader {
  /** The highest height known to be sealed; -1: not read yet. */
  private known = -1;

  constructor(
    private readonly store: LedgerStore,
    private readonly sealed: SealedCache,
    /** The chain as the lease holder knows it for certain, without a read (Sequencer.knownHead); undefined: read. */
    readonly sure: () => { height: number; hash: string; applied: boolean } | undefined = () => undefined,
  ) {}

  async height(): Promise<number> {
    const sure = this.sure();
    if (sure) return (this.known = Math.max(this.known, sure.height));
    if (this.known < 0) this.known = Math.max(this.known, await appliedHeight(this.store));
    let height = this.known;
    for (let next; (next = await this.store.blocks.findOne({ _id: blockKey(height + 1) })); height++) this.sealed.putBlock(next);
    return (this.known = Math.max(this.known, height));
  }
}

/** The height up to which blocks are applied to the derived state (`meta.applied`). */
async function appliedHeight(store: LedgerStore): Promise<number> {
  return (await store.meta.findOne({ _id: 'applied' }))?.height ?? 0;
}

/**
 * The head, if every committed block is applied; undefined while one is being applied. One round
 * trip while the head stays: `meta.applied` and the probe for the next block together, the head's
 * hash from the sealed cache.
 */
export class LabelReader {
  constructor(
    private readonly store: LedgerStore,
    private readonly heads: HeadReader,
    private readonly sealed: SealedCache,
  ) {}

  async read(): Promise<StateLabel | undefined> {
    const sure = this.heads.sure();
    if (sure) return sure.applied ? { height: sure.height, hash: sure.hash } : undefined;
    const [applied, height] = await Promise.all([appliedHeight(this.store), this.heads.height()]);
    if (applied !== height) return undefined; // a block committed and not applied yet
    let head = this.sealed.block(height);
    if (!head) {
      const read = await this.store.blocks.findOne({ _id: blockKey(height) });
      if (!read) return undefined;
      this.sealed.putBlock((head = read));
    }
    return { height, hash: head.hash };
  }
}

/**
 * The fields whose resolvers read only sealed blocks and what derives from them (the head,
 * balances, nonces, histories) — or nothing but their parent and the request — so that an answer
 * made of them is exactly the state at its label. Every other field with a resolver of its own
 * leaves the answer unlabelled: a field added later is not kept by the gateway until it is
 * listed here (runtime/stateLabel.ts `unvouchedFields`). A transaction lookup may still find
 * state outside the blocks (pending, rejected, unknown) and says so at run time (`volatile`).
 */
export const FROM_SEALED_BLOCKS: ReadonlySet<string> = new Set(
  Object.entries({
    Municipality: ['__resolveReference', 'chain'],
    Chain: ['municipality', 'height', 'headHash', 'headTime', 'head', 'blocks', 'blocksFrom', 'block', 'checkpoint', 'consistency', 'transaction', 'account'],
    Block: ['__resolveReference', ...SEALED_BLOCK_FIELDS],
    Transaction: ['__resolveReference', ...CONFIRMED_TRANSACTION_FIELDS, 'sender', 'recipient'],
    Account: ['__resolveReference', 'id', 'municipality', 'balance', 'nonce', 'transactions'],
  }).flatMap(([type, fields]) => fields.map((field) => `${type}.${field}`)),
);

/** Whether `resolvers` has a resolver of its own for `type.field`. */
const resolvedBy = (resolvers: Record<string, unknown>) => (type: string, field: string) =>
  typeof (resolvers[type] as Record<string, unknown> | undefined)?.[field] === 'function';

/** Adds the label to an answer that qualifies (see the file's comment): a query, of vouched fields only. */
export function statePlugin<TContext extends { state?: RequestState }>(
  resolvers: Record<string, unknown>,
  vouched: ReadonlySet<string> = FROM_SEALED_BLOCKS,
): ApolloServerPlugin<TContext> {
  const resolved = resolvedBy(resolvers);
  const verdicts = new WeakMap<DocumentNode, boolean>(); // Apollo keeps one parsed document per query text
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, document, schema }) {
          const state = contextValue.state;
          if (!state?.label || state.volatile || operation?.operation !== 'query' || !document || response.body.kind !== 'single') return;
          let vouchedFor = verdicts.get(document);
          if (vouchedFor === undefined) verdicts.set(document, (vouchedFor = unvouchedFields(schema, document, resolved, vouched).length === 0));
          if (!vouchedFor) return;
          const result = response.body.singleResult;
          if (result.errors?.length || !result.data) return;
          result.extensions = { ...result.extensions, [STATE_EXTENSION]: state.label };
        },
      };
    },
  };
}
