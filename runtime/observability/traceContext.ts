/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/, §3.2 `traceparent`, §3.3 `tracestate`):
 * what one service tells the next about the trace a request belongs to. Pure functions, no I/O.
 *
 *     traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
 *                  version-trace-id (16 bytes)-parent-id (8 bytes)-trace-flags
 */
import { randomBytes } from 'node:crypto';

/** The identity of one span, as it crosses a process boundary. */
export interface SpanContext {
  /** 32 lower-case hex characters, not all zero. */
  traceId: string;
  /** 16 lower-case hex characters, not all zero. */
  spanId: string;
  /** The trace-flags byte: bit 0 sampled, bit 1 random trace id (Level 2); other bits are not propagated. */
  traceFlags: number;
  /** The incoming `tracestate`, passed on unchanged (§3.5: we add no entry of our own). */
  traceState?: string;
}

export const FLAG_SAMPLED = 0x01;
/** Trace Context Level 2: at least the right-most 7 bytes of the trace id are random. */
export const FLAG_RANDOM_TRACE_ID = 0x02;
/** Flags this implementation knows; §3.2.2.5 "Other Flags": vendors MUST set the others to zero. */
const KNOWN_FLAGS = FLAG_SAMPLED | FLAG_RANDOM_TRACE_ID;

const HEX = /^[0-9a-f]+$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** §3.3.1.5: vendors SHOULD propagate at least 512 characters; a longer one is dropped whole, never cut. */
const MAX_TRACESTATE = 512;

export function isValidTraceId(id: string): boolean {
  return id.length === 32 && HEX.test(id) && id !== ZERO_TRACE_ID;
}

export function isValidSpanId(id: string): boolean {
  return id.length === 16 && HEX.test(id) && id !== ZERO_SPAN_ID;
}

/** A fresh random 16-byte trace id (never all zero). */
export function newTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (id !== ZERO_TRACE_ID) return id;
  }
}

/** A fresh random 8-byte span id (never all zero). */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (id !== ZERO_SPAN_ID) return id;
  }
}

export function isSampled(context: Pick<SpanContext, 'traceFlags'>): boolean {
  return (context.traceFlags & FLAG_SAMPLED) === FLAG_SAMPLED;
}

/**
 * Parses a `traceparent` header value, or returns undefined when it must be ignored (the caller
 * then starts a new trace). Version `00` must be exactly 55 characters of lower-case hex and
 * dashes with non-zero ids; version `ff` is forbidden; a higher version is read as far as version
 * `00` goes if it is at least 55 characters and the flags are followed by the end or a dash
 * (§3.2.4). `tracestate` is taken only with a valid `traceparent` (§3.3).
 */
export function parseTraceparent(header: string | undefined, traceState?: string): SpanContext | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value.length < 55 || value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return undefined;
  const version = value.slice(0, 2);
  if (!HEX.test(version) || version === 'ff') return undefined;
  if (version === '00' ? value.length !== 55 : value.length > 55 && value[55] !== '-') return undefined;
  const traceId = value.slice(3, 35);
  const spanId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId) || !HEX.test(flags)) return undefined;
  const state = traceState?.trim();
  return {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & KNOWN_FLAGS,
    ...(state && state.length <= MAX_TRACESTATE ? { traceState: state } : {}),
  };
}

/** The `traceparent` header value (always version `00`, §3.2.4: the highest version we know). */
export function formatTraceparent(context: SpanContext): string {
  if (!isValidTraceId(context.traceId)) throw new RangeError(`trace id must be 32 lower-case hex characters, not all zero; got ${JSON.stringify(context.traceId)}`);
  if (!isValidSpanId(context.spanId)) throw new RangeError(`span id must be 16 lower-case hex characters, not all zero; got ${JSON.stringify(context.spanId)}`);
  const flags = (context.traceFlags & KNOWN_FLAGS).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

/** The headers that carry `context` to the next service: `traceparent`, and `tracestate` when there is one. */
export function traceContextHeaders(context: SpanContext): Record<string, string> {
  const headers: Record<string, string> = { traceparent: formatTraceparent(context) };
  if (context.traceState) headers.tracestate = context.traceState;
  return headers;
}
