/**
 * The Bitcoin-family adapter without a node: value conversions, and the adapter against a scripted
 * JSON-RPC 1.0 server (missing methods remembered, cookie re-read, refused getchaintxstats, input checks).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChainAdapter } from '../../src/chains/adapter';
import { createAdapter } from '../../src/chains/bitcoin';
import { headerToSummary, peerValues, tipObservations, txPoolValues } from '../../src/chains/bitcoin/convert';
import { coinsToBaseUnits, toPlainDecimal } from '../../src/chains/bitcoin/json';
import { MalformedResponseError, NotSupportedError, RpcError, TransportError } from '../../src/chains/errors';

const H = (c: string): string => c.repeat(64);

/** Answers of a regtest node at height 2 (shapes as litecoind 0.21 gives them). */
const answers: Record<string, unknown> = {
  getblockchaininfo: { chain: 'regtest', blocks: 2, headers: 3, bestblockhash: H('b'), difficulty: 4.656542373906925e-10, initialblockdownload: false, size_on_disk: 1234 },
  getnetworkinfo: { subversion: '/LitecoinCore:0.21.2.1/', protocolversion: 70016, connections: 1, networkactive: true },
  getpeerinfo: [{ id: 7, addr: '127.0.0.1:18444', inbound: false, subver: '/LitecoinCore:0.21.2.1/', conntime: 1700000000, pingtime: 0.000321, bytesrecv: 10, bytessent: 20, synced_blocks: 2 }],
  getmempoolinfo: { size: 1, bytes: 141, usage: 1264, maxmempool: 300000000, mempoolminfee: 0.00001 },
  getchaintips: [{ height: 2, hash: H('c'), branchlen: 1, status: 'valid-fork' }, { height: 2, hash: H('b'), branchlen: 0, status: 'active' }],
  getmininginfo: { networkhashps: 12.6 },
  getnetworkhashps: 99.2,
  getnettotals: { totalbytesrecv: 1000, totalbytessent: 2000 },
  uptime: 42,
  getchaintxstats: { txcount: 5 },
  getblockheader: { hash: H('b'), previousblockhash: H('a'), height: 2, time: 1700000100, nTx: 3, difficulty: 4.656542373906925e-10 },
  logging: {},
};

interface Scripted { server: http.Server; url: string; calls: string[]; auths: string[]; missing: Set<string>; failing: Map<string, number>; batches(): number }

async function scriptedNode(): Promise<Scripted> {
  const calls: string[] = [];
  const auths: string[] = [];
  const missing = new Set<string>();
  const failing = new Map<string, number>();
  let batches = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
      const one = (r: { id: number; method: string }): { result: unknown; error: { code: number; message: string } | null; id: number } => {
        calls.push(r.method);
        auths.push(Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString());
        const fail = failing.get(r.method);
        return missing.has(r.method) ? { result: null, error: { code: -32601, message: 'Method not found' }, id: r.id }
          : fail !== undefined ? { result: null, error: { code: fail, message: 'refused' }, id: r.id }
            : { result: answers[r.method] ?? null, error: null, id: r.id };
      };
      // As Bitcoin Core: a batch is answered with HTTP 200 and an answer per element; a single failed call with 404 / 500.
      if (Array.isArray(parsed)) {
        batches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(parsed.map(one)));
        return;
      }
      const answer = one(parsed);
      res.writeHead(answer.error ? (missing.has(parsed.method) ? 404 : 500) : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, calls, auths, missing, failing, batches: () => batches };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (e) { return e as Error; }
  throw new Error('expected the promise to reject');
}

describe('bitcoin adapter conversions', () => {
  it('writes numbers as plain decimal text', () => {
    expect(toPlainDecimal(4.656542373906925e-10)).to.equal('0.0000000004656542373906925');
    expect(toPlainDecimal(1e21)).to.equal('1000000000000000000000');
    expect(toPlainDecimal(1.5e21)).to.equal('1500000000000000000000');
    expect(toPlainDecimal(90666502495565.78)).to.equal('90666502495565.78');
    expect(toPlainDecimal(12)).to.equal('12');
    expect(() => toPlainDecimal(Number.NaN)).to.throw(MalformedResponseError);
  });

  it('converts coins per kvB to base units per kvB', () => {
    expect(coinsToBaseUnits(0.00001)).to.equal('1000');
    expect(coinsToBaseUnits(0.00001234)).to.equal('1234');
    expect(coinsToBaseUnits(21000000)).to.equal('2100000000000000');
  });

  it('maps getchaintips statuses to the model labels, the active tip first', () => {
    const tips = tipObservations(['active', 'valid-fork', 'valid-headers', 'headers-only', 'invalid', 'conflicting']
      .map((status, i) => ({ height: 10 - i, hash: H(String(i)), branchlen: i, status })).reverse());
    expect(tips.map((t) => t.status)).to.deep.equal(['active', 'unknown', 'invalid', 'headersOnly', 'validHeaders', 'validFork']);
  });

  it('maps a getpeerinfo entry: ms since the epoch, microseconds, absent unknowns', () => {
    expect(peerValues({ id: 3, addr: '1.2.3.4:9333', inbound: true, subver: '/x/', conntime: 1700000000, pingtime: 0.0015, bytesrecv: 5, bytessent: 6, synced_blocks: -1 }))
      .to.deep.equal({ peerId: '3', address: '1.2.3.4:9333', direction: 'inbound', clientVersion: '/x/', connectedSince: 1700000000000,
        pingTime: 1500, bytesIn: 5, bytesOut: 6, peerHeight: undefined });
    expect(peerValues({ id: 4 }).pingTime).to.equal(undefined);
    expect(() => peerValues({ id: 'x' })).to.throw(MalformedResponseError);
    // a connection time no Date can hold is left out (it would fail every rendering of the peer)
    expect(peerValues({ id: 5, conntime: 2 ** 52 }).connectedSince).to.equal(undefined);
  });

  it('rejects a block header whose time no Date can hold, and keeps the last one that can', () => {
    const header = (time: number): Record<string, unknown> => ({ height: 7, hash: 'aa'.repeat(32), previousblockhash: 'bb'.repeat(32), time, nTx: 1 });
    expect(headerToSummary(header(8_640_000_000_000)).time).to.equal(8_640_000_000_000);
    expect(() => headerToSummary(header(8_640_000_000_001))).to.throw(MalformedResponseError, /beyond the year 275760/);
    expect(() => headerToSummary(header(2 ** 52))).to.throw(MalformedResponseError);
  });

  it('maps getmempoolinfo', () => {
    expect(txPoolValues({ size: 2, bytes: 300, usage: 900, maxmempool: 5, mempoolminfee: 0.0001 }))
      .to.deep.equal({ pending: 2, bytes: 300, usage: 900, maxSize: 5, minFeeRate: '10000' });
  });
});

describe('bitcoin adapter against a scripted node', () => {
  let node: Scripted;
  let adapter: ChainAdapter | undefined;
  let dir: string;

  beforeEach(async () => {
    node = await scriptedNode();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcmgmt-btc-unit-'));
  });
  afterEach(async () => {
    await adapter?.close();
    adapter = undefined;
    await new Promise<void>((resolve) => node.server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('polls with 10 calls and fills every attribute it can', async () => {
    adapter = createAdapter({ endpoint: node.url, username: 'u', password: 'p', timeoutMs: 2000 });
    const o = await adapter.poll();
    expect(node.calls).to.have.length(10);
    expect(adapter.stats().calls).to.equal(10);
    // nine calls in one batch, then the header of the best block it named
    expect(node.batches()).to.equal(1);
    expect(adapter.stats().requests).to.equal(2);
    expect(node.auths.every((a) => a === 'u:p')).to.equal(true);
    expect(o.node).to.deep.include({ clientVersion: '/LitecoinCore:0.21.2.1/', protocolVersion: '70016', networkId: 'regtest', uptime: 42,
      height: 2, syncing: true, peerCount: 1, networkActive: true, bytesIn: 1000, bytesOut: 2000, hashRate: undefined });
    expect(o.head).to.deep.equal({ height: 2, hash: H('b'), parentHash: H('a'), time: 1700000100, txCount: 2, difficulty: '0.0000000004656542373906925' });
    expect(o.ledger).to.deep.equal({ bestKnownHeight: 3, totalTransactions: 5, sizeOnDisk: 1234, difficulty: '0.0000000004656542373906925' });
    expect(o.consensus).to.deep.equal({ networkHashRate: 13 });
    expect(o.tips?.map((t) => t.status)).to.deep.equal(['active', 'validFork']);
    expect(o.peers[0]).to.include({ peerId: '7', direction: 'outbound', pingTime: 321, peerHeight: 2 });
  });

  it('remembers missing methods, leaves their attributes absent and falls back to getnetworkhashps', async () => {
    node.missing.add('uptime').add('getmininginfo').add('logging');
    adapter = createAdapter({ endpoint: node.url, username: 'u', password: 'p', timeoutMs: 2000 });
    const first = await adapter.poll();
    expect(first.node.uptime).to.equal(undefined);
    expect(first.consensus?.networkHashRate).to.equal(99);
    node.calls.length = 0;
    const second = await adapter.poll();
    expect(node.calls).to.not.include.members(['uptime', 'getmininginfo']);
    expect(node.calls).to.include('getnetworkhashps');
    expect(node.calls).to.have.length(9);
    expect(second.consensus?.networkHashRate).to.equal(99);
    expect(await rejection(adapter.action('setLogLevel', { level: 'debug' }))).to.be.instanceOf(NotSupportedError);
    expect((await adapter.poll()).logControlSupported).to.equal(false);
    node.calls.length = 0;
    expect(await rejection(adapter.action('setLogLevel', { level: 'info' }))).to.be.instanceOf(NotSupportedError);
    expect(node.calls).to.deep.equal([]);
  });

  it('treats a refused getchaintxstats as absent but rejects when getblockchaininfo fails', async () => {
    node.failing.set('getchaintxstats', -8);
    adapter = createAdapter({ endpoint: node.url, username: 'u', password: 'p', timeoutMs: 2000 });
    expect((await adapter.poll()).ledger.totalTransactions).to.equal(undefined);
    node.failing.set('getblockchaininfo', -28);
    const e = await rejection(adapter.poll());
    expect(e).to.be.instanceOf(RpcError);
    expect((e as RpcError).code).to.equal(-28);
  });

  it('reads the cookie file at every connection attempt', async () => {
    const cookie = path.join(dir, '.cookie');
    fs.writeFileSync(cookie, '__cookie__:first');
    adapter = createAdapter({ endpoint: node.url, cookieFile: cookie, timeoutMs: 2000 });
    await adapter.poll();
    fs.rmSync(cookie);
    expect(await rejection(adapter.poll())).to.be.instanceOf(TransportError);
    fs.writeFileSync(cookie, '__cookie__:second\n');
    await adapter.poll();
    expect(node.auths.slice(0, 10).every((a) => a === '__cookie__:first')).to.equal(true);
    expect(node.auths.slice(10).every((a) => a === '__cookie__:second')).to.equal(true);
    expect(adapter.stats()).to.include({ calls: 20, errors: 1 });
  });

  it('maps actions to RPC calls and checks their input', async () => {
    adapter = createAdapter({ endpoint: node.url, username: 'u', password: 'p', timeoutMs: 2000 });
    await adapter.action('addPeer', { address: '127.0.0.1:1' });
    await adapter.action('removePeer', { address: '127.0.0.1:1' });
    await adapter.action('setNetworkActive', { active: false });
    expect(node.calls).to.deep.equal(['addnode', 'disconnectnode', 'setnetworkactive']);
    expect(await rejection(adapter.action('setNetworkActive', { active: 'maybe' }))).to.be.instanceOf(TypeError);
    expect(await rejection(adapter.action('setLogLevel', { level: 'loud' }))).to.be.instanceOf(TypeError);
    expect(await rejection(adapter.blocks(5, 4))).to.be.instanceOf(RangeError);
    expect(await rejection(adapter.blocks(0, 64))).to.be.instanceOf(RangeError);
  });

  it('fails with TransportError when nothing listens', async () => {
    adapter = createAdapter({ endpoint: 'http://127.0.0.1:1', username: 'u', password: 'p', timeoutMs: 2000 });
    expect(await rejection(adapter.poll())).to.be.instanceOf(TransportError);
    expect(adapter.stats().errors).to.be.above(0);
  });
});
