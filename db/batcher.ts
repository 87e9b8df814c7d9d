/**
 * Group commit: callers add one item each, and the items that arrive during one write go to the
 * database together in the next one. Each caller is still answered only once its item is durably
 * written (with the write's result, or its error); what changes is that a commit (and its fsync)
 * is shared. Measured on FerretDB/SQLite, where every commit syncs the log: docs/BENCHMARKS.md.
 */
interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private writing = false;

  /** `write` stores its items all or none (for example one document holding them all). */
  constructor(
    private readonly write: (items: T[]) => Promise<R>,
    private readonly maxBatch = 1000,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const result = await this.write(batch.map((w) => w.item));
          for (const w of batch) w.resolve(result);
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
