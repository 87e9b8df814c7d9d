/**
 * An extension subgraph's SDL, read and composed before it joins the supergraph (the
 * `registerSubgraph` action, docs/GOVERNANCE.md): read with an unsigned probe under the rules for
 * operator-given URLs (runtime/probe.ts), then held to what an extension may do and composed with
 * the main chain, the ledger contract and the other extensions (schema/compose.ts).
 */
import { aikiError } from '../../core/index.ts';
import { composeFederation, mainchain, type ExtensionSdl } from '../../schema/index.ts';
import { firstError, probeGraphQL, PROBES, type ProbePolicy } from '../../runtime/probe.ts';

/** The SDL the extension `name` serves at `url`; SUBGRAPH_UNREACHABLE (or the probe's code) when there is none. */
export async function fetchSdl(name: string, url: string, timeoutMs: number, policy: ProbePolicy): Promise<string> {
  const reply = await probeGraphQL<{ _service?: { sdl?: string } }>(url, PROBES.sdl, { policy, timeoutMs, details: { subgraph: name } });
  const sdl = reply.data?._service?.sdl;
  if (typeof sdl !== 'string')
    throw aikiError('SUBGRAPH_UNREACHABLE', `${name} at ${url} is not a federation subgraph (no _service { sdl }): ${firstError(reply, 'no SDL')}`, {
      subgraph: name,
      endpoint: url,
    });
  return sdl;
}

/**
 * Checks that extension `name` with `sdl` composes with the main chain, the ledger contract and
 * the `others` registered: CONTRACT_TAKEOVER or the composition's code, with every error, when not.
 */
export function checkComposes(name: string, url: string, sdl: string, others: ExtensionSdl[]): void {
  const composed = composeFederation({ url: 'http://mainchain.invalid/graphql', sdl: mainchain.typeDefs }, [
    ...others.filter((s) => s.name !== name),
    { name, url, sdl },
  ]);
  if (!composed.ok) {
    const why = composed.code === 'CONTRACT_TAKEOVER' ? 'reaches into the contract' : 'does not compose with the supergraph';
    throw aikiError(composed.code, `${name} ${why}: ${composed.errors.join('; ')}`, { subgraph: name, errors: composed.errors });
  }
}
