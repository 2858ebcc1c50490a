/**
 * The Bitcoin-family adapter against a real litecoind regtest network of 3 nodes (test/support/litecoind.ts).
 * Node 1 authenticates with its cookie file, nodes 0 and 2 with rpcuser/rpcpassword.
 * The tests run in order and share the chain: heights and tips below follow from the earlier tests.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import type { ChainAdapter, NodeObservation } from '../../src/chains/adapter';
import { createAdapter } from '../../src/chains/bitcoin';
import { NotSupportedError, TransportError } from '../../src/chains/errors';
import { LitecoinNetwork, requireLitecoind, waitFor } from '../support/litecoind';

interface ChainInfo { blocks: number; headers: number; bestblockhash: string; chain: string; difficulty: number; size_on_disk: number }
interface PeerInfo { id: number; addr: string; inbound: boolean; subver: string }
interface Tip { height: number; hash: string; branchlen: number; status: string }

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('bitcoin adapter on a litecoind regtest network', function () {
  this.timeout(60000);
  let net: LitecoinNetwork | undefined;
  const adapters: ChainAdapter[] = [];
  let callsAtHeight10 = 0;

  const ltc = (): LitecoinNetwork => {
    if (!net) throw new Error('network not started');
    return net;
  };
  const adapter = (i: number): ChainAdapter => adapters[i];
  /** Polls node i until pred holds (actions and relays take effect asynchronously). */
  async function pollUntil(i: number, what: string, pred: (o: NodeObservation) => boolean): Promise<NodeObservation> {
    let last: NodeObservation | undefined;
    await waitFor(what, async () => pred(last = await adapter(i).poll()), 15000);
    if (!last) throw new Error('no observation');
    return last;
  }
  async function callsPerPoll(i: number): Promise<number> {
    const before = adapter(i).stats().calls;
    await adapter(i).poll();
    return adapter(i).stats().calls - before;
  }

  before(async function () {
    requireLitecoind(this);
    net = await LitecoinNetwork.start({ nodes: 3, cookieNodes: [1] });
    for (let i = 0; i < net.size; i++) {
      adapters.push(createAdapter({ endpoint: net.rpcUrl(i), timeoutMs: 5000, ...net.credentials(i) }));
    }
  });

  after(async function () {
    this.timeout(60000);
    for (const a of adapters) await a.close();
    await net?.stopAll();
  });

  it('poll() reports what the node says over RPC', async () => {
    const n = ltc();
    await n.mine(0, 10);
    await n.waitForSameTip();
    callsAtHeight10 = await callsPerPoll(0);
    const obs = await adapter(0).poll();
    const chain = await n.rpc<ChainInfo>(0, 'getblockchaininfo');
    const netInfo = await n.rpc<{ subversion: string; protocolversion: number; connections: number; networkactive: boolean }>(0, 'getnetworkinfo');
    const peers = await n.rpc<PeerInfo[]>(0, 'getpeerinfo');
    const header = await n.rpc<{ previousblockhash: string; time: number; nTx: number }>(0, 'getblockheader', [chain.bestblockhash]);
    const txStats = await n.rpc<{ txcount: number }>(0, 'getchaintxstats');

    expect(obs.node.height).to.equal(chain.blocks).and.to.equal(10);
    expect(obs.head).to.include({ height: 10, hash: chain.bestblockhash, parentHash: header.previousblockhash, time: header.time, txCount: 0 });
    expect(obs.node.clientVersion).to.equal(netInfo.subversion).and.to.match(/^\/LitecoinCore:.*\(node0\)\/$/);
    expect(obs.node.protocolVersion).to.equal(String(netInfo.protocolversion));
    expect(obs.node.networkId).to.equal('regtest');
    expect(obs.node.peerCount).to.equal(peers.length).and.to.equal(2);
    expect(obs.node.networkActive).to.equal(true);
    expect(obs.node.syncing).to.equal(false);
    expect(obs.node.uptime).to.be.a('number').and.to.be.at.least(0);
    expect(obs.node.bytesIn).to.be.a('number').and.to.be.above(0);
    expect(obs.node.bytesOut).to.be.a('number').and.to.be.above(0);
    expect(obs.network).to.deep.equal({ chainId: 'regtest', consensusAlgorithm: 'pow' });
    expect(obs.ledger.bestKnownHeight).to.equal(chain.headers);
    expect(obs.ledger.totalTransactions).to.equal(txStats.txcount).and.to.equal(11);
    expect(obs.ledger.sizeOnDisk).to.equal(chain.size_on_disk);
    expect(Number(obs.ledger.difficulty)).to.equal(chain.difficulty);
    expect(obs.ledger.difficulty).to.match(/^0\.0+\d+$/); // plain decimal text, no exponent
    expect(obs.txPool).to.include({ pending: 0, bytes: 0, minFeeRate: '1000', maxSize: 300000000 });
    expect(obs.tips).to.deep.equal([{ height: 10, hash: chain.bestblockhash, branchLength: 0, status: 'active' }]);
    expect(obs.consensus?.networkHashRate).to.be.a('number');
    expect(obs.logControlSupported).to.equal(true);

    expect(obs.peers.map((p) => p.address).sort()).to.deep.equal(peers.map((p) => p.addr).sort());
    for (const p of obs.peers) {
      const rp = peers.find((x) => x.addr === p.address);
      expect(p.peerId).to.equal(String(rp?.id));
      expect(p.direction).to.equal(rp?.inbound ? 'inbound' : 'outbound');
      expect(p.clientVersion).to.equal(rp?.subver);
      expect(p.connectedSince).to.be.a('number').and.to.be.within(Date.now() - 600000, Date.now() + 1000);
    }
    // Node 0 dialled nodes 1 and 2 when the network was built.
    expect(obs.peers.map((p) => p.direction)).to.deep.equal(['outbound', 'outbound']);
  });

  it('heights converge across the nodes after mining', async () => {
    const n = ltc();
    const hashes = await n.mine(1, 5);
    const best = hashes[hashes.length - 1];
    for (let i = 0; i < n.size; i++) {
      const o = await pollUntil(i, `node ${i} at height 15`, (x) => x.head.hash === best);
      expect(o.node.height).to.equal(15);
    }
  });

  it('makes the same number of RPC calls per poll at height 10 and 100 blocks later', async () => {
    const n = ltc();
    await n.mine(0, 100);
    await n.waitForSameTip();
    const after = await callsPerPoll(0);
    expect((await adapter(0).poll()).node.height).to.equal(115);
    expect(callsAtHeight10).to.equal(10);
    expect(after).to.equal(callsAtHeight10);
    expect(await callsPerPoll(1)).to.equal(callsAtHeight10);
  });

  it('reports the mempool and per-block transaction counts', async () => {
    const n = ltc();
    for (let k = 0; k < 3; k++) await n.sendTx(0, 1 + k, 1);
    const pool = await n.rpc<{ size: number; bytes: number; usage: number }>(0, 'getmempoolinfo');
    const obs = await adapter(0).poll();
    expect(pool.size).to.equal(3);
    expect(obs.txPool).to.include({ pending: pool.size, bytes: pool.bytes });
    expect(obs.txPool?.usage).to.be.a('number').and.to.be.above(0);

    const [hash] = await n.mine(0, 1);
    const header = await n.rpc<{ nTx: number; height: number }>(0, 'getblockheader', [hash]);
    expect(header.nTx).to.equal(4); // 3 transactions and the coinbase
    const blocks = await adapter(0).blocks(header.height - 2, header.height);
    expect(blocks.map((b) => b.height)).to.deep.equal([header.height - 2, header.height - 1, header.height]);
    expect(blocks[2].hash).to.equal(hash);
    // BlockSummary.txCount counts the transactions users sent, without the coinbase (src/chains/adapter.ts).
    expect(blocks.map((b) => b.txCount)).to.deep.equal([0, 0, 3]);
    expect(blocks[1].parentHash).to.equal(blocks[0].hash);
    expect(blocks[2].parentHash).to.equal(blocks[1].hash);
    for (const b of blocks) expect(b.hash).to.equal(await n.rpc<string>(0, 'getblockhash', [b.height]));
    const after = await adapter(0).poll();
    expect(after.txPool?.pending).to.equal(0);
    expect(after.head).to.include({ hash, txCount: 3 });
    expect(after.ledger.totalTransactions).to.equal(117 + 3);
    await n.waitForSameTip();
  });

  it('sees a fork: partition node 2, mine on both sides, heal', async () => {
    const n = ltc();
    const base = await n.rpc<number>(0, 'getblockcount');
    await n.partition(2);
    const ours = await n.mine(0, 2);
    await n.waitForSameTip([0, 1]);
    const theirs = await n.mine(2, 3);
    const partitioned = await adapter(2).poll();
    expect(partitioned.node).to.include({ peerCount: 0, networkActive: false, height: base + 3 });
    await n.heal(2);
    const tip = await n.waitForSameTip();
    expect(tip).to.equal(theirs[2]);

    const obs = await adapter(0).poll();
    expect(obs.head).to.include({ hash: theirs[2], height: base + 3 });
    const rpcTips = await n.rpc<Tip[]>(0, 'getchaintips');
    expect(obs.tips).to.have.length(rpcTips.length);
    expect(obs.tips?.[0]).to.deep.equal({ height: base + 3, hash: theirs[2], branchLength: 0, status: 'active' });
    expect(obs.tips).to.deep.include({ height: base + 2, hash: ours[1], branchLength: 2, status: 'validFork' });
    const blocks = await adapter(0).blocks(base + 1, base + 3);
    expect(blocks.map((b) => b.hash)).to.deep.equal(theirs);
  });

  it('runs addPeer, removePeer and setNetworkActive', async () => {
    const n = ltc();
    const a = adapter(0);
    expect((await a.poll()).node.peerCount).to.equal(2);
    await a.action('removePeer', { address: n.p2pAddress(1) });
    await pollUntil(0, 'node 0 to drop node 1', (o) => o.node.peerCount === 1);
    expect(await n.peerNodes(0)).to.deep.equal([2]);
    await a.action('addPeer', { address: n.p2pAddress(1) });
    const o1 = await pollUntil(0, 'node 0 to reconnect to node 1', (o) => o.peers.some((p) => String(p.clientVersion).includes('(node1)')));
    expect(o1.node.peerCount).to.equal(2);

    await a.action('setNetworkActive', { active: false });
    let o = await pollUntil(0, 'node 0 without peers', (x) => x.node.peerCount === 0);
    expect(o.node.networkActive).to.equal(false);
    expect(o.peers).to.deep.equal([]);
    await a.action('setNetworkActive', { active: true });
    for (const j of [1, 2]) await a.action('addPeer', { address: n.p2pAddress(j) });
    o = await pollUntil(0, 'node 0 back with 2 peers', (x) => x.peers.filter((p) => /\(node[12]\)/.test(String(p.clientVersion))).length === 2);
    expect(o.node.networkActive).to.equal(true);

    const err = await rejection(a.action('removePeer', {}));
    expect(err).to.be.instanceOf(TypeError);
  });

  it('sets the log level through logging', async () => {
    const n = ltc();
    await adapter(0).action('setLogLevel', { level: 'debug' });
    let cats = await n.rpc<Record<string, boolean>>(0, 'logging');
    expect(Object.values(cats).every((v) => v)).to.equal(true);
    await adapter(0).action('setLogLevel', { level: 'warning' });
    cats = await n.rpc<Record<string, boolean>>(0, 'logging');
    expect(Object.values(cats).some((v) => v)).to.equal(false);
  });

  it('rejects start/stopBlockProduction with NotSupportedError', async () => {
    expect(await rejection(adapter(0).action('startBlockProduction', {}))).to.be.instanceOf(NotSupportedError);
    expect(await rejection(adapter(0).action('stopBlockProduction', {}))).to.be.instanceOf(NotSupportedError);
  });

  it('fails with TransportError while a node is down and recovers when it is back (cookie re-read)', async () => {
    const n = ltc();
    const cookieBefore = fs.readFileSync(n.cookieFile(1), 'utf8');
    const errorsBefore = adapter(2).stats().errors;
    const stopping = Date.now();
    await Promise.all([n.stop(1), n.stop(2)]);
    // The adapters keep no idle connection between polls, which would hold litecoind's shutdown for 30 s.
    expect(Date.now() - stopping).to.be.below(10000);
    expect(await rejection(adapter(1).poll())).to.be.instanceOf(TransportError); // cookie file gone
    expect(await rejection(adapter(2).poll())).to.be.instanceOf(TransportError); // connection refused
    expect(adapter(2).stats().errors).to.be.above(errorsBefore);
    await Promise.all([n.start(1), n.start(2)]);
    const cookieAfter = fs.readFileSync(n.cookieFile(1), 'utf8');
    expect(cookieAfter).to.not.equal(cookieBefore);
    const height = await n.rpc<number>(0, 'getblockcount');
    for (const i of [1, 2]) {
      const o = await adapter(i).poll();
      expect(o.node.height).to.equal(height);
      expect(o.head.hash).to.equal(await n.rpc<string>(0, 'getbestblockhash'));
    }
    await n.connect(1);
    await n.connect(2);
    expect((await adapter(1).poll()).node.peerCount).to.equal(2);
  });
});
