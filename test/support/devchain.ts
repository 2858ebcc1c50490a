/** Helpers of the Ethereum adapter and dev chain tests: polling waits and fake JSON-RPC nodes. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcHttpClient } from '../../src/chains/rpc-http';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with the first truthy value of f(), polling every stepMs; rejects after timeoutMs. */
export async function waitFor<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** A direct JSON-RPC client for checking what the adapter reports against the node itself. */
export function directClient(url: string): RpcHttpClient {
  return new RpcHttpClient({ url, timeoutMs: 5000, jsonrpc: '2.0' });
}

export async function blockNumber(c: RpcHttpClient): Promise<number> {
  return Number(BigInt(await c.call<string>('eth_blockNumber')));
}

export type FakeAnswer = { result: unknown } | { error: { code: number; message: string } };

export interface FakeNode {
  readonly url: string;
  /** Calls received, by method. */
  readonly calls: Map<string, number>;
  /** Parameters of the last call of each method. */
  readonly lastParams: Map<string, unknown[]>;
  count(method: string): number;
  close(): Promise<void>;
}

/**
 * A JSON-RPC 2.0 node over HTTP answering from a table of methods; any other method gets -32601
 * "the method X does not exist/is not available" (geth's wording).
 */
export async function fakeNode(methods: Record<string, (params: unknown[]) => FakeAnswer>): Promise<FakeNode> {
  const calls = new Map<string, number>();
  const lastParams = new Map<string, unknown[]>();
  const answer = (req: { id?: unknown; method?: unknown; params?: unknown }): object => {
    const method = typeof req.method === 'string' ? req.method : '';
    const params = Array.isArray(req.params) ? req.params : [];
    calls.set(method, (calls.get(method) ?? 0) + 1);
    lastParams.set(method, params);
    const f = methods[method];
    const a: FakeAnswer = f ? f(params) : { error: { code: -32601, message: `the method ${method} does not exist/is not available` } };
    return { jsonrpc: '2.0', id: req.id ?? null, ...a };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      const out = Array.isArray(body) ? body.map((b) => answer(b as object)) : answer(body as object);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
    });
  });
  const url = await listen(server);
  return {
    url, calls, lastParams,
    count: (m) => calls.get(m) ?? 0,
    close: () => closeServer(server),
  };
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
