/**
 * `npm start`: the embedded default. Starts a database (see db/launcher.ts), the main chain, three
 * demo municipalities and the gateway on http://127.0.0.1:4000/graphql, registers the
 * municipalities, and prints what to try. Ctrl-C stops everything; data stays in AIKI_DATA_DIR.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { keptSecret } from '../runtime/devSecrets.ts';
import { join, resolve } from 'node:path';
import { envInt, envString } from '../runtime/env.ts';
import { readKeyFile, newKeyFile } from '../cli/keys.ts';
import { startCluster, type MunicipalitySpec } from './cluster.ts';
import { ensureExplorerBuilt } from '../explorer/build.ts';
import { bytesToHex, hexToBytes, publicKeyOf } from '../core/index.ts';

const DEMO: MunicipalitySpec[] = [
  { code: 'kyoto', name: '京都市 Kyoto' },
  { code: 'osaka', name: '大阪市 Osaka' },
  { code: 'nara', name: '奈良市 Nara' },
];

const dataDir = resolve(envString('AIKI_DATA_DIR', '.data'));
mkdirSync(dataDir, { recursive: true });
const gatewayPort = envInt('AIKI_GATEWAY_PORT', 4000, { max: 65535 });
const verbose = process.env.AIKI_LOG_LEVEL === 'debug' || process.env.AIKI_VERBOSE === '1';
// Main-chain processes over its one database: one holds the lease, the others take over when it stops (docs/SETTLEMENT.md).
const mainchainReplicas = envInt('AIKI_MAINCHAIN_REPLICAS', 1, { min: 1, max: 9 });

// Every key and secret is made at random once per data folder and kept there (0600), so restarts
// keep them and nobody else can know them: the operator token here, the main chain's key, the
// sequencer keys and the federation's secret in keys/ (cluster.ts).
const tokenFile = join(dataDir, 'operator-token');
const operatorToken = process.env.AIKI_OPERATOR_TOKEN || keptSecret(tokenFile, 24);

// Each demo municipality's genesis gives its treasury account 10^12 units; the treasury key is
// made once and kept with the data, so that `aiki transfer --key …` can fund new accounts.
const TREASURY_SUPPLY = '1000000000000';
mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
const treasury = new Map(
  DEMO.map(({ code }) => {
    const file = join(dataDir, 'keys', `${code}-treasury.key`);
    return [code, { file, address: existsSync(file) ? readKeyFile(file).address : newKeyFile(code, file).address }];
  }),
);

console.log(`Starting Aiki federation (data in ${dataDir}) …`);
if (ensureExplorerBuilt()) console.log('Built the explorer into dist/explorer/.');
const cluster = await startCluster({
  municipalities: DEMO,
  dataDir: join(dataDir, 'db'),
  keyDir: join(dataDir, 'keys'),
  ports: { gateway: gatewayPort, mainchain: gatewayPort + 1, ledgerBase: gatewayPort + 101 },
  mainchainReplicas,
  operatorToken,
  // The explorer's own origin, and web apps in development on any localhost port (runtime/cors.ts).
  // Safe to expose by mistake: no /metrics or /ready details on the public port unless asked for.
  gatewayEnv: {
    AIKI_CORS_ORIGINS: process.env.AIKI_CORS_ORIGINS ?? `http://127.0.0.1:${gatewayPort},http://localhost:*`,
    AIKI_METRICS_PUBLIC: process.env.AIKI_METRICS_PUBLIC ?? '',
  },
  ledgerEnv: ({ code }) => ({
    AIKI_GENESIS: JSON.stringify([{ address: treasury.get(code)!.address, amount: TREASURY_SUPPLY }]),
  }),
  onLog: (service, line) => {
    // Warnings and errors always; the rest with AIKI_VERBOSE=1.
    if (verbose || /"level":"(warn|error)"/.test(line)) console.error(`[${service}] ${line}`);
  },
});

// What one more service needs to join this federation by hand (README, "run one more municipality
// by hand"): `node --env-file=.data/federation.env …`. It holds the federation's secret: 0600,
// written aside and renamed into place, anew at every start (the database's port may change).
const envFile = join(dataDir, 'federation.env');
const joinEnv = {
  MONGODB_URI: cluster.db.uri,
  AIKI_DATA_DIR: dataDir,
  AIKI_MAINCHAIN_URL: cluster.mainchain.url,
  AIKI_MAINCHAIN_PUBLIC_KEY: bytesToHex(publicKeyOf(hexToBytes(cluster.keys.mainchain))),
  AIKI_SUBGRAPH_SECRET: process.env.AIKI_SUBGRAPH_SECRET ?? '',
};
writeFileSync(
  `${envFile}.${process.pid}`,
  [
    '# Written by npm start at every start: what a service needs to join this federation,',
    '# e.g. AIKI_MUNICIPALITY=kobe AIKI_PORT=4104 npx tsx --env-file=.data/federation.env subgraphs/ledger/main.ts',
    "# It holds the federation's secret: keep it readable by you only.",
    ...Object.entries(joinEnv).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n'),
  { mode: 0o600 },
);
renameSync(`${envFile}.${process.pid}`, envFile);

const gql = cluster.gateway.url;
console.log(`
Aiki federation is up.
  explorer    ${gql.replace(/\/graphql$/, '/')}   (GraphiQL: ${gql} in a browser)
  gateway     ${gql}
  main chain  ${cluster.mainchainUrls.join('\n              ')}
  ledgers     ${DEMO.map(({ code }) => `${code} ${cluster.ledgers.get(code)!.url}`).join('\n              ')}
  database    ${cluster.db.kind} ${cluster.db.uri}
  operator    Authorization: Bearer ${operatorToken}   (kept in ${tokenFile})
  joining     ${envFile}   (database, main chain and the federation's secret, for one more service: README)

  treasury    ${DEMO.map(({ code }) => `${code} ${treasury.get(code)!.file}`).join('\n              ')}

Try:
  curl -s ${gql} -H 'content-type: application/json' \\
    -d '{"query":"{ municipalities { code name chain { height headHash } } }"}'

  npm run aiki -- key new --municipality kyoto --out alice.key
  npm run aiki -- transfer --key ${treasury.get('kyoto')!.file} --to <alice's address> --amount 1000 --wait
  npm run aiki -- account <alice's address>

Ctrl-C stops everything; the data stays in ${dataDir}.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A Ctrl-C reaches every process of the group and tsx relays it too: one clean stop, later
    // signals ignored (each service is SIGKILLed if it takes more than 5 s).
    if (stopping) return;
    stopping = true;
    console.log('\nStopping …');
    cluster.stop().then(() => process.exit(0));
  });
}
