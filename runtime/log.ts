/** Structured logs: one JSON object per line on stderr, so stdout stays free for the ready line. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * AIKI_LOG_LEVEL, checked: an unknown level (say "verbose") is refused at start, naming the
 * variable and the accepted values, rather than quietly logging at info.
 */
export function logLevel(raw = process.env.AIKI_LOG_LEVEL): Level {
  if (raw === undefined || raw === '') return 'info';
  if (Object.hasOwn(ORDER, raw)) return raw as Level;
  throw new Error(`AIKI_LOG_LEVEL must be one of ${Object.keys(ORDER).join(', ')} (got ${JSON.stringify(raw)})`);
}

export function createLogger(service: string, level: Level = logLevel()): Logger {
  const min = ORDER[level];
  const write = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    const line = { time: new Date().toISOString(), level: lvl, service, msg, ...fields };
    process.stderr.write(JSON.stringify(line, errorReplacer) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
