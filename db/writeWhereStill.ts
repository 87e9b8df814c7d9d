/**
 * Guarded writes by `_id`: update (or delete) each document only where the stored document still
 * shows what the caller last knew of it — a proposal still VOTING, a claim still naming its number,
 * a lease still ours, a settlement not showing a step yet — so that a late write never takes a
 * document back.
 *
 * - MongoDB (`lookups` batched): the condition is part of each write's filter, `{_id, ...still}`:
 *   atomic.
 * - FerretDB (`lookups` per-key): a filter of more than `_id` reads the whole collection per
 *   statement (docs/DATABASE.md), and no update is atomic there anyway (docs/LEDGER.md, "What is
 *   atomic"): the documents are read by `_id` first (only the fields the conditions name), and only
 *   those that still match are written, by `_id` alone.
 *
 * One command for all the writes (unordered): callers keep to the statements a command may hold on
 * FerretDB (docs/DATABASE.md, "An update command of 100 statements never finishes").
 */
import type { AnyBulkWriteOperation, Collection, Filter, UpdateFilter } from 'mongodb';
import { findByIds, type Lookups } from './mongo.ts';

/**
 * What the stored document must still show: per field path (dotted, `steps.3` an array's element), a
 * value it equals (a string, number or boolean), or whether it exists (`{ $exists: false }`). Only
 * these, so that the same condition reads the same as a MongoDB filter and as a check of a read document.
 */
export type Still = Record<string, string | number | boolean | { $exists: boolean }>;

/** One guarded write: `update` the document `_id`, or `delete` it, only if it still shows `still`. */
export type GuardedWrite<T> = { _id: string; still: Still } & ({ update: UpdateFilter<T> } | { delete: true });

export async function writeWhereStill<T extends { _id: string }>(
  collection: Collection<T>,
  lookups: Lookups,
  writes: readonly GuardedWrite<T>[],
): Promise<void> {
  let due = writes;
  let filter = (w: GuardedWrite<T>): Filter<T> => ({ _id: w._id, ...w.still }) as Filter<T>;
  if (lookups === 'per-key') {
    const projection = Object.fromEntries(writes.flatMap((w) => Object.keys(w.still).map((path) => [path.split('.')[0]!, 1])));
    const ids = writes.map((w) => w._id);
    const stored = new Map((await findByIds(collection, ids, 'per-key', projection)).map((doc) => [doc._id, doc]));
    due = writes.filter((w) => {
      const doc = stored.get(w._id);
      return doc !== undefined && shows(doc, w.still);
    });
    filter = (w) => ({ _id: w._id }) as Filter<T>;
  }
  if (due.length === 0) return;
  const ops = due.map((w): AnyBulkWriteOperation<T> =>
    'delete' in w ? { deleteOne: { filter: filter(w) } } : { updateOne: { filter: filter(w), update: w.update } },
  );
  await collection.bulkWrite(ops, { ordered: false });
}

/** Whether `doc` shows `still`, as MongoDB would match it as a filter. */
export function shows(doc: unknown, still: Still): boolean {
  return Object.entries(still).every(([path, want]) => {
    const value = path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), doc);
    return typeof want === 'object' ? (value !== undefined) === want.$exists : value === want;
  });
}
