import { expect } from 'chai';
import type { ModelEventNotice } from '../../src/events';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { until } from '../support/wait';

const NET = [{ cls: 'network', keys: ['ltc'] }];
const LEDGER = [...NET, { cls: 'ledger', keys: ['main'] }];

describe('collector on a three-node litecoind regtest network', function () {
  this.timeout(180000);
  let ltc: LitecoinNetwork;
  let tb: TestBridge;
  const events: ModelEventNotice[] = [];

  before(async function () {
    requireLitecoind(this);
    ltc = await LitecoinNetwork.start({ nodes: 3 });
    await ltc.mine(0, 101);
    await ltc.waitForSameTip();
    process.env.BCM_TEST_LTC_PASSWORD = 'regtest-password';
    tb = await startBridge({
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: [0, 1, 2].map((i) => ({ name: `n${i}`, endpoint: ltc.rpcUrl(i), ...credentials(ltc, i) })) }],
    }, { setup: (b) => b.on('event', (e) => events.push(e)) });
  });
  after(async () => { await tb?.cleanup(); await ltc?.stopAll(); });

  function credentials(l: LitecoinNetwork, i: number): Record<string, string> {
    const c = l.credentials(i);
    return c.cookieFile ? { cookieFile: c.cookieFile } : { username: c.username!, passwordEnv: 'BCM_TEST_LTC_PASSWORD' };
  }

  const height = (node: string): number => Number(tb.bridge.tree.find([...NET, { cls: 'node', keys: [node] }])?.get('height') ?? -1);

  it('sees every node with the chain\'s own height, and heights converge after mining', async () => {
    await until('all reachable', () => ['n0', 'n1', 'n2'].every((n) => tb.bridge.tree.find([...NET, { cls: 'node', keys: [n] }])?.get('reachability') === 'reachable'));
    await ltc.mine(1, 5);
    const tip = await ltc.waitForSameTip();
    const h = await ltc.rpc<number>(2, 'getblockcount');
    await until('heights converge', () => ['n0', 'n1', 'n2'].every((n) => height(n) === h));
    const ledger = tb.bridge.tree.find(LEDGER)!;
    expect(ledger.get('headHash')).to.equal(tip);
    expect(Number(ledger.get('height'))).to.equal(h);
    const peers = tb.bridge.tree.find([...NET, { cls: 'node', keys: ['n0'] }])!.list('peer');
    expect(peers.length).to.equal(2);
    for (const n of ['n0', 'n1', 'n2']) {
      const s = tb.bridge.tree.find([...LEDGER, { cls: 'nodeLedgerState', keys: [n] }])!;
      expect(s.get('syncState'), n).to.equal('synced');
      expect(s.get('lag'), n).to.equal(0n);
    }
  });

  it('computes lag for a partitioned node, then records a valid-fork tip and a reorg after reconnection', async () => {
    await ltc.partition(2);
    await until('n2 has no peers', async () => (await ltc.rpc<number>(2, 'getconnectioncount')) === 0);
    const base = await ltc.rpc<number>(0, 'getblockcount');
    await ltc.mine(0, 3);
    await ltc.mine(2, 2);
    await until('n0 ahead', () => height('n0') === base + 3 && height('n2') === base + 2);
    const lagOf = (n: string): bigint => tb.bridge.tree.find([...LEDGER, { cls: 'nodeLedgerState', keys: [n] }])!.get('lag') as bigint;
    await until('lag of n2 computed', () => lagOf('n2') === 1n);
    const reorgsBefore = BigInt(tb.bridge.tree.find(LEDGER)!.get('reorgCount') as bigint ?? 0n);
    await ltc.heal(2);
    await ltc.waitForSameTip();
    await until('n2 reorganised onto the longer chain', () => height('n2') === base + 3);
    await until('valid-fork tip seen', () => tb.bridge.tree.find(LEDGER)!.list('chainTip').some((t) => t.get('status') === 'validFork'));
    const fork = tb.bridge.tree.find(LEDGER)!.list('chainTip').find((t) => t.get('status') === 'validFork')!;
    expect(Number(fork.get('height'))).to.equal(base + 2);
    expect(fork.get('branchLength')).to.equal(2);
    // The bridge's best chain may have followed n2's branch for a moment (it is polled too): if so a reorg was recorded.
    const reorgs = BigInt(tb.bridge.tree.find(LEDGER)!.get('reorgCount') as bigint ?? 0n);
    expect(reorgs >= reorgsBefore).to.equal(true);
  });

  it('records the reorganisation when the best chain it followed is replaced', async () => {
    // Make the chain the bridge follows lose: partition n0 (the best, first by name), mine 1 block on it,
    // mine 3 on n1; after healing, n0 reorganises and the tracked head changes branch.
    await ltc.partition(0);
    await until('n0 isolated', async () => (await ltc.rpc<number>(0, 'getconnectioncount')) === 0);
    const base = await ltc.rpc<number>(0, 'getblockcount');
    const before = events.filter((e) => e.name === 'reorg').length;
    await ltc.mine(0, 1);
    await until('bridge follows n0', () => Number(tb.bridge.tree.find(LEDGER)!.get('height')) === base + 1 && height('n0') === base + 1);
    await ltc.mine(1, 3);
    await ltc.heal(0);
    await ltc.waitForSameTip();
    const r = await until('reorg event', () => events.filter((e) => e.name === 'reorg').slice(before)[0]);
    expect(r.params.network).to.equal('ltc');
    expect(Number(r.params.depth)).to.be.greaterThan(0);
    const ledger = tb.bridge.tree.find(LEDGER)!;
    expect(Number(ledger.get('reorgCount'))).to.be.greaterThan(0);
    expect(ledger.get('lastReorgNewHead')).to.be.a('string');
  });
});
