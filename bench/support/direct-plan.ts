/**
 * The upper limit of bench/gateway.bench.ts: a client that already knows every subgraph call a
 * query needs and sends them itself — no gateway, no parsing, planning or merging.
 *
 * The calls are not written by hand: {@link directRecorder} runs each query once through an
 * in-process @apollo/gateway on the same supergraph, whose data sources send every call on (the
 * ledger's `_entities` split by municipality, as the shard router does) and record it with its
 * stage — how many subgraph calls had finished when it started, so that calls the query plan runs
 * in parallel share a stage. {@link loadPlans} then replays them in a closed loop with the same
 * clients, warm-up, duration and percentiles as bench/load.ts (`closedLoop`): each stage's calls in parallel, the
 * stages in order. The data does not change during the benchmark, so the recorded
 * representations stay right.
 */
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { postGraphQL } from '../../runtime/graphql.ts';
import { subgraphSecret } from '../../runtime/env.ts';
import { closedLoop, post, type LoadOptions, type LoadResult } from '../load.ts';
import { splitEntities, type GraphQLBody, type GraphQLResult } from './entity-split.ts';

export interface DirectCall {
  /** `mainchain`, or the municipality of a ledger call. */
  target: string;
  url: string;
  body: GraphQLBody;
}

export interface DirectPlan {
  /** Stages in order; the calls of one stage run in parallel. */
  stages: DirectCall[][];
  /** The ledger calls as the query planner made them, before the split by municipality. */
  unsplit: GraphQLBody[];
  /** What the recording gateway answered. */
  result: GraphQLResult;
}

export interface Recorder {
  record(query: string, variables: Record<string, unknown>): Promise<DirectPlan>;
  stop(): Promise<void>;
}

/** An in-process @apollo/gateway on `supergraphSdl` whose data sources call and record. */
export async function directRecorder(supergraphSdl: string, mainchainUrl: string, ledgers: Record<string, string>): Promise<Recorder> {
  let calls: Array<DirectCall & { stage: number }> = [];
  let unsplit: GraphQLBody[] = [];
  let finished = 0;
  const post = (call: DirectCall, stage: number) => {
    calls.push({ ...call, stage });
    return postGraphQL(call.url, call.body.query, { variables: call.body.variables, operationName: call.body.operationName, secret: subgraphSecret() });
  };
  const source = (name: string): GraphQLDataSource => ({
    async process({ request }) {
      const stage = finished;
      const body: GraphQLBody = { query: request.query ?? '', variables: request.variables, operationName: request.operationName };
      try {
        if (name === 'mainchain') return await post({ target: 'mainchain', url: mainchainUrl, body }, stage);
        unsplit.push(body);
        return await splitEntities(body, (code, part) =>
          post({ target: code, url: ledgers[code] ?? `http://unknown-municipality.invalid/${code}`, body: part }, stage),
        );
      } finally {
        finished++;
      }
    },
  });
  const gateway = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => source(name!) });
  const server = new ApolloServer({ gateway });
  await server.start();
  return {
    async record(query, variables) {
      calls = [];
      unsplit = [];
      finished = 0;
      const response = await server.executeOperation({ query, variables });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      const stages: DirectCall[][] = [];
      for (const { stage, ...call } of calls) (stages[stage] ??= []).push(call);
      return { stages: stages.filter(Boolean), unsplit, result: errors ? { data, errors: [...errors] } : { data } };
    },
    stop: () => server.stop(),
  };
}

/** Fails unless one pass of `plan` answers every call without errors and with no null entity. */
export async function checkPlan(plan: PreparedPlan): Promise<string | undefined> {
  for (const stage of plan) {
    for (const call of stage) {
      const body = JSON.parse(call.payload) as GraphQLBody;
      const reply = await postGraphQL(call.url, body.query, { variables: body.variables, operationName: body.operationName, secret: subgraphSecret() });
      if (reply.errors?.length) return `${call.target}: ${JSON.stringify(reply.errors).slice(0, 300)}`;
      const entities = reply.data?._entities as unknown[] | undefined;
      if (!reply.data || entities?.some((e) => e === null)) return `${call.target}: missing data`;
    }
  }
  return undefined;
}

/** A plan ready to send: each call's URL and JSON body, stages in order. */
export type PreparedPlan = Array<Array<{ target: string; url: string; payload: string }>>;

export const prepare = (stages: DirectCall[][]): PreparedPlan =>
  stages.map((stage) => stage.map((call) => ({ target: call.target, url: call.url, payload: JSON.stringify(call.body) })));

/**
 * `plan` for other ids: every occurrence of each `[from, to]` pair's `from` (a txid, in a query's
 * variables or an entity's representation) replaced by `to`. The `fresh` workload records one
 * plan per query once and asks it of the newest transfers this way.
 */
export const substitute = (plan: PreparedPlan, pairs: Array<[string, string]>): PreparedPlan =>
  plan.map((stage) => stage.map((call) => ({ ...call, payload: pairs.reduce((p, [from, to]) => p.replaceAll(from, to), call.payload) })));

/** One pass of `plan`: each stage's calls in parallel, the stages in order; whether every call answered without errors. */
export async function replay(plan: PreparedPlan): Promise<boolean> {
  let ok = true;
  for (const stage of plan) ok = (await Promise.all(stage.map((call) => post(call.url, call.payload)))).every(Boolean) && ok;
  return ok;
}

/**
 * bench/load.ts's closed loop over plans instead of one request: each request of a client is the
 * next plan in turn (see {@link replay}). With as many plans as clients or more, no two requests
 * in flight are the same.
 */
export function loadPlans(plans: DirectCall[][][], options: LoadOptions = {}): Promise<LoadResult> {
  const prepared = plans.map(prepare);
  let next = 0;
  return closedLoop(() => replay(prepared[next++ % prepared.length]!), options);
}
