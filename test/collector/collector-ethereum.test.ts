import { expect } from 'chai';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcHttpClient } from '../../src/chains/rpc-http';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import type { ModelEventNotice } from '../../src/events';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { until } from '../support/wait';

const NODE = [{ cls: 'network', keys: ['dev'] }, { cls: 'node', keys: ['n1'] }];
const LEDGER = [{ cls: 'network', keys: ['dev'] }, { cls: 'ledger', keys: ['main'] }];

/** An HTTP proxy in front of the chain that can hang, fail with 500, answer junk, close sockets or forward. */
class FaultyProxy {
  mode: 'forward' | 'hang' | 'http500' | 'junk' | 'close' = 'forward';
  private server: http.Server;
  port = 0;
  constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        switch (this.mode) {
          case 'hang': return; // never answers
          case 'http500': res.writeHead(500); res.end('internal error'); return;
          case 'junk': res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"jsonrpc":"2.0","id":1,"res'); return;
          case 'close': req.socket.destroy(); return;
          default: {
            const u = new URL(this.target);
            const p = http.request({ hostname: u.hostname, port: u.port, path: '/', method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
              res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' });
              r.pipe(res);
            });
            p.on('error', () => res.destroy());
            p.end(Buffer.concat(chunks));
          }
        }
      });
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }
  close(): void { this.server.closeAllConnections(); this.server.close(); }
}

describe('collector on the Ethereum dev chain', function () {
  this.timeout(90000);
  let chain: DevChain;
  let tb: TestBridge;
  const events: ModelEventNotice[] = [];

  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 1000, workload: true });
    tb = await startBridge({
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, consensus: { windowSize: 20 },
        nodes: [{ name: 'n1', endpoint: chain.url, wsEndpoint: chain.wsUrl }] }],
    }, { setup: (b) => b.on('event', (e) => events.push(e)) });
  });
  after(async () => { await tb?.cleanup(); await chain?.stop(); });

  it('reports the node reachable with the chain\'s own height, chain id and client', async () => {
    const node = await until('node reachable', () => { const n = tb.bridge.tree.find(NODE); return n?.get('reachability') === 'reachable' ? n : undefined; });
    const rpc = new RpcHttpClient({ url: chain.url, timeoutMs: 2000, jsonrpc: '2.0' });
    const h = Number(BigInt(await rpc.call<string>('eth_blockNumber')));
    rpc.close();
    await until('height caught up', () => Math.abs(Number(tb.bridge.tree.find(NODE)!.get('height')) - h) <= 1);
    expect(String(node.get('clientVersion'))).to.match(/hardhat|edr/i);
    expect(tb.bridge.tree.find([{ cls: 'network', keys: ['dev'] }])!.get('chainId')).to.equal(String(chain.chainId));
    expect(node.get('stale')).to.equal(false);
    expect(typeof node.get('lastObserved')).to.equal('number');
  });

  it('follows new blocks: ledger counters, per-node state, producers and newBlock events', async () => {
    const ledger = tb.bridge.tree.find(LEDGER)!;
    const before = BigInt(ledger.get('observedBlocks') as bigint ?? 0n);
    await until('three more blocks', () => BigInt(tb.bridge.tree.find(LEDGER)!.get('observedBlocks') as bigint ?? 0n) >= before + 3n);
    const nls = tb.bridge.tree.find([...LEDGER, { cls: 'nodeLedgerState', keys: ['n1'] }])!;
    expect(nls.get('syncState')).to.equal('synced');
    expect(nls.get('lag')).to.equal(0n);
    const blocks = events.filter((e) => e.name === 'newBlock');
    expect(blocks.length).to.be.greaterThan(2);
    const heights = blocks.map((e) => Number(e.params.height));
    expect(heights).to.deep.equal([...heights].sort((a, b) => a - b));
    expect(new Set(heights).size).to.equal(heights.length);
    const cons = tb.bridge.tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'consensus' }])!;
    expect(Number(cons.get('windowBlocks'))).to.be.greaterThan(0);
    expect(cons.list('validator').length).to.be.greaterThan(0);
    expect(Number(ledger.get('observedTransactions'))).to.be.greaterThan(0);
  });

  it('marks a node unreachable and stale when its endpoint hangs, fails, answers junk or closes; it recovers by itself', async () => {
    const proxy = new FaultyProxy(chain.url);
    const url = await proxy.listen();
    const doc = tb.bridge.running;
    tb.bridge.commit({ ...doc, configuration: { rpcTimeout: 500 }, networks: [...(doc.networks as object[]), {
      name: 'flaky', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'p', endpoint: url }] }] }, { user: 'test', source: 'test' });
    const P = [{ cls: 'network', keys: ['flaky'] }, { cls: 'node', keys: ['p'] }];
    await until('proxied node reachable', () => tb.bridge.tree.find(P)?.get('reachability') === 'reachable');
    for (const mode of ['hang', 'http500', 'junk', 'close'] as const) {
      proxy.mode = mode;
      const n = await until(`unreachable (${mode})`, () => { const i = tb.bridge.tree.find(P); return i?.get('reachability') === 'unreachable' ? i : undefined; });
      expect(n.get('stale'), mode).to.equal(true);
      expect(String(n.get('lastError')), mode).to.not.equal('');
      expect(n.get('height'), `${mode}: last values kept`).to.be.a('bigint');
      proxy.mode = 'forward';
      await until(`recovered after ${mode}`, () => tb.bridge.tree.find(P)?.get('reachability') === 'reachable');
    }
    expect(events.some((e) => e.name === 'nodeReachabilityChanged' && e.params.node === 'p' && e.params.reachability === 'unreachable')).to.equal(true);
    proxy.close();
  });

  it('removes a node\'s rows when it is removed from the configuration', async () => {
    const doc = tb.bridge.running;
    tb.bridge.commit({ ...doc, networks: (doc.networks as { name: string }[]).filter((n) => n.name !== 'flaky') }, { user: 'test', source: 'test' });
    expect(tb.bridge.tree.find([{ cls: 'network', keys: ['flaky'] }])).to.equal(undefined);
    expect(events.some((e) => e.name === 'nodeRemoved' && e.params.node === 'p')).to.equal(true);
  });
});

describe('collector with a newHeads subscription', function () {
  this.timeout(60000);
  it('sees new blocks through the WebSocket subscription before the poll interval', async () => {
    const chain = await startDevChain({ blockIntervalMs: 0, workload: false });
    const tb = await startBridge({ networks: [{ name: 'ws', platform: 'ethereum', pollInterval: 60,
      nodes: [{ name: 'n1', endpoint: chain.url, wsEndpoint: chain.wsUrl }] }] });
    try {
      const P = [{ cls: 'network', keys: ['ws'] }, { cls: 'node', keys: ['n1'] }];
      await until('first poll', () => tb.bridge.tree.find(P)?.get('reachability') === 'reachable');
      const h0 = Number(tb.bridge.tree.find(P)!.get('height'));
      await new Promise((r) => setTimeout(r, 1100));
      await chain.request('evm_mine');
      // The poll interval is a minute: only the pushed head can make the bridge see the block this soon.
      await until('block seen through newHeads', () => Number(tb.bridge.tree.find(P)!.get('height')) === h0 + 1, 5000);
      expect(tb.bridge.collector.networks.get('ws')!.pollers.get('n1')!.heads).to.be.greaterThan(0);
    } finally {
      await tb.cleanup();
      await chain.stop();
    }
  });
});
