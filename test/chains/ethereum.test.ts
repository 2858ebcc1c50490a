/**
 * The Ethereum adapter against the real in-process dev chain (Hardhat 2 EDR, 1 s blocks, workload on):
 * what poll() and blocks() report is compared with direct JSON-RPC calls to the same node.
 */
import { expect } from 'chai';
import { EthereumAdapter, createAdapter } from '../../src/chains/ethereum';
import type { BlockSummary } from '../../src/chains/adapter';
import { NotSupportedError } from '../../src/chains/errors';
import type { RpcHttpClient } from '../../src/chains/rpc-http';
import { DevChain, startDevChain } from '../../src/devchain';
import { blockNumber, directClient, sleep, waitFor } from '../support/devchain';

describe('ethereum adapter on the dev chain', function () {
  this.timeout(30_000);
  let chain: DevChain;
  let direct: RpcHttpClient;
  let adapter: EthereumAdapter;

  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 1000, chainId: 31338 });
    direct = directClient(chain.url);
    adapter = createAdapter({ endpoint: chain.url, wsEndpoint: chain.wsUrl, timeoutMs: 5000 }) as EthereumAdapter;
  });
  after(async () => {
    await adapter?.close();
    direct?.close();
    await chain?.stop();
  });

  it('reports the node\'s real height, chain id and client version', async () => {
    const before = await blockNumber(direct);
    const obs = await adapter.poll();
    const after = await blockNumber(direct);
    expect(obs.head.height).to.be.within(before, after);
    expect(obs.node.height).to.equal(obs.head.height);
    expect(obs.network.chainId).to.equal('31338');
    expect(obs.node.networkId).to.equal(await direct.call('net_version'));
    expect(obs.node.clientVersion).to.equal(await direct.call('web3_clientVersion'));
    expect(String(obs.node.clientVersion)).to.match(/^HardhatNetwork\//);
    expect(obs.network.consensusAlgorithm).to.equal('instant-seal');
    expect(obs.node.syncing).to.equal(false);
    expect(obs.node.networkActive).to.equal(true);
    expect(obs.node.blockProduction).to.equal(true);
    expect(obs.node.gasPrice).to.match(/^\d+$/);
    expect(obs.ledger.bestKnownHeight).to.equal(obs.head.height);
    expect(obs.txPool).to.have.keys('pending', 'queued');
    expect(obs.peers).to.deep.equal([]);
    expect(obs.logControlSupported).to.equal(false);
    const raw = await direct.call<{ hash: string }>('eth_getBlockByNumber', ['0x' + obs.head.height.toString(16), false]);
    expect(obs.head.hash).to.equal(raw.hash);
  });

  it('sees the height advance as blocks are mined', async () => {
    const h0 = (await adapter.poll()).head.height;
    await waitFor('two more blocks', async () => (await adapter.poll()).head.height >= h0 + 2, 6000, 250);
  });

  it('blocks() summaries match eth_getBlockByNumber', async () => {
    await waitFor('height 4', async () => (await blockNumber(direct)) >= 4);
    const list = await adapter.blocks(1, 4);
    expect(list.map((b) => b.height)).to.deep.equal([1, 2, 3, 4]);
    for (const b of list) {
      const raw = await direct.call<{ hash: string; parentHash: string; timestamp: string; miner: string; transactions: string[]; difficulty: string }>(
        'eth_getBlockByNumber', ['0x' + b.height.toString(16), false]);
      expect(b.hash).to.equal(raw.hash);
      expect(b.parentHash).to.equal(raw.parentHash);
      expect(b.time).to.equal(Number(BigInt(raw.timestamp)));
      expect(b.txCount).to.equal(raw.transactions.length);
      expect(b.producer).to.equal(raw.miner.toLowerCase());
      expect(b.difficulty).to.equal(BigInt(raw.difficulty).toString());
    }
    // Block 1 holds the deployment of the workload contract.
    expect(list[0].txCount).to.equal(1);
    for (let i = 1; i < list.length; i++) expect(list[i].parentHash).to.equal(list[i - 1].hash);
    const head = await blockNumber(direct);
    const past = await adapter.blocks(head, head + 5);
    expect(past.length).to.be.within(1, 2); // nothing beyond the head (one more may have been mined meanwhile)
    const tooMany = await adapter.blocks(0, 64).then(() => undefined, (e: unknown) => e);
    expect(tooMany).to.be.instanceOf(RangeError);
  });

  it('makes the same number of RPC calls per poll at height 5 and 50 blocks later', async () => {
    await waitFor('height 5', async () => (await blockNumber(direct)) >= 5);
    await adapter.poll(); // warm: methods the node lacks are known by now
    const s0 = adapter.stats();
    await adapter.poll();
    const perPollEarly = adapter.stats().calls - s0.calls;
    const requestsEarly = adapter.stats().requests! - s0.requests!;
    await direct.call('hardhat_mine', ['0x32']);
    const s1 = adapter.stats();
    const obs = await adapter.poll();
    const perPollLate = adapter.stats().calls - s1.calls;
    expect(obs.head.height).to.be.at.least(55);
    expect(perPollLate).to.equal(perPollEarly);
    // 11 calls, less web3_clientVersion, eth_chainId and net_version: their answers are kept while the connection is
    expect(perPollEarly).to.equal(8);
    // one JSON-RPC batch per poll
    expect(requestsEarly).to.equal(1);
    expect(adapter.stats().requests! - s1.requests!).to.equal(1);
    expect(adapter.missingMethods()).to.include.members(['admin_peers', 'admin_nodeInfo', 'eth_hashrate', 'eth_protocolVersion']);
  });

  it('delivers new heads over WebSocket that match eth_getBlockByNumber', async () => {
    const heads: BlockSummary[] = [];
    const errors: Error[] = [];
    const stop = adapter.subscribeHeads!((h) => heads.push(h), (e) => errors.push(e));
    await waitFor('two heads', () => heads.length >= 2, 6000);
    stop();
    const n = heads.length;
    for (const h of heads.slice(0, 2)) {
      const raw = await direct.call<{ hash: string; transactions: string[] }>('eth_getBlockByNumber', ['0x' + h.height.toString(16), false]);
      expect(h.hash).to.equal(raw.hash);
      expect(h.txCount).to.equal(raw.transactions.length);
    }
    expect(heads[1].height).to.equal(heads[0].height + 1);
    await sleep(1500);
    expect(heads.length).to.be.at.most(n + 1); // unsubscribed: at most one already in flight
    expect(errors).to.deep.equal([]);
  });

  it('polls over a ws:// endpoint as well', async () => {
    const ws = createAdapter({ endpoint: chain.wsUrl, timeoutMs: 5000 });
    try {
      const obs = await ws.poll();
      expect(obs.network.chainId).to.equal('31338');
      expect(obs.head.height).to.be.at.least(1);
      expect(ws.stats().calls).to.be.greaterThan(5);
    } finally {
      await ws.close();
    }
  });

  it('stopBlockProduction and startBlockProduction stop and restart mining (miner_stop / miner_start)', async () => {
    await adapter.action('stopBlockProduction', {});
    await sleep(300); // a block being sealed when the miner stopped may still land
    const h0 = await blockNumber(direct);
    await sleep(2500);
    expect(await blockNumber(direct)).to.equal(h0);
    expect((await adapter.poll()).node.blockProduction).to.equal(false);
    const pool = (await adapter.poll()).txPool;
    expect(Number(pool?.pending)).to.be.greaterThan(0); // the workload keeps sending
    await adapter.action('startBlockProduction', {});
    await waitFor('mining to resume', async () => (await blockNumber(direct)) >= h0 + 2, 5000);
    expect((await adapter.poll()).node.blockProduction).to.equal(true);
  });

  it('rejects actions the node has no API for with NotSupportedError', async () => {
    for (const [name, input] of [
      ['setNetworkActive', { active: false }],
      ['setLogLevel', { level: 'debug' }],
      ['addPeer', { address: 'enode://' + 'a'.repeat(128) + '@127.0.0.1:30303' }],
    ] as const) {
      const err = await adapter.action(name, input).then(() => undefined, (e: unknown) => e);
      expect(err, name).to.be.instanceOf(NotSupportedError);
    }
    const bad = await adapter.action('addPeer', { address: 'not-an-enode' }).then(() => undefined, (e: unknown) => e);
    expect(bad).to.be.instanceOf(RangeError);
  });
});

describe('ethereum adapter on a plain-Hardhat dev chain (no miner_* API)', function () {
  this.timeout(30_000);
  let chain: DevChain;
  let direct: RpcHttpClient;

  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 1000, minerApi: false });
    direct = directClient(chain.url);
  });
  after(async () => {
    direct?.close();
    await chain?.stop();
  });

  it('falls back to evm_setAutomine / evm_setIntervalMining', async () => {
    const adapter = createAdapter({ endpoint: chain.url, timeoutMs: 5000 });
    try {
      await adapter.poll();
      await adapter.action('stopBlockProduction', {});
      await sleep(300);
      const h0 = await blockNumber(direct);
      await sleep(2000);
      expect(await blockNumber(direct)).to.equal(h0);
      expect(await direct.call('hardhat_getAutomine')).to.equal(false);
      expect((await adapter.poll()).node.blockProduction).to.equal(false);
      // Automine: the workload's next transactions are each sealed at once.
      await adapter.action('startBlockProduction', {});
      expect(await direct.call('hardhat_getAutomine')).to.equal(true);
      await waitFor('automined blocks', async () => (await blockNumber(direct)) > h0, 5000);
      expect((await adapter.poll()).node.blockProduction).to.equal(true);
    } finally {
      await adapter.close();
    }
  });
});
