/**
 * Backup and restore of a ledger (`aiki backup`, `aiki restore`; subgraphs/ledger/archive.ts): how
 * fast each goes in blocks/s and how large the archive is per 10,000 transfers.
 *
 *   npm run bench -- backup        (BENCH_TRANSFERS=10000, BENCH_PER_BLOCK=50)
 *
 * A ledger seals BENCH_TRANSFERS signed transfers among 200 accounts in blocks of BENCH_PER_BLOCK
 * (on FerretDB, or MONGODB_URI when set); then, with the ledger stopped, the archive is written
 * plain and gzip-compressed, verified (every block: hash, signature, parent, each transfer's
 * signature and id, Merkle root, PoH — what `aiki restore` does before writing), and restored into
 * an empty database (blocks inserted, accounts, histories and tx index replayed). Each step is
 * timed alone, in this process, through the same functions the CLI calls.
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { formatAddress, generateKeyPair, sha256, signTransfer, utf8, type TransferBody } from '../core/index.ts';
import { ArchiveWriter } from '../db/archive.ts';
import { startDatabase } from '../db/launcher.ts';
import { connectMongo } from '../db/mongo.ts';
import { createLogger } from '../runtime/log.ts';
import { backupLedger, restoreLedger, verifyLedgerArchive } from '../subgraphs/ledger/archive.ts';
import { startLedgerSubgraph } from '../subgraphs/ledger/server.ts';

const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 10_000);
const PER_BLOCK = Number(process.env.BENCH_PER_BLOCK ?? 50);
const SENDERS = 20;
const ACCOUNTS = 200;

const log = createLogger('bench', 'error');
const wallets = Array.from({ length: SENDERS }, () => {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress('kyoto', keys.publicKey) };
});
const recipients = Array.from({ length: ACCOUNTS }, () => formatAddress('kyoto', generateKeyPair().publicKey));

const db = process.env.MONGODB_URI ? { uri: process.env.MONGODB_URI, stop: async () => {} } : await startDatabase({ forceFerretDB: true });
const prefix = `bench_backup_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'aiki-bench-backup-'));
const client = new MongoClient(db.uri);
try {
  const ledger = await startLedgerSubgraph(
    {
      municipality: 'kyoto',
      port: 0,
      mongoUri: db.uri,
      dbName: `${prefix}_kyoto`,
      sequencerKey: sha256(utf8('backup bench')),
      genesis: { allocations: wallets.map((w) => ({ address: w.address, amount: '1000000000' })), time: '2026-01-01T00:00:00.000Z' },
      blockIntervalMs: 10,
      maxTxPerBlock: PER_BLOCK,
      leaseMs: 15_000,
    },
    log,
  );
  const fillStarted = Date.now();
  const perSender = Math.ceil(TRANSFERS / SENDERS);
  for (let from = 0; from < perSender; from += 250) {
    // 250 per sender at a time (at most 1,000 pending per sender), every sender at once.
    await Promise.all(
      wallets.map(async (w, s) => {
        const txs = [];
        for (let n = from + 1; n <= Math.min(from + 250, perSender) && (n - 1) * SENDERS + s < TRANSFERS; n++) {
          const body: TransferBody = {
            v: 1,
            type: 'transfer',
            from: w.address,
            to: recipients[(n * 7 + s) % ACCOUNTS]!,
            amount: String(1 + (n % 97)),
            nonce: n,
            memo: n % 5 === 0 ? `invoice ${n}` : '',
            time: new Date().toISOString(),
          };
          txs.push(signTransfer(body, w.secretKey));
        }
        // Sent again as a whole while the lease is being handed over (a busy machine): resubmitting is idempotent.
        for (;;) {
          const refused = (await ledger.admission.submit(txs)).find((r) => r instanceof Error) as (Error & { code?: string }) | undefined;
          if (!refused) break;
          if (refused.code !== 'SEQUENCER_UNAVAILABLE') throw refused;
          await new Promise((r) => setTimeout(r, 500));
        }
      }),
    );
  }
  for (;;) {
    if ((await ledger.store.txIndex.countDocuments()) >= TRANSFERS && (await ledger.store.mempool.countDocuments()) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const head = await ledger.store.head({ light: true });
  console.log(`# ${TRANSFERS} transfers sealed in ${head.height} blocks (${PER_BLOCK} per block) in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`);
  await ledger.close();

  const mongo = await connectMongo(db.uri, `${prefix}_kyoto`, 'bench-backup');
  const rows: string[] = [];
  const row = (step: string, ms: number, blocks: number, extra = '') =>
    rows.push(`| ${step} | ${(ms / 1000).toFixed(2)} s | ${Math.round((blocks * 1000) / ms)} | ${Math.round((TRANSFERS * 1000) / ms)} | ${extra} |`);
  const per10k = (bytes: number) => `${((bytes * 10_000) / TRANSFERS / 1e6).toFixed(2)} MB per 10,000 transfers`;
  const blocks = head.height + 1;

  let plain = '';
  for (const name of ['kyoto.aiki', 'kyoto.aiki.gz']) {
    const file = join(dir, name);
    const writer = new ArchiveWriter(file);
    const t0 = performance.now();
    await backupLedger(mongo.db, mongo.lookups, writer, { municipality: 'kyoto' });
    const end = await writer.finish();
    row(`backup${name.endsWith('.gz') ? ', gzip' : ''}`, performance.now() - t0, blocks, `${(end.fileBytes / 1e6).toFixed(2)} MB: ${per10k(end.fileBytes)}`);
    if (!name.endsWith('.gz')) plain = file;
  }
  for (const file of [plain, `${plain}.gz`]) {
    const t0 = performance.now();
    const verified = await verifyLedgerArchive(file);
    const verifyMs = performance.now() - t0;
    row(`restore: verify${file.endsWith('.gz') ? ', gzip' : ''}`, verifyMs, blocks);
    const target = await connectMongo(db.uri, `${prefix}_restored_${file.endsWith('.gz') ? 'gz' : 'plain'}`, 'bench-restore');
    const t1 = performance.now();
    await restoreLedger(file, target.db, target.lookups, verified);
    const writeMs = performance.now() - t1;
    row(`restore: write and replay${file.endsWith('.gz') ? ', gzip' : ''}`, writeMs, blocks);
    row(`restore, whole${file.endsWith('.gz') ? ', gzip' : ''}`, verifyMs + writeMs, blocks);
    await target.close();
  }
  await mongo.close();
  console.log(
    `# ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'FerretDB 1.24 (SQLite)'}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| step | time | blocks/s | transfers/s | size |');
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
} finally {
  const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
  for (const { name } of databases) if (name.startsWith(prefix)) await client.db(name).dropDatabase();
  await client.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
