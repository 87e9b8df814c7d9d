/**
 * Starts tracing for a service process when its environment asks for it (config.ts), or stops the
 * process with a logged reason when a tracing variable is wrong. Called by each service's
 * `tracing.ts`, the first module its main.ts imports: the instrumentations must be in place before
 * `node:http` and the mongodb driver are loaded (tracing.ts).
 */
import { createLogger } from '../log.ts';
import { readTracingConfig } from './config.ts';
import { startTracing } from './tracing.ts';

export function startTracingOrExit(service: string): void {
  try {
    const config = readTracingConfig(service);
    if (config) startTracing(config);
  } catch (err) {
    createLogger(service).error('failed to start', { err });
    process.exit(1);
  }
}
