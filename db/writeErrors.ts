/**
 * What a refused write means. Correctness here rests on unique-key inserts (docs/DATABASE.md): when
 * a unique index refuses an insert (MongoDB's E11000), the document is stored already — by an
 * earlier attempt of this process or by another replica — and the writer takes it as written.
 */
import { MongoServerError } from 'mongodb';

/** MongoDB's code for a write a unique index refused. */
export const DUPLICATE_KEY = 11000;

export interface WriteErrorInfo {
  index: number;
  code: number;
  errmsg?: string;
}

/** The per-document errors of a failed bulk write (the driver types them as one or many). */
export function writeErrorsOf(err: unknown): WriteErrorInfo[] {
  const writeErrors = (err as { writeErrors?: WriteErrorInfo | WriteErrorInfo[] } | null)?.writeErrors;
  return writeErrors ? [writeErrors].flat() : [];
}

/** Whether a write failed because a unique index refused it. */
export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/**
 * For an unordered `insertMany` that failed: the positions of the documents a unique index refused
 * (stored already; every other document was written), when those are all its errors. Any other
 * failure is thrown again. `.catch((err) => void alreadyStored(err))` ignores what was there.
 */
export function alreadyStored(err: unknown): number[] {
  const errors = writeErrorsOf(err);
  if (errors.length === 0 || !errors.every((e) => e.code === DUPLICATE_KEY)) throw err;
  return errors.map((e) => e.index);
}
