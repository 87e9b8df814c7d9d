/**
 * `aiki backup` and `aiki restore` (docs/OPERATIONS.md, "Backup and restore"): a chain's verifiable
 * archive, read from its database while it runs, and written back into an empty database after
 * every block is verified. They speak to MongoDB (`--mongo-uri`, default MONGODB_URI), not to the
 * gateway; `restore --check-anchors` also asks the federation at `--url` for the anchors.
 */
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { AikiError, AUDIT_ANCHOR_FIELDS, isMunicipalityCode, type AnchorInput } from '../core/index.ts';
import type { Mongo } from '../db/mongo.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import type { LedgerTrust } from '../subgraphs/ledger/archive.ts';
import { UsageError } from './usage.ts';

/**
 * What backup and restore run on — the database driver, the archive, the chains' stores — loaded
 * when one of them runs: every other command starts without them (docs/BENCHMARKS.md, the CLI).
 */
const load = async () => {
  const [archive, mongo, ledger, ledgerCollections, mainchain, mainchainCollections] = await Promise.all([
    import('../db/archive.ts'),
    import('../db/mongo.ts'),
    import('../subgraphs/ledger/archive.ts'),
    import('../subgraphs/ledger/collections.ts'),
    import('../subgraphs/mainchain/archive.ts'),
    import('../subgraphs/mainchain/collections.ts'),
  ]);
  return { ...archive, ...mongo, ...ledger, ...ledgerCollections, ...mainchain, ...mainchainCollections };
};

const hexKey = (v: string) => {
  if (!/^[0-9a-f]{64}$/.test(v)) throw new InvalidArgumentError('expected 64 lower-case hex characters (an Ed25519 public key)');
  return v;
};

const mongoUri = (given?: string) => {
  const uri = given ?? process.env.MONGODB_URI;
  if (!uri) throw new Error('no database: give --mongo-uri or set MONGODB_URI');
  return uri;
};

/** A coded error printed with its code (`ARCHIVE_INVALID: block 17 (line 19), …`). */
const coded = (err: unknown) => (err instanceof AikiError ? Object.assign(new Error(`${err.code}: ${err.message}`, { cause: err }), { code: err.code }) : err);

const rate = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

/** Progress on stderr, at most every 2 s. */
function reporter(what: string) {
  const started = Date.now();
  let last = started;
  return (p: { height: number; blocks?: number }) => {
    if (Date.now() - last < 2000) return;
    last = Date.now();
    console.error(`… ${what} block ${p.height}: ${rate(p.blocks ?? p.height + 1, last - started)} blocks/s`);
  };
}

export function addBackupCommands(program: Command, url: () => string): void {
  // --json (aiki.ts): one JSON document on stdout; the lines for people, and remarks, then go to stderr.
  const json = () => program.opts<{ json?: boolean }>().json === true;
  const say = (line: string) => (json() ? console.error(line) : console.log(line));
  program
    .command('backup')
    .description("write a verifiable archive of a municipality's ledger (or of the main chain) from its database, while it runs")
    .argument('[municipality]', 'the municipality whose ledger to back up')
    .option('--mainchain', 'back up the main chain instead')
    .requiredOption('--out <file>', 'the archive to write (never overwritten; gzip-compressed when it ends in .gz)')
    .option('--mongo-uri <uri>', 'the database server (default: MONGODB_URI)')
    .option('--db <name>', 'the database (default: the one the service uses by default)')
    .option('--mainchain-key <hex>', "the main chain's public key, recorded for checking settlement entries (default: AIKI_MAINCHAIN_PUBLIC_KEY)", hexKey)
    .option('--follow', 'once at the head, keep archiving new blocks until SIGINT or SIGTERM, then finish at the head')
    .action(
      async (code: string | undefined, opts: { mainchain?: boolean; out: string; mongoUri?: string; db?: string; mainchainKey?: string; follow?: boolean }) => {
        if (Boolean(code) === Boolean(opts.mainchain)) throw new UsageError('name a municipality or give --mainchain (one of them)');
        if (code && !isMunicipalityCode(code)) throw new UsageError(`${code} is not a municipality code`);
        if (existsSync(opts.out)) throw new Error(`${opts.out} exists: an archive is never overwritten`);
        const { ArchiveWriter, backupLedger, backupMainchain, connectMongo, DEFAULT_MAINCHAIN_DB, defaultLedgerDbName } = await load();
        const mainchainKey = opts.mainchainKey ?? (process.env.AIKI_MAINCHAIN_PUBLIC_KEY ? hexKey(process.env.AIKI_MAINCHAIN_PUBLIC_KEY) : undefined);
        const dbName = opts.db ?? (code ? defaultLedgerDbName(code) : DEFAULT_MAINCHAIN_DB);
        let stopped = false;
        const stop = () => {
          if (!stopped) console.error('… stopping at the head');
          stopped = true;
        };
        if (opts.follow) {
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        }
        const follow = opts.follow ? { stopped: () => stopped, pollMs: 200 } : undefined;
        const mongo = await connectMongo(mongoUri(opts.mongoUri), dbName, 'aiki-backup');
        const writer = new ArchiveWriter(opts.out);
        const started = Date.now();
        try {
          const what = code ?? 'main chain';
          let summary: string;
          let blocks: number;
          let found: Record<string, unknown>;
          if (code) {
            const r = await backupLedger(mongo.db, mongo.lookups, writer, { municipality: code, mainchainKey, follow, progress: reporter(what) });
            blocks = r.blocks;
            found = { chain: 'ledger', municipality: code, head: r.head, transactions: r.transactions, rejected: r.rejected, pending: r.pending };
            summary = `${code}: blocks 0–${r.head.height} (${r.transactions} transactions, head ${r.head.hash}), ${r.rejected} rejected, ${r.pending} pending`;
            if (!mainchainKey)
              console.error('no main-chain key recorded (--mainchain-key, AIKI_MAINCHAIN_PUBLIC_KEY): a restore needs one to check settlement entries');
          } else {
            const r = await backupMainchain(mongo.db, mongo.lookups, writer, { follow, progress: reporter(what) });
            blocks = r.blocks;
            found = { chain: 'mainchain', head: r.head, events: r.events, documents: r.documents, unknown: r.unknown };
            summary = `the main chain: blocks 0–${r.head.height} (${r.events} events, head ${r.head.hash}), documents ${Object.entries(r.documents)
              .map(([c, n]) => `${c} ${n}`)
              .join(', ')}`;
            if (r.unknown.length > 0) console.error(`not archived (unknown to this version): ${r.unknown.join(', ')}`);
          }
          const end = await writer.finish();
          const ms = Date.now() - started;
          if (json()) return console.log(JSON.stringify({ ...found, blocks, archive: { file: opts.out, ...end }, ms }, null, 2));
          console.log(`backed up ${summary}`);
          console.log(
            `${opts.out}: ${mb(end.fileBytes)} (${mb(end.bytes)} uncompressed), ${end.records} records, sha256 ${end.sha256}; ${(ms / 1000).toFixed(1)} s, ${rate(blocks, ms)} blocks/s`,
          );
        } catch (err) {
          await writer.abort();
          throw coded(err);
        } finally {
          await mongo.close();
        }
      },
    );

  program
    .command('restore')
    .description(
      'verify every block of an archive, then write it into an empty database and rebuild the derived state by replay; a tampered archive is refused naming the first bad block, with nothing written',
    )
    .requiredOption('--in <file>', 'the archive (from aiki backup)')
    .option('--mongo-uri <uri>', 'the database server (default: MONGODB_URI)')
    .option('--db <name>', 'the empty database to restore into (default: the one the service uses by default)')
    .option(
      '--sequencer-key <hex>',
      "a ledger archive: the municipality's sequencer key to trust (default: the federation's with --check-anchors, else the archive's, printed)",
      hexKey,
    )
    .option('--mainchain-key <hex>', "the main chain's key to trust (default: the federation's with --check-anchors, else the archive's, printed)", hexKey)
    .option(
      '--check-anchors',
      "a ledger archive: take the keys from the federation at --url, check every block it anchored against its anchor, and refuse an archive that ends below the main chain's anchors",
    )
    .option('--verify-only', 'verify the archive and write nothing')
    .action(
      async (opts: {
        in: string;
        mongoUri?: string;
        db?: string;
        sequencerKey?: string;
        mainchainKey?: string;
        checkAnchors?: boolean;
        verifyOnly?: boolean;
      }) => {
        if (!existsSync(opts.in)) throw new Error(`${opts.in} does not exist`);
        const {
          connectMongo,
          DEFAULT_MAINCHAIN_DB,
          defaultLedgerDbName,
          readArchiveHeader,
          restoreLedger,
          restoreMainchain,
          verifyLedgerArchive,
          verifyMainchainArchive,
        } = await load();
        const header = await readArchiveHeader(opts.in);
        const chain = header?.chain;
        if (chain !== 'ledger' && chain !== 'mainchain')
          throw coded(
            new AikiError('ARCHIVE_INVALID', `${opts.in} is not an aiki archive: its first line names no ledger or main chain. Nothing was written.`, {
              line: 1,
            }),
          );
        const started = Date.now();
        let mongo: Mongo | undefined;
        try {
          if (chain === 'ledger') {
            const code = String(header!.municipality);
            const trust: LedgerTrust = { sequencerKey: opts.sequencerKey, mainchainKey: opts.mainchainKey };
            if (opts.checkAnchors) Object.assign(trust, await federationTrust(url(), code, trust));
            const verified = await verifyLedgerArchive(opts.in, trust);
            const ms = Date.now() - started;
            if (!verified.trusted.pinned)
              say(`trusting sequencer key ${verified.trusted.sequencer} from the archive (pin it with --sequencer-key or --check-anchors)`);
            say(
              `verified ${code}: blocks 0–${verified.head.height} (${verified.transactions} transactions, head ${verified.head.hash})${trust.anchors ? `, ${verified.anchored} checked against their anchors` : ''}, ${verified.rejected} rejected, ${verified.pending} pending; ${(ms / 1000).toFixed(1)} s, ${rate(verified.blocks, ms)} blocks/s`,
            );
            if (opts.verifyOnly)
              return json()
                ? console.log(
                    JSON.stringify(
                      { chain, municipality: code, head: verified.head, trusted: verified.trusted, anchored: verified.anchored, verified: true },
                      null,
                      2,
                    ),
                  )
                : undefined;
            mongo = await connectMongo(mongoUri(opts.mongoUri), opts.db ?? defaultLedgerDbName(code), 'aiki-restore');
            const writing = Date.now();
            const r = await restoreLedger(opts.in, mongo.db, mongo.lookups, verified, reporter(`restoring ${code}`));
            const wms = Date.now() - writing;
            if (json())
              console.log(
                JSON.stringify(
                  {
                    chain,
                    municipality: code,
                    database: mongo.db.databaseName,
                    head: verified.head,
                    trusted: verified.trusted,
                    anchored: verified.anchored,
                    restored: r,
                  },
                  null,
                  2,
                ),
              );
            say(
              `restored ${code} into ${mongo.db.databaseName}: ${r.blocks} blocks replayed (accounts, histories, tx index), ${r.rejected} rejected, ${r.pending} pending; ${(wms / 1000).toFixed(1)} s, ${rate(r.blocks, wms)} blocks/s`,
            );
          } else {
            const verified = await verifyMainchainArchive(opts.in, { sequencerKey: opts.mainchainKey });
            const ms = Date.now() - started;
            if (!verified.trusted.pinned) say(`trusting main-chain key ${verified.trusted.sequencer} from the archive (pin it with --mainchain-key)`);
            say(
              `verified the main chain: blocks 0–${verified.head.height} (${verified.events} events, head ${verified.head.hash}), documents ${Object.entries(
                verified.documents,
              )
                .map(([c, n]) => `${c} ${n}`)
                .join(', ')}; ${(ms / 1000).toFixed(1)} s, ${rate(verified.blocks, ms)} blocks/s`,
            );
            if (opts.verifyOnly)
              return json() ? console.log(JSON.stringify({ chain, head: verified.head, trusted: verified.trusted, verified: true }, null, 2)) : undefined;
            mongo = await connectMongo(mongoUri(opts.mongoUri), opts.db ?? DEFAULT_MAINCHAIN_DB, 'aiki-restore');
            const writing = Date.now();
            const r = await restoreMainchain(opts.in, mongo.db, verified);
            const wms = Date.now() - writing;
            if (json())
              console.log(JSON.stringify({ chain, database: mongo.db.databaseName, head: verified.head, trusted: verified.trusted, restored: r }, null, 2));
            say(
              `restored the main chain into ${mongo.db.databaseName}: ${r.blocks} blocks, ${r.documents} documents; ${(wms / 1000).toFixed(1)} s, ${rate(r.blocks, wms)} blocks/s (where each event is sealed is derived again when the main chain starts)`,
            );
          }
        } catch (err) {
          throw coded(err);
        } finally {
          await mongo?.close();
        }
      },
    );
}

/** The keys and anchors the federation holds for `code`, at the gateway (or main chain) `url`. */
async function federationTrust(url: string, code: string, pinned: LedgerTrust): Promise<LedgerTrust> {
  const ask = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const reply = await postGraphQL<T>(url, query, { variables, timeoutMs: 30_000, secret: subgraphSecret() });
    if (reply.errors?.length)
      throw new Error(`the federation at ${url}: ${reply.errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}`).join('; ')}`);
    return reply.data as T;
  };
  const info = await ask<{ mainChain: { sequencer: string }; municipality: { sequencerKey: string; anchoredHeight: number } | null }>(
    'query($m: String!) { mainChain { sequencer } municipality(code: $m) { sequencerKey anchoredHeight } }',
    { m: code },
  );
  if (!info.municipality) throw new Error(`the federation at ${url} knows no municipality ${code}`);
  for (const [name, given, theirs] of [
    ['--sequencer-key', pinned.sequencerKey, info.municipality.sequencerKey],
    ['--mainchain-key', pinned.mainchainKey, info.mainChain.sequencer],
  ] as const) {
    if (given && given !== theirs) throw new Error(`${name} ${given} is not the federation's ${theirs}`);
  }
  return {
    sequencerKey: info.municipality.sequencerKey,
    mainchainKey: info.mainChain.sequencer,
    anchors: {
      anchoredHeight: info.municipality.anchoredHeight,
      page: async (from, n) =>
        (
          await ask<{ anchors: AnchorInput[] }>(
            `query($m: String!, $h: Int!, $n: Int!) { anchors(municipality: $m, from: $h, first: $n) { ${AUDIT_ANCHOR_FIELDS} } }`,
            { m: code, h: from, n },
          )
        ).anchors,
    },
  };
}
