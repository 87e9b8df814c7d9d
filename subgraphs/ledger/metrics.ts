/**
 * A ledger's `GET /metrics` (Prometheus text format 0.0.4): what its sealed cache holds and how
 * often it answers, so that an operator can size AIKI_SEALED_CACHE_MB.
 */
import type { MetricsText } from '../../runtime/http.ts';
import type { SealedCache } from './sealed.ts';

export function ledgerMetrics(sealed: SealedCache): MetricsText {
  const s = sealed.stats();
  const lines = (
    [
      ['aiki_ledger_sealed_cache_bytes', 'gauge', 'Estimated heap held by sealed blocks and confirmed transactions kept in memory.', s.bytes],
      ['aiki_ledger_sealed_cache_max_bytes', 'gauge', 'The bound on aiki_ledger_sealed_cache_bytes (AIKI_SEALED_CACHE_MB).', s.maxBytes],
      ['aiki_ledger_sealed_cache_entries', 'gauge', 'Blocks, block hashes, tx index entries and history documents kept in memory.', s.entries],
      ['aiki_ledger_sealed_cache_hits_total', 'counter', 'Reads of sealed data answered from memory.', s.hits],
      ['aiki_ledger_sealed_cache_misses_total', 'counter', 'Reads of sealed data that went to the database.', s.misses],
      ['aiki_ledger_sealed_cache_evictions_total', 'counter', 'Entries dropped to stay within the bound, least recently used first.', s.evictions],
    ] as const
  ).flatMap(([name, type, help, value]) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`]);
  return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: `${lines.join('\n')}\n` };
}
