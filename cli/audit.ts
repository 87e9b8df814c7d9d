/**
 * `aiki audit` (docs/PROTOCOL.md §11): a whole chain — a municipality's, or the main chain's with
 * `--mainchain` — read through the API page by page and checked block by block with core/
 * (core/audit.ts), printing progress, a ✓/✗ line per check and a summary; throws naming the first
 * block and check that failed.
 *
 * With `--checkpoint file`, the audit is compared with a checkpoint kept from an earlier run: the
 * chain now must extend it (the consistency proof the API serves, checked with core/), and the
 * blocks audited must be exactly those the chain's new signed checkpoint commits to (the root of
 * every block hash, computed as the audit goes). The file keeps, beside the signed checkpoint, the
 * Merkle frontier of the block hashes and the last block audited, so that the next run audits only
 * the blocks after it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  AUDIT_ANCHOR_FIELDS,
  AUDIT_BLOCK_FIELDS,
  AUDIT_CHECKS,
  AUDIT_MAIN_BLOCK_FIELDS,
  blockHash,
  bytesToHex,
  ChainAuditor,
  checkCheckpointSignature,
  checkConsistency,
  headerOf,
  hexToBytes,
  MAIN_AUDIT_CHECKS,
  MAIN_CHAIN,
  MainChainAuditor,
  MerkleFrontier,
  type AnchorInput,
  type AuditBlock,
  type AuditMainBlock,
  type AuditTransaction,
  type BlockHeader,
  type Checkpoint,
  type ProofCheck,
} from '../core/index.ts';
import { GraphQLTransportError } from '../runtime/graphql.ts';

/** A GraphQL call to the gateway (or the main chain): the data, or a thrown error. */
export type Call = <T>(query: string, variables: Record<string, unknown>) => Promise<T>;

export interface AuditOptions {
  /** Default: 0, or the height after a kept checkpoint's (`--checkpoint`). */
  from?: number;
  to?: number;
  checkpoint?: string;
  page: number;
  mainchainKey?: string;
}

/** The most blocks one page of the audit asks for (`--page`): within the gateway's default cost limit (test/unit/edge.limits.test.ts). */
export const MAX_AUDIT_PAGE = 100;
/** Pages asked for ahead of the one being checked. */
const AHEAD = 3;

const CHECKPOINT_FIELDS = 'v municipality height root sequencer signature';

/** A page of blocks with their anchors ($m: municipality, $h: first height, $n: how many). */
export const AUDIT_PAGE_QUERY = `query AikiAuditPage($m: String!, $h: Int!, $n: Int!) { municipality(code: $m) { sequencerKey chain { blocksFrom(height: $h, first: $n) { ${AUDIT_BLOCK_FIELDS} } } } anchors(municipality: $m, from: $h, first: $n) { ${AUDIT_ANCHOR_FIELDS} } }`;

/** The rest of a block's transactions, 100 at a time, after the first ones a page carries. */
export const AUDIT_TRANSACTIONS_QUERY =
  'query AikiAuditTransactions($id: String!, $after: String) { block(id: $id) { transactions(first: 100, after: $after) { edges { node { txid kind settlement from to amount nonce memo time signature } } pageInfo { hasNextPage endCursor } } } }';

/** The consistency proof from a kept checkpoint to the chain at `to` ($m, $from, $to). */
export const AUDIT_CONSISTENCY_QUERY = `query AikiAuditConsistency($m: String!, $from: Int!, $to: Int!) { municipality(code: $m) { chain { consistency(from: $from, to: $to) { from path to { ${CHECKPOINT_FIELDS} } } } } }`;

/** A page of main-chain blocks ($h: first height, $n: how many). */
export const AUDIT_MAIN_PAGE_QUERY = `query AikiAuditMainPage($h: Int!, $n: Int!) { mainChain { blocksFrom(height: $h, first: $n) { ${AUDIT_MAIN_BLOCK_FIELDS} } } }`;

/** The main chain's consistency proof from a kept checkpoint ($from, $to). */
export const AUDIT_MAIN_CONSISTENCY_QUERY = `query AikiAuditMainConsistency($from: Int!, $to: Int!) { mainChain { consistency(from: $from, to: $to) { from path to { ${CHECKPOINT_FIELDS} } } } }`;

type TxPage = { edges: Array<{ node: AuditTransaction }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
type BlockPage = {
  municipality: { sequencerKey: string; chain: { blocksFrom: Array<Omit<AuditBlock, 'transactions'> & { transactions: TxPage }> } | null };
  anchors: AnchorInput[];
};
type Served = { from: number; to: Checkpoint; path: string[] };
type Parent = { header: BlockHeader; hash: string };
type Named = ProofCheck & { name: string };

/** What a checkpoint file holds: a signed checkpoint, and where the audit that kept it stood. */
interface KeptCheckpoint extends Checkpoint {
  audit?: { frontier: Array<{ size: number; hash: string }>; parent: Parent };
}

/** One chain to walk: how to read it, check it and compare it with checkpoints. */
interface Walk<B extends { height: number; hash: string }> {
  /** For messages: `kyoto`, `the main chain`. */
  label: string;
  /** The code checkpoints name (`main` for the main chain). */
  chain: string;
  /** The key checkpoints are signed with. */
  key: string;
  to: number;
  checks: readonly string[];
  page(from: number, n: number): Promise<B[]>;
  headerOf(b: B): BlockHeader;
  auditor(parent: Parent | null, frontier: MerkleFrontier | null): { frontier: MerkleFrontier | null; block(b: B): Named[]; checkpoint(c: Checkpoint): Named };
  checkpointAt(height: number): Promise<Checkpoint>;
  consistency(from: number, to: number): Promise<Served>;
}

/** What an audit found (`aiki audit --json`): every check's tally, and the first failure. */
export interface AuditSummary {
  chain: string;
  from: number;
  to: number;
  blocks: number;
  verified: boolean;
  checks: Record<string, { ok: number; failed: number }>;
  failure: { height: number; name: string; detail: string } | null;
}

/** An audit that found a failure, with its summary. */
export class AuditFailed extends Error {
  constructor(
    message: string,
    readonly summary: AuditSummary,
  ) {
    super(message);
  }
}

/** Audits `code`'s chain from `opts.from` to `opts.to` (default: the newest anchored block). */
export async function auditChain(direct: Call, code: string, opts: AuditOptions): Promise<AuditSummary> {
  const call = retrying(direct);
  const info = await call<{ mainChain: { sequencer: string }; municipality: { sequencerKey: string; anchoredHeight: number } }>(
    'query($m: String!) { mainChain { sequencer } municipality(code: $m) { sequencerKey anchoredHeight } }',
    { m: code },
  );
  const mainKey = trusted(opts, info.mainChain.sequencer);
  const sequencerKey = info.municipality.sequencerKey;
  console.log(`${code}'s sequencer key ${sequencerKey} (as the main chain registered it)`);
  type Anchored = AuditBlock & { anchor: AnchorInput | null };
  const page = async (from: number, n: number): Promise<Anchored[]> => {
    const { blocks, anchors } = await auditPage(call, code, from, n);
    const byHeight = new Map(anchors.map((a) => [a.height, a]));
    return blocks.map((b) => ({ ...b, anchor: byHeight.get(b.height) ?? null }));
  };
  return walk<Anchored>(
    {
      label: code,
      chain: code,
      key: sequencerKey,
      to: opts.to ?? info.municipality.anchoredHeight,
      checks: AUDIT_CHECKS,
      page,
      headerOf,
      auditor: (parent, frontier) => {
        const auditor = new ChainAuditor(code, sequencerKey, mainKey, parent, frontier);
        return { frontier: auditor.frontier, block: (b) => auditor.block(b, b.anchor), checkpoint: (c) => auditor.checkpoint(c) };
      },
      checkpointAt: async (h) =>
        (
          await call<{ municipality: { chain: { checkpoint: Checkpoint } } }>(
            `query($m: String!, $h: Int!) { municipality(code: $m) { chain { checkpoint(height: $h) { ${CHECKPOINT_FIELDS} } } } }`,
            { m: code, h },
          )
        ).municipality.chain.checkpoint,
      consistency: async (from, to) =>
        (await call<{ municipality: { chain: { consistency: Served } } }>(AUDIT_CONSISTENCY_QUERY, { m: code, from, to })).municipality.chain.consistency,
    },
    opts,
  );
}

/** Audits the main chain's own blocks from `opts.from` to `opts.to` (default: its head). */
export async function auditMainChain(direct: Call, opts: AuditOptions): Promise<AuditSummary> {
  const call = retrying(direct);
  const info = await call<{ mainChain: { sequencer: string; height: number }; municipalities: Array<{ code: string; sequencerKey: string }> }>(
    '{ mainChain { sequencer height } municipalities { code sequencerKey } }',
    {},
  );
  const mainKey = trusted(opts, info.mainChain.sequencer);
  const keys = new Map(info.municipalities.map((m) => [m.code, m.sequencerKey]));
  console.log(`${keys.size} registered municipalities, whose sequencer keys sign the blocks anchored`);
  return walk<AuditMainBlock>(
    {
      label: 'the main chain',
      chain: MAIN_CHAIN,
      key: mainKey,
      to: opts.to ?? info.mainChain.height,
      checks: MAIN_AUDIT_CHECKS,
      page: async (h, n) => (await call<{ mainChain: { blocksFrom: AuditMainBlock[] } }>(AUDIT_MAIN_PAGE_QUERY, { h, n })).mainChain.blocksFrom,
      headerOf: (b) => JSON.parse(b.header) as BlockHeader,
      auditor: (parent, frontier) => new MainChainAuditor(mainKey, keys, parent, frontier),
      checkpointAt: async (h) =>
        (await call<{ mainChain: { checkpoint: Checkpoint } }>(`query($h: Int!) { mainChain { checkpoint(height: $h) { ${CHECKPOINT_FIELDS} } } }`, { h }))
          .mainChain.checkpoint,
      consistency: async (from, to) => (await call<{ mainChain: { consistency: Served } }>(AUDIT_MAIN_CONSISTENCY_QUERY, { from, to })).mainChain.consistency,
    },
    opts,
  );
}

/**
 * `call` asked again, at most twice, when no answer came (a read: asking twice changes nothing). On
 * a busy machine the audit's event loop can be held by checking a page for longer than the
 * server keeps an idle connection open, and the next request then goes out on a closed one
 * ("other side closed": bench -- audit at load 35, after 5,000 blocks).
 */
function retrying(call: Call): Call {
  return async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call<T>(query, variables);
      } catch (err) {
        if (!(err instanceof GraphQLTransportError) || attempt >= 3) throw err;
        console.error(`… ${err.message}; asking again`);
      }
    }
  };
}

function trusted(opts: AuditOptions, served: string): string {
  if (opts.page > MAX_AUDIT_PAGE) throw new Error(`--page is at most ${MAX_AUDIT_PAGE}`);
  if (!opts.mainchainKey) console.log(`trusting main-chain key ${served} (pin it with --mainchain-key)`);
  return opts.mainchainKey ?? served;
}

/** Blocks `from` … `from + n - 1` with their anchors, every transaction page read. */
async function auditPage(call: Call, code: string, from: number, n: number): Promise<{ blocks: AuditBlock[]; anchors: AnchorInput[] }> {
  const page = await call<BlockPage>(AUDIT_PAGE_QUERY, { m: code, h: from, n });
  const blocks: AuditBlock[] = [];
  for (const b of page.municipality.chain?.blocksFrom ?? []) {
    const transactions = b.transactions.edges.map((e) => e.node);
    for (let info = b.transactions.pageInfo; info.hasNextPage;) {
      const more = await call<{ block: { transactions: TxPage } }>(AUDIT_TRANSACTIONS_QUERY, { id: `${code}:${b.height}`, after: info.endCursor });
      transactions.push(...more.block.transactions.edges.map((e) => e.node));
      info = more.block.transactions.pageInfo;
    }
    blocks.push({ ...b, transactions });
  }
  return { blocks, anchors: page.anchors };
}

/** Where a kept checkpoint lets the audit start: its frontier and last block, checked against the checkpoint itself. */
function resume(kept: KeptCheckpoint, key: string): { frontier: MerkleFrontier; parent: Parent } {
  const signed = checkCheckpointSignature(kept, key);
  if (signed !== true) throw new Error(`the kept checkpoint: ${signed}`);
  if (!kept.audit)
    throw new Error(
      `the checkpoint file holds no frontier to go on from: audit from 0 (the whole chain), which checks the checkpoint at height ${kept.height}`,
    );
  const frontier = MerkleFrontier.from(kept.audit.frontier.map((n) => ({ size: n.size, hash: hexToBytes(n.hash) })));
  if (frontier.size !== kept.height + 1 || bytesToHex(frontier.root()) !== kept.root)
    throw new Error("the checkpoint file's frontier is not its checkpoint's root: audit from 0");
  const { parent } = kept.audit;
  if (parent.header.height !== kept.height || blockHash(parent.header) !== parent.hash)
    throw new Error(`the checkpoint file's last block is not block ${kept.height} as its hash says: audit from 0`);
  return { frontier, parent };
}

async function walk<B extends { height: number; hash: string }>(w: Walk<B>, opts: AuditOptions): Promise<AuditSummary> {
  const kept = opts.checkpoint && existsSync(opts.checkpoint) ? (JSON.parse(readFileSync(opts.checkpoint, 'utf8')) as KeptCheckpoint) : undefined;
  if (kept && kept.municipality !== w.chain) throw new Error(`the checkpoint in ${opts.checkpoint} is ${kept.municipality}'s, not ${w.chain}'s`);
  const resuming = kept !== undefined && (opts.from === undefined || opts.from === kept.height + 1);
  const from = resuming ? kept.height + 1 : (opts.from ?? 0);
  const { to } = w;
  if (opts.checkpoint && !kept && from !== 0)
    throw new Error('--checkpoint needs the whole chain the first time: audit from height 0 (later runs go on from the checkpoint kept)');
  if (kept && from !== 0 && !resuming)
    throw new Error(`with --checkpoint, audit from 0 (the whole chain) or from ${kept.height + 1} (the blocks after the kept checkpoint), not from ${from}`);
  if (kept && kept.height > to) throw new Error(`the checkpoint is at height ${kept.height}, past --to ${to}`);
  if (from > to + 1 || (from === to + 1 && !resuming)) throw new Error(`nothing to audit: --from ${from} is above --to ${to}`);
  let parent: Parent | null = null;
  let frontier: MerkleFrontier | null = null;
  if (resuming) {
    ({ parent, frontier } = resume(kept, w.key));
    console.log(`going on from the checkpoint kept at height ${kept.height}`);
  } else if (from > 0) {
    const [p] = await w.page(from - 1, 1);
    if (!p) throw new Error(`no block ${from - 1} on ${w.label}`);
    parent = { header: w.headerOf(p), hash: p.hash };
  }
  console.log(`auditing ${w.label} blocks ${from}–${to}`);
  const auditor = w.auditor(parent, frontier);

  const tally = new Map<string, { ok: number; failed: number }>([...w.checks, 'checkpoint', 'consistency'].map((n) => [n, { ok: 0, failed: 0 }]));
  let first: { height: number; name: string; detail: string } | undefined;
  const record = (height: number, c: Named) => {
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
  const pages: Array<Promise<B[]>> = [];
  let asked = from;
  const fetchAhead = () => {
    while (pages.length < AHEAD && asked <= to) {
      const n = Math.min(opts.page, to - asked + 1);
      const page = w.page(asked, n);
      page.catch(() => {}); // awaited in turn below
      pages.push(page);
      asked += n;
    }
  };
  fetchAhead();
  let last = parent;
  for (let h = from; pages.length > 0;) {
    const blocks = await pages.shift()!;
    if (blocks.length === 0) throw new Error(`${w.label} has no block ${h}: its chain ends below --to ${to}`);
    fetchAhead();
    const t0 = performance.now();
    for (const b of blocks) {
      if (b.height !== h) throw new Error(`asked for block ${h}, the API answered ${b.height}`);
      for (const c of auditor.block(b)) record(b.height, c);
      if (kept && !resuming && kept.height === b.height) record(b.height, auditor.checkpoint(kept));
      last = { header: w.headerOf(b), hash: b.hash };
      h++;
      audited++;
    }
    checking += performance.now() - t0;
    if (Date.now() - lastReport >= 2000) {
      lastReport = Date.now();
      console.error(`… block ${h - 1} of ${to}: ${audited} audited, ${Math.round((audited * 1000) / (lastReport - started))} blocks/s`);
    }
  }
  let now: Checkpoint | undefined;
  if (opts.checkpoint) {
    if (kept) {
      // The chain now extends the kept checkpoint (the API's proof, checked here) …
      const proof = await w.consistency(kept.height, to);
      const r = proof.from === kept.height ? checkConsistency(kept, proof.to, proof.path, w.key) : `the proof is from height ${proof.from}, not ${kept.height}`;
      record(to, { name: 'consistency', ok: r === true, detail: r === true ? 'ok' : r });
      now = proof.to;
    } else {
      now = await w.checkpointAt(to);
    }
    // … and its signed checkpoint commits to exactly the blocks audited.
    record(to, auditor.checkpoint(now));
  }
  const seconds = (Date.now() - started) / 1000;
  for (const [name, t] of tally)
    if (t.ok + t.failed > 0) console.log(`${t.failed ? '✗' : '✓'} ${name.padEnd(20)} ${t.ok} ok${t.failed ? `, ${t.failed} failed` : ''}`);
  console.log(
    `${audited} blocks in ${seconds.toFixed(1)} s (${Math.round(audited / Math.max(seconds, 0.001))} blocks/s; ${(checking / 1000).toFixed(1)} s of it checking), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
  const summary: AuditSummary = {
    chain: w.chain,
    from,
    to,
    blocks: audited,
    verified: !first,
    checks: Object.fromEntries([...tally].filter(([, t]) => t.ok + t.failed > 0)),
    failure: first ?? null,
  };
  if (first) throw new AuditFailed(`audit failed: block ${first.height}, check ${first.name}: ${first.detail}`, summary);
  if (opts.checkpoint && now && auditor.frontier && last) {
    const file: KeptCheckpoint = {
      ...now,
      audit: { frontier: auditor.frontier.nodes().map((n) => ({ size: n.size, hash: bytesToHex(n.hash) })), parent: last },
    };
    writeFileSync(opts.checkpoint, `${JSON.stringify(file, null, 2)}\n`);
  }
  console.log(`verified: ${w.label} blocks ${from}–${to}${opts.checkpoint ? `; checkpoint at ${to} written to ${opts.checkpoint}` : ''}`);
  return summary;
}
