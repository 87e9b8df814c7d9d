/**
 * What every service's `main.ts` does first, the same way in each: set the runtime's settings
 * (runtime/settings.ts, each checked now), make every outbound HTTPS call trust the federation's CA
 * (AIKI_TLS_CA, runtime/tls.ts), make the federation client with the federation's secret
 * (runtime/federation.ts), and read what every service's listener takes alike. A config reader
 * (runtime/env.ts's readers, called here): only main.ts files call it, and they hand its values down.
 */
import { envAllowPrivateEndpoints, envHost, envInt, envIntrospection, envRuntimeSettings, envTls, readSubgraphSecret } from './env.ts';
import { federationClient, type FederationClient } from './federation.ts';
import type { Logger } from './log.ts';
import { configureRuntime } from './settings.ts';
import { installTlsTrust } from './tls.ts';

export interface PreparedService {
  /** Signed with AIKI_SUBGRAPH_SECRET (or this data folder's development secret); probes follow AIKI_ALLOW_PRIVATE_ENDPOINTS and AIKI_TLS_CA. */
  federation: FederationClient;
  /** The service's listener: AIKI_PORT (default the service's own), AIKI_HOST (default loopback), introspection (off when NODE_ENV=production), HTTPS (AIKI_TLS_CERT, AIKI_TLS_KEY). */
  listener: { port: number; host: string; introspection: boolean; tls: { cert: Buffer; key: Buffer } | undefined };
}

/** The start every service makes before it reads its own settings; `defaultPort` is its AIKI_PORT when unset. */
export function prepareService(log: Logger, defaultPort: number): PreparedService {
  configureRuntime(envRuntimeSettings()); // first: HTTP limits, shutdown timings, sealed reads — checked now
  const tls = envTls();
  installTlsTrust(tls.ca); // AIKI_TLS_CA: every outbound HTTPS call trusts the federation's CA alone
  const federation = federationClient({ secret: readSubgraphSecret(log), log, allowPrivateEndpoints: envAllowPrivateEndpoints(), ca: tls.ca });
  return {
    federation,
    listener: {
      port: envInt('AIKI_PORT', defaultPort, { max: 65535 }),
      host: envHost('AIKI_HOST', '127.0.0.1'),
      introspection: envIntrospection(),
      tls: tls.server,
    },
  };
}
