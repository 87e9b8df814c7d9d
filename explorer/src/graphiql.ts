/**
 * GraphiQL, served by the gateway at GET /graphql to browsers: the editor, docs and history are in
 * this bundle (no CDN), with example operations of this API in tabs — the README's query, an
 * account, a transaction with its inclusion proof, and the trace `aiki verify` checks.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import type { Fetcher } from '@graphiql/toolkit';
import 'graphiql/style.css';
import { TRACE_QUERY } from '../../core/trace.ts';

const EXAMPLES = [
  `# The municipalities, each chain answered by its own ledger (README, "Quick start")
{
  municipalities { code name status chain { height headHash headTime } }
  mainChain { height headHash }
}`,
  `# An account: balance, nonce and its newest transactions. Put an address in the variables.
query Account($address: String!) {
  account(address: $address) {
    id balance nonce
    transactions(first: 10) { edges { node { id kind from to amount status time } } }
  }
}`,
  `# A confirmed transaction with everything needed to verify it offline (docs/PROTOCOL.md)
query Proof($id: String!) {
  transaction(id: $id) {
    id status kind from to amount nonce memo time signature height
    proof {
      txid index treeSize path root
      header { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
      parent { v municipality height prevHash time txRoot txCount pohEnd pohCount sequencer hash signature }
      poh { ticks hash start segment { ticks event hash } }
    }
  }
}`,
  `# A transfer's hops across municipalities with every proof: what \`aiki verify\` checks
${TRACE_QUERY}`,
];

/** Plain fetch to this origin: GraphiQL's toolkit would pull in WebSocket clients we do not use. */
const fetcher: Fetcher = async (params, opts) => {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts?.headers as Record<string, string> | undefined) },
    body: JSON.stringify(params),
  });
  return res.json();
};

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultTabs: EXAMPLES.map((query) => ({
      query,
      variables: query.includes('$address') ? '{ "address": "kyoto:" }' : query.includes('$id') ? '{ "id": "kyoto:" }' : undefined,
    })),
    defaultEditorToolsVisibility: true,
  }),
);
