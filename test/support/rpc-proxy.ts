/**
 * A JSON-RPC proxy in front of a real node (a dev chain) for tests: forwards every request, counts the
 * calls by method (with their parameters), and can make chosen methods fail (a JSON-RPC error, as a node
 * that is overloaded or restarting answers) until told otherwise.
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
  count(method: string, match?: (params: unknown[]) => boolean): number;
  close(): Promise<void>;
}

async function forward(target: string, body: string): Promise<string> {
  const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.text();
}

export async function rpcProxy(target: string): Promise<RpcProxy> {
  const calls: { method: string; params: unknown[] }[] = [];
  const failing = new Set<string>();
  const one = async (req: RpcRequest): Promise<unknown> => {
    const method = typeof req.method === 'string' ? req.method : '';
    calls.push({ method, params: Array.isArray(req.params) ? req.params : [] });
    if (failing.has(method)) return { jsonrpc: '2.0', id: req.id ?? null, error: { code: -32603, message: `${method} failed (test proxy)` } };
    return JSON.parse(await forward(target, JSON.stringify(req))) as unknown;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest | RpcRequest[];
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
  const url = await listen(server);
  return {
    url, calls, failing,
    count: (m, match) => calls.filter((c) => c.method === m && (!match || match(c.params))).length,
    close: () => closeServer(server),
  };
}
