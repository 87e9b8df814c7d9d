/**
 * The cluster and data the gateway benchmarks read (bench/gateway.bench.ts, bench/national.bench.ts):
 * real processes for the main chain, the ledgers of `towns` and our gateway, sealing fast
 * (a ledger block every 50 ms, a main-chain block every 200 ms), with a kyoto treasury that then
 * sends transfers within kyoto in batches of 10 — blocks of ~10 transactions — and the block
 * page both benchmarks ask for.
 */
import { startCluster, type Cluster } from '../../cluster/cluster.ts';
import { formatAddress, generateKeyPair, signTransfer, type SignedTransaction } from '../../core/index.ts';
import { postGraphQL } from '../../runtime/graphql.ts';
import { subgraphSecret } from '../../runtime/env.ts';

export const SUBMIT_MANY = 'mutation($m: String!, $ts: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $ts) { txid } }';

/** A page of 10 blocks of `$code` with their transactions (≤ 20 each); from the head when `$after` is null. */
export const BLOCK_PAGE = `query BlockPage($code: String!, $after: String) { municipality(code: $code) { code name status chain {
  municipality height headHash
  blocks(first: 10, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node {
    id height hash prevHash time txRoot txCount sequencer signature
    transactions(first: 20) { pageInfo { hasNextPage endCursor } edges { node { id txid kind status from to amount nonce memo time } } }
  } } }
} } }`;

export type Wallet = ReturnType<typeof wallet>;
export const wallet = (town: string) => {
  const keys = generateKeyPair();
  return { ...keys, address: formatAddress(town, keys.publicKey) };
};

export const transferTx = (from: Wallet, to: string, amount: number, nonce: number, memo = ''): SignedTransaction =>
  signTransfer({ v: 1, type: 'transfer', from: from.address, to, amount: String(amount), nonce, memo, time: new Date().toISOString() }, from.secretKey);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `data` of a GraphQL reply; throws on errors. */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const reply = await postGraphQL<T>(url, query, { variables, secret: subgraphSecret() });
  if (reply.errors?.length) throw new Error(JSON.stringify(reply.errors));
  return reply.data!;
}

/** The cluster, `treasury` holding kyoto's genesis money; `gateway` adds to the gateway's settings. */
export function benchCluster(
  dbPrefix: string,
  towns: string[],
  treasury: Wallet,
  gateway: { pollIntervalMs?: number; env?: Record<string, string>; compiled?: boolean } = {},
): Promise<Cluster> {
  return startCluster({
    municipalities: towns.map((code) => ({ code, name: code[0]!.toUpperCase() + code.slice(1) })),
    dbPrefix,
    operatorToken: 'bench-token',
    pollIntervalMs: gateway.pollIntervalMs,
    gatewayEnv: gateway.env,
    gatewayCompiled: gateway.compiled,
    mainchainEnv: { AIKI_MAIN_BLOCK_INTERVAL_MS: '200', AIKI_SETTLE_INTERVAL_MS: '50' },
    ledgerEnv: (spec) => ({
      AIKI_BLOCK_INTERVAL_MS: '50',
      AIKI_ANCHOR_INTERVAL_MS: '50',
      AIKI_GENESIS: JSON.stringify(spec.code === 'kyoto' ? [{ address: treasury.address, amount: '1000000000' }] : []),
    }),
  });
}

/** `transfers` from the treasury (nonces 1…) to `accounts` in turn, in batches of 10 through `gateway`; resolves once all are sealed. */
export async function seedKyoto(gateway: string, treasury: Wallet, accounts: Wallet[], transfers: number): Promise<void> {
  const BATCH = 10;
  for (let n = 1; n <= transfers; n += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, transfers - n + 1) }, (_, i) =>
      transferTx(treasury, accounts[(n + i) % accounts.length]!.address, 1 + ((n + i) % 97), n + i, `bench ${n + i}`),
    );
    await gql(gateway, SUBMIT_MANY, { m: 'kyoto', ts: batch });
  }
  while (
    (await gql<{ account: { nonce: number } }>(gateway, 'query($a: String!) { account(address: $a) { nonce } }', { a: treasury.address })).account.nonce <
    transfers
  )
    await sleep(100);
}
