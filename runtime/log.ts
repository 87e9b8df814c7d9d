/**
 * Structured logs (pino): one JSON object per line on stderr, so stdout stays free for the ready
 * line. Each line carries `time`, `level` (`debug`…`error`), `service`, `msg`, the caller's fields,
 * and — inside a traced request — the current span's `traceId` and `spanId`, so a line can be found
 * from its trace and the trace from the line (runtime/observability/).
 *
 * Secrets never reach the log: the values of the fields named in {@link REDACTED} (tokens, keys,
 * signatures, passwords), at the top level, one level down and in `headers`, are written as
 * `[redacted]`, and a URL's password (`scheme://user:password@host`) in any string field is too.
 */
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, stdSerializers } from 'pino';

import type { LogLevel } from './logLevels.ts';

export type { LogLevel } from './logLevels.ts';
type Level = LogLevel;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The lowest level written (createLogger's); absent on a logger made by hand. */
  readonly level?: LogLevel;
}

/**
 * Field names whose values are secrets: bearer and operator tokens, API keys, the federation's
 * secret and request signatures, Ed25519 secret keys, passwords, cookies. Matched exactly (pino's
 * paths are case-sensitive), so both spellings in use are listed.
 */
export const REDACTED: readonly string[] = [
  'authorization',
  'Authorization',
  'cookie',
  'token',
  'operatorToken',
  'apiKey',
  'x-api-key',
  'secret',
  'subgraphSecret',
  'x-aiki-signature',
  'signature',
  'key',
  'secretKey',
  'privateKey',
  'sequencerKey',
  'password',
];

const REDACT_PATHS = REDACTED.flatMap((name) => {
  const quoted = `["${name}"]`; // a name with a dash is not a plain path segment
  return [quoted, `*${quoted}`, `headers${quoted}`, `*.headers${quoted}`];
});

/** `scheme://user:password@` in a string: the password goes (a MongoDB URI in an error message, say). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;

/** A field's value as written: URL passwords out of strings, errors as `{type, message, stack, …}`, at any depth up to 4. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.includes('@') ? value.replace(URL_PASSWORD, '$1[redacted]@') : value;
  if (value instanceof Error) return { ...stdSerializers.err(value), message: scrub(value.message), stack: scrub(value.stack) };
  if (depth >= 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
  return out;
}

/** The current span's ids, when this code runs inside a recorded trace (nothing otherwise, and nothing to pay). */
function traceIds(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : {};
}

/** Where the lines go: stderr, or (tests) anything with a `write`. */
export interface LogDestination {
  write(line: string): unknown;
}

/** A logger writing `level` and above; each service's main.ts gives AIKI_LOG_LEVEL's (runtime/env.ts `envLogLevel`). */
export function createLogger(service: string, level: Level = 'info', destination?: LogDestination): Logger {
  const log = pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(fields)) out[k] = scrub(v, 1);
          return out;
        },
      },
      mixin: traceIds,
      // Errors are serialized by `scrub`, wherever they are (pino's own serializer reads `err` alone).
      serializers: { err: (value: unknown) => value },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    // Synchronous writes, as before: a line is out before the process exits, and in order with the launcher's reads.
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
  const at = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => log[lvl](fields ?? {}, scrub(msg) as string);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), level };
}
