/**
 * What the main chain never changes once it is in the database, kept in this process's memory
 * (runtime/immutableCache.ts): its sealed blocks, where each event is sealed (`events`), anchored
 * municipal headers, and settlements that reached a final step (CREDITED or REFUNDED: no step
 * follows). Each is written by a unique-key insert and never updated — but for a settlement, which
 * is kept only once final. A trace reads nothing else, so a trace asked again costs no database
 * read but its settlements not yet final (docs/BENCHMARKS.md, "Reading under the caches").
 */
import { ImmutableCache, type ImmutableCacheStats } from '../../runtime/immutableCache.ts';
import type { AnchorDoc, MainBlockDoc, SettlementDoc } from './models.ts';

type Entry =
  | { kind: 'block'; doc: MainBlockDoc }
  | { kind: 'event'; at: { height: number; index: number } }
  | { kind: 'anchor'; doc: AnchorDoc }
  | { kind: 'settlement'; doc: SettlementDoc };

/** Rough heap sizes: an event id with its place in a block ~150 bytes, an anchor ~1 KB, a settlement with its orders ~2 KB. */
const sizeOf = (e: Entry) =>
  e.kind === 'block' ? 400 + 150 * e.doc.events.length + 100 * e.doc.poh.length : e.kind === 'event' ? 150 : e.kind === 'anchor' ? 1000 : 2000;

export class MainSealedCache {
  private readonly cache: ImmutableCache<Entry>;

  constructor(maxBytes: number) {
    this.cache = new ImmutableCache<Entry>(maxBytes, sizeOf);
  }

  block(height: number): MainBlockDoc | undefined {
    return this.get(`b${height}`, 'block')?.doc;
  }

  event(id: string): { height: number; index: number } | undefined {
    return this.get(`e${id}`, 'event')?.at;
  }

  anchor(key: string): AnchorDoc | undefined {
    return this.get(`a${key}`, 'anchor')?.doc;
  }

  settlement(id: string): SettlementDoc | undefined {
    return this.get(`s${id}`, 'settlement')?.doc;
  }

  putBlock(doc: MainBlockDoc): void {
    this.cache.put(`b${doc.height}`, { kind: 'block', doc });
  }

  putEvent(id: string, at: { height: number; index: number }): void {
    this.cache.put(`e${id}`, { kind: 'event', at: { height: at.height, index: at.index } });
  }

  putAnchor(doc: AnchorDoc): void {
    this.cache.put(`a${doc._id}`, { kind: 'anchor', doc });
  }

  /** A settlement as stored, once at a final step. */
  putFinal(doc: SettlementDoc): void {
    this.cache.put(`s${doc._id}`, { kind: 'settlement', doc });
  }

  stats(): ImmutableCacheStats {
    return this.cache.stats();
  }

  private get<K extends Entry['kind']>(key: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const entry = this.cache.get(key);
    return entry?.kind === kind ? (entry as Extract<Entry, { kind: K }>) : undefined;
  }
}
