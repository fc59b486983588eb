import type { Readable, Writable } from 'node:stream';
import { build as prettyStream } from 'pino-pretty';

/**
 * Where the service's JSON log lines go under `pnpm start`: a terminal gets them as readable
 * lines (pino-pretty: time, level, message, then the fields), anything else (a pipe, a file, a
 * CI log) gets the JSON lines unchanged, as production writes them.
 */
export function serviceLogOutput(isTerminal: boolean): 'inherit' | 'pipe' {
  return isTerminal ? 'pipe' : 'inherit';
}

/** Pipes the service's stdout through pino-pretty into `destination` (the terminal). */
export function prettyPrint(serviceStdout: Readable, destination: Writable): void {
  serviceStdout.pipe(
    prettyStream({
      destination,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      // Every line carries them and the terminal knows them already.
      ignore: 'pid,hostname,service,version,env',
      sync: true,
    }),
  );
}
