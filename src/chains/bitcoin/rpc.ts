/**
 * The connection of a Bitcoin-family adapter to one node: Bitcoin Core JSON-RPC 1.0 over HTTP through
 * the shared RpcHttpClient, with basic authentication from a user name and password or from the node's
 * cookie file.
 *
 * Work is done in sessions (one poll, one block fetch, one action); the calls of a session made together go
 * out as one JSON-RPC batch. A client starts by reading the credentials: the cookie ("__cookie__:<random>")
 * is rewritten each time the node starts, so it is read again at every new client.
 *
 * Bitcoin Core 0.21 / Litecoin Core 0.21 wait for idle HTTP connections (up to -rpcservertimeout, 30 s)
 * before they finish shutting down. So the client and its kept-alive connection outlive the last session
 * only for keepAliveMs (the collector: its poll interval and 2 s; default 0: closed when the last session
 * ends), and are closed at once after a transport or HTTP failure (a node shutting down answers 503): a node
 * being stopped waits at most until the bridge's next poll. The statistics of closed clients are carried over.
 *
 * Methods the node does not have (RpcError.methodMissing) are remembered and never called again.
 */
import { promises as fsp } from 'node:fs';
import type { AdapterOptions, AdapterStats } from '../adapter';
import { HttpStatusError, RpcError, TransportError } from '../errors';
import { RpcHttpClient } from '../rpc-http';

/**
 * Like Promise.all, but waits for every call to settle before rejecting with the first failure (in
 * argument order): a session never ends, closing its client, while some of its calls are in flight.
 */
export async function settleAll<T extends readonly unknown[] | []>(values: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled: readonly PromiseSettledResult<unknown>[] = await Promise.allSettled(values);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [P in keyof T]: Awaited<T[P]> };
}

export class BitcoinRpc {
  private client: RpcHttpClient | undefined;
  private clientKey: string | undefined;
  private sessions = 0;
  /** Statistics of clients already closed. */
  private retiredCalls = 0;
  private retiredErrors = 0;
  private retiredLatency = 0;
  private retiredRequests = 0;
  private retiredConnections = 0;
  private readonly missing = new Set<string>();
  private closed = false;
  /** The client failed (transport or HTTP): closed when its sessions end, whatever keepAliveMs says. */
  private broken = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AdapterOptions) {}

  /** Runs fn with a client made from the node's current credentials; the client is closed when no session needs it. */
  async session<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new TransportError('adapter closed');
    this.sessions++;
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    try {
      // A kept client of a cookie node is checked against the cookie: the node rewrites it when it restarts.
      if (!this.client || this.opts.cookieFile !== undefined) {
        const key = await this.credentials();
        if (this.client && this.clientKey !== key && this.sessions === 1) this.retire();
        if (!this.client) {
          const colon = key.indexOf(':');
          const cookie = this.opts.cookieFile !== undefined;
          this.client = new RpcHttpClient({
            url: this.opts.endpoint, timeoutMs: this.opts.timeoutMs, jsonrpc: '1.0',
            username: cookie ? key.slice(0, colon) : this.opts.username, password: cookie ? key.slice(colon + 1) : this.opts.password,
            autoBatch: true, maxSockets: 2,
          });
          this.clientKey = key;
          this.broken = false;
        }
      }
      return await fn();
    } finally {
      if (--this.sessions === 0) this.idle();
    }
  }

  private idle(): void {
    const keep = this.opts.keepAliveMs ?? 0;
    if (this.broken || keep <= 0) { this.retire(); return; }
    this.idleTimer = setTimeout(() => { this.idleTimer = undefined; if (this.sessions === 0) this.retire(); }, keep);
    this.idleTimer.unref();
  }

  /**
   * "user:password" from the options or the cookie file. Rejects with TransportError when the cookie file
   * cannot be read: the node deletes it when it stops.
   */
  private async credentials(): Promise<string> {
    const file = this.opts.cookieFile;
    if (file === undefined) return `${this.opts.username ?? ''}:${this.opts.password ?? ''}`;
    let text: string;
    try {
      text = (await fsp.readFile(file, 'utf8')).trim();
    } catch (e) {
      this.retiredErrors++;
      this.broken = true;
      throw new TransportError(`cannot read cookie file ${file} (is the node running?): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (text.indexOf(':') <= 0) { this.broken = true; throw new TransportError(`cookie file ${file} does not hold "user:password"`); }
    return text;
  }

  private retire(): void {
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = undefined; }
    const c = this.client;
    if (!c) return;
    this.client = undefined;
    this.retiredCalls += c.stats.calls;
    this.retiredErrors += c.stats.errors;
    this.retiredRequests += c.stats.requests;
    this.retiredConnections += c.stats.connections;
    if (c.stats.calls > 0) this.retiredLatency = c.stats.lastLatencyMs;
    c.close();
  }

  /** true when the node answered an earlier call of this method with "method not found". */
  isMissing(method: string): boolean {
    return this.missing.has(method);
  }

  /** Calls a method inside a session; rejects with the client's typed errors. A missing method is remembered. */
  async call(method: string, params: unknown[] = []): Promise<unknown> {
    const client = this.client;
    if (!client) throw new Error(`BitcoinRpc.call(${method}) outside a session`);
    try {
      return await client.call<unknown>(method, params);
    } catch (e) {
      if (e instanceof RpcError && e.methodMissing) this.missing.add(method);
      if (e instanceof TransportError || e instanceof HttpStatusError) this.broken = true;
      throw e;
    }
  }

  /**
   * Calls a method whose result is optional: resolves undefined (absent) when the node lacks the method
   * (without calling it again once known) or when the call fails in any other way (refused, as
   * getchaintxstats early in regtest; timed out; connection lost): an optional call never fails the
   * poll, so it never makes the node unreachable. The failure is counted in the client's errors.
   */
  async optional(method: string, params: unknown[] = []): Promise<unknown> {
    if (this.missing.has(method)) return undefined;
    try {
      return await this.call(method, params);
    } catch {
      return undefined;
    }
  }

  stats(): AdapterStats {
    const s = this.client?.stats;
    return {
      calls: this.retiredCalls + (s?.calls ?? 0),
      errors: this.retiredErrors + (s?.errors ?? 0),
      lastLatencyMs: s && s.calls > 0 ? s.lastLatencyMs : this.retiredLatency,
      requests: this.retiredRequests + (s?.requests ?? 0),
      connections: this.retiredConnections + (s?.connections ?? 0),
    };
  }

  close(): void {
    this.closed = true;
    this.retire();
  }
}
