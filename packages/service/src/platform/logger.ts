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

export type { Logger };
