/**
 * The life of a service process: announce readiness on stdout as one JSON line (the cluster
 * launcher and the tests wait for it), and shut down cleanly on SIGINT/SIGTERM.
 */
import type { Logger } from './log.ts';
import { runtimeSettings } from './settings.ts';
import { stopTracing } from './observability/tracing.ts';

export function announceReady(fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ event: 'ready', pid: process.pid, ...fields }) + '\n');
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. Later signals are ignored: a Ctrl-C reaches
 * every process of the group and the launcher then sends SIGTERM, and both should mean one clean
 * stop (the launcher escalates to SIGKILL if it takes too long).
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info('stopping', { signal });
    // A backstop: a stop that hangs (a database that does not answer, a peer that holds a call)
    // ends the process anyway, before a container's 10 s grace runs out; nothing acknowledged rests
    // on a clean stop (every service survives kill -9).
    const deadline = runtimeSettings().stopTimeoutMs;
    setTimeout(() => {
      log.error('stop took too long; exiting', { ms: Date.now() - started });
      process.exit(1);
    }, deadline).unref();
    stop()
      .then(() => log.info('stopped', { ms: Date.now() - started }))
      .then(() => stopTracing()) // the last spans reach their collector
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('unclean stop', { err });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/**
 * Runs a service's `main`, logging a start-up failure with its message instead of a stack dump.
 * Tracing was started before (each service's tracing.ts, imported first by its main.ts).
 */
export function runMain(log: Logger, main: () => Promise<void>): void {
  const started = main();
  started.catch((err: unknown) => {
    log.error('failed to start', { err });
    process.exit(1);
  });
}
