/** Ledger test helpers: signed transfers, genesis treasuries, and a full check of a stored chain. */
import type { Db } from 'mongodb';
import { expect } from 'vitest';
import {
  blockHash,
  bytesToHex,
  checkBlock,
  checkSettlement,
  checkTransaction,
  isSettlement,
  formatAddress,
  generateKeyPair,
  hexToBytes,
  signTransfer,
  verify,
  type KeyPair,
  type SignedTransaction,
  type TransferBody,
  sha256,
  utf8,
} from '../../core/index.ts';
import { allocationLeaf } from '../../core/genesis.ts';
import { merkleRoot } from '../../core/index.ts';
import { blockKey, type AccountDoc, type BlockDoc } from '../../subgraphs/ledger/models.ts';
import { DEFAULT_GENESIS_TIME, startLedgerSubgraph, type LedgerConfig, type RunningLedger } from '../../subgraphs/ledger/server.ts';
import { createLogger, type Logger } from '../../runtime/log.ts';
import { gql, mongoUri } from './helpers.ts';

export interface Wallet extends KeyPair {
  address: string;
}

export function wallet(municipality: string): Wallet {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress(municipality, keys.publicKey) };
}

export function transfer(from: Wallet, to: string, amount: string | number, nonce: number, extra: Partial<TransferBody> = {}): SignedTransaction {
  const body: TransferBody = {
    v: 1,
    type: 'transfer',
    from: from.address,
    to,
    amount: String(amount),
    nonce,
    memo: '',
    time: new Date().toISOString(),
    ...extra,
  };
  return signTransfer(body, from.secretKey);
}

/**
 * Kyoto's ledger in this process (not a child process) on the test database server, in database
 * `<prefix>_kyoto`, sealed with the key SHA-256(`seed`); `allocations` are its genesis (at
 * DEFAULT_GENESIS_TIME), `config` adds to or overrides the rest.
 */
export function startTestLedger(
  prefix: string,
  seed: string,
  { allocations, ...config }: Partial<LedgerConfig> & { allocations?: Array<{ address: string; amount: string }> } = {},
  log: Logger = createLogger('test', 'error'),
): Promise<RunningLedger> {
  return startLedgerSubgraph(
    {
      municipality: 'kyoto',
      port: 0,
      mongoUri: mongoUri(),
      dbName: `${prefix}_kyoto`,
      sequencerKey: sha256(utf8(seed)),
      ...(allocations ? { genesis: { allocations, time: DEFAULT_GENESIS_TIME } } : {}),
      ...config,
    },
    log,
  );
}

export const SUBMIT = `mutation($m: String!, $t: SignedTransactionInput!) {
  submitTransaction(municipality: $m, transaction: $t) { id txid status }
}`;

/**
 * Submits a transfer to `url` (its sender's ledger, or the gateway) until it is acknowledged, and
 * returns its id, as a client on a busy network does: the same signed transfer each time, in a request
 * signed afresh each time (gql signs at every call), sent again after no answer or a refusal whose
 * code is `retryable`; any other refusal fails. Sent again for longer than the ledger's window for a
 * transfer's time (BAD_TRANSACTION on `time`), the transfer was never admitted — an admitted one
 * would be pending, or its nonce spent — so `sign` signs it again, with the same nonce. `sentAgain`
 * hears why each time it sends again (a code, or why there was no answer).
 */
export async function submitUntilAcknowledged(
  url: string,
  sign: () => SignedTransaction,
  retryable: ReadonlySet<string>,
  sentAgain: (why: string) => void = () => {},
): Promise<string> {
  let tx = sign();
  const municipality = tx.body.from.split(':')[0]!;
  for (;;) {
    const reply = await gql(url, SUBMIT, { m: municipality, t: tx }).catch((err: Error) => void sentAgain(`no answer: ${err.message}`));
    const id = (reply?.data?.submitTransaction as { id?: string } | undefined)?.id;
    if (id) return id;
    const error = reply?.errors?.[0];
    const code = error?.extensions?.code;
    if (code === 'BAD_TRANSACTION' && error?.extensions?.field === 'time') tx = sign();
    else if (code && !retryable.has(code)) throw new Error(`${code}: ${error!.message}`);
    if (reply) sentAgain(code ? String(code) : `an answer with neither an id nor a code: ${JSON.stringify(reply).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Checks a municipality's stored chain end to end, as an independent verifier would: every block
 * against its parent (hash, signature, height, previous hash, time, Merkle root, PoH), every
 * transaction's signature and id (a settlement entry's against `mainchainKey`), no transaction
 * twice, and the derived balances and nonces equal to a replay from genesis. Returns the
 * confirmed transaction ids.
 */
export async function verifyStoredChain(db: Db, mainchainKey?: Uint8Array): Promise<Set<string>> {
  const blocks = await db.collection<BlockDoc>('blocks').find().sort({ _id: 1 }).toArray();
  const genesis = blocks[0]!;
  expect(genesis.height).toBe(0);
  expect(blockHash(genesis.header)).toBe(genesis.hash);
  expect(verify(hexToBytes(genesis.signature), hexToBytes(genesis.hash), hexToBytes(genesis.header.sequencer))).toBe(true);
  expect(genesis.header.txRoot).toBe(bytesToHex(merkleRoot((genesis.allocations ?? []).map(allocationLeaf))));

  const balances = new Map<string, bigint>();
  const nonces = new Map<string, number>();
  for (const a of genesis.allocations ?? []) balances.set(a.address, BigInt(a.amount));
  const seen = new Set<string>();
  for (let i = 1; i < blocks.length; i++) {
    const block = blocks[i]!;
    const parent = blocks[i - 1]!;
    expect([block._id, block.height], 'heights are contiguous').toEqual([blockKey(i), i]);
    checkBlock(
      block.header,
      block.hash,
      block.signature,
      { header: parent.header, hash: parent.hash },
      block.txs.map((t) => t.id),
      block.txs.map((t) => t.poh),
    );
    for (const tx of block.txs) {
      if (isSettlement(tx.body)) {
        expect(mainchainKey, 'a settlement entry, and no main-chain key to check it').toBeDefined();
        const { id, amount } = checkSettlement({ body: tx.body, signature: tx.signature }, mainchainKey!);
        expect(id).toBe(tx.id);
        expect(seen.has(id), `entry ${id} is in two blocks`).toBe(false);
        seen.add(id);
        balances.set(tx.body.to, (balances.get(tx.body.to) ?? 0n) + amount);
        continue;
      }
      const { id, amount } = checkTransaction({ body: tx.body, signature: tx.signature });
      expect(id).toBe(tx.id);
      expect(seen.has(id), `transaction ${id} is in two blocks`).toBe(false);
      seen.add(id);
      const { from, to, nonce } = tx.body;
      expect(nonce, `nonce of ${from}`).toBe((nonces.get(from) ?? 0) + 1);
      nonces.set(from, nonce);
      const balance = balances.get(from) ?? 0n;
      expect(balance >= amount, `${from} overspends`).toBe(true);
      balances.set(from, balance - amount);
      if (to.startsWith(`${block.header.municipality}:`)) balances.set(to, (balances.get(to) ?? 0n) + amount);
    }
  }
  const accounts = await db.collection<AccountDoc>('accounts').find().toArray();
  const stored = new Map(accounts.map((a) => [a._id, { balance: BigInt(a.balance), nonce: a.nonce }]));
  for (const [address, balance] of balances) {
    expect(stored.get(address)?.balance ?? 0n, `balance of ${address}`).toBe(balance);
    expect(stored.get(address)?.nonce ?? 0, `nonce of ${address}`).toBe(nonces.get(address) ?? 0);
  }
  expect(accounts.length).toBe(balances.size);
  return seen;
}
