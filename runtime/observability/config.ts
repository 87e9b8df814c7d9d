/**
 * Whether and where a service exports traces, read from the environment (README.md,
 * "Configuration") with OpenTelemetry's own variable names ("OTLP Exporter Configuration",
 * "General SDK Configuration"). The one place tracing reads `process.env`.
 *
 * - `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as it is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces`
 *   appended): export spans over OTLP/HTTP (JSON) there. Neither set: tracing is off — no SDK is
 *   loaded, no span is made, nothing is propagated.
 * - `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TRACES_HEADERS`: `key=value,…` sent with each
 *   export (a collector's API key), values percent-decoded.
 * - `OTEL_SERVICE_NAME` (default: the service's own, `gateway`, `mainchain`, `events`, and
 *   `ledger-<code>` with the ledger's `AIKI_MUNICIPALITY`), `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`).
 * - `OTEL_TRACES_SAMPLER_ARG`: the probability that a new trace is sampled (default 1); a request
 *   arriving with a `traceparent` follows its sampled flag (parent-based sampling).
 * - `OTEL_SDK_DISABLED=true`: off, whatever else is set.
 */

export interface TracingConfig {
  /** The full OTLP/HTTP traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  /** Probability that a root span is sampled, 0–1. */
  sampleRatio: number;
}

/** The tracing configuration of `service`, or undefined when tracing is off. Throws, naming the variable, on a bad value. */
export function readTracingConfig(service: string, env: NodeJS.ProcessEnv = process.env): TracingConfig | undefined {
  const disabled = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabled !== undefined && disabled !== '' && disabled !== 'true' && disabled !== 'false')
    throw new Error(`OTEL_SDK_DISABLED must be true or false (got ${JSON.stringify(env.OTEL_SDK_DISABLED)})`);
  const ratioText = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const sampleRatio = ratioText === undefined || ratioText === '' ? 1 : Number(ratioText);
  if (!(sampleRatio >= 0 && sampleRatio <= 1)) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got ${JSON.stringify(ratioText)})`);
  const url = otlpTracesUrl(env);
  if (disabled === 'true' || url === undefined) return undefined;
  const resourceAttributes = keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES');
  return {
    url,
    headers: {
      ...lowerCaseKeys(keyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS')),
      ...lowerCaseKeys(keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS')),
    },
    serviceName:
      env.OTEL_SERVICE_NAME?.trim() ||
      resourceAttributes['service.name'] ||
      (service === 'ledger' && env.AIKI_MUNICIPALITY ? `ledger-${env.AIKI_MUNICIPALITY}` : service),
    resourceAttributes,
    sampleRatio,
  };
}

/** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; undefined when neither is set. */
function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return httpUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT').toString();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  const url = httpUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  url.pathname = url.pathname.replace(/\/*$/, '') + '/v1/traces';
  return url.toString();
}

function httpUrl(raw: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an http:// or https:// URL (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http:// or https:// URL (got ${JSON.stringify(raw)})`);
  return url;
}

/** `key=value,…`, values percent-decoded (W3C Baggage's format, which these variables use). */
function keyValues(raw: string | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`${name} must be key=value pairs separated by commas (got ${JSON.stringify(pair.trim())})`);
    try {
      out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`${name}: the value of ${pair.slice(0, eq).trim()} is not percent-encoded correctly`);
    }
  }
  return out;
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
