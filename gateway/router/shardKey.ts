/**
 * Which municipality an entity representation belongs to. Every ledger entity key carries its
 * municipality (docs/ARCHITECTURE.md, "Why the gateway shards one subgraph schema"): `Municipality` by its `code`, every other ledger entity by an id of the
 * form `<code>:<local id>`.
 */
import { aikiError, type AikiError } from '../../core/errors.ts';
import { isMunicipalityCode, splitLedgerId } from '../../core/municipality.ts';

export function municipalityOf(rep: unknown): string | AikiError {
  if (rep === null || typeof rep !== 'object' || Array.isArray(rep)) {
    return aikiError('MALFORMED_REPRESENTATION', `an entity representation must be an object, got ${JSON.stringify(rep)}`);
  }
  const { __typename, code, id } = rep as Record<string, unknown>;
  if (typeof __typename !== 'string') return aikiError('MALFORMED_REPRESENTATION', 'an entity representation needs a string __typename');
  const key = __typename === 'Municipality' ? code : splitLedgerId(id)?.municipality;
  if (!isMunicipalityCode(key)) {
    const field = __typename === 'Municipality' ? 'code' : 'id "<municipality>:…"';
    return aikiError('MALFORMED_REPRESENTATION', `${__typename} representation has no municipality in its ${field}`, { typename: __typename });
  }
  return key;
}
