import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';

/** Why a bounded read stopped, named as body-parser names the same failures. */
export type RequestBodyErrorType = 'entity.too.large' | 'encoding.unsupported' | 'request.aborted';

/** What a bounded read reports when it refuses or loses a body. */
export type RequestBodyError = Error & { type: RequestBodyErrorType; status: number };

function bodyError(type: RequestBodyErrorType, status: number): RequestBodyError {
  return Object.assign(new Error(type), { type, status });
}

/** How long a refused oversized upload may keep its connection while its sender reads the 413. */
const LINGER_MS = 2_000;
/** How long a refused upload that went past its discard budget stalls before it is closed. */
const STALL_BEFORE_CLOSE_MS = 250;

/**
 * Reads a request body as exact bytes up to `limit` bytes and calls `whenRead` once, with the
 * bytes or with why it stopped. body-parser, on an oversized body, reads (and discards) the whole
 * rest of the request before it answers, however large; this reader reports `entity.too.large`
 * (413) as soon as the body is known to be too large (a declared Content-Length before a byte is
 * read, a chunked body the moment it passes the limit) and then closes the connection after a
 * bounded linger. A compressed body is refused with `encoding.unsupported` (415), a sender that
 * goes away with `request.aborted` (400). The answer to a 413 should say `Connection: close`.
 */
export function readBodyBounded(
  req: IncomingMessage,
  limit: number,
  whenRead: (error: RequestBodyError | undefined, body: Buffer) => void,
): void {
  // The stream's events fire in the socket's async context, not the request handler's: run in
  // the caller's context, what runs after the read stays part of the request (dd-trace keeps the
  // request's span in that context, so the ingest's queries stay below it). Not with
  // `AsyncResource.bind`: Node's bind defines an accessor with closures of its own on every bound
  // function (`asyncResource`, lib/async_hooks.js), so each one gets a hidden class of its own that
  // V8's scavenger kept, with the request it closed over, until a full collection (decision 0004).
  const resource = new AsyncResource('readBodyBounded');
  const done = (error: RequestBodyError | undefined, body: Buffer) => {
    resource.runInAsyncScope(whenRead, undefined, error, body);
  };
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    done(bodyError('encoding.unsupported', 415), EMPTY);
    return;
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    lingerThenClose(req, limit);
    done(bodyError('entity.too.large', 413), EMPTY);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const detach = () => {
    finished = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('aborted', onAborted);
    req.off('error', onAborted);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) {
      chunks.push(chunk);
      return;
    }
    detach();
    chunks.length = 0;
    lingerThenClose(req, limit);
    done(bodyError('entity.too.large', 413), EMPTY);
  };
  const onEnd = () => {
    if (finished) return;
    detach();
    // One chunk is the usual case for an alert; it is used as it came, without a copy.
    done(
      undefined,
      chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size),
    );
  };
  const onAborted = () => {
    if (finished) return;
    detach();
    done(bodyError('request.aborted', 400), EMPTY);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onAborted);
  req.on('error', onAborted);
}

const EMPTY = Buffer.alloc(0);

/**
 * Closes the connection of a refused upload without losing the refusal. Node ends a
 * `Connection: close` answer with `socket.destroySoon()`, which closes the socket as soon as the
 * answer is flushed; with the sender's body still arriving, the kernel then sends a reset that
 * can overtake the 413, and the sender sees a broken connection instead. Here the service closes
 * only its sending side after the answer and reads on, keeping nothing, for at most `budget`
 * more bytes or `LINGER_MS`, then stops reading and destroys the socket: the sender can read the
 * 413, and the service reads at most about twice the limit however much the sender offers.
 */
function lingerThenClose(req: IncomingMessage, budget: number): void {
  const socket = req.socket;
  // Counting starts once the answer is out: bytes that arrive before it are discarded too, but
  // closing then would lose the 413 itself. The answer follows at once, so that stays small.
  let counting = false;
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    if (!counting) return;
    discarded += chunk.length;
    if (discarded <= budget) return;
    // Past the budget the service stops reading rather than closing at once: a reset sent while
    // the sender is still busy writing would make its kernel drop the unread 413. With reading
    // stopped the sender's writes stall, it reads the answer, and the socket goes shortly after.
    req.pause();
    setTimeout(() => socket.destroy(), STALL_BEFORE_CLOSE_MS).unref();
  });
  req.on('error', () => undefined);
  req.resume();
  socket.destroySoon = () => {
    counting = true;
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
