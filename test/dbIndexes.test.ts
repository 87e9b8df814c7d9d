/** `npm run db:indexes -- --check` against a ledger's database on FerretDB: what it checks there, and a missing index refused. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { sha256, utf8 } from '../core/index.ts';
import { createLogger } from '../runtime/log.ts';
import { startLedgerSubgraph, type RunningLedger } from '../subgraphs/ledger/server.ts';
import { SHAPES } from '../db/indexes.ts';
import { dropDatabases, mongoUri, uniquePrefix } from './support/helpers.ts';

const run = promisify(execFile);
const prefix = uniquePrefix('indexes');
let ledger: RunningLedger | undefined;

afterAll(async () => {
  await ledger?.close();
  await dropDatabases(mongoUri(), prefix);
});

const check = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'db/indexes.ts', '--check', '--mongo-uri', mongoUri(), ...args]);

it("checks every ledger query shape's index, says what FerretDB cannot show, and fails on a missing index", async () => {
  const dbName = `${prefix}_kyoto`;
  ledger = await startLedgerSubgraph(
    { municipality: 'kyoto', port: 0, mongoUri: mongoUri(), dbName, sequencerKey: sha256(utf8('indexes test')) },
    createLogger('test', 'error'),
  );
  const { stdout } = await check('--service', 'ledger', '--ledger-db', dbName);
  expect(stdout).toMatch(/^FerretDB .*explain is not run/m);
  const lines = stdout.split('\n').filter((l) => /^(ok {2}|FAIL) /.test(l));
  expect(lines).toHaveLength(SHAPES.filter((s) => s.service === 'ledger').length);
  expect(lines.every((l) => l.startsWith('ok  '))).toBe(true);
  expect(stdout).toMatch(/blocks\.find\(\{"hash":.*index hash_unique exists; FerretDB scans/);
  expect(stdout).toMatch(/blocks\.find\(\{"_id":"000000000001"\}\).*pushed down/);

  const client = new MongoClient(mongoUri());
  try {
    await client.db(dbName).collection('blocks').dropIndex('hash_unique');
  } finally {
    await client.close();
  }
  const failed = await check('--service', 'ledger', '--ledger-db', dbName).then(
    () => undefined,
    (err: { code: number; stdout: string }) => err,
  );
  expect(failed?.code).toBe(1);
  expect(failed?.stdout).toMatch(/^FAIL .*blocks\.find\(\{"hash":.*MISSING index hash_unique/m);
  expect(failed?.stdout).toMatch(/1 shape\(s\) without their index/);
});
