/**
 * JSON-RPC 2.0 over WebSocket (EIP-1474 nodes: geth --ws, Besu --rpc-ws-enabled, Nethermind, Erigon,
 * Hardhat, Ganache, Anvil). Connects on first use and again on the first call after the connection
 * was lost; a timeout per call; typed errors as the HTTP client; eth_subscription notifications are
 * handed to onNotification. No retries: the collector decides.
 */
import type WebSocket from 'ws';
import { MalformedResponseError, RpcError, TransportError } from '../errors';
import type { RpcStats } from '../rpc-http';
import type { RpcTransport } from './methods';

/** The ws package, loaded on the first connection: a bridge whose nodes have no wsEndpoint never loads it. */
let wsModule: typeof WebSocket | undefined;
function webSocketClass(): typeof WebSocket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  wsModule ??= require('ws') as typeof WebSocket;
  return wsModule;
}

export interface RpcWsOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly username?: string;
  readonly password?: string;
  /** Largest message accepted, in octets. */
  readonly maxResponseBytes?: number;
}

interface Pending {
  readonly method: string;
  readonly started: number;
  readonly timer: NodeJS.Timeout;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class RpcWsClient implements RpcTransport {
  private nextId = 1;
  private ws: WebSocket | undefined;
  private opening: Promise<WebSocket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  readonly stats: RpcStats = { calls: 0, errors: 0, bytesIn: 0, lastLatencyMs: 0 };
  /** Called with the subscription id and result of each eth_subscription notification. */
  onNotification: ((subscription: string, result: unknown) => void) | undefined;
  /** Called once each time an open connection is lost (not after close()). */
  onDisconnect: ((e: Error) => void) | undefined;

  constructor(private readonly opts: RpcWsOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error(`unsupported WebSocket URL scheme ${u.protocol}`);
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    this.stats.calls++;
    try {
      const ws = await this.connect();
      const id = this.nextId++;
      return await new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new TransportError(`${method}: timeout after ${this.opts.timeoutMs} ms`));
        }, this.opts.timeoutMs);
        this.pending.set(id, { method, started: Date.now(), timer, resolve: (v) => resolve(v as T), reject });
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }), (err) => {
          if (err) this.settle(id, new TransportError(`${method}: ${err.message}`));
        });
      });
    } catch (e) {
      this.stats.errors++;
      throw e;
    }
  }

  private connect(): Promise<WebSocket> {
    if (this.closed) return Promise.reject(new TransportError('client closed'));
    if (this.ws && this.ws.readyState === this.ws.OPEN) return Promise.resolve(this.ws);
    if (this.opening) return this.opening;
    const headers: Record<string, string> = {};
    const u = new URL(this.opts.url);
    const user = this.opts.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
    const pass = this.opts.username !== undefined ? this.opts.password ?? '' : decodeURIComponent(u.password);
    if (user !== undefined) headers.authorization = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
    const ws = new (webSocketClass())(this.opts.url, {
      headers, handshakeTimeout: this.opts.timeoutMs, maxPayload: this.opts.maxResponseBytes ?? 32 * 1024 * 1024, perMessageDeflate: false,
    });
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      let open = false;
      ws.on('open', () => { open = true; this.ws = ws; this.opening = undefined; resolve(ws); });
      ws.on('message', (data: WebSocket.RawData) => this.onMessage(ws, data));
      ws.on('unexpected-response', (_req, res) => {
        ws.terminate();
        if (!open) { this.opening = undefined; reject(new TransportError(`WebSocket upgrade refused: HTTP ${res.statusCode ?? 0}`)); }
      });
      ws.on('error', (e: Error) => {
        if (!open) { this.opening = undefined; reject(new TransportError(e.message)); }
      });
      ws.on('close', (code: number) => {
        if (!open) { this.opening = undefined; reject(new TransportError(`WebSocket closed during handshake (${code})`)); return; }
        if (this.ws === ws) this.ws = undefined;
        const err = new TransportError(`WebSocket closed (${code})`);
        this.failAll(err);
        if (!this.closed) this.onDisconnect?.(err);
      });
    });
    return this.opening;
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData): void {
    const text = (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
    this.stats.bytesIn += Buffer.byteLength(text);
    let msg: unknown;
    try { msg = JSON.parse(text); } catch {
      // The answer cannot be matched to its call: fail every call in flight, drop the connection.
      this.failAll(new MalformedResponseError('WebSocket message is not JSON'));
      ws.terminate();
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
    const o = msg as { id?: unknown; method?: unknown; params?: { subscription?: unknown; result?: unknown }; error?: { code?: unknown; message?: unknown } | null; result?: unknown };
    if (o.method === 'eth_subscription' && o.params && typeof o.params.subscription === 'string') {
      this.onNotification?.(o.params.subscription, o.params.result);
      return;
    }
    if (typeof o.id !== 'number') return;
    const p = this.pending.get(o.id);
    if (!p) return;
    this.stats.lastLatencyMs = Date.now() - p.started;
    if (o.error) {
      const code = typeof o.error.code === 'number' ? o.error.code : 0;
      const message = typeof o.error.message === 'string' ? o.error.message : 'error';
      this.settle(o.id, new RpcError(code, message, p.method));
    } else if (!('result' in o)) {
      this.settle(o.id, new MalformedResponseError(`${p.method}: response has neither result nor error`));
    } else {
      this.settle(o.id, null, o.result);
    }
  }

  private settle(id: number, err: Error | null, result?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err); else p.resolve(result);
  }

  private failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }

  close(): void {
    this.closed = true;
    this.failAll(new TransportError('client closed'));
    const ws = this.ws;
    this.ws = undefined;
    if (ws) ws.terminate();
    else void this.opening?.then((w) => w.terminate(), () => undefined);
  }
}
