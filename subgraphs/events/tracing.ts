/** Imported first by main.ts: tracing, when configured, starts before anything it instruments is loaded (runtime/observability/tracing.ts). */
import { startTracingOrExit } from '../../runtime/observability/start.ts';

startTracingOrExit('events');
