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
import { STATE_EXTENSION, type StateLabel } from '../../runtime/stateLabel.ts';
import type { LedgerStore } from './store.ts';

/** What a request records about the state it reads. */
export interface RequestState {
  /** The head at the start of the request, when every committed block was applied; else undefined. */
  label?: StateLabel;
  /** A resolver read something not derived from sealed blocks. */
  volatile: boolean;
}

/**
 * The head, if every committed block is applied; undefined while one is being applied. By `_id`
 * only (FerretDB). The last head's height is remembered as a guess, so that while the head stays
 * the answer takes one round trip: `meta.applied`, a probe for the next block and the guessed
 * head's hash, together; a wrong guess costs a second.
 */
export class LabelReader {
  private guess: number | undefined;

  constructor(private readonly store: LedgerStore) {}

  async read(): Promise<StateLabel | undefined> {
    if (this.guess !== undefined) {
      const label = await this.at(this.guess);
      if (label !== 'moved') return label;
    }
    const label = await this.at((await this.store.meta.findOne({ _id: 'applied' }))?.height ?? 0);
    return label === 'moved' ? undefined : label;
  }

  /** The label if `height` is the applied head and no block follows it; 'moved' if it is not the applied height. */
  private async at(height: number): Promise<StateLabel | undefined | 'moved'> {
    const [meta, next, head] = await Promise.all([
      this.store.meta.findOne({ _id: 'applied' }),
      this.store.blocks.findOne({ _id: blockKey(height + 1) }, { projection: { _id: 1 } }),
      this.store.blocks.findOne({ _id: blockKey(height) }, { projection: { hash: 1 } }),
    ]);
    if ((meta?.height ?? 0) !== height) return 'moved';
    if (next || !head) return undefined; // a block committed and not applied yet
    this.guess = height;
    return { height, hash: head.hash };
  }
}

/** Adds the label to an answer that qualifies (see the file's comment). */
export function statePlugin<TContext extends { state?: RequestState }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const state = contextValue.state;
          if (!state?.label || state.volatile || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || !result.data) return;
          result.extensions = { ...result.extensions, [STATE_EXTENSION]: state.label };
        },
      };
    },
  };
}
