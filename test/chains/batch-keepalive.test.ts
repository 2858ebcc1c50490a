/**
 * JSON-RPC batches and kept-alive connections against real nodes: the Hardhat dev chain in process and
 * litecoind regtest (test/support/litecoind.ts). A poll is one batch; an error inside a batch fails only its
 * own call; a node that refuses batches gets single calls with the same values; polls reuse one TCP
 * connection (counted at test/support/rpc-proxy.ts); the answers kept between polls (chain id, client
 * version) are asked again after the node restarts.
 */
import { expect } from 'chai';
import type { BlockSummary, ChainAdapter } from '../../src/chains/adapter';
import { createAdapter as bitcoinAdapter } from '../../src/chains/bitcoin';
import { RpcError } from '../../src/chains/errors';
import { EthereumAdapter, createAdapter as ethereumAdapter } from '../../src/chains/ethereum';
import { RpcHttpClient } from '../../src/chains/rpc-http';
import { Collector } from '../../src/collector/collector';
import { networkSettings } from '../../src/config/settings';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { InstanceTree } from '../../src/state/tree';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { rpcProxy } from '../support/rpc-proxy';
import type { RpcProxy } from '../support/rpc-proxy';
import { sleep, until } from '../support/wait';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe('JSON-RPC batches and keep-alive on the Hardhat dev chain', function () {
  this.timeout(60000);
  let chain: DevChain | undefined;
  let proxy: RpcProxy | undefined;
  const adapters: ChainAdapter[] = [];

  before(async () => { chain = await startDevChain({ blockIntervalMs: 0, workload: false }); });
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.close();
    await proxy?.close();
    proxy = undefined;
  });
  after(async () => { await chain?.stop(); });

  it('sends the calls of one turn as one batch; an error element fails only its own call', async () => {
    const c = new RpcHttpClient({ url: chain!.url, timeoutMs: 5000, jsonrpc: '2.0', autoBatch: true });
    try {
      const results = await Promise.allSettled([
        c.call('eth_chainId'), c.call('admin_peers'), c.call('net_version'), c.call('eth_getBlockByNumber', ['0xffffff', false]), c.call('eth_getBalance', ['nonsense']),
      ]);
      expect(c.stats.requests).to.equal(1);
      expect(c.batchSupport).to.equal(true);
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
      expect((results[0] as PromiseFulfilledResult<unknown>).value).to.equal('0x539');
      expect((results[2] as PromiseFulfilledResult<unknown>).value).to.equal('1337');
      expect((results[3] as PromiseFulfilledResult<unknown>).value).to.equal(null);
      const missing = (results[1] as PromiseRejectedResult).reason as RpcError;
      expect(missing).to.be.instanceOf(RpcError);
      expect(missing.methodMissing).to.equal(true);
      expect((results[4] as PromiseRejectedResult).reason).to.be.instanceOf(RpcError);
      expect(c.stats).to.include({ calls: 5, errors: 2 });
    } finally { c.close(); }
  });

  it('polls with one batch over one kept connection; a node that refuses batches gets single calls and the same values', async () => {
    proxy = await rpcProxy(chain!.url);
    const batched = ethereumAdapter({ endpoint: proxy.url, timeoutMs: 5000 }) as EthereumAdapter;
    adapters.push(batched);
    const first = await batched.poll();
    for (let i = 0; i < 4; i++) await batched.poll();
    // the first poll asks web3_clientVersion alone (it selects the client's calls), then one batch per poll
    expect(proxy.stats.requests).to.equal(6);
    expect(proxy.stats.batches).to.equal(5);
    expect(proxy.stats.connections).to.equal(1);
    expect(batched.stats()).to.include({ requests: 6, connections: 1, errors: first.txPool ? 4 : 5 });

    const refusing = await rpcProxy(chain!.url);
    refusing.refuseBatches = true;
    const single = ethereumAdapter({ endpoint: refusing.url, timeoutMs: 5000 }) as EthereumAdapter;
    adapters.push(single);
    try {
      const a = await single.poll();
      const r0 = refusing.stats.requests;
      const c0 = single.stats().calls;
      const b = await single.poll();
      const calls = single.stats().calls - c0;
      const direct = await batched.poll();
      expect(a.node).to.deep.equal(first.node);
      expect(b.network).to.deep.equal(direct.network);
      expect(b.head).to.deep.equal(direct.head);
      expect({ ...b.node, gasPrice: undefined }).to.deep.equal({ ...direct.node, gasPrice: undefined });
      // refused once, then never a batch again: one request per call
      expect(refusing.stats.batches).to.equal(1);
      expect(calls).to.equal(8);
      expect(refusing.stats.requests - r0).to.equal(calls);
    } finally { await refusing.close(); }
  });

  it('asks the chain id and client version again after the node restarts behind the same endpoint', async () => {
    const a = await startDevChain({ blockIntervalMs: 0, workload: false, chainId: 1337 });
    let b: DevChain | undefined;
    const tree = new InstanceTree();
    const c = new Collector(tree, { rpcTimeoutMs: 3000 });
    try {
      c.apply(networkSettings({ networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n0', endpoint: a.url }] }] }));
      const p = c.networks.get('dev')!.pollers.get('n0')!;
      await p.pollOnce();
      await p.pollOnce();
      const before = p.adapter.stats().calls;
      await p.pollOnce();
      expect(p.adapter.stats().calls - before).to.equal(8); // chain id, network id, client version kept
      expect(tree.find([{ cls: 'network', keys: ['dev'] }])!.get('chainId')).to.equal('1337');
      await a.stop();
      b = await startDevChain({ blockIntervalMs: 0, workload: false, chainId: 4242, port: a.port });
      await sleep(100);
      const mid = p.adapter.stats().calls;
      await p.pollOnce();
      expect(p.reachable).to.equal(true);
      expect(p.adapter.stats().calls - mid).to.equal(11); // the kept connection was closed: asked again
      expect(tree.find([{ cls: 'network', keys: ['dev'] }])!.get('chainId')).to.equal('4242');
      expect(tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'node', keys: ['n0'] }])!.get('networkId')).to.equal('4242');
    } finally {
      await c.stop();
      await a.stop();
      await b?.stop();
    }
  });
});

describe('JSON-RPC batches and keep-alive on litecoind regtest', function () {
  this.timeout(120000);
  let net: LitecoinNetwork | undefined;

  before(async function () {
    requireLitecoind(this);
    net = await LitecoinNetwork.start({ nodes: 2, cookieNodes: [1] });
    await net.mine(0, 3);
    await net.waitForSameTip();
  });
  after(async function () {
    this.timeout(60000);
    await net?.stopAll();
  });

  it('answers a batch per element: a missing method and a refused call fail alone', async () => {
    const cr = net!.credentials(0);
    const c = new RpcHttpClient({ url: net!.rpcUrl(0), timeoutMs: 5000, jsonrpc: '1.0', username: cr.username, password: cr.password, autoBatch: true });
    try {
      const [count, missing, refused, hash] = await Promise.allSettled([
        c.call('getblockcount'), c.call('nosuchmethod'), c.call('getblockhash', [999999]), c.call('getblockhash', [0]),
      ]);
      expect(c.stats.requests).to.equal(1);
      expect(count).to.deep.equal({ status: 'fulfilled', value: 3 });
      expect(((missing as PromiseRejectedResult).reason as RpcError).code).to.equal(-32601);
      expect(((refused as PromiseRejectedResult).reason as RpcError).code).to.equal(-8);
      expect((hash as PromiseFulfilledResult<string>).value).to.match(/^[0-9a-f]{64}$/);
    } finally { c.close(); }
  });

  it('polls with one batch (and the header once per new block) over one kept connection', async () => {
    const proxy = await rpcProxy(net!.rpcUrl(0));
    const cr = net!.credentials(0);
    const a = bitcoinAdapter({ endpoint: proxy.url, timeoutMs: 5000, username: cr.username, password: cr.password, keepAliveMs: 5000 });
    try {
      const known = new Map<string, BlockSummary>();
      const o1 = await a.poll({ get: (h) => known.get(h) });
      known.set(o1.head.hash, o1.head);
      const r0 = proxy.stats.requests;
      const o2 = await a.poll({ get: (h) => known.get(h) });
      expect(o2.head).to.deep.equal(o1.head);
      expect(proxy.stats.requests - r0).to.equal(1); // the head is known: no getblockheader
      expect(proxy.count('getblockheader')).to.equal(1);
      await net!.mine(0, 1);
      const o3 = await a.poll({ get: (h) => known.get(h) });
      expect(o3.head.height).to.equal(o1.head.height + 1);
      expect(proxy.count('getblockheader')).to.equal(2);
      expect(proxy.stats.connections).to.equal(1);
      expect(proxy.stats.batches).to.equal(3);
    } finally {
      await a.close();
      await proxy.close();
    }
  });

  it('after a stop and start of a cookie node: the stop is not held by the kept connection, the new cookie is read, the client version re-read', async () => {
    const tree = new InstanceTree();
    const c = new Collector(tree, { rpcTimeoutMs: 3000 });
    const node = (): ReturnType<InstanceTree['find']> => tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['n1'] }]);
    try {
      c.apply(networkSettings({ networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1, nodes: [{ name: 'n1', endpoint: net!.rpcUrl(1), cookieFile: net!.cookieFile(1) }] }] }));
      c.start();
      await until('n1 reachable', () => node()?.get('reachability') === 'reachable');
      const p = c.networks.get('ltc')!.pollers.get('n1')!;
      const polls0 = p.polls;
      await until('three polls', () => p.polls >= polls0 + 3);
      // polls at 1 s over one kept connection
      expect(p.adapter.stats().connections).to.equal(1);
      const t0 = Date.now();
      await net!.stop(1);
      expect(Date.now() - t0).to.be.below(10000);
      await until('n1 unreachable', () => node()?.get('reachability') === 'unreachable');
      expect(node()!.get('clientVersion')).to.match(/node1/);
      await net!.start(1);
      await until('n1 reachable again', () => node()?.get('reachability') === 'reachable', 30000);
      const uptime = node()!.get('uptime');
      expect(Number(uptime)).to.be.below(30);
      expect(node()!.get('clientVersion')).to.match(/^\/LitecoinCore:.*node1/);
      expect(p.adapter.stats().connections).to.be.at.least(2);
    } finally {
      await c.stop();
    }
  });
});
