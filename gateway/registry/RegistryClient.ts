/** Reads the main chain's registry over HTTP, as any client of its subgraph would. */
import { Endpoints, noAnswer } from '../../runtime/failover.ts';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GraphQLTransportError, type GraphQLReply } from '../../runtime/graphql.ts';
import { signRequest } from '../../runtime/signing.ts';
import type { FederationClient } from '../../runtime/federation.ts';

export interface RegisteredMunicipality {
  code: string;
  status: MunicipalityStatus;
  endpoints: string[];
}

export type MunicipalityStatus = 'ACTIVE' | 'SUSPENDED';

/** An extension subgraph approved by governance, with the SDL it was approved with. */
export interface RegisteredSubgraph {
  name: string;
  url: string;
  sdl: string;
}

const REVISION_QUERY = 'query AikiRegistryRevision($after: String, $waitMs: Int) { registryRevision(after: $after, waitMs: $waitMs) }';

export class RegistryClient {
  private readonly mainchain: Endpoints;

  /** `url`: the main chain's GraphQL URL, or its processes' URLs, asked in turn when one does not answer (runtime/failover.ts). */
  constructor(
    url: string | readonly string[] | Endpoints,
    /** Signs the calls to the main chain (runtime/federation.ts). */
    private readonly federation: FederationClient,
    private readonly timeoutMs = 5000,
  ) {
    this.mainchain = url instanceof Endpoints ? url : new Endpoints(typeof url === 'string' ? [url] : url);
  }

  /** The main chain's URL as the supergraph names it (the first given): the gateway's calls to it go to whichever process answers. */
  get url(): string {
    return this.mainchain.urls[0]!;
  }

  /** The main chain's subgraph SDL, for composition. */
  async serviceSdl(): Promise<string> {
    const data = await this.query<{ _service: { sdl: string } }>('query AikiServiceSdl { _service { sdl } }');
    return data._service.sdl;
  }

  async municipalities(): Promise<RegisteredMunicipality[]> {
    const data = await this.query<{ municipalities: RegisteredMunicipality[] }>('query AikiShardMap { municipalities { code status endpoints } }');
    return data.municipalities;
  }

  /** The municipalities changed since revision `after` (the whole registry when `complete`), and the revision they bring the reader to. */
  async changes(after: string): Promise<{ revision: string; complete: boolean; municipalities: RegisteredMunicipality[] }> {
    const data = await this.query<{ registryChanges: { revision: string; complete: boolean; municipalities: RegisteredMunicipality[] } }>(
      'query AikiRegistryChanges($after: String!) { registryChanges(after: $after) { revision complete municipalities { code status endpoints } } }',
      { after },
    );
    return data.registryChanges;
  }

  async subgraphs(): Promise<RegisteredSubgraph[]> {
    const data = await this.query<{ subgraphs: RegisteredSubgraph[] }>('query AikiExtensions { subgraphs { name url sdl } }');
    return data.subgraphs;
  }

  /**
   * The registry's revision: at once if it differs from `after`, else once it changes or `waitMs`
   * has passed (a long poll). `signal` ends the wait early, at gateway shutdown.
   */
  async revision(after: string | undefined, waitMs: number, signal?: AbortSignal): Promise<string> {
    // The main chain holds the request for up to waitMs: the time-out must outlast it.
    const timeout = AbortSignal.timeout(waitMs + this.timeoutMs);
    const body = JSON.stringify({ query: REVISION_QUERY, variables: { after, waitMs } });
    const { data, errors } = (await this.mainchain.run(
      (url) => postOnOwnConnection(this.federation, url, body, signal ? AbortSignal.any([timeout, signal]) : timeout),
      (err) => noAnswer(err) && !signal?.aborted && !timeout.aborted,
    )) as GraphQLReply<{ registryRevision: string }>;
    if (typeof data?.registryRevision !== 'string') throw new Error(`main chain at ${this.mainchain.url}: ${errors?.[0]?.message ?? 'no revision'}`);
    return data.registryRevision;
  }

  private async query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { data, errors } = await this.mainchain.run((url) => this.federation.graphql<T>(url, query, { variables, timeoutMs: this.timeoutMs }));
    if (!data) throw new Error(`main chain at ${this.mainchain.url}: ${errors?.[0]?.message ?? 'no data'}`);
    return data;
  }
}

/**
 * POSTs a JSON body, signed with the federation's secret (trusting its CA), on a connection of its own (no pool) that `signal` closes. For the long poll:
 * aborting a pooled fetch() makes Node 20's fetch open a spare connection to the main chain, which
 * its server then waits on when it closes (up to its 60 s headers time-out; seen with both in one
 * process). A connection of our own just ends.
 */
function postOnOwnConnection({ secret, ca }: FederationClient, url: string, body: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const headers = { 'content-type': 'application/json', accept: 'application/json', ...(secret ? signRequest(secret, 'POST', url, body) : {}) };
    const req = send(url, { method: 'POST', agent: false, signal, headers, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new GraphQLTransportError(`${url} answered HTTP ${res.statusCode} with a body that is not GraphQL JSON`));
        }
      });
      res.on('close', () => {
        if (!res.complete) reject(new GraphQLTransportError(`${url} closed the connection mid-answer`));
      });
    });
    req.on('error', (err) => reject(new GraphQLTransportError(`${url} did not answer the revision long poll: ${err.message}`, { cause: err })));
    req.end(body);
  });
}
