/**
 * JSON-RPC over HTTP(S), shared by the chain families: one POST per call, a timeout per call,
 * basic authentication when given, typed errors. No retries: the collector decides.
 *
 * The timeout times the call itself: it starts when the connection pool hands the request a socket
 * (connecting included), not when the call is made. A call queued behind others in the pool (at most
 * maxSockets at once) waits without a clock running, so the bridge's own queueing never makes a
 * healthy node look unreachable; a node that hangs still fails each call within timeoutMs of it
 * reaching the node, and frees the socket for the next one.
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
  /** Connections kept to the node at once (default 4); further calls wait in the pool's queue. */
  readonly maxSockets?: number;
}

export interface RpcStats { calls: number; errors: number; bytesIn: number; lastLatencyMs: number }

export class RpcHttpClient {
  private nextId = 1;
  private readonly agent: http.Agent;
  readonly stats: RpcStats = { calls: 0, errors: 0, bytesIn: 0, lastLatencyMs: 0 };

  constructor(private readonly opts: RpcHttpOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported RPC URL scheme ${u.protocol}`);
    const maxSockets = opts.maxSockets ?? 4;
    this.agent = u.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Calls one method; resolves with its result or rejects with a typed error. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: this.opts.jsonrpc, id, method, params });
    this.stats.calls++;
    try {
      const { status, text, latencyMs } = await this.post(body);
      this.stats.lastLatencyMs = latencyMs;
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch {
        if (status < 200 || status >= 300) throw new HttpStatusError(status, `${method}: HTTP ${status}`);
        throw new MalformedResponseError(`${method}: response is not JSON`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new MalformedResponseError(`${method}: response is not a JSON-RPC object`);
      }
      const o = parsed as { error?: { code?: unknown; message?: unknown } | null; result?: unknown };
      if (o.error) {
        const code = typeof o.error.code === 'number' ? o.error.code : 0;
        const msg = typeof o.error.message === 'string' ? o.error.message : 'error';
        throw new RpcError(code, msg, method);
      }
      if (status < 200 || status >= 300) throw new HttpStatusError(status, `${method}: HTTP ${status}`);
      if (!('result' in o)) throw new MalformedResponseError(`${method}: response has neither result nor error`);
      return o.result as T;
    } catch (e) {
      this.stats.errors++;
      throw e;
    }
  }

  /** One POST; latencyMs runs from the moment the request got its socket, like the timeout. */
  private post(body: string): Promise<{ status: number; text: string; latencyMs: number }> {
    const u = new URL(this.opts.url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (this.opts.username !== undefined) {
      headers.authorization = 'Basic ' + Buffer.from(`${this.opts.username}:${this.opts.password ?? ''}`).toString('base64');
    } else if (u.username) {
      headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    }
    const limit = this.opts.maxResponseBytes ?? 32 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let onSocket = 0;
      const done = (err: Error | null, v?: { status: number; text: string }): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (err) reject(err); else resolve({ ...v!, latencyMs: Date.now() - onSocket });
      };
      const req = mod.request({
        protocol: u.protocol, hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers, agent: this.agent,
      }, (res) => {
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
      // The clock starts when the pool assigns a socket: time spent queued behind other calls is not the node's.
      req.once('socket', () => {
        onSocket = Date.now();
        if (settled) return;
        timer = setTimeout(() => { req.destroy(); done(new TransportError(`timeout after ${this.opts.timeoutMs} ms`)); }, this.opts.timeoutMs);
      });
      req.on('error', (e) => done(new TransportError(e.message)));
      req.end(body);
    });
  }

  close(): void { this.agent.destroy(); }
}
