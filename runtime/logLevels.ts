/** The log levels, lowest first (runtime/log.ts writes them; runtime/env.ts `envLogLevel` checks AIKI_LOG_LEVEL against them). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
