/**
 * The Beacon Node API over HTTP(S): one GET (or POST) per call, a timeout per call that starts when the
 * request gets its socket (as in ../rpc-http.ts), typed errors, statistics. 404 is an answer, not an
 * error: get() resolves with undefined (an empty slot, an unknown validator).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpStatusError, MalformedResponseError, TransportError } from '../errors';

export interface BeaconHttpOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes?: number;
  readonly maxSockets?: number;
}

export interface BeaconStats { calls: number; errors: number; lastLatencyMs: number }

/** Query string with repeated parameters (?id=1&id=2): what every node version accepts. */
export function query(params: Readonly<Record<string, string | number | readonly (string | number)[]>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export class BeaconHttp {
  readonly agent: http.Agent;
  readonly base: URL;
  readonly stats: BeaconStats = { calls: 0, errors: 0, lastLatencyMs: 0 };

  constructor(private readonly opts: BeaconHttpOptions) {
    this.base = new URL(opts.url);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new Error(`unsupported Beacon API URL scheme ${this.base.protocol}`);
    const maxSockets = opts.maxSockets ?? 4;
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets });
  }

  /** The URL of an API path (joined to the endpoint's own path, e.g. a reverse proxy prefix). */
  url(path: string): URL {
    const u = new URL(this.base.href);
    u.pathname = u.pathname.replace(/\/$/, '') + path.replace(/\?.*$/, '');
    const q = path.indexOf('?');
    u.search = q >= 0 ? path.slice(q) : '';
    return u;
  }

  /** GET of a JSON document; undefined when the node answers 404. */
  async get<T>(path: string): Promise<T | undefined> {
    const r = await this.request('GET', path);
    if (r.status === 404) return undefined;
    return this.json<T>(path, r);
  }

  /** POST of a JSON body; undefined when the node answers 404 or 405 (route missing on that version). */
  async post<T>(path: string, body: unknown): Promise<T | undefined> {
    const r = await this.request('POST', path, JSON.stringify(body));
    if (r.status === 404 || r.status === 405) return undefined;
    return this.json<T>(path, r);
  }

  /** Only the status of a GET (/eth/v1/node/health answers with an empty body). */
  async status(path: string): Promise<number> {
    return (await this.request('GET', path)).status;
  }

  private json<T>(path: string, r: { status: number; text: string }): T {
    if (r.status < 200 || r.status >= 300) {
      this.stats.errors++;
      let msg = '';
      try { msg = String((JSON.parse(r.text) as { message?: unknown }).message ?? ''); } catch { /* not JSON */ }
      throw new HttpStatusError(r.status, `GET ${path.replace(/\?.*/, '')}: HTTP ${r.status}${msg ? ` ${msg.slice(0, 160)}` : ''}`);
    }
    try {
      return JSON.parse(r.text) as T;
    } catch {
      this.stats.errors++;
      throw new MalformedResponseError(`${path.replace(/\?.*/, '')}: response is not JSON`);
    }
  }

  private async request(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    this.stats.calls++;
    try {
      const r = await this.send(method, this.url(path), body);
      this.stats.lastLatencyMs = r.latencyMs;
      return r;
    } catch (e) {
      this.stats.errors++;
      throw e;
    }
  }

  private send(method: string, u: URL, body?: string): Promise<{ status: number; text: string; latencyMs: number }> {
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (body !== undefined) { headers['content-type'] = 'application/json'; headers['content-length'] = Buffer.byteLength(body); }
    if (u.username) headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    const limit = this.opts.maxResponseBytes ?? 64 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let onSocket = Date.now();
      const done = (err: Error | null, v?: { status: number; text: string }): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (err) reject(err); else resolve({ ...v!, latencyMs: Date.now() - onSocket });
      };
      const req = mod.request({ protocol: u.protocol, hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) { req.destroy(); done(new MalformedResponseError(`response larger than ${limit} octets`)); return; }
          chunks.push(c);
        });
        res.on('end', () => done(null, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => done(new TransportError(e.message)));
        res.on('aborted', () => done(new TransportError('connection closed during response')));
      });
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
