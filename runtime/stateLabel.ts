/**
 * State labels: a subgraph's word that an answer is exactly its state now, for the gateway's state
 * and response caches (subgraphs/ledger/state.ts and subgraphs/mainchain/state.ts say when,
 * gateway/cache/StateCache.ts how they are used). The gateway asks with the header on its reads;
 * the label comes back as a response extension. Before using a kept answer it asks the subgraph's
 * label now at {@link STATE_PATH}: a signed POST answered without GraphQL, `{"label": … | null}`.
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { signRequest } from './signing.ts';
import { readCapped } from './readCapped.ts';

export const STATE_HEADER = 'x-aiki-state';
export const STATE_EXTENSION = 'aikiState';
export const STATE_PATH = '/state';

/**
 * A state: for a ledger its head block; for the main chain its count of writes and its start, or —
 * for an answer read from the registry alone — the registry's revision (`scope: 'registry'`,
 * subgraphs/mainchain/state.ts). A label with a scope is checked against that scope's label now.
 */
export interface StateLabel {
  height: number;
  hash: string;
  scope?: typeof REGISTRY_SCOPE;
}

export const REGISTRY_SCOPE = 'registry';

/** The label of the subgraph serving GraphQL at `graphqlUrl` now (of `scope` in it), asked signed with `secret`; undefined when it has none or does not answer. */
export async function fetchLabel(
  secret: string | undefined,
  graphqlUrl: string,
  timeoutMs = 10_000,
  scope?: string,
  ask: Record<string, unknown> = {},
): Promise<StateLabel | undefined> {
  const answer = await postState(secret, graphqlUrl, { ...(scope ? { scope } : {}), ...ask }, AbortSignal.timeout(timeoutMs));
  const label = (answer as { label?: StateLabel | null } | undefined)?.label;
  return isLabel(label) ? label : undefined;
}

export const isLabel = (label: unknown): label is StateLabel =>
  typeof (label as StateLabel | null)?.height === 'number' && typeof (label as StateLabel).hash === 'string';

/** `POST /state`, signed with `secret` (the federation's; none: unsigned); its JSON answer, or undefined when there is none. */
export async function postState(secret: string | undefined, graphqlUrl: string, payload: unknown, signal: AbortSignal): Promise<unknown> {
  const url = new URL(STATE_PATH, graphqlUrl).toString();
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? signRequest(secret, 'POST', url, body) : {}) },
      body,
      signal,
      redirect: 'manual', // not ok: no label
    });
    // A label is a few dozen bytes: a longer answer (an extension's /state is not the federation's own) is not read.
    const text = res.ok ? await readCapped(res, 1024) : undefined;
    return text ? (JSON.parse(text.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields of `document` (fragments included, typed by `schema`) that a subgraph does not vouch
 * for: fields with a resolver of their own (`resolved`) not listed in `vouched` (`Type.field`).
 * A field without a resolver reads its parent object, which its resolver read; `__typename` is
 * the schema's. A subgraph labels an answer only when this is empty: a new field that reads state
 * is refused a label until it is listed — no label, not kept (docs/GATEWAY.md, "The state cache").
 */
export function unvouchedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  resolved: (type: string, field: string) => boolean,
  vouched: ReadonlySet<string>,
): string[] {
  const found: string[] = [];
  const info = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        const field = node.name.value;
        if (!parent || field === '__typename') return;
        if (resolved(parent.name, field) && !vouched.has(`${parent.name}.${field}`)) found.push(`${parent.name}.${field}`);
      },
      // An entity fetched by `_entities` is read by its type's reference resolver.
      InlineFragment(node) {
        const type = node.typeCondition?.name.value;
        if (type && resolved(type, '__resolveReference') && !vouched.has(`${type}.__resolveReference`)) found.push(`${type}.__resolveReference`);
      },
    }),
  );
  return found;
}
