/**
 * NETCONF message framing over a byte stream (RFC 6242 section 4). Pure: bytes in, messages out.
 *
 *   end-of-message (base:1.0, and always for <hello>):  MESSAGE ]]>]]>
 *   chunked (base:1.1, when both hellos carry it):      \n#SIZE\nDATA ... \n##\n
 *
 * The decoder is switched from end-of-message to chunked between two messages (right after the peer's
 * hello), so bytes that arrived with the hello are decoded with the new framing.
 */

export const EOM = ']]>]]>';
const EOM_BUF = Buffer.from(EOM);
const MAX_CHUNK_SIZE = 4294967295;

export type Framing = 'eom' | 'chunked';

export class FramingError extends Error {
  override readonly name = 'FramingError';
  /** too-big: a message over the size limit; malformed: the framing is broken (the session must end). */
  constructor(readonly kind: 'too-big' | 'malformed', message: string) { super(message); }
}

export class FrameDecoder {
  mode: Framing = 'eom';
  private buf: Buffer = Buffer.alloc(0);
  /** Pushed data not yet joined to buf (joined only when enough bytes arrived: no quadratic copying). */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Chunked: buffered length at which the chunk being read is complete. */
  private need = 0;
  /** EOM: where the delimiter search resumes. */
  private searchFrom = 0;
  /** Chunked: chunks of the message being read. */
  private chunks: Buffer[] = [];
  private chunkedSize = 0;
  private failed: FramingError | undefined;

  constructor(private readonly maxMessage: number) {}

  /** Bytes received and not yet returned as messages. */
  get pending(): number { return this.buf.length + this.partsLength; }

  push(data: Buffer): void {
    if (this.failed || !data.length) return;
    this.parts.push(data);
    this.partsLength += data.length;
  }

  private join(): void {
    if (!this.parts.length) return;
    this.buf = this.buf.length || this.parts.length > 1 ? Buffer.concat([this.buf, ...this.parts]) : this.parts[0];
    this.parts = [];
    this.partsLength = 0;
  }

  /** The next complete message, or undefined until more bytes arrive. Throws FramingError (for good). */
  next(): Buffer | undefined {
    if (this.failed) throw this.failed;
    try {
      if (this.mode === 'chunked' && this.buf.length + this.partsLength < this.need) return undefined;
      this.join();
      return this.mode === 'eom' ? this.nextEom() : this.nextChunked();
    } catch (e) {
      if (e instanceof FramingError) { this.failed = e; this.buf = Buffer.alloc(0); this.parts = []; this.partsLength = 0; this.chunks = []; }
      throw e;
    }
  }

  private nextEom(): Buffer | undefined {
    const at = this.buf.indexOf(EOM_BUF, Math.max(0, this.searchFrom - (EOM_BUF.length - 1)));
    if (at < 0) {
      this.searchFrom = this.buf.length;
      if (this.buf.length > this.maxMessage + EOM_BUF.length) {
        throw new FramingError('too-big', `message longer than ${this.maxMessage} octets`);
      }
      return undefined;
    }
    if (at > this.maxMessage) throw new FramingError('too-big', `message longer than ${this.maxMessage} octets`);
    const msg = this.buf.subarray(0, at);
    this.buf = this.buf.subarray(at + EOM_BUF.length);
    this.searchFrom = 0;
    return msg;
  }

  private nextChunked(): Buffer | undefined {
    for (;;) {
      const b = this.buf;
      if (b.length < 3) {
        if (b.length >= 1 && b[0] !== 0x0a) throw new FramingError('malformed', 'chunk header must start with "\\n#"');
        if (b.length >= 2 && b[1] !== 0x23) throw new FramingError('malformed', 'chunk header must start with "\\n#"');
        return undefined;
      }
      if (b[0] !== 0x0a || b[1] !== 0x23) throw new FramingError('malformed', 'chunk header must start with "\\n#"');
      if (b[2] === 0x23) {
        // end of chunks: \n##\n
        if (b.length < 4) return undefined;
        if (b[3] !== 0x0a) throw new FramingError('malformed', 'end-of-chunks marker must be "\\n##\\n"');
        if (!this.chunks.length) throw new FramingError('malformed', 'end-of-chunks marker without a chunk');
        const msg = Buffer.concat(this.chunks);
        this.chunks = [];
        this.chunkedSize = 0;
        this.buf = b.subarray(4);
        return msg;
      }
      // \n#SIZE\n: SIZE is 1..4294967295 without leading zeros (at most 10 digits)
      let j = 2;
      const digit = (x: number): boolean => x >= 0x30 && x <= 0x39;
      while (j < b.length && j < 12 && digit(b[j])) j++;
      if (j >= b.length) return undefined;
      if (j === 12 && digit(b[j])) throw new FramingError('malformed', 'chunk size has more than 10 digits');
      if (b[j] !== 0x0a || j === 2) throw new FramingError('malformed', 'chunk size must be decimal digits followed by "\\n"');
      if (b[2] === 0x30) throw new FramingError('malformed', 'chunk size must not start with 0');
      const size = Number(b.subarray(2, j).toString('ascii'));
      if (size < 1 || size > MAX_CHUNK_SIZE) throw new FramingError('malformed', `chunk size ${size} out of range 1..${MAX_CHUNK_SIZE}`);
      if (this.chunkedSize + size > this.maxMessage) throw new FramingError('too-big', `message longer than ${this.maxMessage} octets`);
      if (b.length < j + 1 + size) { this.need = j + 1 + size; return undefined; }
      this.need = 0;
      this.chunks.push(b.subarray(j + 1, j + 1 + size));
      this.chunkedSize += size;
      this.buf = b.subarray(j + 1 + size);
    }
  }
}

/** Frames one message for sending. Chunked messages are cut in chunks of at most maxChunk octets. */
export function encodeFrame(message: string | Buffer, mode: Framing, maxChunk = 1 << 20): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (!body.length && mode === 'chunked') throw new Error('cannot frame an empty message');
  return Buffer.concat([framePiece(body, mode, maxChunk), frameEnd(mode)]);
}

/**
 * One piece of a message sent in pieces (a streamed reply), framed: chunked, as chunks of at most maxChunk octets;
 * end-of-message, the bytes as they are. The message ends with frameEnd. An empty piece frames to nothing.
 */
export function framePiece(piece: string | Buffer, mode: Framing, maxChunk = 1 << 20): Buffer {
  const parts = framePieceParts(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece, mode, maxChunk);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * framePiece's bytes as the segments to write one after the other, without copying the piece: chunk headers and
 * views of the piece (a streamed reply of 10 MB is not copied once more to put an 8-byte header before each chunk).
 */
export function framePieceParts(piece: Buffer, mode: Framing, maxChunk = 1 << 20): Buffer[] {
  if (mode === 'eom' || !piece.length) return piece.length ? [piece] : [];
  const parts: Buffer[] = [];
  for (let at = 0; at < piece.length; at += maxChunk) {
    const chunk = piece.subarray(at, Math.min(piece.length, at + maxChunk));
    parts.push(Buffer.from(`\n#${chunk.length}\n`, 'ascii'), chunk);
  }
  return parts;
}

const END_OF_CHUNKS = Buffer.from('\n##\n', 'ascii');

/** What ends a message sent in pieces: ]]>]]> (end-of-message) or the end-of-chunks marker. */
export function frameEnd(mode: Framing): Buffer { return mode === 'eom' ? EOM_BUF : END_OF_CHUNKS; }
