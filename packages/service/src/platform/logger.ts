import { pino, type Logger } from 'pino';

/**
 * Paths pino removes before a line is written. Card fields are masked before they reach a log
 * call; redacting them here as well means a future log call with a raw payload still cannot leak.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-client-cert"]',
  'req.headers["x-ssl-client-cert"]',
  'req.headers["x-client-subject-dn"]',
  'req.headers["webhook-signature"]',
  'res.headers["set-cookie"]',
  '*.cardNumber',
  '*.*.cardNumber',
  'alerts[*].cardNumber',
  'payload.cardNumber',
];

export interface LoggerOptions {
  level: string;
  service: string;
  version: string;
  env?: string | undefined;
}

/** JSON lines on stdout, the format the Datadog agent parses without configuration. */
export function createLogger(options: LoggerOptions, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, version: options.version, env: options.env },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * Standard output written asynchronously. pino's default writes every line with a blocking
 * write(2) on the request path; here a line is handed to the kernel as soon as the previous write
 * has finished, and lines logged meanwhile go out together in the next one. An idle service still
 * writes each line at once (nothing waits to fill a buffer), a busy one makes far fewer system
 * calls, and pino flushes what is pending synchronously when the process exits, also after an
 * uncaught exception. Only a `kill -9` can lose the lines of the write in flight.
 */
export function stdoutDestination(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 0 });
}

export type { Logger };
