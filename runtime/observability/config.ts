/**
 * The process's tracer from the environment, for every service's main.ts (README.md,
 * "Configuration"). The OpenTelemetry SDK's standard variables where they exist:
 *
 * - `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended) or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 *   (as it is): export spans over OTLP/HTTP JSON there; unset, no OTLP export.
 * - `OTEL_EXPORTER_OTLP_HEADERS`: `key=value,…` sent with each export (a collector's API key).
 * - `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`): the resource.
 * - `OTEL_TRACES_SAMPLER_ARG`: the probability that a new trace is sampled (default 1); a request
 *   that arrives with a `traceparent` follows its sampled flag.
 * - `OTEL_SDK_DISABLED=true`: no export at all (ids are still propagated).
 * - `AIKI_TRACE_LOG`: `debug` (default), `info` or `off`: the level of the span log lines.
 */
import type { Logger } from '../log.ts';
import { OtlpHttpExporter, otlpHeaders, otlpTracesUrl } from './otlp.ts';
import { logSpanExporter, Tracer, type SpanExporter } from './tracing.ts';

export interface TracingSetup {
  tracer: Tracer;
  /** Present when spans go to an OTLP endpoint. */
  otlp?: OtlpHttpExporter;
}

export function readTracingConfig(service: string, log: Logger, env: NodeJS.ProcessEnv = process.env): TracingSetup {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { tracer: new Tracer() };
  const ratioText = env.OTEL_TRACES_SAMPLER_ARG;
  const sampleRatio = ratioText === undefined || ratioText === '' ? 1 : Number(ratioText);
  if (!(sampleRatio >= 0 && sampleRatio <= 1)) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number in [0, 1] (got ${JSON.stringify(ratioText)})`);
  const level = env.AIKI_TRACE_LOG || 'debug';
  if (level !== 'debug' && level !== 'info' && level !== 'off') throw new Error(`AIKI_TRACE_LOG must be debug, info or off (got ${JSON.stringify(level)})`);

  const exporters: SpanExporter[] = [];
  if (level !== 'off') exporters.push(logSpanExporter(log, level));
  let otlp: OtlpHttpExporter | undefined;
  const url = otlpTracesUrl(env);
  if (url) {
    otlp = new OtlpHttpExporter({
      url,
      headers: otlpHeaders(env),
      resource: { serviceName: env.OTEL_SERVICE_NAME || service, attributes: keyValues(env.OTEL_RESOURCE_ATTRIBUTES) },
      log,
    });
    exporters.push(otlp);
  }
  return { tracer: new Tracer({ exporters, sampleRatio }), ...(otlp ? { otlp } : {}) };
}

function keyValues(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}
