/**
 * A JSON-RPC proxy in front of a real node (a dev chain, a litecoind) for tests: forwards every request (with
 * its authorization header), counts the calls by method (with their parameters), the HTTP requests, the
 * batches and the TCP connections it accepted, can make chosen methods fail (a JSON-RPC error, as a node
 * that is overloaded or restarting answers) until told otherwise, and can refuse batches as a node without
 * batch support does. Idle connections are kept 60 s (as geth keeps them; Node's default is 5 s).
 */
import * as http from 'node:http';
import { closeServer, listen } from './devchain';

interface RpcRequest { id?: unknown; method?: unknown; params?: unknown }

export interface RpcProxy {
  readonly url: string;
  /** Calls received, in order, with their parameters. */
  readonly calls: { method: string; params: unknown[] }[];
  /** Methods answered with an error instead of being forwarded. */
  readonly failing: Set<string>;
  /** HTTP requests, JSON-RPC batches among them, and TCP connections accepted. */
  readonly stats: { requests: number; batches: number; connections: number };
  /** While true, a batch is answered with a JSON-RPC error object (-32600), not forwarded. */
  refuseBatches: boolean;
  count(method: string, match?: (params: unknown[]) => boolean): number;
  close(): Promise<void>;
}

async function forward(target: string, body: string, authorization: string | undefined): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const r = await fetch(target, { method: 'POST', headers, body });
  return r.text();
}

export async function rpcProxy(target: string): Promise<RpcProxy> {
  const calls: { method: string; params: unknown[] }[] = [];
  const failing = new Set<string>();
  const stats = { requests: 0, batches: 0, connections: 0 };
  let auth: string | undefined;
  const one = async (req: RpcRequest): Promise<unknown> => {
    const method = typeof req.method === 'string' ? req.method : '';
    calls.push({ method, params: Array.isArray(req.params) ? req.params : [] });
    if (failing.has(method)) return { jsonrpc: '2.0', id: req.id ?? null, error: { code: -32603, message: `${method} failed (test proxy)` } };
    return JSON.parse(await forward(target, JSON.stringify(req), auth)) as unknown;
  };
  const proxy = { refuseBatches: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    stats.requests++;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          auth = req.headers.authorization;
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest | RpcRequest[];
          if (Array.isArray(body)) stats.batches++;
          if (Array.isArray(body) && proxy.refuseBatches) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'batch requests are not supported' } }));
            return;
          }
          const out = Array.isArray(body) ? await Promise.all(body.map(one)) : await one(body);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out));
        } catch (e) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(e));
        }
      })();
    });
  });
  server.keepAliveTimeout = 60000;
  server.on('connection', () => { stats.connections++; });
  const url = await listen(server);
  return {
    url, calls, failing, stats,
    get refuseBatches() { return proxy.refuseBatches; },
    set refuseBatches(v: boolean) { proxy.refuseBatches = v; },
    count: (m, match) => calls.filter((c) => c.method === m && (!match || match(c.params))).length,
    close: () => closeServer(server),
  };
}
