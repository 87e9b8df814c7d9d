/**
 * The explorer's GraphQL client: a POST to the gateway it was loaded from, nothing else. Typed by
 * the documents (queries.ts); errors are thrown with their code, as the API gives it.
 */
import type { TypedDocumentString } from './gql/graphql.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface Reply<T> {
  data: T | null;
  errors: Array<{ message: string; extensions?: { code?: string } }>;
}

/** The whole reply: data and errors side by side (a municipality that cannot be reached is an error beside the others' data). */
export async function request<T, V>(document: TypedDocumentString<T, V> | string, variables?: V): Promise<Reply<T>> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollographql-client-name': 'aiki-explorer' },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await res.json().catch(() => null)) as { data?: T | null; errors?: Reply<T>['errors'] } | null;
  if (!body) throw new ApiError(`HTTP ${res.status}`, undefined);
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

/** The data, or the first error thrown. */
export async function query<T, V>(document: TypedDocumentString<T, V> | string, variables?: V): Promise<T> {
  const { data, errors } = await request(document, variables);
  if (!data || errors.length > 0) throw new ApiError(errors[0]?.message ?? 'no data', errors[0]?.extensions?.code);
  return data;
}
