/**
 * The peer of bench/governance.bench.ts, run in its own process (it needs a large heap and a
 * time cap): what adding a municipality costs a gateway that composes one namespaced subgraph per
 * municipality — the approach docs/ARCHITECTURE.md ("Why the gateway shards one subgraph schema") rejects.
 *
 * `node --import tsx bench/support/compose-peer.ts <n>` composes the main-chain subgraph with `n`
 * copies of the ledger schema, one subgraph per municipality `m0001`…, each with every type the
 * ledger defines prefixed (`M0001_Chain`, `M0001_Block`, …) and its root Mutation fields prefixed
 * (`m0001_submitTransaction`, …), except `Municipality`: it stays the main chain's entity, and each
 * town adds its own prefixed field to it (`m0001_chain: M0001_Chain`), so that every town's
 * ledger can be reached from the main chain's `municipality(code:)` as it can in ours. Then it
 * builds the query planner as @apollo/gateway does on every supergraph update
 * (`Supergraph.build(supergraphSdl)`, `new QueryPlanner(supergraph)`) and plans one query.
 * Prints a JSON line (PeerResult) as each stage ends.
 */
import { composeServices } from '@apollo/composition';
// @apollo/gateway's own dependencies, at the version it pins (2.14.x): what it calls on an update.
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { pathToFileURL } from 'node:url';
import { Kind, parse, visit, type DocumentNode } from 'graphql';
import { ledger, mainchain } from '../../schema/sdl.ts';

/** One JSON line per stage as it ends (so a run cut short by the time cap still tells how far it got), the last with everything. */
export interface PeerResult {
  stage: 'compose' | 'planner' | 'done';
  n: number;
  composeMs: number;
  /** The rest are absent before their stage. Supergraph.build from the composed SDL plus new QueryPlanner: what the gateway does next. */
  plannerInitMs?: number;
  supergraphBuildMs?: number;
  queryPlannerMs?: number;
  planOneQueryMs?: number;
  supergraphSdlBytes?: number;
  /** V8 heap in use at the end, holding the supergraph and its query planner. */
  heapUsedMB: number;
  maxRssMB: number;
}

/** The ledger schema namespaced for one municipality. */
export function namespacedLedger(code: string): DocumentNode {
  const typePrefix = code[0]!.toUpperCase() + code.slice(1) + '_';
  const defined = new Set<string>();
  for (const d of ledger.typeDefs.definitions) if ('name' in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION) defined.add(d.name.value);
  defined.delete('Mutation');
  defined.delete('Municipality');
  return visit(ledger.typeDefs, {
    NamedType(node) {
      return defined.has(node.name.value) ? { ...node, name: { ...node.name, value: typePrefix + node.name.value } } : undefined;
    },
    ObjectTypeDefinition(node) {
      const name = node.name.value;
      if (name === 'Mutation' || name === 'Municipality') {
        const fields = node.fields?.map((f) =>
          name === 'Mutation' || f.name.value === 'chain' ? { ...f, name: { ...f.name, value: `${code}_${f.name.value}` } } : f,
        );
        return { ...node, fields };
      }
      return defined.has(name) ? { ...node, name: { ...node.name, value: typePrefix + name } } : undefined;
    },
    InputObjectTypeDefinition(node) {
      return defined.has(node.name.value) ? { ...node, name: { ...node.name, value: typePrefix + node.name.value } } : undefined;
    },
    EnumTypeDefinition(node) {
      return defined.has(node.name.value) ? { ...node, name: { ...node.name, value: typePrefix + node.name.value } } : undefined;
    },
  });
}

export const townCode = (i: number) => `m${String(i + 1).padStart(4, '0')}`;

function main(n: number): void {
  const report = (r: Omit<PeerResult, 'n' | 'heapUsedMB' | 'maxRssMB'>) =>
    console.log(
      JSON.stringify({ n, ...r, heapUsedMB: process.memoryUsage().heapUsed / 2 ** 20, maxRssMB: process.resourceUsage().maxRSS / 1024 } satisfies PeerResult),
    );
  const services = [
    { name: 'mainchain', url: 'http://mainchain.invalid/graphql', typeDefs: mainchain.typeDefs },
    ...Array.from({ length: n }, (_, i) => ({ name: townCode(i), url: `http://${townCode(i)}.invalid/graphql`, typeDefs: namespacedLedger(townCode(i)) })),
  ];
  let t0 = performance.now();
  const composed = composeServices(services);
  const composeMs = performance.now() - t0;
  if (composed.errors)
    throw new Error(
      `composition failed: ${composed.errors
        .slice(0, 5)
        .map((e) => e.message)
        .join('; ')}`,
    );
  report({ stage: 'compose', composeMs, supergraphSdlBytes: composed.supergraphSdl.length });

  t0 = performance.now();
  const supergraph = Supergraph.build(composed.supergraphSdl);
  const supergraphBuildMs = performance.now() - t0;
  t0 = performance.now();
  const planner = new QueryPlanner(supergraph);
  const queryPlannerMs = performance.now() - t0;
  const plannerInitMs = supergraphBuildMs + queryPlannerMs;
  report({ stage: 'planner', composeMs, plannerInitMs, supergraphBuildMs, queryPlannerMs });

  const last = townCode(n - 1);
  const query = parse(`{ municipality(code: "${last}") { code name ${last}_chain { height headHash } } }`);
  t0 = performance.now();
  const plan = planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), query));
  const planOneQueryMs = performance.now() - t0;
  if (!plan.node) throw new Error('the query planner returned an empty plan');

  report({ stage: 'done', composeMs, plannerInitMs, supergraphBuildMs, queryPlannerMs, planOneQueryMs, supergraphSdlBytes: composed.supergraphSdl.length });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2]);
  if (!Number.isInteger(n) || n < 1) throw new Error('usage: compose-peer.ts <number of municipalities>');
  main(n);
}
