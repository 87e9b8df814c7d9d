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
 * Read and checked by runtime/env.ts `envTls` (each service's main.ts). Requests between services stay
 * signed with the federation's secret (runtime/signing.ts) either way.
 */
import { Agent, setGlobalDispatcher } from 'undici';

let installed = false;

/**
 * Makes every fetch of this process trust `ca` alone (AIKI_TLS_CA, read by runtime/env.ts `envTls`;
 * none: the system's roots, nothing changed): undici's global dispatcher, which Node's fetch uses,
 * with the CA as its only roots. Once per process, at start. node:https requests (probes, the
 * registry's long poll) are given the CA by the federation client (runtime/federation.ts).
 */
export function installTlsTrust(ca: Buffer | undefined): void {
  if (installed || !ca) return;
  installed = true;
  setGlobalDispatcher(new Agent({ connect: { ca } }));
}
