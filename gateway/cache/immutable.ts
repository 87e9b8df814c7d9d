/**
 * What of the ledger contract (schema/ledger.graphql) never changes, and so may be cached without
 * expiry. A municipal ledger only appends: a block is inserted once under its height and never
 * rewritten (docs/LEDGER.md, "What is atomic"), and a transaction, once in a block, stays there.
 * So:
 *
 * - a `Block` that resolves at all is sealed, and every field below is fixed for good — its
 *   `transactions` included (the list of a sealed block, each one CONFIRMED);
 * - a `Transaction` is fixed once its status is CONFIRMED. PENDING becomes CONFIRMED or REJECTED;
 *   REJECTED is not final either (subgraphs/ledger/models.ts: a confirmed entry wins over a
 *   pending one, a pending one over a rejection — a resubmitted or settled entry moves on), so
 *   only CONFIRMED is cached, decided from the answer;
 * - `Account` (balance, nonce, history), `Chain` (head, height, blocks) and `Municipality.chain`
 *   change with every block: never cached. `Transaction.sender` and `.recipient` lead there.
 *
 * The fields are listed one by one rather than "everything but Account and Chain": a field added
 * to the contract later is treated as mutable until someone decides otherwise — here, or for blocks
 * and transactions in schema/sealedFields.ts, the one list the ledger's state labels use too
 * (test/unit/cache.entityQuery.test.ts checks these lists against the contract).
 */
import { CONFIRMED_TRANSACTION_FIELDS, SEALED_BLOCK_FIELDS } from '../../schema/index.ts';

/** Entity types whose answer can be immutable, and the one key field each is fetched by. */
export const CACHEABLE_ENTITIES = new Set(['Block', 'Transaction']);

/** Per type, the fields whose value never changes once the entity is sealed or confirmed. */
export const IMMUTABLE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  Block: new Set(SEALED_BLOCK_FIELDS),
  Allocation: new Set(['address', 'amount']),
  // Not `sender` and `recipient`: accounts.
  Transaction: new Set(CONFIRMED_TRANSACTION_FIELDS),
  Rejection: new Set(['code', 'message']),
  InclusionProof: new Set(['txid', 'index', 'treeSize', 'path', 'root', 'header', 'parent', 'poh']),
  BlockHeader: new Set(['v', 'municipality', 'height', 'prevHash', 'time', 'txRoot', 'txCount', 'pohEnd', 'pohCount', 'sequencer', 'hash', 'signature']),
  PohPosition: new Set(['ticks', 'hash', 'start', 'segment']),
  PohEntry: new Set(['ticks', 'event', 'hash']),
  // Reached only from a Block here (Block.transactions): a sealed block's page never changes.
  // Account.transactions has the same type, but an Account is never walked as immutable.
  TransactionConnection: new Set(['edges', 'pageInfo']),
  TransactionEdge: new Set(['cursor', 'node']),
  PageInfo: new Set(['hasNextPage', 'endCursor']),
};

/** Whether one entity of the answer is immutable: it exists, and a transaction is CONFIRMED. */
export function immutableAnswer(typename: string, entity: unknown, status: unknown): boolean {
  if (entity === null || typeof entity !== 'object') return false;
  if (typename === 'Block') return true;
  if (typename === 'Transaction') return status === 'CONFIRMED';
  return false;
}
