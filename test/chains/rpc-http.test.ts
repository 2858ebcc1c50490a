/**
 * RpcHttpClient's timeout times the call, not the wait for a pooled connection: a JSON-RPC server on
 * loopback that answers each request after a delay, and a client with one socket.
 */
import { expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '../../src/chains/bitcoin';
import { MalformedResponseError, RpcError, TransportError } from '../../src/chains/errors';
import { RpcHttpClient } from '../../src/chains/rpc-http';

interface SlowServer { readonly url: string; readonly started: number[]; close(): Promise<void> }

/**
 * Answers every JSON-RPC request after delayMs (never, when delayMs is Infinity, or for a method of hang):
 * with answers[method] when given, else with the method name.
 */
async function slowServer(delayMs: number, answers: Record<string, unknown> = {}, hang: ReadonlySet<string> = new Set()): Promise<SlowServer> {
  const started: number[] = [];
  const pending = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      started.push(Date.now());
      const { id, method } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string };
      pending.add(res);
      if (Number.isFinite(delayMs) && !hang.has(method)) {
        setTimeout(() => {
          pending.delete(res);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ jsonrpc: '2.0', id, result: method in answers ? answers[method] : method }));
        }, delayMs);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`, started,
    close: () => new Promise<void>((r) => { for (const res of pending) res.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('RpcHttpClient timeout', function () {
  this.timeout(10000);
  let server: SlowServer | undefined;
  let client: RpcHttpClient | undefined;
  afterEach(async () => { client?.close(); await server?.close(); client = undefined; server = undefined; });

  it('does not time out a call queued behind a slow one in a pool of one socket', async () => {
    server = await slowServer(300);
    client = new RpcHttpClient({ url: server.url, timeoutMs: 450, jsonrpc: '2.0', maxSockets: 1 });
    const t0 = Date.now();
    // The second call waits 300 ms for the socket, then takes 300 ms itself: 600 ms after it was made,
    // more than the timeout, but only 300 ms of it at the node.
    const results = await Promise.allSettled([client.call('first'), client.call('second')]);
    const elapsed = Date.now() - t0;
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).to.deep.equal(['first', 'second']);
    expect(elapsed).to.be.at.least(600);
    // One socket: the server saw the second request only once the first was answered.
    expect(server.started).to.have.length(2);
    expect(server.started[1] - server.started[0]).to.be.at.least(290);
    // The latency measured is the call's own, not its wait in the queue.
    expect(client.stats.lastLatencyMs).to.be.within(290, 449);
    expect(client.stats.errors).to.equal(0);
  });

  it('still times out a call the node never answers, and then the queued call on the freed socket', async () => {
    server = await slowServer(Infinity);
    client = new RpcHttpClient({ url: server.url, timeoutMs: 300, jsonrpc: '2.0', maxSockets: 1 });
    let ta = 0;
    let tb = 0;
    const t0 = Date.now();
    const settled = await Promise.allSettled([
      client.call('a').finally(() => { ta = Date.now() - t0; }),
      client.call('b').finally(() => { tb = Date.now() - t0; }),
    ]);
    for (const r of settled) {
      expect(r.status).to.equal('rejected');
      expect((r as PromiseRejectedResult).reason).to.be.instanceOf(TransportError);
      expect(String((r as PromiseRejectedResult).reason)).to.contain('timeout after 300 ms');
    }
    // The first fails after its own 300 ms; the second had the socket only then, and fails 300 ms later.
    expect(ta).to.be.within(290, 550);
    expect(tb).to.be.at.least(590);
    expect(client.stats.errors).to.equal(2);
  });
});

describe('bitcoin poll: only the calls a poll needs can fail it', function () {
  this.timeout(10000);
  const H = (c: string): string => c.repeat(64);
  const answers: Record<string, unknown> = {
    getblockchaininfo: { chain: 'regtest', blocks: 2, headers: 2, bestblockhash: H('b'), difficulty: 1, initialblockdownload: false },
    getblockheader: { hash: H('b'), previousblockhash: H('a'), height: 2, time: 1700000100, nTx: 3 },
    getnetworkinfo: { subversion: '/LitecoinCore:0.21.2.1/', protocolversion: 70016, networkactive: true },
    getmempoolinfo: { size: 1, bytes: 141 }, getchaintips: [], getmininginfo: { networkhashps: 1 }, uptime: 42, getchaintxstats: { txcount: 5 },
  };
  let server: SlowServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('an optional call that times out leaves its attributes absent; the node stays reachable', async () => {
    server = await slowServer(0, answers, new Set(['getpeerinfo', 'getnettotals']));
    const adapter = createAdapter({ endpoint: server.url, username: 'u', password: 'p', timeoutMs: 300 });
    try {
      const o = await adapter.poll();
      expect(o.head.height).to.equal(2);
      expect(o.node.uptime).to.equal(42);
      expect(o.node.peerCount).to.equal(undefined);
      expect(o.node.bytesIn).to.equal(undefined);
      expect(o.peers).to.deep.equal([]);
      expect(adapter.stats().errors).to.equal(2);
    } finally { await adapter.close(); }
  });

  it('a needed call that times out fails the poll', async () => {
    server = await slowServer(0, answers, new Set(['getblockheader']));
    const adapter = createAdapter({ endpoint: server.url, username: 'u', password: 'p', timeoutMs: 300 });
    try {
      const e = await adapter.poll().then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(TransportError);
      expect(String(e)).to.contain('timeout after 300 ms');
    } finally { await adapter.close(); }
  });
});

describe('RpcHttpClient batches and kept-alive connections (scripted server)', function () {
  this.timeout(10000);
  /** A JSON-RPC 2.0 server: answers `double` with params[0] * 2, drops the answer to `lost` from batches. */
  async function scripted(opts: { resetSecondRequest?: boolean } = {}): Promise<{ url: string; requests: number[]; close(): Promise<void> }> {
    const requests: number[] = [];
    const perSocket = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // A node that closed the kept connection just as the request came: reset, no answer.
        if (opts.resetSecondRequest && n === 2) { req.socket.destroy(); return; }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string; params: number[] } | { id: number; method: string; params: number[] }[];
        requests.push(Array.isArray(body) ? body.length : 1);
        const one = (r: { id: number; method: string; params: number[] }): object =>
          (r.method === 'double' ? { jsonrpc: '2.0', id: r.id, result: r.params[0] * 2 } : { jsonrpc: '2.0', id: r.id, error: { code: -32601, message: 'no such method' } });
        const out = Array.isArray(body) ? body.filter((r) => r.method !== 'lost').map(one) : one(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests,
      close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
    };
  }

  it('settles each call of a batch on its own: result, JSON-RPC error, no answer at all', async () => {
    const s = await scripted();
    const c = new RpcHttpClient({ url: s.url, timeoutMs: 2000, jsonrpc: '2.0', autoBatch: true });
    try {
      const r = await Promise.allSettled([c.call('double', [2]), c.call('nope'), c.call('lost'), c.call('double', [5])]);
      expect(s.requests).to.deep.equal([4]);
      expect(r[0]).to.deep.equal({ status: 'fulfilled', value: 4 });
      expect(r[3]).to.deep.equal({ status: 'fulfilled', value: 10 });
      expect((r[1] as PromiseRejectedResult).reason).to.be.instanceOf(RpcError);
      expect((r[2] as PromiseRejectedResult).reason).to.be.instanceOf(MalformedResponseError);
      expect(c.stats).to.include({ calls: 4, errors: 2, requests: 1, connections: 1 });
      // a call made later goes in a batch of its own, over the same connection
      expect(await c.call('double', [21])).to.equal(42);
      expect(c.stats).to.include({ requests: 2, connections: 1 });
    } finally { c.close(); await s.close(); }
  });

  it('sends a request again on a new connection when the kept one was reset before any answer', async () => {
    const s = await scripted({ resetSecondRequest: true });
    const c = new RpcHttpClient({ url: s.url, timeoutMs: 2000, jsonrpc: '2.0' });
    try {
      expect(await c.call('double', [1])).to.equal(2);
      expect(await c.call('double', [3])).to.equal(6);
      expect(c.stats).to.include({ requests: 3, connections: 2, errors: 0 });
    } finally { c.close(); await s.close(); }
  });
});
