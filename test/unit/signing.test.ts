/**
 * Request signatures in time: a signature that verifies but is older than MAX_SKEW_MS is a request
 * held up on the way (or replayed) and is refused SIGNATURE_EXPIRED — retryable by signing again —
 * never BAD_REQUEST_SIGNATURE, which says "not signed by the federation". The settlement chaos
 * test once failed with the latter on a busy machine (issue 18, point 10).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '../../runtime/graphql.ts';
import { serve, type Served } from '../../runtime/http.ts';
import { createLogger } from '../../runtime/log.ts';
import { checkSignature, MAX_SKEW_MS, signRequest, SIGNATURE_HEADER } from '../../runtime/signing.ts';

const SECRET = 'test-secret';
const URL_ = 'http://127.0.0.1:4001/graphql';
const BODY = '{"query":"{ __typename }"}';

describe('a signature in time', () => {
  const check = (header: string, now: number) => checkSignature(SECRET, header, 'POST', '/graphql', BODY, now);
  const t = 1_760_000_000_000;
  const signed = signRequest(SECRET, 'POST', URL_, BODY, t)[SIGNATURE_HEADER]!;
  const forged = signRequest('another secret', 'POST', URL_, BODY, t)[SIGNATURE_HEADER]!;

  it('is valid within MAX_SKEW_MS either side of its time', () => {
    expect(check(signed, t + MAX_SKEW_MS)).toBeUndefined();
    expect(check(signed, t - MAX_SKEW_MS)).toBeUndefined();
  });

  it('verifying but older (or from the future) is SIGNATURE_EXPIRED, with when it was signed and arrived', () => {
    const late = check(signed, t + MAX_SKEW_MS + 1);
    expect(late?.code).toBe('SIGNATURE_EXPIRED');
    expect(late?.extensions).toMatchObject({ signedAt: t, arrivedAt: t + MAX_SKEW_MS + 1, maxSkewMs: MAX_SKEW_MS });
    expect(check(signed, t - MAX_SKEW_MS - 1)?.code).toBe('SIGNATURE_EXPIRED');
  });

  it('not verifying is BAD_REQUEST_SIGNATURE however old', () => {
    expect(check(forged, t)?.code).toBe('BAD_REQUEST_SIGNATURE');
    expect(check(forged, t + 10 * MAX_SKEW_MS)?.code).toBe('BAD_REQUEST_SIGNATURE');
  });
});

describe('a request held up on the way', () => {
  // A real subgraph endpoint (runtime/http.ts) behind a relay that holds the first request it
  // sees for longer than a signature lives — on a test's clock: the relay hands it on with its
  // signature re-dated 61 s earlier, as if it had waited that long (a test cannot wait a minute).
  let subgraph: Served;
  let relay: ReturnType<typeof createServer>;
  let relayUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } });
    subgraph = await serve(apollo, { port: 0, context: async () => ({}), requireSignature: SECRET, log: createLogger('test') });
    relay = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers[SIGNATURE_HEADER]);
      seen.push(header);
      // The first request arrives late: its signature is 61 s old when it reaches the subgraph.
      const sent =
        seen.length === 1
          ? signRequest(SECRET, 'POST', subgraph.url, body, Number(/^t=(\d+)/.exec(header)![1]) - MAX_SKEW_MS - 1_000)[SIGNATURE_HEADER]!
          : header;
      const answer = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sent }, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(await answer.text());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    relay?.close();
    await subgraph?.close();
  });

  it('is refused SIGNATURE_EXPIRED, and postGraphQL sends it again signed afresh', async () => {
    const reply = await postGraphQL(relayUrl, '{ ok }', { secret: SECRET });
    expect(reply).toEqual({ data: { ok: true } });
    expect(seen).toHaveLength(2); // the held-up one, refused; the one signed again, answered
  });
});
