/**
 * The container of a backup archive (`aiki backup`, docs/OPERATIONS.md "The archive format"): one
 * record per line, each a JSON object in MongoDB Extended JSON v2, relaxed (plain JSON, with dates
 * as `{"$date": "<ISO 8601>"}`), UTF-8, `\n` after each. The last line is the trailer,
 * `{"end": {"records": <lines before it>, "sha256": <hex SHA-256 of every byte before it>, …}}`:
 * an archive cut short has none, and any byte changed outside what the chain's own signatures
 * cover is caught by the digest. The whole file is gzip-compressed when its name ends in `.gz`
 * (read either way: a reader looks at its first two bytes).
 *
 * A writer writes `<file>.partial` and renames it when the trailer is written, so an interrupted
 * backup never leaves a file that looks like an archive. What the records are is the chain's
 * business (subgraphs/ledger/archive.ts, subgraphs/mainchain/archive.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, closeSync, openSync, readSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { BSON, type Collection, type Db } from 'mongodb';
import { AikiError, aikiError } from '../core/errors.ts';
import { blockKey, findByIds, type Lookups } from './mongo.ts';

const { EJSON } = BSON;

/** The `format` of the first record (the header) of every chain's archive, at version `v: 1`. */
export const ARCHIVE_FORMAT = 'aiki-archive';

/** The fields of every chain's archive header, its first record `{ "archive": … }`; a chain's header adds its own. */
export interface ArchiveHeader<Chain extends string> {
  format: typeof ARCHIVE_FORMAT;
  v: 1;
  chain: Chain;
  /** Hex of the key that signed the genesis block. */
  sequencer: string;
  /** The database it was read from. */
  database: string;
  createdAt: string;
}

/** The header of a new archive of `chain`, read from `db`, whose genesis block is `genesis`. */
export function archiveHeader<Chain extends string>(chain: Chain, db: Db, genesis: { header: { sequencer: string } }): ArchiveHeader<Chain> {
  return { format: ARCHIVE_FORMAT, v: 1, chain, sequencer: genesis.header.sequencer, database: db.databaseName, createdAt: new Date().toISOString() };
}

/** Whether `value` is 64 lower-case hex characters (a key or a hash in an archive). */
export const isHex64 = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/** Where a reader found damage: the line, and the block (with its height) and check when there is one. */
export interface DamageAt {
  height?: number;
  check?: string;
  collection?: string;
}

/** ARCHIVE_INVALID for damage at `line`, naming the block (`<blockName> <height>`) when there is one; nothing is written. */
export function archiveInvalid(line: number, message: string, at: DamageAt = {}, blockName = 'block'): AikiError {
  const where = at.height !== undefined ? `${blockName} ${at.height} (line ${line})` : `line ${line}`;
  return aikiError('ARCHIVE_INVALID', `${where}${at.check ? `, ${at.check}` : ''}: ${message}. Nothing was written.`, { line, ...at });
}

/** The message of a coded error (with its code) or of any other. */
export const reasonOf = (err: unknown): string => (err instanceof AikiError ? `${err.code}: ${err.message}` : (err as Error).message);

/**
 * Checks what every archive header holds, for an archive of `chain` (`what`: the chain as a reader
 * names it; `key`: its genesis key as a reader names it), and returns it for the chain to check the
 * rest; ARCHIVE_INVALID at `line` otherwise.
 */
export function checkArchiveHeader<Header extends ArchiveHeader<string>>(
  value: unknown,
  line: number,
  expected: { chain: Header['chain']; what: string; key: string },
): Partial<Header> & ArchiveHeader<Header['chain']> {
  const invalid = (message: string) => archiveInvalid(line, message);
  const h = value as Partial<ArchiveHeader<string>> | null | undefined;
  if (typeof h !== 'object' || h === null) throw invalid('the archive header is not an object');
  if (h.format !== ARCHIVE_FORMAT || h.v !== 1) throw invalid(`not an ${ARCHIVE_FORMAT} version 1 (format ${String(h.format)}, v ${String(h.v)})`);
  if (h.chain !== expected.chain) throw invalid(`this is an archive of ${String(h.chain)}, not of ${expected.what}`);
  if (!isHex64(h.sequencer)) throw invalid(`the archive header has no ${expected.key} key`);
  return h as Partial<Header> & ArchiveHeader<Header['chain']>;
}

export type ArchiveRecord = Record<string, unknown>;

/** What the trailer says, with what the writer measured. */
export interface ArchiveEnd {
  records: number;
  sha256: string;
  /** Bytes before the trailer, uncompressed. */
  bytes: number;
}

/** One record as JSON text (Extended JSON v2, relaxed). */
export function encodeRecord(record: ArchiveRecord): string {
  return EJSON.stringify(record, { relaxed: true });
}

export class ArchiveWriter {
  private readonly hash: Hash = createHash('sha256');
  private records = 0;
  private bytes = 0;
  private readonly file: WriteStream;
  private readonly gzip: Gzip | undefined;
  private readonly partial: string;
  private done = false;

  /** Starts `<path>.partial`; gzip-compressed when `path` ends in `.gz`. */
  constructor(readonly path: string) {
    this.partial = `${path}.partial`;
    this.file = createWriteStream(this.partial, { flags: 'w', mode: 0o600 });
    if (path.endsWith('.gz')) {
      this.gzip = createGzip({ level: 6 });
      this.gzip.pipe(this.file);
    }
  }

  private get sink(): NodeJS.WritableStream {
    return this.gzip ?? this.file;
  }

  /** Appends one record; waits when the file is behind (the archive is streamed, never held in memory). */
  async write(record: ArchiveRecord): Promise<void> {
    const bytes = Buffer.from(`${encodeRecord(record)}\n`, 'utf8');
    this.hash.update(bytes);
    this.records++;
    this.bytes += bytes.length;
    if (!this.sink.write(bytes)) await once(this.sink as NodeJS.EventEmitter, 'drain');
  }

  /** Writes the trailer (with `extra` fields beside records and sha256), closes the file and gives it its name. */
  async finish(extra: Record<string, unknown> = {}): Promise<ArchiveEnd & { fileBytes: number }> {
    const end: ArchiveEnd = { records: this.records, sha256: this.hash.digest('hex'), bytes: this.bytes };
    this.sink.write(Buffer.from(`${encodeRecord({ end: { ...extra, records: end.records, sha256: end.sha256 } })}\n`, 'utf8'));
    this.sink.end();
    await finished(this.file);
    renameSync(this.partial, this.path);
    this.done = true;
    return { ...end, fileBytes: statSync(this.path).size };
  }

  /** Removes the unfinished file (after a failure). */
  async abort(): Promise<void> {
    if (this.done) return;
    this.gzip?.destroy();
    this.file.destroy();
    rmSync(this.partial, { force: true });
  }
}

/** A line that cannot be read as a record, or an archive that does not end as one must. */
export class ArchiveDamage extends Error {
  constructor(
    /** The line (1-based) where it was found. */
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Whether the file starts with gzip's magic bytes. */
function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * The records of an archive in order, each with its line number, the trailer checked at the end
 * (its record count and the digest of every byte before it). Throws {@link ArchiveDamage} at the
 * first line that is not a JSON object, when the compressed stream breaks, when there is no
 * trailer, when anything follows it, or when its digest or count differs.
 */
export async function* readArchive(path: string): AsyncGenerator<{ line: number; record: ArchiveRecord }, ArchiveEnd> {
  const raw = createReadStream(path);
  const input = isGzip(path) ? raw.pipe(createGunzip()) : raw;
  let failure: Error | undefined;
  raw.on('error', (err) => (failure = err));
  input.on('error', (err: Error) => (failure = err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  const hash = createHash('sha256');
  let line = 0;
  let bytes = 0;
  let end: Record<string, unknown> | undefined;
  try {
    for await (const text of lines) {
      line++;
      if (end) throw new ArchiveDamage(line, `line ${line} follows the trailer: the archive was altered`);
      let record: unknown;
      try {
        record = EJSON.parse(text, { relaxed: true });
      } catch (err) {
        throw new ArchiveDamage(line, `line ${line} is not a JSON record (${(err as Error).message.slice(0, 120)})`);
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new ArchiveDamage(line, `line ${line} is not a JSON object`);
      const r = record as ArchiveRecord;
      if (Object.keys(r).length === 1 && typeof r.end === 'object' && r.end !== null) {
        end = r.end as Record<string, unknown>;
        continue;
      }
      const buf = Buffer.from(`${text}\n`, 'utf8');
      hash.update(buf);
      bytes += buf.length;
      yield { line, record: r };
    }
  } catch (err) {
    if (err instanceof ArchiveDamage) throw err;
    throw new ArchiveDamage(line + 1, `the archive cannot be read past line ${line}: ${(err as Error).message}`);
  } finally {
    lines.close();
    raw.destroy();
  }
  if (failure) throw new ArchiveDamage(line + 1, `the archive cannot be read past line ${line}: ${failure.message}`);
  if (!end) throw new ArchiveDamage(line + 1, `the archive ends at line ${line} without its trailer: it was cut short`);
  const sha256 = hash.digest('hex');
  if (end.records !== line - 1) throw new ArchiveDamage(line, `the trailer counts ${String(end.records)} records, the archive has ${line - 1}`);
  if (end.sha256 !== sha256) throw new ArchiveDamage(line, `the archive's bytes hash to ${sha256}, its trailer says ${String(end.sha256)}: it was altered`);
  return { records: line - 1, sha256, bytes };
}

/** The first record of an archive (what it holds), or undefined when it has none that can be read. */
export async function readArchiveHeader(path: string): Promise<ArchiveRecord | undefined> {
  const reader = readArchive(path);
  try {
    const first = await reader.next();
    return first.done ? undefined : (first.value.record.archive as ArchiveRecord | undefined);
  } catch {
    return undefined;
  } finally {
    await reader.return({ records: 0, sha256: '', bytes: 0 });
  }
}

/** Refuses a database that holds any document (RESTORE_TARGET_NOT_EMPTY): a restore writes only into an empty one. */
export async function assertEmpty(db: Db): Promise<void> {
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue;
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) {
      throw aikiError(
        'RESTORE_TARGET_NOT_EMPTY',
        `database ${db.databaseName} is not empty (collection ${name} holds documents): a restore writes only into an empty database. Nothing was written.`,
        { database: db.databaseName, collection: name },
      );
    }
  }
}

/** Blocks read by `_id` per batch while a chain is archived. */
const READ_BATCH = 64;

/** What a backup that follows its chain (`aiki backup --follow`) is told: when to stop, how often to look for a new block. */
export interface Follow {
  stopped: () => boolean;
  pollMs: number;
}

/**
 * Every block of a chain from height 0, in order, handed to `each` ({@link READ_BATCH} read by
 * `_id` at a time; of each batch only the contiguous prefix: a block read by a later findOne may have
 * been sealed after an earlier one missed, and is read again with the next batch). At the head it
 * returns — or, with `follow`, waits for the next block until told to stop, then reads to the head
 * once more. Returns how many blocks it read and the last.
 */
export async function eachBlock<T extends { _id: string; height: number; hash: string }>(
  blocks: Collection<T>,
  lookups: Lookups,
  each: (doc: T) => Promise<void>,
  opts: { follow?: Follow; progress?: (p: { height: number; blocks: number }) => void } = {},
): Promise<{ blocks: number; head: { height: number; hash: string } | undefined }> {
  let next = 0;
  let head: { height: number; hash: string } | undefined;
  for (;;) {
    const heights = Array.from({ length: READ_BATCH }, (_, i) => next + i);
    const found = new Map((await findByIds(blocks, heights.map(blockKey), lookups)).map((d) => [d.height, d]));
    let read = 0;
    for (let doc; (doc = found.get(next)); next++, read++) {
      await each(doc);
      head = { height: doc.height, hash: doc.hash };
    }
    if (read > 0) opts.progress?.({ height: head!.height, blocks: next });
    if (read === READ_BATCH) continue;
    if (!opts.follow) break;
    if (opts.follow.stopped()) {
      if (read === 0) break;
      continue;
    }
    await new Promise((r) => setTimeout(r, opts.follow!.pollMs));
  }
  return { blocks: next, head };
}
