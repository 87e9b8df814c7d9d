/**
 * `npm run db:indexes -- --check`: every query shape the services send to MongoDB, with the index
 * it needs (docs/DATABASE.md, "Indexes"), checked against a database server:
 *
 * - that each needed index exists in the service's database (`listIndexes`);
 * - on MongoDB, that each shape's winning plan uses it (`explain`): an index scan or an `_id`
 *   lookup, no collection scan — with sample values, on the data the database holds;
 * - on FerretDB 1.24, which pushes down nothing but an `_id` equality (docs/DATABASE.md), `explain`
 *   proves nothing: it says so, shape by shape, and checks the indexes exist.
 *
 *   npm run db:indexes                                     # the list
 *   npm run db:indexes -- --check [--mongo-uri <uri>] [--ledger-db <name>…] [--mainchain-db <name>] [--events-db <name>] [--service ledger|mainchain|events]
 *
 * Exits 1 when a needed index is missing or a shape scans. Shapes that need no index of their own
 * (a whole small collection read at start-up, an `_id` lookup) are listed too, with why.
 */
import { MongoClient, type Document } from 'mongodb';

export interface QueryShape {
  service: 'ledger' | 'mainchain' | 'events';
  collection: string;
  /** What the code sends: filter, sort (sample values). */
  filter: Document;
  sort?: Document;
  /** The index it uses: `_id`, an index name, or null when it reads the whole (bounded) collection on purpose. */
  index: string | null;
  where: string;
  why?: string;
}

type Service = QueryShape['service'];

/** A shape served by `index` (`_id` or an index's name; null only through `reads`); `sort` as the code sends it. */
const uses = (service: Service, collection: string, filter: Document, index: string | null, where: string, sort?: Document): QueryShape => ({
  service,
  collection,
  filter,
  ...(sort ? { sort } : {}),
  index,
  where,
});

/** A shape that reads a whole (bounded) collection, or part of one without an index of its own, on purpose: `why`. */
const reads = (service: Service, collection: string, filter: Document, where: string, why: string, sort?: Document): QueryShape => ({
  ...uses(service, collection, filter, null, where, sort),
  why,
});

const hash = '00'.repeat(32);

export const SHAPES: QueryShape[] = [
  // --- a municipal ledger (subgraphs/ledger) ---
  uses('ledger', 'blocks', { _id: '000000000001' }, '_id', 'store.ts head(), loaders.ts block, state.ts HeadReader, anchoring.ts, archive.ts'),
  uses('ledger', 'blocks', { _id: { $in: ['000000000001', '000000000002'] } }, '_id', 'loaders.ts block (MongoDB: batched lookups), checkpoints.ts'),
  uses('ledger', 'blocks', { hash }, 'hash_unique', 'resolvers.ts Chain.block(hash)'),
  uses('ledger', 'tx_index', { _id: { $in: [hash] } }, '_id', 'loaders.ts txIndex, store.ts confirmedAmong'),
  uses(
    'ledger',
    'history',
    { _id: { $gt: 'kyoto:00|', $lt: 'kyoto:00|999999999999' } },
    '_id',
    'resolvers.ts history by range (older history, MongoDB pages)',
    { _id: -1 },
  ),
  uses('ledger', 'accounts', { _id: { $in: ['kyoto:00'] } }, '_id', 'loaders.ts account, store.ts loadAccounts'),
  uses('ledger', 'mempool', { 'txs.id': hash }, 'txs_id', 'store.ts findPending, loaders.ts pending'),
  reads('ledger', 'mempool', {}, 'store.ts loadPending', 'the whole log, when a lease holder builds its book; small (entries are deleted once sealed)'),
  uses('ledger', 'rejected', { _id: { $in: [hash] } }, '_id', 'loaders.ts rejected, store.ts rejectedAmong'),
  uses('ledger', 'meta', { _id: 'applied' }, '_id', 'store.ts, state.ts; the lease: findOneAndUpdate by _id'),
  // --- the main chain (subgraphs/mainchain) ---
  uses('mainchain', 'blocks', { _id: '000000000001' }, '_id', 'chain.ts block, headBlock'),
  uses('mainchain', 'events', { _id: hash }, '_id', 'chain.ts inclusion'),
  reads('mainchain', 'events', {}, 'chain.ts rebuild', 'every sealed event id, once at start-up (docs/SETTLEMENT.md, limits)'),
  uses('mainchain', 'anchors', { _id: 'kyoto|000000000001' }, '_id', 'anchors.ts'),
  reads('mainchain', 'anchors', {}, 'chain.ts rebuild', 'every anchor, once at start-up, sorted in memory', { receivedAt: 1, _id: 1 }),
  uses('mainchain', 'settlements', { _id: 'kyoto:00' }, '_id', 'settlements.ts get'),
  uses('mainchain', 'settlements', { status: 'CREDITING' }, 'status', 'settlements.ts (open settlements, the settlements query)', { _id: 1 }),
  uses('mainchain', 'settlements', { from: 'kyoto:00' }, 'from', "settlements.ts (a sender's settlements: traces)"),
  uses('mainchain', 'settlementSteps', { _id: 'kyoto:00|2' }, '_id', 'settlements.ts write, catchUpSteps'),
  reads(
    'mainchain',
    'settlementSteps',
    { settlement: { $in: ['kyoto:00'] } },
    'settlements.ts load',
    'the steps of the settlements a new lease holder did not know, once per hand-over',
  ),
  uses('mainchain', 'outcomes', { _id: '1' }, '_id', 'governance.ts load, conclude'),
  uses('mainchain', 'proposalClaims', { _id: hash }, '_id', 'governance.ts submit'),
  uses('mainchain', 'lease', { _id: '0000000000000001' }, '_id', 'runtime/lease.ts'),
  uses('mainchain', 'registryLog', { _id: '000000000001' }, '_id', 'registry.ts probe'),
  uses('mainchain', 'municipalities', { _id: 'kyoto' }, '_id', 'registry.ts find'),
  uses('mainchain', 'municipalities', { status: 'ACTIVE' }, 'registeredAt', 'registry.ts list', { registeredAt: 1, _id: 1 }),
  uses('mainchain', 'proposals', { _id: '1' }, '_id', 'governance.ts'),
  reads('mainchain', 'proposals', { status: 'VOTING' }, 'governance.ts list', 'at most 10,000 proposals, read in one batch'),
  reads(
    'mainchain',
    'votes',
    { proposal: '1' },
    'governance.ts votes of a proposal',
    'no index yet: a collection scan on MongoDB; votes per proposal are bounded by the members (about 1,741), the collection is not — an index on {proposal: 1} is the fix when it grows',
  ),
  reads('mainchain', 'subgraphs', {}, 'registry.ts extensions', 'at most 1,000 extension subgraphs', { registeredAt: 1, _id: 1 }),
  uses('mainchain', 'meta', { _id: 'applied' }, '_id', 'chain.ts, governance.ts'),
  // --- the example extension (subgraphs/events) ---
  uses('events', 'events', { municipality: 'kyoto' }, 'municipality_1_startsAt_1', 'subgraphs/events/main.ts', { startsAt: 1 }),
];

/** The stages of a winning plan, depth first. */
function stages(plan: Document | undefined): string[] {
  if (!plan) return [];
  return [
    String(plan.stage ?? plan.queryPlan?.stage ?? ''),
    ...stages(plan.inputStage ?? plan.queryPlan),
    ...(plan.inputStages ?? []).flatMap((p: Document) => stages(p)),
  ].filter(Boolean);
}

function describe(s: QueryShape): string {
  return `${s.service.padEnd(9)} ${s.collection}.find(${JSON.stringify(s.filter)})${s.sort ? `.sort(${JSON.stringify(s.sort)})` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const values: string[] = [];
    argv.forEach((a, i) => a === name && argv[i + 1] && values.push(argv[i + 1]!));
    return values;
  };
  if (!argv.includes('--check')) {
    for (const s of SHAPES) console.log(`${describe(s)}\n  index: ${s.index ?? 'none'} — ${s.where}${s.why ? `; ${s.why}` : ''}`);
    return 0;
  }
  const uri = arg('--mongo-uri')[0] ?? process.env.MONGODB_URI;
  if (!uri) {
    console.error('no database: give --mongo-uri or set MONGODB_URI');
    return 1;
  }
  const databases: Record<QueryShape['service'], string[]> = {
    ledger: arg('--ledger-db').length ? arg('--ledger-db') : ['aiki_ledger_kyoto'],
    mainchain: arg('--mainchain-db').length ? arg('--mainchain-db') : ['aiki_mainchain'],
    events: arg('--events-db'),
  };
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  let failures = 0;
  try {
    await client.connect();
    const build = await client.db('admin').command({ buildInfo: 1 });
    const ferret = 'ferretdbVersion' in build;
    console.log(
      ferret
        ? `FerretDB ${String(build.ferretdbVersion)}: the indexes are checked to exist; explain is not run — FerretDB 1.24 pushes down only an _id equality on a string and scans for everything else, whatever the indexes (docs/DATABASE.md)`
        : `MongoDB ${String(build.version)}: the indexes are checked to exist, and each shape's plan with explain`,
    );
    const only = arg('--service');
    for (const s of SHAPES.filter((x) => only.length === 0 || only.includes(x.service))) {
      for (const dbName of databases[s.service]) {
        const collection = client.db(dbName).collection(s.collection);
        const names = new Set(
          (
            await collection
              .listIndexes()
              .toArray()
              .catch(() => [])
          ).map((i) => String(i.name)),
        );
        let verdict: string;
        let ok = true;
        if (s.index && s.index !== '_id' && !names.has(s.index)) {
          verdict = `MISSING index ${s.index}`;
          ok = false;
        } else if (ferret) {
          verdict =
            s.index === '_id' && typeof s.filter._id === 'string'
              ? 'pushed down (an _id equality)'
              : s.index
                ? `index ${s.index} exists; FerretDB scans`
                : `no index needed: ${s.why}`;
        } else {
          const explained = await collection.find(s.filter, { sort: s.sort }).explain('queryPlanner');
          const used = stages(explained.queryPlanner?.winningPlan);
          const scans = used.includes('COLLSCAN');
          verdict = `${used.join(' < ') || 'no plan'}`;
          if (scans && s.index) {
            ok = false;
            verdict = `SCANS (${verdict}): expected index ${s.index}`;
          } else if (scans) verdict += ` — ${s.why}`;
        }
        if (!ok) failures++;
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${describe(s)} [${dbName}]: ${verdict}`);
      }
    }
  } finally {
    await client.close();
  }
  console.log(failures ? `${failures} shape(s) without their index` : `every shape has its index (${SHAPES.length} shapes)`);
  return failures ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
