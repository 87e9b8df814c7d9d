/**
 * The shard router's cost. One run, side by side, on the same processes and data:
 *  - through the gateway: `{ municipalities { code name chain { height headHash } } }` over three
 *    municipalities (main chain fetch, then one `_entities` batch split across three ledgers);
 *  - the peer, the upper limit: the same `_entities` batch sent straight to one ledger subgraph
 *    (one municipality's share; no planning, no fan-out).
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { startCluster } from '../cluster/cluster.ts';
import { load, row } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

const cluster = await startCluster({
  municipalities: [
    { code: 'kyoto', name: 'Kyoto' },
    { code: 'osaka', name: 'Osaka' },
    { code: 'nara', name: 'Nara' },
  ],
  dbPrefix: `bench_${process.pid}`,
  operatorToken: 'bench-token',
});
try {
  const viaGateway = await load(cluster.gateway.url, { query: '{ municipalities { code name chain { height headHash } } }' }, { seconds, concurrency });
  const direct = await load(
    cluster.ledgers.get('kyoto')!.url,
    {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Municipality { code chain { height headHash } } } }',
      variables: { r: [{ __typename: 'Municipality', code: 'kyoto' }] },
    },
    { seconds, concurrency },
  );
  console.log(`router: ${concurrency} concurrent clients, ${seconds} s each, ${cluster.db.kind} database`);
  console.log(row('gateway, 3 municipalities (ours)', viaGateway));
  console.log(row('one ledger subgraph, direct (upper limit)', direct));
} finally {
  await cluster.stop();
}
