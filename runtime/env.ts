/** Reading configuration from environment variables, with errors that name the variable. */
import { hexToBytes } from '../core/index.ts';
import { devSecretFile, keptSecret } from './devSecrets.ts';
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

/** One of `choices` from `name` (unset: `fallback`); anything else is refused, naming the variable and the accepted values. */
export function envChoice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new Error(`${name} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)})`);
}

/** An http(s) URL from `name` (unset: `fallback`, or undefined when there is none); anything else is refused, naming the variable. */
export function envUrl(name: string, fallback: string): string;
export function envUrl(name: string): string | undefined;
export function envUrl(name: string, fallback?: string): string | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${name} must be an http:// or https:// URL, like http://127.0.0.1:4001/graphql (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

/** A comma-separated list of http(s) URLs from `name` (the main chain's processes: runtime/failover.ts), each checked; `fallback` when unset. */
export function envUrls(name: string, fallback: string): string[];
export function envUrls(name: string): string[] | undefined;
export function envUrls(name: string, fallback?: string): string[] | undefined {
  const raw = process.env[name] || fallback;
  if (raw === undefined || raw === '') return undefined;
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const u of urls) {
    let url: URL | undefined;
    try {
      url = new URL(u);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(`${name} must be one or more http:// or https:// URLs, comma-separated, like http://127.0.0.1:4001/graphql,http://127.0.0.1:4002/graphql (got ${JSON.stringify(u)})`);
    }
  }
  if (urls.length === 0) throw new Error(`${name} names no URL (got ${JSON.stringify(raw)})`);
  return urls;
}

/**
 * An Ed25519 secret key from `name` (64 lower-case hex characters). Unset, the development key
 * of this data folder (`<AIKI_DATA_DIR>/keys/<devFile>`, made at random on first use), with a
 * warning: nobody else can know it, but it is a file on this machine, not a managed secret.
 */
export function envSecretKey(name: string, devFile: string, log: Logger): Uint8Array {
  const hex = process.env[name];
  if (hex) {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 secret key)`);
    return hexToBytes(hex);
  }
  const file = devSecretFile(devFile);
  log.warn(`${name} is not set: using the development key of this data folder, ${file} (set ${name} in production)`);
  return hexToBytes(keptSecret(file));
}

/** The federation's shared secret (AIKI_SUBGRAPH_SECRET, runtime/signing.ts), or undefined (development: nothing signed or checked). */
export function subgraphSecret(): string | undefined {
  return process.env.AIKI_SUBGRAPH_SECRET || undefined;
}

/**
 * The federation's shared secret (runtime/signing.ts) for this service to sign and check with:
 * AIKI_SUBGRAPH_SECRET, or unset, the development secret of this data folder
 * (`<AIKI_DATA_DIR>/keys/subgraph-secret`), so that the services started from one folder sign for
 * each other and nobody else can. Each main.ts hands it to its service (runtime/federation.ts).
 */
export function readSubgraphSecret(log: Logger): string {
  const secret = subgraphSecret();
  if (secret) return secret;
  const file = devSecretFile('subgraph-secret');
  log.warn(`AIKI_SUBGRAPH_SECRET is not set: using the development secret of this data folder, ${file}`);
  return keptSecret(file);
}

/** An Ed25519 public key from `name` (64 lower-case hex characters). */
export function envPublicKey(name: string): Uint8Array {
  const hex = envString(name);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${name} must be 64 lower-case hex characters (an Ed25519 public key)`);
  return hexToBytes(hex);
}
