/**
 * A reply body written while it is produced: text is gathered into chunks of CHUNK_BYTES and each chunk is written
 * to the response as soon as it is full, waiting for the socket to drain (backpressure), so that a reply of
 * megabytes is never one string in memory. A body that stays under one chunk is sent whole, with its
 * Content-Length; a longer one goes out with chunked transfer coding. HEAD: Node drops the body, the headers stay.
 * The status and headers are those set on the response before the first chunk.
 *
 *   res.status(200).set('Content-Type', type);
 *   const body = new ChunkedReply(res);
 *   body.push(text); if (body.full) await body.flush();   // as often as wanted
 *   await body.end();
 */
import type { ServerResponse } from 'node:http';

/** Size of the chunks written to the socket (characters, about bytes for ASCII text). */
export const CHUNK_BYTES = 64 * 1024;

/** The response went away (client closed) before the body was written. */
export class ReplyAbortedError extends Error {
  constructor() { super('the client closed the connection before the reply was written'); }
}

export class ChunkedReply {
  /** Text pushed since the last flush: strings, or UTF-8 (a streamed XML chunk). */
  private parts: (string | Buffer)[] = [];
  private size = 0;
  private started = false;

  constructor(private readonly res: ServerResponse) {}

  /** Adds text to the body (length: characters of a string, bytes of a buffer; about the same for this ASCII-heavy text). */
  push(text: string | Buffer): void {
    this.parts.push(text);
    this.size += text.length;
  }

  /** Whether a chunk is ready to go (then flush()). */
  get full(): boolean { return this.size >= CHUNK_BYTES; }

  /** Writes what was pushed, and waits until the socket can take more. */
  async flush(): Promise<void> {
    if (!this.size) return;
    if (this.res.destroyed) throw new ReplyAbortedError();
    this.started = true;
    const chunk = joined(this.parts);
    this.parts = [];
    this.size = 0;
    if (!this.res.write(chunk)) await drained(this.res);
  }

  /** Ends the reply (whole, with its length, when nothing was flushed yet). */
  async end(): Promise<void> {
    if (this.res.destroyed) throw new ReplyAbortedError();
    if (!this.started) {
      const body = joined(this.parts);
      this.res.setHeader('Content-Length', String(Buffer.byteLength(body)));
      this.res.end(body);
      return;
    }
    await this.flush();
    this.res.end();
  }
}

/** The parts as one body: their join when all are strings, else their bytes; a single part as it is. */
function joined(parts: readonly (string | Buffer)[]): string | Buffer {
  if (parts.length === 1) return parts[0];
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => { res.off('drain', done); res.off('close', closed); resolve(); };
    const closed = (): void => { res.off('drain', done); res.off('close', closed); reject(new ReplyAbortedError()); };
    res.on('drain', done);
    res.on('close', closed);
  });
}
