/**
 * Kept-alive HTTP/1.1 connections to one node (http: or https:), at most maxSockets at once, one request on
 * each at a time; further requests wait in order. It replaces node:http's Agent and ClientRequest for the
 * JSON-RPC clients, which cost about three times the CPU per request (bench: 314 against 89 µs).
 *
 * An idle connection does not hold the process open and is closed when the node closes it, or just before
 * the Keep-Alive timeout the node announced. A connection reused for a request that it closes or resets
 * before any octet of an answer fails that request with StaleSocketError: the node never saw it, so the
 * caller may send it again; on a new connection that is a TransportError 'connection closed before any
 * response'. Any other failure is a TransportError or, for a response that breaks HTTP/1.1, a
 * MalformedResponseError; either way the connection is closed.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportError } from './errors';
import { type Http1Response, ResponseParser } from './http1';

/** A kept connection the node had closed: the request never reached it. */
export class StaleSocketError extends TransportError {}

export interface PoolReply { readonly status: number; readonly body: Buffer; readonly latencyMs: number }

interface Pending {
  readonly data: string;
  readonly timeoutMs: number;
  readonly maxBody: number;
  resolve(r: PoolReply): void;
  reject(e: Error): void;
}

interface InFlight extends Pending {
  readonly reused: boolean;
  readonly started: number;
  readonly parser: ResponseParser;
  timer: NodeJS.Timeout | undefined;
}

interface Conn { readonly socket: net.Socket; current: InFlight | undefined; used: boolean }

/** Idle connections are closed this long before the node's announced Keep-Alive timeout. */
const HINT_MARGIN_MS = 500;

/**
 * Where the reads of every plain (http:) connection land: one buffer for all, since each read is copied out at its
 * own size before the next one. Otherwise Node.js allocates 64 KiB from the C library for each read (a thousand
 * nodes, a hundred reads a second), which src/runtime-flags.ts would have to keep out of glibc's arenas.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class Http1Pool {
  private readonly conns = new Set<Conn>();
  private readonly idle: Conn[] = [];
  private queue: Pending[] = [];
  private closed = false;

  /** stats: where the connections opened and closed are counted. */
  constructor(private readonly url: URL, private readonly maxSockets: number,
    readonly stats: { connections: number; disconnections: number } = { connections: 0, disconnections: 0 }) {}

  /**
   * Sends data (a request's head and body) and resolves with the response. fresh: not on an idle kept
   * connection (a request sent again after StaleSocketError).
   */
  request(data: string, timeoutMs: number, maxBody: number, fresh = false): Promise<PoolReply> {
    return new Promise((resolve, reject) => {
      if (this.closed) { reject(new TransportError('client closed')); return; }
      const p: Pending = { data, timeoutMs, maxBody, resolve, reject };
      if (fresh && this.conns.size >= this.maxSockets && this.idle.length > 0) this.drop(this.idle[0], undefined);
      const conn = fresh ? undefined : this.idle.pop();
      if (conn) this.send(conn, p);
      else if (this.conns.size < this.maxSockets) this.send(this.open(), p);
      else this.queue.push(p);
    });
  }

  /** Closes every connection; requests in flight or waiting fail. */
  close(): void {
    this.closed = true;
    const waiting = this.queue;
    this.queue = [];
    for (const p of waiting) p.reject(new TransportError('client closed'));
    for (const c of [...this.conns]) this.drop(c, new TransportError('client closed'));
  }

  private open(): Conn {
    const u = this.url;
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    // true: go on reading (false would pause the socket)
    const onRead = (n: number, buf: Uint8Array): boolean => { this.onData(conn, Buffer.from(buf.subarray(0, n))); return true; };
    const socket = u.protocol === 'https:'
      ? tls.connect({ host, port: Number(u.port || 443), servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : net.connect({ host, port: Number(u.port || 80), noDelay: true, onread: { buffer: READ_BUFFER, callback: onRead } });
    const conn: Conn = { socket, current: undefined, used: false };
    this.conns.add(conn);
    this.stats.connections++;
    if (socket instanceof tls.TLSSocket) socket.on('data', (d: Buffer) => this.onData(conn, d));
    socket.on('end', () => this.onEnd(conn));
    socket.on('error', (e: NodeJS.ErrnoException) => this.onFailure(conn, e));
    socket.on('close', () => this.onFailure(conn, undefined));
    socket.on('timeout', () => { if (!conn.current) this.drop(conn, undefined); });
    return conn;
  }

  private send(conn: Conn, p: Pending): void {
    const f: InFlight = { ...p, reused: conn.used, started: Date.now(), parser: new ResponseParser(p.maxBody), timer: undefined };
    conn.used = true;
    conn.current = f;
    const s = conn.socket;
    s.setTimeout(0);
    s.ref();
    f.timer = setTimeout(() => this.drop(conn, new TransportError(`timeout after ${p.timeoutMs} ms`)), p.timeoutMs);
    s.write(p.data);
  }

  private onData(conn: Conn, d: Buffer): void {
    const f = conn.current;
    if (!f) { this.drop(conn, undefined); return; } // nothing was asked
    let done: { response: Http1Response; rest: Buffer } | undefined;
    try { done = f.parser.push(d); } catch (e) { this.drop(conn, e as Error); return; }
    if (!done) return;
    this.finish(conn, f, done.response);
    if (done.rest.length > 0 || !done.response.keepAlive || this.closed) { this.drop(conn, undefined); return; }
    const next = this.queue.shift();
    if (next) { this.send(conn, next); return; }
    const hint = done.response.keepAliveTimeoutS;
    if (hint !== undefined) conn.socket.setTimeout(Math.max(hint * 1000 - HINT_MARGIN_MS, 1));
    conn.socket.unref();
    this.idle.push(conn);
  }

  private onEnd(conn: Conn): void {
    const f = conn.current;
    if (f && !f.parser.started) { this.onFailure(conn, undefined); return; }
    const r = f?.parser.end();
    if (f && r) this.finish(conn, f, r);
    this.drop(conn, f && !r ? new TransportError('connection closed during response') : undefined);
  }

  private onFailure(conn: Conn, e: NodeJS.ErrnoException | undefined): void {
    const f = conn.current;
    const early = f !== undefined && !f.parser.started && (e === undefined || e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ECONNABORTED');
    if (!early) this.drop(conn, e === undefined ? new TransportError('connection closed during response') : new TransportError(e.message));
    else if (f.reused) this.drop(conn, new StaleSocketError(e?.message ?? 'kept connection closed by the node'));
    else this.drop(conn, new TransportError('connection closed before any response'));
  }

  private finish(conn: Conn, f: InFlight, r: Http1Response): void {
    conn.current = undefined;
    if (f.timer) clearTimeout(f.timer);
    f.resolve({ status: r.status, body: r.body, latencyMs: Date.now() - f.started });
  }

  /** Closes a connection, failing its request (if any) with err; a waiting request gets a new connection. */
  private drop(conn: Conn, err: Error | undefined): void {
    const f = conn.current;
    conn.current = undefined;
    if (f) {
      if (f.timer) clearTimeout(f.timer);
      f.reject(err ?? new TransportError('connection closed'));
    }
    if (!this.conns.delete(conn)) return;
    this.stats.disconnections++;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    conn.socket.destroy();
    const next = this.closed ? undefined : this.queue.shift();
    if (next) this.send(this.open(), next);
  }
}
