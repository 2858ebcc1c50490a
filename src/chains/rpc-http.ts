/**
 * JSON-RPC over HTTP(S), shared by the chain families: typed errors, a timeout per request, basic
 * authentication when given. No retries of a call that reached the node: the collector decides.
 *
 * Connections are kept alive in a bounded pool (maxSockets, default 4), so a node polled every few
 * seconds is asked over one TCP connection. A request sent on a kept-alive connection that the node
 * closed meanwhile (reset before any answer) is sent once more on a new connection: the node never saw it.
 *
 * Batches: with autoBatch, the calls made in one turn of the event loop go out as one JSON-RPC batch
 * (one POST of an array; at most MAX_BATCH calls each). Each call still resolves or rejects on its own: a
 * JSON-RPC error in one element rejects that call only. A node that refuses batches (it answers the array
 * with something that is not an array) gets the calls one by one, and from then on only single calls.
 *
 * The timeout times the request itself: it starts when the connection pool hands the request a socket
 * (connecting included), not when the call is made. A request queued behind others in the pool waits
 * without a clock running, so the bridge's own queueing never makes a healthy node look unreachable; a node
 * that hangs still fails each request within timeoutMs of it reaching the node, and frees the socket.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpStatusError, MalformedResponseError, RpcError, TransportError } from './errors';

export interface RpcHttpOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly username?: string;
  readonly password?: string;
  /** "2.0" for EIP-1474 nodes, "1.0" for Bitcoin Core. */
  readonly jsonrpc: '1.0' | '2.0';
  /** Largest response accepted, in octets. */
  readonly maxResponseBytes?: number;
  /** Connections kept to the node at once (default 4); further requests wait in the pool's queue. */
  readonly maxSockets?: number;
  /** Send the calls made in one turn of the event loop as one batch (default false). */
  readonly autoBatch?: boolean;
}

export interface RpcStats {
  /** JSON-RPC calls made (each element of a batch counts) and failed. */
  calls: number;
  errors: number;
  bytesIn: number;
  lastLatencyMs: number;
  /** HTTP requests sent and TCP connections opened (HTTP clients only). */
  requests?: number;
  connections?: number;
}

/** Most calls in one batch. */
export const MAX_BATCH = 100;

interface Queued { readonly method: string; readonly params: unknown[]; resolve(v: unknown): void; reject(e: Error): void }
interface Reply { status: number; text: string; latencyMs: number }

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class RpcHttpClient {
  private nextId = 1;
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly auth: string | undefined;
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** undefined until a batch was answered (true) or refused (false). */
  batchSupport: boolean | undefined;
  readonly stats: RpcStats & { requests: number; connections: number } = { calls: 0, errors: 0, bytesIn: 0, lastLatencyMs: 0, requests: 0, connections: 0 };

  constructor(private readonly opts: RpcHttpOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported RPC URL scheme ${u.protocol}`);
    this.url = u;
    const maxSockets = opts.maxSockets ?? 4;
    this.agent = u.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets });
    if (opts.username !== undefined) this.auth = 'Basic ' + Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64');
    else if (u.username) this.auth = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  }

  /** Calls one method; resolves with its result or rejects with a typed error. */
  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    this.stats.calls++;
    if (!this.opts.autoBatch || this.batchSupport === false) return this.single(method, params) as Promise<T>;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ method, params, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const part = all.slice(i, i + MAX_BATCH);
      if (part.length === 1 || this.batchSupport === false) for (const q of part) this.settle(q, this.single(q.method, q.params));
      else void this.batch(part);
    }
  }

  private settle(q: Queued, p: Promise<unknown>): void {
    p.then(q.resolve, q.reject);
  }

  /** One call in one request. */
  private async single(method: string, params: unknown[]): Promise<unknown> {
    const body = JSON.stringify({ jsonrpc: this.opts.jsonrpc, id: this.nextId++, method, params });
    try {
      const reply = await this.post(body);
      let parsed: unknown;
      try { parsed = JSON.parse(reply.text); } catch {
        if (reply.status < 200 || reply.status >= 300) throw new HttpStatusError(reply.status, `${method}: HTTP ${reply.status}`);
        throw new MalformedResponseError(`${method}: response is not JSON`);
      }
      if (!isJsonObject(parsed)) throw new MalformedResponseError(`${method}: response is not a JSON-RPC object`);
      return this.outcome(method, parsed, reply.status);
    } catch (e) {
      this.stats.errors++;
      throw e;
    }
  }

  /** The result of one JSON-RPC response object, or its typed error. */
  private outcome(method: string, o: Record<string, unknown>, status: number): unknown {
    const err = o.error as { code?: unknown; message?: unknown } | null | undefined;
    if (err) {
      const code = typeof err.code === 'number' ? err.code : 0;
      const msg = typeof err.message === 'string' ? err.message : 'error';
      throw new RpcError(code, msg, method);
    }
    if (status < 200 || status >= 300) throw new HttpStatusError(status, `${method}: HTTP ${status}`);
    if (!('result' in o)) throw new MalformedResponseError(`${method}: response has neither result nor error`);
    return o.result;
  }

  /** Several calls in one request; each settles on its own. */
  private async batch(part: Queued[]): Promise<void> {
    const ids = part.map(() => this.nextId++);
    const body = JSON.stringify(part.map((q, i) => ({ jsonrpc: this.opts.jsonrpc, id: ids[i], method: q.method, params: q.params })));
    let reply: Reply;
    try {
      reply = await this.post(body);
    } catch (e) {
      this.stats.errors += part.length;
      for (const q of part) q.reject(e as Error);
      return;
    }
    let parsed: unknown;
    try { parsed = JSON.parse(reply.text); } catch { parsed = undefined; }
    if (!Array.isArray(parsed)) {
      // Refused (an error object, a non-JSON 4xx): the calls one by one; a node that answers them takes no batches.
      const singles = part.map((q) => this.single(q.method, q.params));
      part.forEach((q, i) => this.settle(q, singles[i]));
      const settled = await Promise.allSettled(singles);
      if (settled.some((s) => s.status === 'fulfilled' || s.reason instanceof RpcError)) this.batchSupport = false;
      return;
    }
    this.batchSupport = true;
    const byId = new Map<unknown, Record<string, unknown>>();
    for (const el of parsed) if (isJsonObject(el)) byId.set(el.id, el);
    part.forEach((q, i) => {
      const el = byId.get(ids[i]);
      try {
        if (!el) throw new MalformedResponseError(`${q.method}: batch response has no answer for this call`);
        // The elements speak for themselves (Bitcoin Core answers a batch with HTTP 200 whatever they say).
        q.resolve(this.outcome(q.method, el, 200));
      } catch (e) {
        this.stats.errors++;
        q.reject(e as Error);
      }
    });
  }

  /** One POST, sent again once on a new connection when a kept-alive one turns out closed before any answer. */
  private async post(body: string): Promise<Reply> {
    try {
      return await this.postOnce(body);
    } catch (e) {
      if (e instanceof StaleSocketError) return this.postOnce(body);
      throw e;
    }
  }

  /** One POST; latencyMs runs from the moment the request got its socket, like the timeout. */
  private postOnce(body: string): Promise<Reply> {
    const u = this.url;
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (this.auth) headers.authorization = this.auth;
    const limit = this.opts.maxResponseBytes ?? 32 * 1024 * 1024;
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let onSocket = 0;
      let answered = false;
      const done = (err: Error | null, v?: { status: number; text: string }): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (err) reject(err); else {
          this.stats.lastLatencyMs = Date.now() - onSocket;
          resolve({ ...v!, latencyMs: this.stats.lastLatencyMs });
        }
      };
      const req = mod.request({
        protocol: u.protocol, hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers, agent: this.agent,
      }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          this.stats.bytesIn += c.length;
          if (size > limit) { req.destroy(); done(new MalformedResponseError(`response larger than ${limit} octets`)); return; }
          chunks.push(c);
        });
        res.on('end', () => done(null, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => done(new TransportError(e.message)));
        res.on('aborted', () => done(new TransportError('connection closed during response')));
      });
      // The clock starts when the pool assigns a socket: time spent queued behind other requests is not the node's.
      req.once('socket', () => {
        onSocket = Date.now();
        if (!req.reusedSocket) this.stats.connections++;
        if (settled) return;
        timer = setTimeout(() => { req.destroy(); done(new TransportError(`timeout after ${this.opts.timeoutMs} ms`)); }, this.opts.timeoutMs);
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ECONNABORTED');
        done(stale ? new StaleSocketError(e.message) : new TransportError(e.message));
      });
      req.end(body);
    });
  }

  close(): void { this.agent.destroy(); }
}

/** A kept-alive connection the node had closed: the request never reached it. */
class StaleSocketError extends TransportError {}
