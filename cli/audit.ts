/**
 * `aiki audit` (docs/PROTOCOL.md §11): a whole chain read through the API page by page and checked
 * block by block with core/ (core/audit.ts), printing progress, a ✓/✗ line per check and a summary;
 * throws naming the first block and check that failed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AUDIT_ANCHOR_FIELDS, AUDIT_BLOCK_FIELDS, AUDIT_CHECKS, ChainAuditor, type AnchorInput, type AuditBlock, type AuditTransaction, type Checkpoint } from '../core/index.ts';

/** A GraphQL call to the gateway (or the main chain): the data, or a thrown error. */
export type Call = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

export interface AuditOptions {
  from: number;
  to?: number;
  checkpoint?: string;
  page: number;
  mainchainKey?: string;
}

const CHECKPOINT_FIELDS = 'v municipality height root sequencer signature';
type BlockPage = { municipality: { sequencerKey: string; chain: { blocksFrom: Array<Omit<AuditBlock, 'transactions'> & { transactions: TxPage }> } | null }; anchors: AnchorInput[] };
type TxPage = { edges: Array<{ node: AuditTransaction }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** The most blocks one page of the audit asks for (`--page`): within the gateway's default cost limit (test/unit/edge.limits.test.ts). */
export const MAX_AUDIT_PAGE = 100;
/** Pages asked for ahead of the one being checked. */
const AHEAD = 3;

/** A page of blocks with their anchors ($m: municipality, $h: first height, $n: how many). */
export const AUDIT_PAGE_QUERY = `query AikiAuditPage($m: String!, $h: Int!, $n: Int!) { municipality(code: $m) { sequencerKey chain { blocksFrom(height: $h, first: $n) { ${AUDIT_BLOCK_FIELDS} } } } anchors(municipality: $m, from: $h, first: $n) { ${AUDIT_ANCHOR_FIELDS} } }`;

/** The rest of a block's transactions, 100 at a time, after the first ones a page carries. */
export const AUDIT_TRANSACTIONS_QUERY = 'query AikiAuditTransactions($id: String!, $after: String) { block(id: $id) { transactions(first: 100, after: $after) { edges { node { txid kind settlement from to amount nonce memo time signature } } pageInfo { hasNextPage endCursor } } } }';

/** Blocks `from` … `from + n - 1` with their anchors, every transaction page read. */
async function auditPage(call: Call, code: string, from: number, n: number): Promise<{ blocks: AuditBlock[]; anchors: AnchorInput[] }> {
  const page = await call<BlockPage>(AUDIT_PAGE_QUERY, { m: code, h: from, n });
  const blocks: AuditBlock[] = [];
  for (const b of page.municipality.chain?.blocksFrom ?? []) {
    const transactions = b.transactions.edges.map((e) => e.node);
    for (let info = b.transactions.pageInfo; info.hasNextPage; ) {
      const more = await call<{ block: { transactions: TxPage } }>(AUDIT_TRANSACTIONS_QUERY, { id: `${code}:${b.height}`, after: info.endCursor });
      transactions.push(...more.block.transactions.edges.map((e) => e.node));
      info = more.block.transactions.pageInfo;
    }
    blocks.push({ ...b, transactions });
  }
  return { blocks, anchors: page.anchors };
}

/** Audits `code`'s chain from `opts.from` to `opts.to` (default: the newest anchored block). */
export async function auditChain(call: Call, code: string, opts: AuditOptions): Promise<void> {
  if (opts.page > MAX_AUDIT_PAGE) throw new Error(`--page is at most ${MAX_AUDIT_PAGE}`);
  const info = await call<{ mainChain: { sequencer: string }; municipality: { sequencerKey: string; anchoredHeight: number } }>('query($m: String!) { mainChain { sequencer } municipality(code: $m) { sequencerKey anchoredHeight } }', { m: code });
  const mainKey = opts.mainchainKey ?? info.mainChain.sequencer;
  if (!opts.mainchainKey) console.log(`trusting main-chain key ${mainKey} (pin it with --mainchain-key)`);
  const sequencerKey = info.municipality.sequencerKey;
  const to = opts.to ?? info.municipality.anchoredHeight;
  const kept = opts.checkpoint && existsSync(opts.checkpoint) ? (JSON.parse(readFileSync(opts.checkpoint, 'utf8')) as Checkpoint) : undefined;
  if (opts.checkpoint && opts.from !== 0) throw new Error('--checkpoint needs the whole chain: audit from height 0');
  if (kept && kept.height > to) throw new Error(`the checkpoint is at height ${kept.height}, past --to ${to}`);
  console.log(`auditing ${code} blocks ${opts.from}–${to} (sequencer ${sequencerKey})`);

  let parent = null;
  if (opts.from > 0) {
    const [p] = (await auditPage(call, code, opts.from - 1, 1)).blocks;
    if (!p) throw new Error(`no block ${opts.from - 1} on ${code}`);
    parent = { header: { v: p.v, municipality: p.municipality, height: p.height, prevHash: p.prevHash, time: p.time, txRoot: p.txRoot, txCount: p.txCount, pohEnd: p.pohEnd, pohCount: p.pohCount, sequencer: p.sequencer }, hash: p.hash };
  }
  const auditor = new ChainAuditor(code, sequencerKey, mainKey, parent);
  const tally = new Map<string, { ok: number; failed: number }>([...AUDIT_CHECKS, 'checkpoint'].map((n) => [n, { ok: 0, failed: 0 }]));
  let first: { height: number; name: string; detail: string } | undefined;
  const record = (height: number, c: { name: string; ok: boolean; detail: string }) => {
    const t = tally.get(c.name)!;
    if (c.ok) t.ok++;
    else {
      t.failed++;
      first ??= { height, name: c.name, detail: c.detail };
      if (t.failed <= 3) console.log(`✗ block ${height} ${c.name}: ${c.detail}`);
    }
  };
  const started = Date.now();
  let lastReport = started;
  let audited = 0;
  let checking = 0;
  // Pages fetched ahead while one is checked, at most AHEAD at once: memory stays bounded.
  const pages: Array<Promise<{ blocks: AuditBlock[]; anchors: AnchorInput[] }>> = [];
  let asked = opts.from;
  const fetchAhead = () => {
    while (pages.length < AHEAD && asked <= to) {
      const n = Math.min(opts.page, to - asked + 1);
      const page = auditPage(call, code, asked, n);
      page.catch(() => {}); // awaited in turn below
      pages.push(page);
      asked += n;
    }
  };
  fetchAhead();
  for (let h = opts.from; pages.length > 0; ) {
    const { blocks, anchors } = await pages.shift()!;
    if (blocks.length === 0) throw new Error(`${code} has no block ${h}: its chain ends below --to ${to}`);
    fetchAhead();
    const t0 = performance.now();
    const byHeight = new Map(anchors.map((a) => [a.height, a]));
    for (const b of blocks) {
      if (b.height !== h) throw new Error(`asked for block ${h}, the ledger answered ${b.height}`);
      for (const c of auditor.block(b, byHeight.get(b.height) ?? null)) record(b.height, c);
      if (kept && kept.height === b.height) record(b.height, auditor.checkpoint(kept));
      h++;
      audited++;
    }
    checking += performance.now() - t0;
    if (Date.now() - lastReport >= 2000) {
      lastReport = Date.now();
      console.error(`… block ${h - 1} of ${to}: ${audited} audited, ${Math.round((audited * 1000) / (lastReport - started))} blocks/s`);
    }
  }
  if (opts.checkpoint) {
    const { municipality: m } = await call<{ municipality: { chain: { checkpoint: Checkpoint } } }>(`query($m: String!, $h: Int!) { municipality(code: $m) { chain { checkpoint(height: $h) { ${CHECKPOINT_FIELDS} } } } }`, { m: code, h: to });
    const now = auditor.checkpoint(m.chain.checkpoint);
    record(to, { ...now, name: 'checkpoint' });
    if (now.ok && !first) writeFileSync(opts.checkpoint, `${JSON.stringify(m.chain.checkpoint, null, 2)}\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  for (const [name, t] of tally) if (t.ok + t.failed > 0) console.log(`${t.failed ? '✗' : '✓'} ${name.padEnd(20)} ${t.ok} ok${t.failed ? `, ${t.failed} failed` : ''}`);
  console.log(`${audited} blocks in ${seconds.toFixed(1)} s (${Math.round(audited / Math.max(seconds, 0.001))} blocks/s; ${(checking / 1000).toFixed(1)} s of it checking), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  if (first) throw new Error(`audit failed: block ${first.height}, check ${first.name}: ${first.detail}`);
  console.log(`verified: ${code} blocks ${opts.from}–${to}${opts.checkpoint ? `; checkpoint at ${to} written to ${opts.checkpoint}` : ''}`);
}
