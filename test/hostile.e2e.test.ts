/**
 * Hostile input against real processes (issue 19): a cluster of three municipalities, its main
 * chain and gateway, sent malformed, forged, oversized and out-of-place inputs — transfers, votes,
 * proposals, registrations, GraphQL documents, raw HTTP, and calls straight at the subgraphs'
 * own ports. Each case is one row: what is sent, and the code it must be refused with (an HTTP
 * status where the refusal comes before GraphQL). For every row the test also checks that
 * nothing changed — balances and nonces, every chain's height and head, the main chain's height,
 * the proposals and their votes, the registry — and that every process still answers; and at the
 * end of each class, once everything has settled, that the state is still the one it started from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256, signSettlement, signTransfer, signVote, utf8, type TransferBody, type VoteBody } from '../core/index.ts';
import { signRequest, SIGNATURE_HEADER } from '../runtime/signing.ts';
import { PROBES } from '../runtime/probe.ts';
import { eventually, gql } from './support/helpers.ts';
import { funds, KYOTO, OSAKA, NARA, useTestCluster } from './support/cluster.ts';
import { governanceKey } from './support/governance.ts';
import { everyProcessAnswers, hostileServer, type HostileServer } from './support/hostile.ts';
import { SUBMIT, transfer, wallet, type Wallet } from './support/ledger.ts';

const TOKEN = 'hostile-suite-operator-token';
const treasury = wallet('kyoto');
const mallory = wallet('kyoto');
const osakaTreasury = wallet('osaka');
/** The main chain's key anyone could compute before issue 19 (runtime/env.ts then): a credit order signed with it must mint nothing. */
const PUBLISHED_MAINCHAIN_KEY = sha256(utf8('aiki/dev-mainchain-key/v1'));

const servers: HostileServer[] = [];
let openProposal: { id: string; eventId: string };

interface Reply {
  status: number;
  code: string | undefined;
  body: any;
}

/** What a refusal is asserted by: its code, or `HTTP <status>` where it comes before GraphQL. */
type Expected = string | string[];

interface Case {
  input: string;
  send: () => Promise<Reply>;
  expect: Expected;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const code = body?.errors?.find((e: any) => e?.extensions?.code)?.extensions?.code;
  return { status: res.status, code, body };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(reply);
}

const gateway = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  post(fed.cluster.gateway.url, { query, variables }, headers);
const operator = { authorization: `Bearer ${TOKEN}` };
const ledgerUrl = (code: string) => fed.cluster.ledgers.get(code)!.url;
/** A request signed with the federation's secret (the test process holds it, as a member would), optionally with changes after signing. */
function signed(url: string, body: string, tamper: (headers: Record<string, string>) => Record<string, string> = (h) => h, now = Date.now()): Promise<Reply> {
  const headers = signRequest(process.env.AIKI_SUBGRAPH_SECRET!, 'POST', url, body, now);
  return post(url, body, tamper(headers));
}

function tx(from: Wallet, body: Partial<TransferBody>, key = from.secretKey) {
  const full: TransferBody = {
    v: 1,
    type: 'transfer',
    from: from.address,
    to: mallory.address,
    amount: '10',
    nonce: 1,
    memo: '',
    time: new Date().toISOString(),
    ...body,
  };
  return signTransfer(full, key);
}
const submit = (municipality: string, t: unknown) => gateway(SUBMIT, { m: municipality, t });

/** A vote of kyoto's, YES, on the open proposal, with `body`'s changes, signed with its governance key — or with `key`; sent as `raw` bytes, or with `signature`, if given. */
function vote(
  body: Partial<VoteBody> & Record<string, unknown>,
  { key, raw, signature }: { key?: Uint8Array; raw?: string; signature?: string } = {},
): Promise<Reply> {
  const full = {
    v: 1,
    type: 'vote',
    proposal: openProposal.id,
    proposalHash: openProposal.eventId,
    municipality: 'kyoto',
    option: 'YES',
    time: new Date().toISOString(),
    ...body,
  } as VoteBody;
  return gateway('mutation($input: VoteInput!) { vote(input: $input) { option } }', {
    input: { body: raw ?? canonicalJson(full), signature: signature ?? signVote(full, key ?? governanceKey(fed.cluster, full.municipality)).signature },
  });
}
const propose = (input: Record<string, unknown>, headers: Record<string, string> = operator) =>
  gateway('mutation($input: ProposalInput!) { propose(input: $input) { id } }', { input: { title: 'Hostile', ...input } }, headers);
const register = (input: Record<string, unknown>, headers: Record<string, string> = operator) =>
  gateway(
    'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }',
    { input: { code: 'kobe', name: 'Kobe', endpoints: ['http://127.0.0.1:9/graphql'], ...input } },
    headers,
  );

/** Everything a refused input must leave as it was. */
async function snapshot(): Promise<unknown> {
  const account = (w: Wallet) => `account(address: "${w.address}") { balance nonce }`;
  const r = await gql(
    fed.cluster.gateway.url,
    `{ municipalities { code status endpoints chain { height headHash } } mainChain { height headHash }
       proposals(first: 1000) { id status votes { municipality option } } subgraphs { name url }
       treasury: ${account(treasury)} mallory: ${account(mallory)} osaka: ${account(osakaTreasury)} }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data;
}

/** The state once nothing moves any more (two reads a second apart agree). */
async function settled(): Promise<unknown> {
  let last = await snapshot();
  return eventually(
    async () => {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await snapshot();
      const same = JSON.stringify(now) === JSON.stringify(last);
      last = now;
      return same ? now : undefined;
    },
    60_000,
    'the federation to settle',
  );
}

/** Runs one class of hostile inputs: each refused with its code, nothing changed, everyone answering. */
function hostile(cases: () => Case[]) {
  let start: unknown;
  beforeAll(async () => void (start = await settled()));
  afterAll(async () => expect(await settled()).toEqual(start));
  it.each(cases())('$input → $expect', async ({ send, expect: expected }) => {
    const before = await snapshot();
    const r = await send();
    const got = r.code ?? `HTTP ${r.status}`;
    const allowed = [expected].flat();
    expect(allowed, `got ${got}: ${JSON.stringify(r.body).slice(0, 400)}`).toContain(got);
    expect(r.status).toBeLessThan(500);
    expect(await snapshot()).toEqual(before);
    await everyProcessAnswers(fed.cluster);
  });
}

const fed = useTestCluster('hostile', {
  municipalities: [KYOTO, OSAKA, NARA],
  operatorToken: TOKEN,
  mainchainEnv: { AIKI_VOTING_PERIOD_MS: '3600000', AIKI_MAIN_BLOCK_INTERVAL_MS: '200', AIKI_PROBE_TIMEOUT_MS: '2000' },
  ledgerEnv: { AIKI_BLOCK_INTERVAL_MS: '50' },
  genesis: { kyoto: funds(1_000_000, treasury), osaka: funds(1000, osakaTreasury) },
});
beforeAll(async () => {
  for (const behave of [() => ({ kind: 'hang' as const }), () => ({ kind: 'huge' as const, bytes: 50 * 1024 * 1024 })])
    servers.push(await hostileServer(behave));
  servers.push(await hostileServer(() => ({ kind: 'redirect', to: ledgerUrl('kyoto') })));
});

afterAll(() => Promise.all(servers.map((s) => s.close())));

// Registration first: founding members register directly only until the first proposal.
describe('registration (founding, operator)', () => {
  hostile(() => [
    { input: 'a code that is not one', send: () => register({ code: 'Kobe!' }), expect: 'BAD_USER_INPUT' },
    { input: "the main chain's own code", send: () => register({ code: 'main' }), expect: 'BAD_USER_INPUT' },
    { input: 'a code already registered', send: () => register({ code: 'kyoto', endpoints: [ledgerUrl('kyoto')] }), expect: 'MUNICIPALITY_EXISTS' },
    { input: 'a name of 101 characters', send: () => register({ name: 'K'.repeat(101) }), expect: 'BAD_USER_INPUT' },
    { input: 'a name with a control character', send: () => register({ name: 'Ko\u0007be' }), expect: 'BAD_USER_INPUT' },
    { input: 'a name with a lone UTF-16 surrogate', send: () => register({ name: 'Ko\ud800be' }), expect: 'BAD_USER_INPUT' },
    { input: 'an ftp endpoint', send: () => register({ endpoints: ['ftp://127.0.0.1/graphql'] }), expect: 'BAD_USER_INPUT' },
    { input: 'an endpoint with credentials', send: () => register({ endpoints: ['http://admin:pw@127.0.0.1:9/graphql'] }), expect: 'BAD_USER_INPUT' },
    {
      input: 'nine endpoints',
      send: () => register({ endpoints: Array.from({ length: 9 }, (_, i) => `http://127.0.0.1:${9000 + i}/graphql`) }),
      expect: 'BAD_USER_INPUT',
    },
    { input: 'a governance key that is not hex', send: () => register({ governanceKey: 'zz'.repeat(32) }), expect: 'BAD_USER_INPUT' },
    {
      input: 'the cloud metadata address as endpoint',
      send: () => register({ endpoints: ['http://169.254.169.254/latest/graphql'] }),
      expect: 'ENDPOINT_REFUSED',
    },
    { input: 'an endpoint that redirects to a real ledger', send: () => register({ endpoints: [servers[2]!.url] }), expect: 'ENDPOINT_REFUSED' },
    { input: "another municipality's ledger as endpoint", send: () => register({ endpoints: [ledgerUrl('osaka')] }), expect: 'WRONG_MUNICIPALITY' },
    { input: 'an endpoint that never answers', send: () => register({ endpoints: [servers[0]!.url] }), expect: 'SUBGRAPH_TIMEOUT' },
    { input: 'an endpoint that answers 50 MB', send: () => register({ endpoints: [servers[1]!.url] }), expect: 'RESPONSE_TOO_LARGE' },
    { input: 'no operator token', send: () => register({}, {}), expect: 'UNAUTHENTICATED' },
    { input: 'a wrong operator token', send: () => register({}, { authorization: 'Bearer not-the-token' }), expect: 'UNAUTHENTICATED' },
  ]);
});

describe('transfers', () => {
  hostile(() => [
    { input: 'amount 0', send: () => submit('kyoto', tx(treasury, { amount: '0' })), expect: 'BAD_AMOUNT' },
    { input: 'a negative amount', send: () => submit('kyoto', tx(treasury, { amount: '-5' })), expect: 'BAD_AMOUNT' },
    { input: 'an amount in exponent notation', send: () => submit('kyoto', tx(treasury, { amount: '1e3' })), expect: 'BAD_AMOUNT' },
    { input: 'an amount with leading zeros', send: () => submit('kyoto', tx(treasury, { amount: '007' })), expect: 'BAD_AMOUNT' },
    { input: 'an amount of 2^53', send: () => submit('kyoto', tx(treasury, { amount: '9007199254740992' })), expect: 'BAD_AMOUNT' },
    { input: 'more than the balance', send: () => submit('kyoto', tx(treasury, { amount: '1000001' })), expect: 'INSUFFICIENT_FUNDS' },
    { input: "signed by another key than the sender's", send: () => submit('kyoto', tx(treasury, {}, mallory.secretKey)), expect: 'BAD_SIGNATURE' },
    {
      input: 'a body changed after signing',
      send: () => {
        const t = tx(treasury, { amount: '10' });
        return submit('kyoto', { ...t, body: { ...t.body, amount: '999999' } });
      },
      expect: 'BAD_SIGNATURE',
    },
    { input: 'a signature that is not hex', send: () => submit('kyoto', { ...tx(treasury, {}), signature: 'zz'.repeat(64) }), expect: 'BAD_SIGNATURE' },
    { input: 'nonce 0', send: () => submit('kyoto', tx(treasury, { nonce: 0 })), expect: 'BAD_NONCE' },
    {
      input: 'a nonce past 2^53',
      send: () => {
        const t = tx(treasury, { nonce: 1 });
        return submit('kyoto', { ...t, body: { ...t.body, nonce: 2 ** 53 } });
      },
      expect: ['BAD_NONCE', 'BAD_USER_INPUT'],
    },
    { input: 'a nonce that skips ahead', send: () => submit('kyoto', tx(treasury, { nonce: 5 })), expect: 'NONCE_GAP' },
    { input: 'a transfer to oneself', send: () => submit('kyoto', tx(treasury, { to: treasury.address })), expect: 'SELF_TRANSFER' },
    { input: 'a memo of 257 bytes', send: () => submit('kyoto', tx(treasury, { memo: 'あ'.repeat(86) })), expect: 'MEMO_TOO_LONG' },
    { input: 'a recipient that is not an address', send: () => submit('kyoto', tx(treasury, { to: 'kyoto:not-hex' })), expect: 'BAD_ADDRESS' },
    { input: 'a time in the year 9999', send: () => submit('kyoto', tx(treasury, { time: '9999-01-01T00:00:00.000Z' })), expect: 'BAD_TRANSACTION' },
    { input: 'version 2', send: () => submit('kyoto', tx(treasury, { v: 2 as 1 })), expect: 'BAD_TRANSACTION' },
    { input: "sent to another municipality's ledger", send: () => submit('osaka', tx(treasury, {})), expect: 'WRONG_MUNICIPALITY' },
    { input: 'an unregistered municipality', send: () => submit('atlantis', tx(treasury, {})), expect: 'UNKNOWN_MUNICIPALITY' },
    {
      input: 'a batch of 1,001 transfers',
      send: () =>
        gateway('mutation($m: String!, $t: [SignedTransactionInput!]!) { submitTransactions(municipality: $m, transactions: $t) { id } }', {
          m: 'kyoto',
          t: Array.from({ length: 1001 }, (_, i) => tx(treasury, { nonce: i + 1 })),
        }),
      expect: ['BAD_USER_INPUT', 'HTTP 413'],
    },
    {
      input: 'a credit order of 10^15 signed with the published development key, through the gateway',
      send: () => {
        const order = signSettlement(
          {
            v: 1,
            type: 'credit',
            settlement: 'ab'.repeat(32),
            from: osakaTreasury.address,
            to: mallory.address,
            amount: '1000000000000000',
            time: new Date().toISOString(),
          },
          PUBLISHED_MAINCHAIN_KEY,
        );
        return gateway('mutation($o: [SettlementOrderInput!]!) { settle(municipality: "kyoto", orders: $o) { id } }', { o: [order] });
      },
      expect: 'GRAPHQL_VALIDATION_FAILED',
    },
  ]);
});

describe('votes', () => {
  beforeAll(async () => {
    const r = await gql(
      fed.cluster.gateway.url,
      'mutation($input: ProposalInput!) { propose(input: $input) { id eventId } }',
      { input: { title: 'Open for the hostile votes', changeParameters: [{ name: 'quorum', value: '0.5' }] } },
      operator,
    );
    expect(r.errors).toBeUndefined();
    openProposal = r.data!.propose;
  });
  hostile(() => [
    { input: 'a body that is not JSON', send: () => vote({}, { raw: '{not json' }), expect: 'BAD_VOTE' },
    { input: 'a proposal id that is not one', send: () => vote({ proposal: 'abc' }), expect: 'BAD_VOTE' },
    { input: 'an unknown proposal', send: () => vote({ proposal: '999999' }), expect: 'UNKNOWN_PROPOSAL' },
    { input: 'another proposal hash', send: () => vote({ proposalHash: 'ab'.repeat(32) }), expect: 'BAD_VOTE' },
    { input: 'an option that is not one', send: () => vote({ option: 'MAYBE' as 'YES' }), expect: 'BAD_VOTE' },
    { input: 'an extra field in the body', send: () => vote({ weight: 1000 }), expect: 'BAD_VOTE' },
    { input: 'version 2', send: () => vote({ v: 2 as 1 }), expect: 'BAD_VOTE' },
    { input: 'a municipality that is not a member', send: () => vote({ municipality: 'atlantis' }, { key: mallory.secretKey }), expect: 'NOT_A_MEMBER' },
    { input: "a member's vote signed by another key", send: () => vote({ municipality: 'kyoto' }, { key: mallory.secretKey }), expect: 'BAD_SIGNATURE' },
    {
      input: "osaka's vote signed with kyoto's key",
      send: () => vote({ municipality: 'osaka' }, { key: governanceKey(fed.cluster, 'kyoto') }),
      expect: 'BAD_SIGNATURE',
    },
    { input: 'a signature of the wrong length', send: () => vote({}, { signature: 'ab' }), expect: 'BAD_SIGNATURE' },
    { input: 'a body of 2 MB', send: () => vote({}, { raw: 'x'.repeat(2_000_000) }), expect: ['HTTP 413', 'BAD_USER_INPUT'] },
  ]);
});

describe('proposals (operator)', () => {
  hostile(() => [
    { input: 'no action', send: () => propose({}), expect: 'BAD_PROPOSAL' },
    {
      input: 'two actions',
      send: () => propose({ suspendMunicipality: { code: 'nara', reason: 'x' }, resumeMunicipality: { code: 'nara' } }),
      expect: 'BAD_PROPOSAL',
    },
    { input: 'an empty title', send: () => propose({ title: '   ', resumeMunicipality: { code: 'nara' } }), expect: 'BAD_PROPOSAL' },
    { input: 'a title of 10,000 characters', send: () => propose({ title: 'T'.repeat(10_000), resumeMunicipality: { code: 'nara' } }), expect: 'BAD_PROPOSAL' },
    { input: 'a title with a newline', send: () => propose({ title: 'line\nbreak', resumeMunicipality: { code: 'nara' } }), expect: 'BAD_PROPOSAL' },
    {
      input: 'a title with a lone UTF-16 surrogate',
      send: () => propose({ title: 'bad \udc00 title', resumeMunicipality: { code: 'nara' } }),
      expect: 'BAD_PROPOSAL',
    },
    {
      input: 'a description with a lone UTF-16 surrogate',
      send: () => propose({ description: 'bad \ud83d description', resumeMunicipality: { code: 'nara' } }),
      expect: 'BAD_PROPOSAL',
    },
    {
      input: 'a description of 20,000 characters',
      send: () => propose({ description: 'd'.repeat(20_000), resumeMunicipality: { code: 'nara' } }),
      expect: 'BAD_PROPOSAL',
    },
    {
      input: 'suspending an unknown municipality',
      send: () => propose({ suspendMunicipality: { code: 'atlantis', reason: 'x' } }),
      expect: 'UNKNOWN_MUNICIPALITY',
    },
    {
      input: 'a suspension reason with a lone surrogate',
      send: () => propose({ suspendMunicipality: { code: 'nara', reason: 'why \ud800' } }),
      expect: 'BAD_PROPOSAL',
    },
    {
      input: 'a suspension reason of 501 characters',
      send: () => propose({ suspendMunicipality: { code: 'nara', reason: 'r'.repeat(501) } }),
      expect: 'BAD_PROPOSAL',
    },
    {
      input: 'an extension named like the main chain',
      send: () => propose({ registerSubgraph: { name: 'mainchain', url: 'http://127.0.0.1:9/graphql' } }),
      expect: 'SUBGRAPH_EXISTS',
    },
    { input: 'an extension at a file: URL', send: () => propose({ registerSubgraph: { name: 'files', url: 'file:///etc/passwd' } }), expect: 'BAD_PROPOSAL' },
    { input: 'removing an unknown extension', send: () => propose({ removeSubgraph: { name: 'ghost' } }), expect: 'UNKNOWN_SUBGRAPH' },
    { input: 'a quorum above 1', send: () => propose({ changeParameters: [{ name: 'quorum', value: '2' }] }), expect: 'BAD_PROPOSAL' },
    { input: 'a negative voting period', send: () => propose({ changeParameters: [{ name: 'votingPeriodMs', value: '-1' }] }), expect: 'BAD_PROPOSAL' },
    { input: 'an unknown parameter', send: () => propose({ changeParameters: [{ name: 'mintRate', value: '1' }] }), expect: 'BAD_PROPOSAL' },
    {
      input: 'a municipality with a link-local endpoint, no token',
      send: () => propose({ registerMunicipality: { code: 'kobe', name: 'Kobe', endpoints: ['http://169.254.169.254/graphql'] } }, {}),
      expect: 'UNAUTHENTICATED',
    },
    { input: 'founding registration once governance has started', send: () => register({ endpoints: [ledgerUrl('kyoto')] }), expect: 'GOVERNANCE_REQUIRED' },
  ]);
});

describe('GraphQL documents through the gateway', () => {
  const deep = (n: number) => `{ account(address: "${treasury.address}") { ${'transactions { edges { node { block { '.repeat(n)}id${' } } } }'.repeat(n)} } }`;
  hostile(() => [
    { input: 'a document that does not parse', send: () => gateway('{ municipalities { code '), expect: 'GRAPHQL_PARSE_FAILED' },
    { input: 'an unknown field', send: () => gateway('{ municipalities { secretKey } }'), expect: 'GRAPHQL_VALIDATION_FAILED' },
    { input: 'fields nested 13 deep', send: () => gateway(deep(4)), expect: 'QUERY_TOO_DEEP' },
    {
      input: '300 aliases',
      send: () => gateway(`{ ${Array.from({ length: 300 }, (_, i) => `a${i}: __typename`).join(' ')} }`),
      expect: ['TOO_MANY_ALIASES', 'TOO_MANY_TOKENS'],
    },
    { input: '5,000 tokens', send: () => gateway(`{ ${'a '.repeat(5000)}}`), expect: 'TOO_MANY_TOKENS' },
    {
      input: 'a million blocks asked for',
      send: () => gateway('{ municipalities { chain { blocks(first: 1000) { edges { node { transactions(first: 1000) { edges { node { id } } } } } } } } }'),
      expect: 'QUERY_TOO_COSTLY',
    },
    { input: 'a variable of the wrong type', send: () => gateway('query($id: String!) { proposal(id: $id) { id } }', { id: 5 }), expect: 'BAD_USER_INPUT' },
    {
      input: 'a fragment that spreads itself',
      send: () => gateway('query { municipalities { ...F } } fragment F on Municipality { code ...F }'),
      expect: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      input: 'two operations and no operationName',
      send: () => gateway('query A { __typename } query B { __typename }'),
      expect: ['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'GRAPHQL_VALIDATION_FAILED'],
    },
    {
      input: 'two operations and an unknown operationName',
      send: () => post(fed.cluster.gateway.url, { query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
      expect: ['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'GRAPHQL_VALIDATION_FAILED'],
    },
    {
      input: 'a subscription',
      send: () => gateway('subscription { municipalities { code } }'),
      expect: ['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'GRAPHQL_VALIDATION_FAILED'],
    },
    {
      input: 'a variable nested 100,000 levels deep',
      send: () =>
        post(
          fed.cluster.gateway.url,
          `{"query":"query($v: [String!]) { keyAccounts(publicKey: \\"${'ab'.repeat(32)}\\", municipalities: $v) { id } }","variables":{"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
        ),
      expect: ['BAD_USER_INPUT', 'BAD_REQUEST', 'HTTP 413'],
    },
    {
      input: 'keyAccounts for 5,000 municipalities',
      send: () =>
        gateway('query($k: String!, $m: [String!]) { keyAccounts(publicKey: $k, municipalities: $m) { id } }', {
          k: 'ab'.repeat(32),
          m: Array.from({ length: 5000 }, (_, i) => `town-${i}`),
        }),
      expect: 'BAD_USER_INPUT',
    },
    {
      input: 'an anchor forged through the gateway',
      send: () => gateway('mutation { anchorBlocks(municipality: "kyoto", blocks: []) { height } }'),
      expect: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      input: 'a persisted query with a wrong hash',
      send: () => post(fed.cluster.gateway.url, { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }),
      expect: 'PERSISTED_QUERY_HASH_MISMATCH',
    },
    {
      input: 'an unknown persisted query hash',
      send: () => post(fed.cluster.gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: 'cd'.repeat(32) } } }),
      expect: 'PERSISTED_QUERY_NOT_FOUND',
    },
    {
      input: 'a malformed persisted query',
      send: () => post(fed.cluster.gateway.url, { extensions: { persistedQuery: { version: 2 } } }),
      expect: 'PERSISTED_QUERY_MALFORMED',
    },
  ]);
});

describe('HTTP at the gateway', () => {
  hostile(() => [
    { input: 'a JSON body that does not parse', send: () => post(fed.cluster.gateway.url, '{"query": "{ __typename }"'), expect: 'BAD_USER_INPUT' },
    { input: 'a body over 1 MB', send: () => post(fed.cluster.gateway.url, { query: `{ __typename } # ${'x'.repeat(1_100_000)}` }), expect: 'BAD_USER_INPUT' },
    { input: 'a query of 55 KB', send: () => gateway(`{ __typename } # ${'x'.repeat(55_000)}`), expect: 'QUERY_TOO_LARGE' },
    { input: 'a JSON null body', send: () => post(fed.cluster.gateway.url, 'null'), expect: ['BAD_REQUEST', 'HTTP 400'] },
    {
      input: 'a batch (JSON array)',
      send: () => post(fed.cluster.gateway.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]),
      expect: ['BAD_REQUEST', 'HTTP 400'],
    },
    { input: 'a query that is a number', send: () => post(fed.cluster.gateway.url, { query: 5 }), expect: ['BAD_REQUEST', 'HTTP 400'] },
    {
      input: 'a form post (CSRF)',
      send: () =>
        fetch(fed.cluster.gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"mutation { __typename }"}' }).then(reply),
      expect: ['BAD_REQUEST', 'HTTP 400'],
    },
    {
      input: 'a mutation over GET',
      send: () =>
        fetch(`${fed.cluster.gateway.url}?query=${encodeURIComponent('mutation { createOperatorToken(name: "x") { token } }')}`, {
          headers: { accept: 'application/json', 'apollo-require-preflight': '1' },
        }).then(reply),
      expect: ['BAD_REQUEST', 'HTTP 405'],
    },
    { input: 'an unknown path', send: () => fetch(fed.cluster.gateway.url.replace(/\/graphql$/, '/admin')).then(reply), expect: 'HTTP 404' },
    {
      input: 'a PUT',
      send: () =>
        fetch(fed.cluster.gateway.url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(reply),
      expect: ['BAD_REQUEST', 'HTTP 405', 'HTTP 404'],
    },
  ]);
});

describe("the subgraphs' own ports", () => {
  const transferBody = () => JSON.stringify({ query: SUBMIT, variables: { m: 'kyoto', t: transfer(treasury, mallory.address, 10, 1) } });
  hostile(() => [
    { input: 'an unsigned transfer at a ledger', send: () => post(ledgerUrl('kyoto'), transferBody()), expect: 'SIGNATURE_REQUIRED' },
    {
      input: 'a malformed signature header',
      send: () => post(ledgerUrl('kyoto'), transferBody(), { [SIGNATURE_HEADER]: 't=1,v1=zz' }),
      expect: 'BAD_REQUEST_SIGNATURE',
    },
    {
      input: 'a signature two minutes old',
      send: () => signed(ledgerUrl('kyoto'), transferBody(), (h) => h, Date.now() - 120_000),
      expect: 'SIGNATURE_EXPIRED',
    },
    {
      input: "another request's signature on a transfer",
      send: async () => {
        const probe = JSON.stringify({ query: PROBES.sdl });
        const { [SIGNATURE_HEADER]: stolen } = signRequest(process.env.AIKI_SUBGRAPH_SECRET!, 'POST', ledgerUrl('kyoto'), probe);
        return post(ledgerUrl('kyoto'), transferBody(), { [SIGNATURE_HEADER]: stolen! });
      },
      expect: 'BAD_REQUEST_SIGNATURE',
    },
    {
      input: 'a signature with another secret',
      send: () => post(ledgerUrl('kyoto'), transferBody(), signRequest('not-the-secret', 'POST', ledgerUrl('kyoto'), transferBody())),
      expect: 'BAD_REQUEST_SIGNATURE',
    },
    {
      input: 'an operator claim added to a signed request',
      send: () =>
        signed(fed.cluster.mainchain.url, JSON.stringify({ query: 'mutation { createOperatorToken(name: "mallory") { token } }' }), (h) => ({
          ...h,
          'x-aiki-operator': 'token=root;name=root',
        })),
      expect: 'BAD_REQUEST_SIGNATURE',
    },
    {
      input: 'an unsigned mutation at the main chain',
      send: () => post(fed.cluster.mainchain.url, { query: 'mutation { createOperatorToken(name: "mallory") { token } }' }),
      expect: 'SIGNATURE_REQUIRED',
    },
    {
      input: 'a probe document with two representations, unsigned',
      send: () =>
        post(ledgerUrl('kyoto'), {
          query: PROBES.identity,
          variables: {
            r: [
              { __typename: 'Municipality', code: 'kyoto' },
              { __typename: 'Municipality', code: 'osaka' },
            ],
          },
        }),
      expect: 'SIGNATURE_REQUIRED',
    },
    {
      input: 'a mutation dressed as a probe, unsigned',
      send: () => post(ledgerUrl('kyoto'), { query: `${PROBES.sdl} mutation M { __typename }`, operationName: 'M' }),
      expect: 'SIGNATURE_REQUIRED',
    },
    { input: 'an unsigned state check', send: () => post(ledgerUrl('kyoto').replace(/\/graphql$/, '/state'), '{}'), expect: 'SIGNATURE_REQUIRED' },
    {
      input: 'an unsigned operator check at the main chain',
      send: () => post(fed.cluster.mainchain.url.replace(/\/graphql$/, '/operators/verify'), { authorization: `Bearer ${TOKEN}` }),
      expect: 'SIGNATURE_REQUIRED',
    },
    {
      input: 'a signed credit order signed with the published development key, straight at the ledger',
      send: () => {
        const order = signSettlement(
          {
            v: 1,
            type: 'credit',
            settlement: 'cd'.repeat(32),
            from: osakaTreasury.address,
            to: mallory.address,
            amount: '1000000000000000',
            time: new Date().toISOString(),
          },
          PUBLISHED_MAINCHAIN_KEY,
        );
        return signed(
          ledgerUrl('kyoto'),
          JSON.stringify({ query: 'mutation($o: [SettlementOrderInput!]!) { settle(municipality: "kyoto", orders: $o) { id } }', variables: { o: [order] } }),
        );
      },
      expect: ['BAD_SIGNATURE', 'ANCHOR_SIGNATURE_INVALID'],
    },
  ]);
});
