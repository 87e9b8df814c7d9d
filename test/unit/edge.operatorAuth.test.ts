import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getOperationAST, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorVerifier, operatorAuthPlugin, operatorFieldIn, operatorFields } from '../../gateway/edge/index.ts';
import {
  checkSignature,
  OPERATOR_HEADER,
  operatorClaim,
  parseOperatorClaim,
  signRequest,
  SIGNATURE_HEADER,
  VERIFY_OPERATOR_PATH,
  type OperatorClaim,
} from '../../runtime/signing.ts';
import { composeFederation, mainchain } from '../../schema/index.ts';
import { codes, startEdgeGateway, supergraphApiSchema, type EdgeGateway } from './edge.support.ts';

const SECRET = 'test-secret';
const URL_ = 'http://127.0.0.1:4001/graphql';
const BODY = '{"query":"{ __typename }"}';

function supergraph(extensions: Array<{ name: string; url: string; sdl: string }> = []): string {
  const composed = composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.typeDefs }, extensions);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  return composed.supergraphSdl;
}

describe('request signatures with claims', () => {
  it('signs a request without claims exactly as before claims existed', () => {
    const t = 1_760_000_000_000;
    const digest = createHash('sha256').update(BODY).digest('hex');
    const v1 = createHmac('sha256', SECRET).update(`${t}.POST./graphql.${digest}`).digest('hex');
    expect(signRequest(SECRET, 'POST', URL_, BODY, t)).toEqual({ [SIGNATURE_HEADER]: `t=${t},v1=${v1}` });
    expect(signRequest(SECRET, 'POST', URL_, BODY, t, { authorization: 'Bearer x' })).toEqual(signRequest(SECRET, 'POST', URL_, BODY, t)); // not a claim: not signed
  });

  it('covers the operator claim: added, changed or removed, the signature fails', () => {
    const claim = operatorClaim({ name: 'alice', token: '0123456789abcdef' });
    const signed = signRequest(SECRET, 'POST', URL_, BODY, Date.now(), { [OPERATOR_HEADER]: claim })[SIGNATURE_HEADER]!;
    const plain = signRequest(SECRET, 'POST', URL_, BODY)[SIGNATURE_HEADER]!;
    const check = (header: string | undefined, headers: Record<string, string>) =>
      checkSignature(SECRET, header, 'POST', '/graphql', BODY, Date.now(), headers)?.code;
    expect(check(signed, { [OPERATOR_HEADER]: claim })).toBeUndefined();
    expect(check(plain, {})).toBeUndefined();
    expect(check(plain, { [OPERATOR_HEADER]: claim })).toBe('BAD_REQUEST_SIGNATURE'); // a claim added to a signed request
    expect(check(signed, { [OPERATOR_HEADER]: operatorClaim({ name: 'root', token: 'root' }) })).toBe('BAD_REQUEST_SIGNATURE'); // another claim
    expect(check(signed, {})).toBe('BAD_REQUEST_SIGNATURE'); // the claim removed
    // Header names are matched as HTTP does, whatever case the signer used.
    expect(
      check(signRequest(SECRET, 'POST', URL_, BODY, Date.now(), { 'X-Aiki-Operator': claim })[SIGNATURE_HEADER], { [OPERATOR_HEADER]: claim }),
    ).toBeUndefined();
  });

  it('writes a claim in ASCII and reads it back, and reads nothing from a malformed one', () => {
    const claim: OperatorClaim = { name: '京都 ops; a=b', token: '0123456789abcdef' };
    const value = operatorClaim(claim);
    expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(parseOperatorClaim(value)).toEqual(claim);
    for (const bad of ['', 'root', 'token=root', 'token=root;name=', 'token=ROOT!;name=x', 'token=root;name=%E0%A4%A', 'token=root;name=a;b'])
      expect(parseOperatorClaim(bad), bad).toBeNull();
  });
});

describe('which fields need an operator', () => {
  it('reads the @operator marker from the composed supergraph', () => {
    expect([...operatorFields(supergraph())].sort()).toEqual([
      'Mutation.createOperatorToken',
      'Mutation.propose',
      'Mutation.registerMunicipality',
      'Mutation.revokeOperatorToken',
    ]);
  });

  it("reads an extension subgraph's own marked fields, composed with the main chain's", () => {
    const sdl = `
      extend schema
        @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@composeDirective"])
        @link(url: "https://specs.aiki.invalid/operator/v0.1", import: ["@operator"])
        @composeDirective(name: "@operator")
      directive @operator on FIELD_DEFINITION
      type Query { auditLog: [String!]! @operator  publicNotes: [String!]! }`;
    const fields = operatorFields(supergraph([{ name: 'audit', url: 'http://audit.invalid/graphql', sdl }]));
    expect(fields.has('Query.auditLog')).toBe(true);
    expect(fields.has('Query.publicNotes')).toBe(false);
    expect(fields.has('Mutation.propose')).toBe(true);
  });

  it('finds a marked field however it is selected: aliased, in fragments, among others', async () => {
    const schema = await supergraphApiSchema();
    const fields = operatorFields(supergraph());
    const find = (source: string) => {
      const document = parse(source);
      return operatorFieldIn(schema, document, getOperationAST(document)!, fields);
    };
    expect(find('mutation { propose(input: { title: "t" }) { id } }')).toBe('Mutation.propose');
    expect(find('mutation { x: vote(input: { body: "", signature: "" }) { option } y: revokeOperatorToken(id: "1") }')).toBe('Mutation.revokeOperatorToken');
    expect(find('mutation { ...M } fragment M on Mutation { createOperatorToken(name: "n") { id } }')).toBe('Mutation.createOperatorToken');
    expect(find('mutation { ... on Mutation { registerMunicipality(input: { code: "a", name: "a", endpoints: [] }) { code } } }')).toBe(
      'Mutation.registerMunicipality',
    );
    expect(find('{ municipalities { code } proposals { id proposer } }')).toBeUndefined();
    expect(find('mutation { vote(input: { body: "", signature: "" }) { option } }')).toBeUndefined();
  });
});

/** A stand-in main chain answering the operator check, counting its calls. */
class FakeMainchain {
  calls = 0;
  down = false;
  valid = new Map<string, OperatorClaim>([['Bearer root-token', { name: 'root', token: 'root' }]]);
  signatures: Array<string | undefined> = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        this.calls++;
        this.signatures.push(checkSignature(SECRET, req.headers[SIGNATURE_HEADER] as string | undefined, 'POST', req.url!, raw)?.code);
        if (this.down || req.url !== VERIFY_OPERATOR_PATH) return void res.writeHead(503).end();
        const { authorization } = JSON.parse(raw) as { authorization: string };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ operator: this.valid.get(authorization) ?? null }));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  stop = () => new Promise<void>((r) => this.server.close(() => r()));
}

describe('OperatorVerifier', () => {
  const main = new FakeMainchain();
  beforeAll(() => main.start());
  afterAll(() => main.stop());

  it('asks the main chain with a signed call, and keeps each verdict for its time to live', async () => {
    let now = 1_000_000;
    const verifier = new OperatorVerifier({ mainchainUrl: main.url, secret: SECRET, ttlMs: 5000, now: () => now });
    const before = main.calls;
    expect(await verifier.verify('Bearer root-token')).toEqual({ operator: { name: 'root', token: 'root' } });
    expect(await verifier.verify('Bearer root-token')).toEqual({ operator: { name: 'root', token: 'root' } });
    expect(await verifier.verify('Bearer wrong')).toEqual({ refused: 'invalid' });
    expect(await verifier.verify('Bearer wrong')).toEqual({ refused: 'invalid' }); // a refusal is remembered too
    expect(main.calls - before).toBe(2);
    expect(main.signatures.slice(-2)).toEqual([undefined, undefined]); // both verified with the secret
    // Revoked at the main chain: still passes until the verdict expires, then not.
    main.valid.delete('Bearer root-token');
    now += 4999;
    expect(await verifier.verify('Bearer root-token')).toMatchObject({ operator: { name: 'root' } });
    now += 1;
    expect(await verifier.verify('Bearer root-token')).toEqual({ refused: 'invalid' });
    expect(main.calls - before).toBe(3);
    main.valid.set('Bearer root-token', { name: 'root', token: 'root' });
  });

  it('never asks about a missing or non-bearer credential, and shares one call among identical checks', async () => {
    const verifier = new OperatorVerifier({ mainchainUrl: main.url, secret: SECRET });
    const before = main.calls;
    expect(await verifier.verify(undefined)).toEqual({ refused: 'missing' });
    expect(await verifier.verify('root-token')).toEqual({ refused: 'invalid' });
    expect(await verifier.verify('Basic cm9vdDp4')).toEqual({ refused: 'invalid' });
    const together = await Promise.all(Array.from({ length: 8 }, () => verifier.verify('Bearer root-token')));
    expect(together.every((v) => 'operator' in v)).toBe(true);
    expect(main.calls - before).toBe(1);
  });

  it('keeps no verdict while the main chain cannot answer', async () => {
    const verifier = new OperatorVerifier({ mainchainUrl: main.url, secret: SECRET });
    main.down = true;
    expect(await verifier.verify('Bearer root-token')).toEqual({ refused: 'unverified' });
    main.down = false;
    expect(await verifier.verify('Bearer root-token')).toMatchObject({ operator: { name: 'root' } });
  });
});

describe('the operator auth plugin in a gateway', () => {
  const main = new FakeMainchain();
  let gw: EdgeGateway;
  const granted: OperatorClaim[] = [];
  beforeAll(async () => {
    await main.start();
    const fields = operatorFields(supergraph());
    const verifier = new OperatorVerifier({ mainchainUrl: main.url, secret: SECRET });
    gw = await startEdgeGateway([operatorAuthPlugin({ fields: () => fields, verifier, grant: (_context, operator) => void granted.push(operator) })]);
  });
  afterAll(async () => {
    await gw?.close();
    await main.stop();
  });

  const PROPOSE = { query: 'mutation { propose(input: { title: "t", resumeMunicipality: { code: "kyoto" } }) { id } }' };

  it('refuses an operator field without valid credentials with UNAUTHENTICATED, before any subgraph is called', async () => {
    const before = gw.subgraphCalls();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: 'root-token' },
      { 'x-aiki-operator': operatorClaim({ name: 'root', token: 'root' }) },
    ] as Array<Record<string, string>>) {
      const reply = await gw.post(PROPOSE, headers);
      expect(reply.status, JSON.stringify(headers)).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
      expect(reply.body.errors![0]!.extensions).toMatchObject({ field: 'Mutation.propose' });
      expect(reply.body.errors![0]!.message).toMatch(/Authorization: Bearer <token>/);
      expect(reply.body.data ?? null).toBeNull();
    }
    expect(gw.subgraphCalls()).toBe(before);
    expect(granted).toEqual([]);
  });

  it('lets a valid operator through, and does not ask about operations without operator fields', async () => {
    const calls = main.calls;
    expect(codes(await gw.post({ query: '{ municipalities { code } }' }, { authorization: 'Bearer wrong' }))).toEqual([]);
    expect(main.calls).toBe(calls);
    const reply = await gw.post(PROPOSE, { authorization: 'Bearer root-token' });
    expect(reply.status).toBe(200);
    expect(granted).toEqual([{ name: 'root', token: 'root' }]);
  });

  it('answers 503 with a retry hint when the main chain cannot check the token', async () => {
    main.down = true;
    const reply = await gw.post(PROPOSE, { authorization: 'Bearer not-yet-seen' });
    main.down = false;
    expect(reply.status).toBe(503);
    expect(codes(reply)).toEqual(['AUTH_UNAVAILABLE']);
    expect(reply.headers.get('retry-after')).toBe('1');
  });
});
