import { pino } from 'pino';

/** The part of a pino logger the bus uses; a pino `Logger` fits it. */
export interface BusLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The logger used when none is given: pino to stdout, level from `LOG_LEVEL` (default info). */
export function defaultLogger(name: string): BusLogger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info' });
}
