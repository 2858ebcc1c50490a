/**
 * The collector on a real litecoind regtest network of 3 nodes: heights and lag, chain tips, the ledger's
 * reorganisations and each node's own (node ledger state, read with snmpget), the canonical block count of
 * performance management across a reorganisation, and the node ledger state after a restart of the bridge.
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import type { ModelEventNotice } from '../../src/events';
import { createPerformanceManager } from '../../src/pm';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { MIB, dateAndTime, snmp } from '../support/snmp';
import { requireTool } from '../support/tools';
import { sleep, until } from '../support/wait';

const NET = [{ cls: 'network', keys: ['ltc'] }];
const LEDGER = [...NET, { cls: 'ledger', keys: ['main'] }];
/** Granularity of the measurement job that must hold a whole reorganisation, seconds. */
const G = 30;

describe('collector on a three-node litecoind regtest network', function () {
  this.timeout(180000);
  let ltc: LitecoinNetwork;
  let tb: TestBridge;
  let snmpView: SnmpView;
  const events: ModelEventNotice[] = [];

  /** The bridge with the SNMP agent (free port) and performance management. */
  function setup(b: Bridge): void {
    b.on('event', (e) => events.push(e));
    snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' });
    b.addView(snmpView);
    b.addView(createPerformanceManager(b));
  }

  before(async function () {
    requireLitecoind(this);
    requireTool(this, 'snmpget', 'snmp');
    ltc = await LitecoinNetwork.start({ nodes: 3 });
    await ltc.mine(0, 101);
    await ltc.waitForSameTip();
    process.env.BCM_TEST_LTC_PASSWORD = 'regtest-password';
    tb = await startBridge({
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: [0, 1, 2].map((i) => ({ name: `n${i}`, endpoint: ltc.rpcUrl(i), ...credentials(ltc, i) })) }],
      performance: { measurementJobs: [{ name: 'reorg', granularity: G, resources: ['network/ltc/ledger/main'] }] },
    }, { setup });
  });
  after(async () => { await tb?.cleanup(); await ltc?.stopAll(); });

  function credentials(l: LitecoinNetwork, i: number): Record<string, string> {
    const c = l.credentials(i);
    return c.cookieFile ? { cookieFile: c.cookieFile } : { username: c.username!, passwordEnv: 'BCM_TEST_LTC_PASSWORD' };
  }

  const height = (node: string): number => Number(tb.bridge.tree.find([...NET, { cls: 'node', keys: [node] }])?.get('height') ?? -1);
  const nls = (node: string): Instance | undefined => tb.bridge.tree.find([...LEDGER, { cls: 'nodeLedgerState', keys: [node] }]);
  /** Columns of bcmNlsTable for a node, read with snmpget (-Oqv: values only, in order). */
  async function nlsColumns(node: string, columns: readonly string[]): Promise<string[]> {
    const r = await snmp('snmpget', `127.0.0.1:${snmpView.port}`, ['-v2c', '-c', 'public', '-Oqv', '--',
      ...columns.map((c) => `${MIB}::${c}."ltc"."main"."${node}"`)]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.trim().split('\n');
  }
  /** The closed interval of the reorg job for a ledger metric that started at start. */
  function closedInterval(metric: string, start: number): Instance | undefined {
    const job = tb.bridge.tree.find([{ cls: 'performance' }, { cls: 'measurementJob', keys: ['reorg'] }]);
    const pair = job?.list('pmMonitored').find((i) => i.get('resource') === 'network/ltc/ledger/main' && i.get('metric') === metric);
    return pair?.list('pmInterval').find((i) => i.get('start') === start);
  }

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
    // Whatever the ledger's best chain did, n2 itself replaced its 2 blocks: counted on n2 only, with the depth.
    await until('the reorganisation of n2 counted', () => nls('n2')?.get('reorgCount') === 1n, 10000);
    const [count, depth, time] = await nlsColumns('n2', ['bcmNlsReorgCount', 'bcmNlsLastReorgDepth', 'bcmNlsLastReorgTime']);
    expect(count).to.equal('1');
    expect(depth).to.equal('2 blocks');
    expect(Math.abs(dateAndTime(time) - Date.now())).to.be.below(60000);
    for (const n of ['n0', 'n1']) expect((await nlsColumns(n, ['bcmNlsReorgCount']))[0], n).to.equal('0');
  });

  it('records the reorganisation when the best chain it followed is replaced; PM counts the canonical chain', async () => {
    // Make the chain the bridge follows lose: partition n0 (the best, first by name), mine 1 block with a
    // payment on it, mine 3 on n1; after healing, n0 reorganises and the tracked head changes branch.
    // All of it inside one interval of the reorg job: its blocks and transactions are the canonical growth.
    await ltc.partition(0);
    await until('n0 isolated', async () => (await ltc.rpc<number>(0, 'getconnectioncount')) === 0);
    const base = await ltc.rpc<number>(0, 'getblockcount');
    const before = events.filter((e) => e.name === 'reorg').length;
    const phase = Date.now() % (G * 1000);
    if (phase > 2000) await sleep(G * 1000 - phase + 300);
    const intervalStart = Math.floor(Date.now() / (G * 1000)) * G * 1000;
    const observed = (): bigint => tb.bridge.tree.find(LEDGER)!.get('observedBlocks') as bigint;
    const observedBefore = observed();
    await ltc.sendTx(0, 0.01);
    await ltc.mine(0, 1);
    await until('bridge follows n0', () => Number(tb.bridge.tree.find(LEDGER)!.get('height')) === base + 1 && height('n0') === base + 1);
    // The block to be orphaned is counted (observedBlocks counts every block seen added, orphans included).
    await until('the block on n0 counted', () => observed() === observedBefore + 1n);
    await ltc.mine(1, 3);
    await ltc.heal(0);
    await ltc.waitForSameTip();
    const r = await until('reorg event', () => events.filter((e) => e.name === 'reorg').slice(before)[0]);
    await until('the ledger at the new tip', () => Number(tb.bridge.tree.find(LEDGER)!.get('height')) === base + 3);
    const done = Date.now();
    expect(r.params.network).to.equal('ltc');
    expect(Number(r.params.depth)).to.equal(1);
    const ledger = tb.bridge.tree.find(LEDGER)!;
    expect(Number(ledger.get('reorgCount'))).to.be.greaterThan(0);
    expect(ledger.get('lastReorgNewHead')).to.be.a('string');
    // n0's own chain lost its block; n1 and n2 only extended theirs.
    await until('the reorganisation of n0 counted', () => nls('n0')?.get('reorgCount') === 1n, 10000);
    expect(await nlsColumns('n0', ['bcmNlsReorgCount', 'bcmNlsLastReorgDepth'])).to.deep.equal(['1', '1 blocks']);
    expect(nls('n1')?.get('reorgCount')).to.equal(0n);

    // The canonical growth in the interval, from the chain itself: 3 blocks without payments (n0's went back to its pool).
    expect(done, 'the reorganisation finished inside the interval').to.be.below(intervalStart + G * 1000);
    const tip = await ltc.rpc<number>(1, 'getblockcount');
    let canonicalTx = 0;
    for (let h = base + 1; h <= tip; h++) {
      const b = await ltc.rpc<{ nTx: number }>(1, 'getblock', [await ltc.rpc<string>(1, 'getblockhash', [h]), 1]);
      canonicalTx += b.nTx - 1;
    }
    expect(tip - base).to.equal(3);
    await until('the interval to close', () => closedInterval('blocks', intervalStart), (G + 10) * 1000, 200);
    expect(closedInterval('blocks', intervalStart)?.get('value'), 'blocks').to.equal(tip - base);
    expect(closedInterval('transactions', intervalStart)?.get('value'), 'transactions').to.equal(canonicalTx);
  });

  it('shows each node\'s best block time as lastBlockTime, also after a restart of the bridge', async () => {
    await ltc.mine(2, 1);
    const tip = await ltc.waitForSameTip();
    const header = await ltc.rpc<{ time: number; height: number }>(0, 'getblockheader', [tip, true]);
    await until('the new tip polled', () => ['n0', 'n1', 'n2'].every((n) => height(n) === header.height));
    await sleep(2000); // the restart comes later than the block: the bridge's own clock would show
    const dir = tb.dataDir;
    await tb.stop();
    tb = await startBridge(undefined, { dataDir: dir, setup });
    await until('the nodes polled after the restart', () => ['n0', 'n1', 'n2'].every((n) => nls(n)?.get('height') === BigInt(header.height)), 20000);
    for (const n of ['n0', 'n1', 'n2']) {
      const [text] = await nlsColumns(n, ['bcmNlsLastBlockTime']);
      expect(dateAndTime(text), `${n}: ${text}`).to.equal(header.time * 1000);
      expect(nls(n)?.get('lastBlockTime'), n).to.equal(header.time * 1000);
    }
  });
});
