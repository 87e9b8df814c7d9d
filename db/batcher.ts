/**
 * Group commit for inserts: callers insert one document each and get their own outcome, while
 * the documents that arrive during one write go to the database together in the next
 * `insertMany`. Each caller is still acknowledged only once its document is durably written;
 * what changes is that a commit (and its fsync) is shared. Measured on FerretDB/SQLite, where
 * every commit syncs the log: docs/BENCHMARKS.md.
 */
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

interface Waiting<T> {
  doc: OptionalUnlessRequiredId<T>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class InsertBatcher<T extends Document> {
  private queue: Waiting<T>[] = [];
  private writing = false;

  constructor(
    private readonly collection: Collection<T>,
    private readonly maxBatch = 1000,
  ) {}

  /** Inserts `doc`; rejects with that document's own error (for example a duplicate key, code 11000). */
  insert(doc: OptionalUnlessRequiredId<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.collection.insertMany(
            batch.map((w) => w.doc),
            { ordered: false },
          );
          for (const w of batch) w.resolve();
        } catch (err) {
          // An unordered insertMany reports each failed document by its index; the rest are written.
          const writeErrors = writeErrorsOf(err);
          if (writeErrors.length === 0) {
            for (const w of batch) w.reject(err);
            continue;
          }
          const failed = new Map(writeErrors.map((e) => [e.index, e]));
          batch.forEach((w, i) => {
            const e = failed.get(i);
            if (e) w.reject(Object.assign(new Error(e.errmsg ?? `write error ${e.code}`), { code: e.code }));
            else w.resolve();
          });
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

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
