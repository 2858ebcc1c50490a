/**
 * A new block is fetched once per network, not once per node: several configured nodes in front of one real
 * chain (the Hardhat dev chain; a litecoind regtest node), each behind its own counting proxy
 * (test/support/rpc-proxy.ts), polled by the collector while blocks are mined. Every block is asked for at
 * most once over all the proxies together (by number, header or producer), while every node's head is asked
 * at every poll, in one batch, over one connection per node.
 */
import { expect } from 'chai';
import { Collector } from '../../src/collector/collector';
import { networkSettings } from '../../src/config/settings';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { InstanceTree } from '../../src/state/tree';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { rpcProxy } from '../support/rpc-proxy';
import type { RpcProxy } from '../support/rpc-proxy';
import { sleep, until } from '../support/wait';

const NODES = 4;

function total(proxies: readonly RpcProxy[], method: string, match?: (p: unknown[]) => boolean): number {
  return proxies.reduce((n, p) => n + p.count(method, match), 0);
}

describe('new blocks fetched once per network (Hardhat dev chain)', function () {
  this.timeout(60000);
  let chain: DevChain | undefined;
  const proxies: RpcProxy[] = [];
  let collector: Collector | undefined;

  after(async () => {
    await collector?.stop();
    for (const p of proxies) await p.close();
    await chain?.stop();
  });

  it(`${NODES} nodes, 12 new blocks: each block asked at most once; one batch per poll over one connection per node`, async () => {
    chain = await startDevChain({ blockIntervalMs: 0, workload: false });
    for (let i = 0; i < NODES; i++) proxies.push(await rpcProxy(chain.url));
    const tree = new InstanceTree();
    collector = new Collector(tree, { rpcTimeoutMs: 4000 });
    collector.apply(networkSettings({ networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: proxies.map((p, i) => ({ name: `n${i}`, endpoint: p.url })) }] }));
    collector.start();
    const ledger = (): ReturnType<InstanceTree['find']> => tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'ledger', keys: ['main'] }]);
    await until('the ledger followed', () => ledger()?.get('height') !== undefined);
    const start = Number(ledger()!.get('height'));
    // Blocks come faster than the polls: most are never a node's head and must be fetched by number.
    for (let i = 0; i < 12; i++) { await chain.request('evm_mine'); await sleep(150); }
    await until('the ledger at the new head', () => Number(ledger()!.get('height')) === start + 12, 15000);
    await sleep(2500); // every node polled again and followed its own chain
    for (let i = 0; i < NODES; i++) {
      const state = tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'ledger', keys: ['main'] }, { cls: 'nodeLedgerState', keys: [`n${i}`] }]);
      expect(Number(state!.get('height')), `n${i}`).to.equal(start + 12);
    }
    const byNumber = total(proxies, 'eth_getBlockByNumber', (p) => typeof p[0] === 'string' && /^0x/.test(p[0]));
    const latest = total(proxies, 'eth_getBlockByNumber', (p) => p[0] === 'latest');
    expect(byNumber).to.be.at.most(12);
    expect(latest).to.be.at.least(NODES * 3);
    for (const p of proxies) {
      expect(p.stats.connections).to.equal(1);
      // one request per poll (and the first poll's web3_clientVersion alone), plus the blocks this node fetched
      expect(p.stats.requests).to.be.at.most(p.count('eth_getBlockByNumber', (x) => x[0] === 'latest') + 1 + p.count('eth_getBlockByNumber', (x) => typeof x[0] === 'string' && /^0x/.test(x[0])));
    }
  });
});

describe('new blocks fetched once per network (litecoind regtest)', function () {
  this.timeout(120000);
  let net: LitecoinNetwork | undefined;
  const proxies: RpcProxy[] = [];
  let collector: Collector | undefined;

  before(async function () {
    requireLitecoind(this);
    net = await LitecoinNetwork.start({ nodes: 1, cookieNodes: [0] });
    await net.mine(0, 2);
  });
  after(async function () {
    this.timeout(60000);
    await collector?.stop();
    for (const p of proxies) await p.close();
    await net?.stopAll();
  });

  it(`${NODES} nodes, 6 new blocks: each header and each producer asked at most once`, async () => {
    for (let i = 0; i < NODES; i++) proxies.push(await rpcProxy(net!.rpcUrl(0)));
    const tree = new InstanceTree();
    collector = new Collector(tree, { rpcTimeoutMs: 4000 });
    collector.apply(networkSettings({ networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1, nodes: proxies.map((p, i) => ({ name: `n${i}`, endpoint: p.url, cookieFile: net!.cookieFile(0) })) }] }));
    collector.start();
    const ledger = (): ReturnType<InstanceTree['find']> => tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'ledger', keys: ['main'] }]);
    await until('the ledger followed', () => ledger()?.get('height') !== undefined);
    await sleep(1500);
    const headers0 = total(proxies, 'getblockheader');
    const producers0 = total(proxies, 'getblock');
    const start = Number(ledger()!.get('height'));
    for (let i = 0; i < 6; i++) { await net!.mine(0, 1); await sleep(300); }
    await until('the ledger at the new head', () => Number(ledger()!.get('height')) === start + 6, 15000);
    await sleep(2500);
    expect(total(proxies, 'getblockheader') - headers0).to.be.at.most(6);
    expect(total(proxies, 'getblock') - producers0).to.be.at.most(6);
    expect(total(proxies, 'getblockchaininfo')).to.be.at.least(NODES * 3);
    // kept connections: the pool of a Bitcoin-family node holds 2 (a poll and the tracker's block fetch at once)
    for (const p of proxies) expect(p.stats.connections).to.be.at.most(2);
    expect(total(proxies, 'getblockchaininfo')).to.be.above(proxies.reduce((n, p) => n + p.stats.connections, 0) * 3);
  });
});
