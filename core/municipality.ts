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
