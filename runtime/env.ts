/** Reading configuration from environment variables, with errors that name the variable. */
import { hexToBytes, sha256, utf8 } from '../core/index.ts';
import type { Logger } from './log.ts';

export function envString(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`${name} is required (see README.md, "Configuration")`);
}

export function envInt(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}] (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/**
 * An Ed25519 secret key from `name` (64 lower-case hex characters). Unset, a development key
 * anyone can derive from `devLabel`, with a warning: fine for a laptop, never in production.
 */
export function envSecretKey(name: string, devLabel: string, log: Logger): Uint8Array {
  const hex = process.env[name];
  if (hex) {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 secret key)`);
    return hexToBytes(hex);
  }
  log.warn(`${name} is not set: using a public development key (never in production)`);
  return sha256(utf8(devLabel));
}

/** An Ed25519 public key from `name` (64 lower-case hex characters). */
export function envPublicKey(name: string): Uint8Array {
  const hex = envString(name);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 public key)`);
  return hexToBytes(hex);
}
