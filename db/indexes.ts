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

export const SHAPES: QueryShape[] = [
  // --- a municipal ledger (subgraphs/ledger) ---
  {
    service: 'ledger',
    collection: 'blocks',
    filter: { _id: '000000000001' },
    index: '_id',
    where: 'store.ts head(), loaders.ts block, state.ts HeadReader, anchoring.ts, archive.ts',
  },
  {
    service: 'ledger',
    collection: 'blocks',
    filter: { _id: { $in: ['000000000001', '000000000002'] } },
    index: '_id',
    where: 'loaders.ts block (MongoDB: batched lookups), checkpoints.ts',
  },
  { service: 'ledger', collection: 'blocks', filter: { hash: '00'.repeat(32) }, index: 'hash_unique', where: 'resolvers.ts Chain.block(hash)' },
  {
    service: 'ledger',
    collection: 'tx_index',
    filter: { _id: { $in: ['00'.repeat(32)] } },
    index: '_id',
    where: 'loaders.ts txIndex, store.ts confirmedAmong',
  },
  {
    service: 'ledger',
    collection: 'history',
    filter: { _id: { $gt: 'kyoto:00|', $lt: 'kyoto:00|999999999999' } },
    sort: { _id: -1 },
    index: '_id',
    where: 'resolvers.ts history by range (older history, MongoDB pages)',
  },
  { service: 'ledger', collection: 'accounts', filter: { _id: { $in: ['kyoto:00'] } }, index: '_id', where: 'loaders.ts account, store.ts loadAccounts' },
  { service: 'ledger', collection: 'mempool', filter: { 'txs.id': '00'.repeat(32) }, index: 'txs_id', where: 'store.ts findPending, loaders.ts pending' },
  {
    service: 'ledger',
    collection: 'mempool',
    filter: {},
    index: null,
    where: 'store.ts loadPending',
    why: 'the whole log, when a lease holder builds its book; small (entries are deleted once sealed)',
  },
  {
    service: 'ledger',
    collection: 'rejected',
    filter: { _id: { $in: ['00'.repeat(32)] } },
    index: '_id',
    where: 'loaders.ts rejected, store.ts rejectedAmong',
  },
  { service: 'ledger', collection: 'meta', filter: { _id: 'applied' }, index: '_id', where: 'store.ts, state.ts; the lease: findOneAndUpdate by _id' },
  // --- the main chain (subgraphs/mainchain) ---
  { service: 'mainchain', collection: 'blocks', filter: { _id: '000000000001' }, index: '_id', where: 'chain.ts block, headBlock' },
  { service: 'mainchain', collection: 'events', filter: { _id: '00'.repeat(32) }, index: '_id', where: 'chain.ts inclusion' },
  {
    service: 'mainchain',
    collection: 'events',
    filter: {},
    index: null,
    where: 'chain.ts rebuild',
    why: 'every sealed event id, once at start-up (docs/SETTLEMENT.md, limits)',
  },
  { service: 'mainchain', collection: 'anchors', filter: { _id: 'kyoto|000000000001' }, index: '_id', where: 'anchors.ts' },
  {
    service: 'mainchain',
    collection: 'anchors',
    filter: {},
    sort: { receivedAt: 1, _id: 1 },
    index: null,
    where: 'chain.ts rebuild',
    why: 'every anchor, once at start-up, sorted in memory',
  },
  { service: 'mainchain', collection: 'settlements', filter: { _id: 'kyoto:00' }, index: '_id', where: 'settlements.ts get' },
  {
    service: 'mainchain',
    collection: 'settlements',
    filter: { status: 'CREDITING' },
    sort: { _id: 1 },
    index: 'status',
    where: 'settlements.ts (open settlements, the settlements query)',
  },
  { service: 'mainchain', collection: 'settlements', filter: { from: 'kyoto:00' }, index: 'from', where: "settlements.ts (a sender's settlements: traces)" },
  { service: 'mainchain', collection: 'settlementSteps', filter: { _id: 'kyoto:00|2' }, index: '_id', where: 'settlements.ts write, catchUpSteps' },
  {
    service: 'mainchain',
    collection: 'settlementSteps',
    filter: { settlement: { $in: ['kyoto:00'] } },
    index: null,
    where: 'settlements.ts load',
    why: 'the steps of the settlements a new lease holder did not know, once per hand-over',
  },
  { service: 'mainchain', collection: 'outcomes', filter: { _id: '1' }, index: '_id', where: 'governance.ts load, conclude' },
  { service: 'mainchain', collection: 'proposalClaims', filter: { _id: '00'.repeat(32) }, index: '_id', where: 'governance.ts submit' },
  { service: 'mainchain', collection: 'lease', filter: { _id: '0000000000000001' }, index: '_id', where: 'runtime/lease.ts' },
  { service: 'mainchain', collection: 'registryLog', filter: { _id: '000000000001' }, index: '_id', where: 'registry.ts probe' },
  { service: 'mainchain', collection: 'municipalities', filter: { _id: 'kyoto' }, index: '_id', where: 'registry.ts find' },
  {
    service: 'mainchain',
    collection: 'municipalities',
    filter: { status: 'ACTIVE' },
    sort: { registeredAt: 1, _id: 1 },
    index: 'registeredAt',
    where: 'registry.ts list',
  },
  { service: 'mainchain', collection: 'proposals', filter: { _id: '1' }, index: '_id', where: 'governance.ts' },
  {
    service: 'mainchain',
    collection: 'proposals',
    filter: { status: 'VOTING' },
    index: null,
    where: 'governance.ts list',
    why: 'at most 10,000 proposals, read in one batch',
  },
  {
    service: 'mainchain',
    collection: 'votes',
    filter: { proposal: '1' },
    index: null,
    where: 'governance.ts votes of a proposal',
    why: 'no index yet: a collection scan on MongoDB; votes per proposal are bounded by the members (about 1,741), the collection is not — an index on {proposal: 1} is the fix when it grows',
  },
  {
    service: 'mainchain',
    collection: 'subgraphs',
    filter: {},
    sort: { registeredAt: 1, _id: 1 },
    index: null,
    where: 'registry.ts extensions',
    why: 'at most 1,000 extension subgraphs',
  },
  { service: 'mainchain', collection: 'meta', filter: { _id: 'applied' }, index: '_id', where: 'chain.ts, governance.ts' },
  // --- the example extension (subgraphs/events) ---
  {
    service: 'events',
    collection: 'events',
    filter: { municipality: 'kyoto' },
    sort: { startsAt: 1 },
    index: 'municipality_1_startsAt_1',
    where: 'subgraphs/events/main.ts',
  },
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
