import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { AppError } from '@dialer/platform';

/** How much of a refused upload is read and dropped so the client sees the answer; past it the socket is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`, { status: 413, details: { maxBytes } });
}

/** After a failed upload, reads and drops the rest of the body so the answer reaches the client. */
export function drainRequest(req: Request): void {
  if (req.readableEnded) return;
  req.unpipe();
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

function limiter(maxBytes: number, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      counter.bytes += chunk.length;
      if (counter.bytes > maxBytes) cb(tooLarge(maxBytes));
      else cb(null, chunk);
    },
  });
}

/** Streams a body to a file, refusing it past maxBytes (the partial file is removed). Returns the size. */
export async function streamToFile(body: Readable, filePath: string, maxBytes: number): Promise<number> {
  const counter = { bytes: 0 };
  try {
    await pipeline(body, limiter(maxBytes, counter), createWriteStream(filePath, { flags: 'wx' }));
    return counter.bytes;
  } catch (err) {
    await unlink(filePath).catch(() => undefined);
    throw err;
  }
}

export interface MultipartUpload {
  fields: Record<string, string>;
  filename: string | null;
  /** Bytes stored (store mode) or the head kept (preview mode). */
  bytes: number;
  head?: Buffer;
  /** Preview mode: the whole file fit in the head. */
  complete?: boolean;
  /** Store mode: the file was stored. */
  stored: boolean;
}

/**
 * Reads a multipart/form-data upload as it streams: text fields, and the first file part either
 * streamed to `filePath` (past maxBytes: 413, nothing kept) or, in preview mode, only its first
 * `headBytes` kept in memory and the rest read and dropped.
 */
export function receiveMultipart(
  req: Request, o: { filePath: string; maxBytes: number; preview: boolean; headBytes: number },
): Promise<MultipartUpload> {
  return new Promise<MultipartUpload>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 30 } });
    } catch (err) {
      reject(new AppError('bad_multipart', `the upload is not valid multipart/form-data: ${(err as Error).message}`, { status: 400 }));
      return;
    }
    const result: MultipartUpload = { fields: {}, filename: null, bytes: 0, stored: false };
    let fileDone: Promise<void> = Promise.resolve();
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      reject(err);
    };
    bb.on('field', (name, value) => {
      result.fields[name] = value;
    });
    bb.on('file', (_name, file, info) => {
      if (result.filename !== null || result.stored || result.head) {
        file.resume();
        return;
      }
      result.filename = info.filename ? info.filename.slice(0, 255) : 'upload.csv';
      if (o.preview) {
        const parts: Buffer[] = [];
        let kept = 0;
        file.on('data', (d: Buffer) => {
          result.bytes += d.length;
          if (kept < o.headBytes) {
            const take = d.subarray(0, o.headBytes - kept);
            parts.push(take);
            kept += take.length;
          }
        });
        fileDone = new Promise<void>((res) => file.on('end', () => {
          result.head = Buffer.concat(parts);
          result.complete = result.bytes <= o.headBytes;
          res();
        }));
        return;
      }
      fileDone = streamToFile(file, o.filePath, o.maxBytes).then((n) => {
        result.bytes = n;
        result.stored = true;
      });
      fileDone.catch(fail);
    });
    bb.on('error', (err: Error) => fail(new AppError('bad_multipart', `the upload is not valid multipart/form-data: ${err.message}`, { status: 400 })));
    bb.on('close', () => {
      fileDone.then(() => {
        if (!failed) resolve(result);
      }, fail);
    });
    req.on('aborted', () => fail(new AppError('aborted', 'the client aborted the upload', { status: 400 })));
    req.pipe(bb);
  });
}
