/**
 * The project's own spans, through `@opentelemetry/api`: without a registered tracer provider
 * (tracing off, tracing.ts) every call here is a no-op that costs next to nothing.
 */
import { SpanStatusCode, trace, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

/** The tracer of Aiki's own spans (the instrumentations and @apollo/gateway have theirs). */
export function tracer(): Tracer {
  return trace.getTracer('aiki-federation');
}

/** The span of what this code runs for, if any (a request's server span, a call's span). */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** Marks `span` as failed with `err`'s message. */
export function failSpan(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `fn` in a new span, current while it runs (the calls it makes are its children), ended when
 * `fn` resolves or rejects; a rejection marks the span failed and is rethrown.
 */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}
