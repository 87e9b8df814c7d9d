/**
 * HTTPS between the federation's services (docs/OPERATIONS.md, "TLS and database users"):
 *
 * - `AIKI_TLS_CERT`, `AIKI_TLS_KEY`: PEM files of this service's certificate (with its chain) and
 *   private key. Both set: the service's GraphQL listener serves HTTPS and announces an `https:`
 *   URL; one alone is refused at start.
 * - `AIKI_TLS_CA`: a PEM file of the certificate authorities that sign the federation's
 *   certificates. Set: every outbound HTTPS call of this process — fetch (undici's global
 *   dispatcher) and node:https requests (probes, the registry's long poll) — trusts these alone,
 *   not the system's roots: a service whose certificate this CA did not sign is refused.
 *
 * Requests between services stay signed with the federation's secret (runtime/signing.ts) either way.
 */
import { readFileSync } from 'node:fs';
import { Agent, setGlobalDispatcher } from 'undici';

function pem(name: string): Buffer | undefined {
  const file = process.env[name];
  if (!file) return undefined;
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as Error).message})`, { cause: err });
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${name}: ${file} is not a PEM file`);
  return text;
}

/** The listener's certificate and key (AIKI_TLS_CERT, AIKI_TLS_KEY), or undefined: plain HTTP. */
export function tlsServerOptions(): { cert: Buffer; key: Buffer } | undefined {
  const cert = pem('AIKI_TLS_CERT');
  const key = pem('AIKI_TLS_KEY');
  if (Boolean(cert) !== Boolean(key)) throw new Error('AIKI_TLS_CERT and AIKI_TLS_KEY go together: set both (HTTPS) or neither (HTTP)');
  return cert && key ? { cert, key } : undefined;
}

/** Options for a node:https request: the federation's CA alone when AIKI_TLS_CA is set. */
export function tlsClientOptions(): { ca?: Buffer } {
  const ca = pem('AIKI_TLS_CA');
  return ca ? { ca } : {};
}

let installed = false;

/**
 * Makes every fetch of this process trust AIKI_TLS_CA alone (when set): undici's global
 * dispatcher, which Node's fetch uses, with the CA as its only roots. Once per process, at start.
 */
export function installTlsTrust(): void {
  if (installed) return;
  installed = true;
  const { ca } = tlsClientOptions();
  if (ca) setGlobalDispatcher(new Agent({ connect: { ca } }));
}
