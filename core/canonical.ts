/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme, JCS) restricted to our value domain,
 * so that a signed or hashed value has exactly one byte form.
 *
 * The domain: `null`, booleans, strings, safe integers, arrays and plain objects. Within it JCS is
 * simple: RFC 8785 §3.2.2.3 serialises numbers as ECMAScript does, which for a safe integer is its
 * decimal digits (`-0` is written `0`); §3.2.2.2 escapes strings as `JSON.stringify` does; §3.2.3
 * sorts object properties by the UTF-16 code units of their names. Fractions, NaN, ±Infinity and
 * integers beyond 2^53-1 are refused rather than rounded: an amount must never change by encoding.
 * Strings must be well-formed UTF-16 (RFC 8785 §3.2.2.2 requires I-JSON, RFC 7493 §2.1).
 */
import { isWellFormed, utf8 } from './bytes.ts';

/** The RFC 8785 serialisation of `value`; throws TypeError for anything outside the domain above. */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

/** `utf8(canonicalJson(value))`: the bytes that are hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return writeString(value, path);
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new TypeError(`${path}: expected a safe integer, got ${String(value)}`);
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: ${typeof value} has no JSON form`);
  }
  if (seen.has(value)) throw new TypeError(`${path}: circular reference`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // An index loop, not map(): a hole in a sparse array is undefined and refused, not skipped.
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined) throw new TypeError(`${path}[${i}]: undefined has no JSON form`);
        items.push(write(item, `${path}[${i}]`, seen));
      }
      return `[${items.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${path}: expected a plain object, got ${proto?.constructor?.name ?? 'an object'}`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order of RFC 8785 §3.2.3.
    const keys = Object.keys(record).sort();
    const members = keys.map((key) => {
      const item = record[key];
      if (item === undefined) throw new TypeError(`${path}.${key}: undefined has no JSON form`);
      return `${writeString(key, path)}:${write(item, `${path}.${key}`, seen)}`;
    });
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

function writeString(s: string, path: string): string {
  if (!isWellFormed(s)) throw new TypeError(`${path}: expected a well-formed string, got a lone surrogate`);
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2: \b \t \n \f \r \" \\ and \u00XX
  // (lower-case hex) for the other controls; everything else, including U+2028/9, as is.
  return JSON.stringify(s);
}
