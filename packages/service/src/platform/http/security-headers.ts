import { IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';

/** A header as `ServerResponse.setHeader` takes it. */
export type HeaderEntry = readonly [name: string, value: string];

/** What helmet does to every response: the headers it sets and those it removes. */
export interface SecurityHeaders {
  set: readonly HeaderEntry[];
  remove: readonly string[];
}

/**
 * The headers helmet sets on every response and those it removes (`X-Powered-By`), read once by
 * running helmet itself against a response that only records them: a route that answers before
 * helmet's middleware sends exactly what helmet would, and follows helmet when it is upgraded,
 * without calling it per request.
 */
export function helmetHeaders(): SecurityHeaders {
  const recorded = new Map<string, string>();
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: number | string | readonly string[]) {
      recorded.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      return recorder;
    },
    removeHeader(name: string) {
      recorded.delete(name);
      removed.push(name);
    },
    getHeader: (name: string) => recorded.get(name),
  };
  const state = { finished: false };
  // A request that was never connected: helmet's defaults read nothing of it.
  const request = new IncomingMessage(new Socket());
  helmet()(request, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined)
      throw error instanceof Error ? error : new Error('helmet refused to set its headers');
    state.finished = true;
  });
  // helmet's middleware is synchronous; a version that is not would leave the list incomplete.
  if (!state.finished)
    throw new Error('helmet did not finish synchronously; its headers are unknown');
  return { set: [...recorded], remove: removed };
}
