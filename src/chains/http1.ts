/**
 * HTTP/1.1 client codec for JSON-RPC: the head of a POST, and a parser of the responses that come back on
 * one connection. Pure: bytes in, a response or a typed error out; the sockets are in http-pool.ts.
 *
 * What it reads (RFC 9112): a status line and header fields (at most MAX_HEAD octets), then a body framed
 * by Transfer-Encoding: chunked, by Content-Length, or by the connection's end when neither is given.
 * Interim 1xx responses are skipped; 204 and 304 have no body. A Content-Length that is not digits, or two
 * that differ, is malformed (RFC 9112 6.3), as is a transfer coding other than chunked. The body is bounded
 * by maxBody: a node sending more is cut off with an error, not buffered.
 */
import { MalformedResponseError } from './errors';

/** Most octets of a response's status line and header fields. */
export const MAX_HEAD = 64 * 1024;

export interface Http1Response {
  readonly status: number;
  readonly body: Buffer;
  /** The connection may carry another request. */
  readonly keepAlive: boolean;
  /** The server's Keep-Alive timeout hint in seconds (RFC 9110 has none; widely sent), if any. */
  readonly keepAliveTimeoutS?: number;
}

/** The head of a POST with a body of length octets. */
export function postHead(path: string, host: string, length: number, authorization: string | undefined): string {
  return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n`
    + (authorization === undefined ? '' : `Authorization: ${authorization}\r\n`)
    + 'Connection: keep-alive\r\n\r\n';
}

const enum Stage { Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done }

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Parses one response. push() feeds what the socket read and returns the response once complete (with the
 * octets after it, which a server that answers nothing unasked should never send); end() tells it the
 * connection ended, which completes a body framed by the connection's end. Each throws MalformedResponseError.
 */
export class ResponseParser {
  private stage = Stage.Head;
  private pending: Buffer | undefined;
  private status = 0;
  private keepAlive = true;
  private keepAliveTimeoutS: number | undefined;
  private remaining = 0;
  private readonly parts: Buffer[] = [];
  private size = 0;
  private seen = false;

  constructor(private readonly maxBody: number) {}

  /** Body octets received so far. */
  get bodyBytes(): number { return this.size; }

  /** Whether any octet of a response arrived. */
  get started(): boolean { return this.seen; }

  push(data: Buffer): { response: Http1Response; rest: Buffer } | undefined {
    if (data.length > 0) this.seen = true;
    const buf = this.pending === undefined ? data : Buffer.concat([this.pending, data]);
    this.pending = undefined;
    let at = 0;
    for (;;) {
      switch (this.stage) {
        case Stage.Head: {
          const end = buf.indexOf(HEAD_END, at);
          if (end < 0) {
            if (buf.length - at > MAX_HEAD) throw new MalformedResponseError(`response head longer than ${MAX_HEAD} octets`);
            return this.keep(buf, at);
          }
          if (end - at > MAX_HEAD) throw new MalformedResponseError(`response head longer than ${MAX_HEAD} octets`);
          this.head(buf.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case Stage.Length:
        case Stage.ChunkData: {
          // body octets: the rest of a Content-Length body, or of one chunk
          const n = Math.min(this.remaining, buf.length - at);
          if (n > 0) this.take(buf.subarray(at, at + n));
          at += n;
          this.remaining -= n;
          if (this.remaining > 0) return undefined;
          this.stage = this.stage === Stage.Length ? Stage.Done : Stage.ChunkDataEnd;
          break;
        }
        case Stage.ChunkSize: {
          const eol = buf.indexOf(CRLF, at);
          if (eol < 0) {
            if (buf.length - at > 1024) throw new MalformedResponseError('chunk size line too long');
            return this.keep(buf, at);
          }
          const line = buf.toString('latin1', at, eol);
          const semi = line.indexOf(';');
          const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new MalformedResponseError('bad chunk size');
          this.remaining = parseInt(hex, 16);
          at = eol + 2;
          this.stage = this.remaining === 0 ? Stage.Trailers : Stage.ChunkData;
          break;
        }
        case Stage.ChunkDataEnd: {
          if (buf.length - at < 2) return this.keep(buf, at);
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new MalformedResponseError('chunk not followed by CRLF');
          at += 2;
          this.stage = Stage.ChunkSize;
          break;
        }
        case Stage.Trailers: {
          // Trailer fields, ignored, up to the empty line.
          const eol = buf.indexOf(CRLF, at);
          if (eol < 0) {
            if (buf.length - at > MAX_HEAD) throw new MalformedResponseError('trailer too long');
            return this.keep(buf, at);
          }
          const empty = eol === at;
          at = eol + 2;
          if (empty) this.stage = Stage.Done;
          break;
        }
        case Stage.UntilClose:
          if (at < buf.length) this.take(buf.subarray(at));
          return undefined;
        case Stage.Done:
          return { response: this.response(), rest: buf.subarray(at) };
      }
    }
  }

  /** The connection ended: the response it framed, or undefined when the response was cut short. */
  end(): Http1Response | undefined {
    return this.stage === Stage.UntilClose ? this.response() : undefined;
  }

  private keep(buf: Buffer, at: number): undefined {
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    return undefined;
  }

  private take(part: Buffer): void {
    this.size += part.length;
    if (this.size > this.maxBody) throw new MalformedResponseError(`response larger than ${this.maxBody} octets`);
    this.parts.push(part);
  }

  private response(): Http1Response {
    const body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    return { status: this.status, body, keepAlive: this.keepAlive, keepAliveTimeoutS: this.keepAliveTimeoutS };
  }

  /** The status line and header fields; sets how the body is framed. */
  private head(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw new MalformedResponseError('bad HTTP status line');
    const minor = m[1];
    const status = Number(m[2]);
    let length: number | undefined;
    let chunked = false;
    let connection = '';
    let keepAliveHint: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0 || line[0] === ' ' || line[0] === '\t') throw new MalformedResponseError('bad HTTP header field');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        for (const v of value.split(',')) {
          const t = v.trim();
          if (!/^\d{1,15}$/.test(t)) throw new MalformedResponseError('bad Content-Length');
          const n = Number(t);
          if (length !== undefined && length !== n) throw new MalformedResponseError('conflicting Content-Length');
          length = n;
        }
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (codings.length !== 1 || codings[0] !== 'chunked' || chunked) throw new MalformedResponseError(`unsupported Transfer-Encoding ${value}`);
        chunked = true;
      } else if (name === 'connection') {
        connection += ',' + value.toLowerCase();
      } else if (name === 'keep-alive') {
        const t = /(?:^|,)\s*timeout=(\d{1,6})/i.exec(value);
        if (t) keepAliveHint = Number(t[1]);
      }
    }
    const tokens = connection.split(',').map((s) => s.trim());
    if (status >= 100 && status < 200) {
      if (status === 101) throw new MalformedResponseError('unexpected 101 Switching Protocols');
      return; // interim: the final response follows
    }
    this.status = status;
    this.keepAlive = minor === '1' ? !tokens.includes('close') : tokens.includes('keep-alive');
    this.keepAliveTimeoutS = keepAliveHint;
    if (status === 204 || status === 304) this.stage = Stage.Done;
    else if (chunked) this.stage = Stage.ChunkSize;
    else if (length !== undefined) { this.remaining = length; this.stage = length === 0 ? Stage.Done : Stage.Length; }
    else { this.keepAlive = false; this.stage = Stage.UntilClose; }
    if (length !== undefined && length > this.maxBody) throw new MalformedResponseError(`response larger than ${this.maxBody} octets`);
  }
}
