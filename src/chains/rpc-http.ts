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
import { HttpStatusError, MalformedResponseError, RpcError } from './errors';
import { Http1Pool, StaleSocketError } from './http-pool';
import { postHead } from './http1';

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
  /** HTTP requests sent, TCP connections opened and connections that closed (HTTP clients only). */
  requests?: number;
  connections?: number;
  disconnections?: number;
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
  private readonly pool: Http1Pool;
  private readonly url: URL;
  private readonly path: string;
  private readonly auth: string | undefined;
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** undefined until a batch was answered (true) or refused (false). */
  batchSupport: boolean | undefined;
  readonly stats: RpcStats & { requests: number; connections: number; disconnections: number } = {
    calls: 0, errors: 0, bytesIn: 0, lastLatencyMs: 0, requests: 0, connections: 0, disconnections: 0,
  };

  constructor(private readonly opts: RpcHttpOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported RPC URL scheme ${u.protocol}`);
    this.url = u;
    this.path = (u.pathname || '/') + u.search;
    this.pool = new Http1Pool(u, opts.maxSockets ?? 4, this.stats);
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
      return await this.postOnce(body, false);
    } catch (e) {
      if (e instanceof StaleSocketError) return this.postOnce(body, true);
      throw e;
    }
  }

  /** One POST; latencyMs runs from the moment the request got its connection, like the timeout. */
  private async postOnce(body: string, fresh: boolean): Promise<Reply> {
    this.stats.requests++;
    const data = postHead(this.path, this.url.host, Buffer.byteLength(body), this.auth) + body;
    const r = await this.pool.request(data, this.opts.timeoutMs, this.opts.maxResponseBytes ?? 32 * 1024 * 1024, fresh);
    this.stats.bytesIn += r.body.length;
    this.stats.lastLatencyMs = r.latencyMs;
    return { status: r.status, text: r.body.toString('utf8'), latencyMs: r.latencyMs };
  }

  close(): void { this.pool.close(); }
}
