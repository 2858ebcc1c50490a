/**
 * Recorded-response nodes: many JSON-RPC nodes served by one small HTTP server in a process of its own,
 * answering like the real nodes they were recorded from (bench/recordings/*.json, made by
 * bench/record-responses.ts from the Hardhat dev chain and from litecoind regtest). For benchmarks that
 * need hundreds or thousands of nodes without running them: label their figures "recorded-response nodes".
 *
 * Each node is a URL path, `/<recording>/<chain>/<node>`: recording is `ethereum-hardhat` or
 * `bitcoin-litecoind`, every node of one chain sees the same blocks. A chain grows by one block every
 * blockIntervalMs (0: only when told, advance()); block h is the recorded block h mod 8 with its height,
 * hash, parent hash and time rewritten (the hash encodes the height, so any height can be asked). Every
 * other method answers the recorded result or the recorded error, whatever the height. JSON-RPC batches
 * are answered per element (unless batches: false: then the answer is the error a node without batch
 * support gives). Idle connections are kept like geth's (keepAliveTimeoutMs, default 120 s).
 *
 *   const nodes = await startRecordedNodes({ blockIntervalMs: 1000 });
 *   nodes.url('ethereum-hardhat', 'net1', 'n17')     // endpoint of one node
 *   await nodes.advance(500); await nodes.stats();    // grow every chain; requests/calls/connections seen
 *   await nodes.stop();
 *
 * Run alone: node dist/bench/recorded-node.js  (prints {"url": BASE} and serves until SIGTERM).
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Answer, Recording } from './record-responses';

export type RecordingName = 'ethereum-hardhat' | 'bitcoin-litecoind';
export const RECORDINGS: readonly RecordingName[] = ['ethereum-hardhat', 'bitcoin-litecoind'];

export interface RecordedNodeOptions {
  /** A new block on every chain this often; 0: only on advance(). Default 1000. */
  readonly blockIntervalMs?: number;
  /** Answer JSON-RPC batches (default true). */
  readonly batches?: boolean;
  /** How long an idle connection is kept (default 120000, as geth). */
  readonly keepAliveTimeoutMs?: number;
  /** Height of every chain at start (default 1000). */
  readonly startHeight?: number;
}

export interface ServerStats {
  /** HTTP requests, JSON-RPC calls (batch elements counted one by one), TCP connections accepted. */
  readonly requests: number;
  readonly calls: number;
  readonly connections: number;
  readonly byMethod: Record<string, number>;
}

export interface RecordedNodes {
  readonly base: string;
  url(recording: RecordingName, chain: string, node: string): string;
  /** Adds n blocks to every chain. */
  advance(n: number): Promise<void>;
  /** Height of a chain (the start height for a chain not asked yet). */
  height(recording: RecordingName, chain: string): Promise<number>;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- the server (child process side)

function loadRecording(name: RecordingName): Recording {
  const file = path.join(__dirname, '..', '..', 'bench', 'recordings', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Recording;
}

type Obj = Record<string, unknown>;
const hex = (n: number): string => '0x' + n.toString(16);

/** A 32-octet hash that encodes the height (first 8 octets) and the chain. */
function blockHash(chain: string, h: number): string {
  return h.toString(16).padStart(16, '0') + createHash('sha256').update(`${chain}:${h}`).digest('hex').slice(16);
}
function heightOf(hash: string): number {
  const m = /^(?:0x)?([0-9a-f]{16})[0-9a-f]{48}$/i.exec(hash);
  return m ? parseInt(m[1], 16) : -1;
}

class RpcFailure extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

class Chain {
  height: number;
  constructor(readonly key: string, readonly rec: Recording, start: number, readonly t0: number) { this.height = start; }
  hash(h: number): string { return (this.rec.platform === 'ethereum' ? '0x' : '') + blockHash(this.key, h); }
  time(h: number): number { return this.t0 + h * this.rec.blockTime; }
  slot(h: number): number { return h % this.rec.blocks.length; }
}

const chains = new Map<string, Chain>();
let opts: { -readonly [K in keyof RecordedNodeOptions]-?: NonNullable<RecordedNodeOptions[K]> };
const started = Date.now();
const stats = { requests: 0, calls: 0, connections: 0, byMethod: {} as Record<string, number> };

function chainOf(recName: string, chainName: string): Chain {
  const key = `${recName}/${chainName}`;
  let c = chains.get(key);
  if (!c) {
    const rec = loadedRecordings.get(recName);
    if (!rec) throw new Error(`no recording ${recName}`);
    c = new Chain(key, rec, opts.startHeight, Math.floor(started / 1000) - opts.startHeight * rec.blockTime);
    chains.set(key, c);
  }
  return c;
}

const loadedRecordings = new Map<string, Recording>();

function recorded(rec: Recording, key: string): unknown {
  const a: Answer | undefined = rec.answers[key];
  if (!a) throw new RpcFailure(-32601, `Method ${key} not found`);
  if ('error' in a) throw new RpcFailure(a.error.code, a.error.message);
  return a.result;
}

function ethBlock(c: Chain, h: number): Obj | null {
  if (h < 0 || h > c.height) return null;
  const b = { ...(c.rec.blocks[c.slot(h)] as Obj) };
  b.number = hex(h);
  b.hash = c.hash(h);
  b.parentHash = h === 0 ? '0x' + '0'.repeat(64) : c.hash(h - 1);
  b.timestamp = hex(c.time(h));
  return b;
}

function ethAnswer(c: Chain, method: string, params: unknown[]): unknown {
  switch (method) {
    case 'eth_blockNumber': return hex(c.height);
    case 'eth_getBlockByNumber': {
      const tag = params[0];
      if (tag === 'latest' || tag === 'pending') return ethBlock(c, c.height);
      if (tag === 'earliest') return ethBlock(c, 0);
      if (tag === 'finalized' || tag === 'safe') return recorded(c.rec, 'eth_getBlockByNumber(finalized)');
      if (typeof tag === 'string' && /^0x[0-9a-f]+$/i.test(tag)) return ethBlock(c, parseInt(tag, 16));
      throw new RpcFailure(-32602, 'invalid block tag');
    }
    case 'eth_getBlockByHash': return typeof params[0] === 'string' ? ethBlock(c, heightOf(params[0])) : null;
    default: return recorded(c.rec, method);
  }
}

function btcHeader(c: Chain, h: number): Obj {
  const b = { ...(c.rec.blocks[c.slot(h)] as Obj) };
  b.height = h;
  b.hash = c.hash(h);
  if (h > 0) b.previousblockhash = c.hash(h - 1); else delete b.previousblockhash;
  if (h < c.height) b.nextblockhash = c.hash(h + 1); else delete b.nextblockhash;
  b.time = c.time(h);
  b.mediantime = c.time(Math.max(0, h - 5));
  b.confirmations = c.height - h + 1;
  return b;
}

function btcHeight(c: Chain, hash: unknown): number {
  const h = typeof hash === 'string' ? heightOf(hash) : -1;
  if (h < 0 || h > c.height || c.hash(h) !== hash) throw new RpcFailure(-5, 'Block not found');
  return h;
}

function btcAnswer(c: Chain, method: string, params: unknown[]): unknown {
  const h = c.height;
  switch (method) {
    case 'getblockcount': return h;
    case 'getbestblockhash': return c.hash(h);
    case 'getblockchaininfo': {
      const r = { ...(recorded(c.rec, method) as Obj) };
      Object.assign(r, { blocks: h, headers: h, bestblockhash: c.hash(h), mediantime: c.time(Math.max(0, h - 5)) });
      return r;
    }
    case 'getblockhash': {
      const n = params[0];
      if (typeof n !== 'number' || n < 0 || n > h) throw new RpcFailure(-8, 'Block height out of range');
      return c.hash(n);
    }
    case 'getblockheader': return btcHeader(c, btcHeight(c, params[0]));
    case 'getblock': {
      const n = btcHeight(c, params[0]);
      const full = { ...(c.rec.fullBlocks![c.slot(n)] as Obj), ...btcHeader(c, n) };
      if (params[1] === 2) full.tx = [c.rec.coinbases![c.slot(n)]];
      return full;
    }
    case 'getrawtransaction': {
      // The coinbase of a recorded block, asked with its block hash as the producer lookup does.
      const n = btcHeight(c, params[2]);
      return c.rec.coinbases![c.slot(n)];
    }
    case 'getchaintips': return [{ height: h, hash: c.hash(h), branchlen: 0, status: 'active' }];
    case 'getmininginfo': return { ...(recorded(c.rec, method) as Obj), blocks: h };
    case 'uptime': return (recorded(c.rec, method) as number) + Math.floor((Date.now() - started) / 1000);
    case 'getchaintxstats': {
      const r = { ...(recorded(c.rec, method) as Obj) };
      const txcount = typeof r.txcount === 'number' ? r.txcount : 0;
      r.txcount = txcount + 2 * Math.max(0, h - opts.startHeight);
      r.window_final_block_hash = c.hash(h);
      r.window_final_block_height = h;
      return r;
    }
    default: return recorded(c.rec, method);
  }
}

interface Req { id?: unknown; method?: unknown; params?: unknown }

function answerOne(c: Chain, r: Req): { body: Obj; failed: boolean } {
  const jsonrpc = c.rec.platform === 'ethereum' ? { jsonrpc: '2.0' } : {};
  const id = r.id ?? null;
  if (typeof r !== 'object' || r === null || typeof r.method !== 'string') {
    return { body: { ...jsonrpc, id, error: { code: -32600, message: 'Invalid Request' }, ...(jsonrpc.jsonrpc ? {} : { result: null }) }, failed: true };
  }
  stats.calls++;
  stats.byMethod[r.method] = (stats.byMethod[r.method] ?? 0) + 1;
  const params = Array.isArray(r.params) ? r.params : [];
  try {
    const result = c.rec.platform === 'ethereum' ? ethAnswer(c, r.method, params) : btcAnswer(c, r.method, params);
    return { body: c.rec.platform === 'ethereum' ? { ...jsonrpc, id, result } : { result, error: null, id }, failed: false };
  } catch (e) {
    const err = e instanceof RpcFailure ? { code: e.code, message: e.message } : { code: -32603, message: String(e) };
    return { body: c.rec.platform === 'ethereum' ? { ...jsonrpc, id, error: err } : { result: null, error: err, id }, failed: true };
  }
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  stats.requests++;
  const [, recName, chainName, node] = (req.url ?? '').split('/');
  const send = (status: number, o: unknown): void => {
    const text = JSON.stringify(o);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (!recName || !chainName || !node || !loadedRecordings.has(recName)) { send(404, { error: 'no such node' }); return; }
  const c = chainOf(recName, chainName);
  let parsed: unknown;
  try { parsed = JSON.parse(body); } catch { send(c.rec.platform === 'bitcoin' ? 500 : 400, { id: null, error: { code: -32700, message: 'Parse error' } }); return; }
  if (Array.isArray(parsed)) {
    if (!opts.batches) { send(200, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'batch requests are not supported' } }); return; }
    send(200, parsed.map((r) => answerOne(c, r as Req).body));
    return;
  }
  const { body: out, failed } = answerOne(c, parsed as Req);
  // Bitcoin Core answers a single failed call with HTTP 500 (404 for an unknown method); Ethereum nodes with 200.
  const code = (out.error as { code?: number } | null)?.code;
  send(c.rec.platform === 'bitcoin' && failed ? (code === -32601 ? 404 : 500) : 200, out);
}

function serve(): void {
  opts = {
    blockIntervalMs: Number(process.env.BLOCK_INTERVAL_MS ?? '1000'),
    batches: process.env.BATCHES !== '0',
    keepAliveTimeoutMs: Number(process.env.KEEP_ALIVE_MS ?? '120000'),
    startHeight: Number(process.env.START_HEIGHT ?? '1000'),
  };
  for (const n of RECORDINGS) loadedRecordings.set(n, loadRecording(n));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  server.headersTimeout = opts.keepAliveTimeoutMs + 1000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  server.on('connection', () => { stats.connections++; });
  if (opts.blockIntervalMs > 0) setInterval(() => { for (const c of chains.values()) c.height++; }, opts.blockIntervalMs);
  process.on('message', (m: { advance?: number; height?: string; stats?: boolean }) => {
    if (m.advance !== undefined) {
      for (const c of chains.values()) c.height += m.advance;
      opts.startHeight += m.advance; // chains asked later start at the same height
      process.send?.({ advanced: m.advance });
    } else if (m.height !== undefined) {
      process.send?.({ height: chains.get(m.height)?.height ?? opts.startHeight });
    } else if (m.stats) {
      process.send?.({ stats });
    }
  });
  process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) + '\n');
  });
}

// ---------------------------------------------------------------- the parent's handle

/** Starts the recorded-response nodes in a child process. */
export async function startRecordedNodes(o: RecordedNodeOptions = {}): Promise<RecordedNodes> {
  const child = fork(__filename, [], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {
      ...process.env, RECORDED_NODE_SERVER: '1',
      BLOCK_INTERVAL_MS: String(o.blockIntervalMs ?? 1000), BATCHES: o.batches === false ? '0' : '1',
      KEEP_ALIVE_MS: String(o.keepAliveTimeoutMs ?? 120000), START_HEIGHT: String(o.startHeight ?? 1000),
    },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`recorded-node server exited (${code})`)));
    child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url));
  });
  // One request at a time over IPC: each answer is the next message.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(msg: object, key: string): Promise<T> => {
    const p = queue.then(() => new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>): void => { if (key in m) { child.off('message', on); resolve(m[key] as T); } };
      child.on('message', on);
      child.send(msg);
    }));
    queue = p.catch(() => undefined);
    return p;
  };
  return {
    base,
    url: (rec, chain, node) => `${base}/${rec}/${encodeURIComponent(chain)}/${encodeURIComponent(node)}`,
    advance: async (n) => { await ask<number>({ advance: n }, 'advanced'); },
    height: (rec, chain) => ask<number>({ height: `${rec}/${chain}` }, 'height'),
    stats: () => ask<ServerStats>({ stats: true }, 'stats'),
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

if (require.main === module && process.env.RECORDED_NODE_SERVER === '1') serve();
else if (require.main === module) { process.env.RECORDED_NODE_SERVER = '1'; serve(); }
