/** Municipality codes and ledger entity ids: the keys the shard router routes by. */
import { aikiError } from './errors.ts';

/** A municipality code: lower-case ASCII, 2–32 characters, starting with a letter (`kyoto`, `shin-osaka`). */
export const MUNICIPALITY_CODE = /^[a-z][a-z0-9-]{1,31}$/;

export function isMunicipalityCode(value: unknown): value is string {
  return typeof value === 'string' && MUNICIPALITY_CODE.test(value);
}

/** Throws BAD_USER_INPUT unless `value` is a well-formed municipality code. */
export function assertMunicipalityCode(value: unknown, field = 'code'): string {
  if (!isMunicipalityCode(value)) {
    throw aikiError('BAD_USER_INPUT', `${field} must match ${MUNICIPALITY_CODE} (got ${JSON.stringify(value)})`, { field });
  }
  return value;
}

/**
 * Splits a ledger entity id `<municipality>:<local>` (docs/ARCHITECTURE.md: every ledger key carries its
 * municipality). Null unless the municipality is a well-formed code and the local part matches
 * `local`.
 */
export function splitLedgerId(id: unknown, local: RegExp = /^.+$/s): { municipality: string; local: string } | null {
  if (typeof id !== 'string') return null;
  const colon = id.indexOf(':');
  if (colon < 0) return null;
  const municipality = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  return isMunicipalityCode(municipality) && local.test(rest) ? { municipality, local: rest } : null;
}
