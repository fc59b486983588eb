import busboy from 'busboy';
import type { Request } from 'express';

export type MultipartResult =
  | { kind: 'ok'; fields: Record<string, string>; file: { filename: string; content: Buffer } }
  | { kind: 'too-large'; limitBytes: number }
  | { kind: 'invalid'; reason: string };

/**
 * Reads one `multipart/form-data` upload with busboy: text fields and exactly one file part named
 * `file`. The file is held in memory up to `maxFileBytes`; past that busboy stops buffering and
 * the rest is read and discarded, so the answer can be a clean 413 rather than a reset
 * connection.
 */
export function readMultipartUpload(
  req: Request,
  limits: { maxFileBytes: number },
): Promise<MultipartResult> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fileSize: limits.maxFileBytes, fields: 10, fieldSize: 64 * 1024 },
      });
    } catch (error) {
      resolve({ kind: 'invalid', reason: (error as Error).message });
      return;
    }
    const fields: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let filename: string | undefined;
    let tooLarge = false;
    let problem: string | undefined;

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) problem = `field ${name} is too long`;
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || filename !== undefined) {
        problem = `unexpected file part ${JSON.stringify(name)}; send one part named "file"`;
        stream.resume();
        return;
      }
      filename = info.filename;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        tooLarge = true;
        chunks.length = 0;
      });
    });
    parser.on('filesLimit', () => {
      problem = 'send exactly one file';
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      resolve({ kind: 'invalid', reason: `the multipart body is malformed: ${error.message}` });
    });
    parser.on('close', () => {
      if (tooLarge) resolve({ kind: 'too-large', limitBytes: limits.maxFileBytes });
      else if (problem !== undefined) resolve({ kind: 'invalid', reason: problem });
      else if (filename === undefined)
        resolve({ kind: 'invalid', reason: 'the form has no part named "file"' });
      else resolve({ kind: 'ok', fields, file: { filename, content: Buffer.concat(chunks) } });
    });
    req.pipe(parser);
  });
}
