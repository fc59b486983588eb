import { findCardNumbers } from '@mastercom/contracts';
import { pino, type Logger } from 'pino';
import { maskCardNumbersInText, parseJsonMaskingCards } from '../security/card-masking.js';

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
      // The last net under every log line: whatever a log call was given, a card number in the
      // line leaves as BIN + last 4 (see maskCardNumbersInLogLine).
      hooks: { streamWrite: maskCardNumbersInLogLine },
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

/**
 * A serialised log line with every card number masked. Data is masked where it enters, so this
 * finds nothing on almost every line and returns it untouched after one scan. A line that does
 * hold one is parsed, masked value by value (keys, strings, and escaped separators such as `\n`
 * decoded) and serialised again, so it stays valid JSON; text that is not JSON is masked as text.
 */
export function maskCardNumbersInLogLine(line: string): string {
  const decoded = line.includes('\\') ? line.replaceAll(/\\[nrtbf]/g, ' ') : line;
  if (findCardNumbers(decoded).length === 0) return line;
  try {
    return `${JSON.stringify(parseJsonMaskingCards(new TextEncoder().encode(line)))}\n`;
  } catch {
    return maskCardNumbersInText(decoded);
  }
}

export type { Logger };
