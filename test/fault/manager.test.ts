/**
 * The fault manager on a synthetic instance tree with a driven clock: every detector, hold-down from the
 * policies, reported conditions, configuration changes, removed and locked resources, restart.
 * The networks are in the running configuration (so the collector creates their rows) but the collector is
 * not started: the tests write the values a poll would write.
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import type { Path, Values } from '../../src/state/tree';
import { NoticeLog, makeBridge, nextTurn, removeDir, tempDir } from './support';

const NET: Path = [{ cls: 'network', keys: ['btc'] }];
const node = (n: string): Path => [...NET, { cls: 'node', keys: [n] }];
const LEDGER: Path = [...NET, { cls: 'ledger', keys: ['main'] }];
const R_NODE = (n: string): string => `network/btc/node/${n}`;
const R_LEDGER = 'network/btc/ledger/main';

function config(policies: ConfigObject[] = [], extra: ConfigObject = {}): ConfigObject {
  return {
    networks: [{
      name: 'btc', platform: 'bitcoin', pollInterval: 1, expectedBlockInterval: 2,
      nodes: [{ name: 'a', endpoint: 'http://127.0.0.1:9' }, { name: 'b', endpoint: 'http://127.0.0.1:9' }],
    }],
    fault: { maxStatusChanges: 8, alarmPolicies: policies },
    ...extra,
  };
}

describe('fault: manager and detectors (synthetic tree, driven clock)', () => {
  let dir: string;
  let bridge: Bridge;
  let fm: FaultManager;
  let notices: NoticeLog;
  let t: number;
  let tickN = 0;

  async function open(doc: ConfigObject | undefined): Promise<void> {
    bridge = makeBridge(dir, {});
    if (doc) bridge.datastore.commit('running', doc, { user: 'test', source: 'file' });
    fm = createFaultManager(bridge, { now: () => t, tickMs: 0 });
    notices = new NoticeLog(bridge);
    await fm.start();
  }
  async function close(): Promise<void> {
    notices.detach();
    await fm.stop();
    await bridge.stop();
  }
  const set = (p: Path, v: Values): void => { bridge.tree.set(p, v, t); };
  const polled = (n: string, ok: boolean): void => {
    bridge.collector.emit('polled', { network: 'btc', node: n, result: ok ? { ok, latencyMs: 1 } : { ok, latencyMs: 1, error: 'connection refused' } });
    set(node(n), { reachability: ok ? 'reachable' : 'unreachable' });
  };
  /** Advances the clock to t+ms in steps of one second, ticking (the timer's work) at each. */
  async function advance(ms: number, each?: () => void): Promise<void> {
    const end = t + ms;
    while (t < end) {
      t = Math.min(end, t + 1000);
      each?.();
      fm.tick();
    }
    await nextTurn();
  }
  const changes = (type: string, resource?: string): string[] => notices.of(type, resource).map((n) => n.change);

  beforeEach(() => {
    dir = tempDir('mgr');
    t = 1_700_000_000_000;
  });
  afterEach(async () => {
    await close();
    removeDir(dir);
  });

  it('renders the alarm inventory and the effective policies', async () => {
    await open(config([{ type: 'nodeUnreachable', raiseLevel: 2, holdDown: 3, severity: 'critical' }, { type: 'txPoolSaturation', enabled: false }]));
    const fault = bridge.tree.find([{ cls: 'fault' }])!;
    expect(fault.list('alarmInventory')).to.have.length(15);
    const inv = fault.child('alarmInventory', ['forkDetected'])!;
    expect(inv.get('resourceClass')).to.equal('ledger');
    expect(inv.get('willClear')).to.equal(true);
    expect(inv.get('probableCause')).to.equal(309);
    expect(fault.list('alarmPolicy')).to.have.length(15);
    const p = fault.child('alarmPolicy', ['nodeUnreachable'])!;
    expect([p.get('enabled'), p.get('raiseLevel'), p.get('clearLevel'), p.get('holdDown'), p.get('severity')]).to.deep.equal([true, 2, 1, 3, 'critical']);
    const d = fault.child('alarmPolicy', ['ledgerSyncLag'])!;
    expect([d.get('raiseLevel'), d.get('clearLevel'), d.get('holdDown'), d.get('severity')]).to.deep.equal([3, 1, 10, 'minor']);
    expect(fault.child('alarmPolicy', ['txPoolSaturation'])!.get('enabled')).to.equal(false);
    expect(fault.get('maxStatusChanges')).to.equal(8);
    expect(fault.get('purgeClearedAfter')).to.equal(30);
    expect(fault.get('activeAlarms')).to.equal(0);
  });

  it('nodeUnreachable: consecutive failed polls at the raise level held for the hold-down raise; successful ones clear', async () => {
    await open(config([{ type: 'nodeUnreachable', raiseLevel: 2, clearLevel: 2, holdDown: 2 }]));
    polled('a', true);
    await advance(1000, () => polled('a', false)); // 1 failed poll: below the raise level
    expect(changes('nodeUnreachable')).to.deep.equal([]);
    await advance(1000, () => polled('a', false)); // 2: condition met, hold-down starts
    await advance(1000, () => polled('a', false));
    expect(changes('nodeUnreachable')).to.deep.equal([]);
    await advance(1000, () => polled('a', false)); // held 2 s
    expect(changes('nodeUnreachable', R_NODE('a'))).to.deep.equal(['raised']);
    const a = fm.list.find(R_NODE('a'), 'nodeUnreachable')!;
    expect(a.severity).to.equal('major');
    expect(a.text).to.match(/node a of network btc does not answer: connection refused/);
    expect(a.thresholdInfo).to.match(/consecutive failed polls >= raise level 2/);
    await advance(4000, () => polled('a', true)); // 2 ok at +2 s, held 2 s at +4 s
    expect(changes('nodeUnreachable', R_NODE('a'))).to.deep.equal(['raised', 'cleared']);
    expect(fm.list.get(a.index)!.text).to.match(/answers again/);
    expect(changes('nodeUnreachable', R_NODE('b'))).to.deep.equal([]);
  });

  it('nodeUnreachable flapping every second with a hold-down: no state change at all', async () => {
    await open(config([{ type: 'nodeUnreachable', holdDown: 3 }]));
    let up = true;
    await advance(60000, () => { polled('a', up); up = !up; });
    expect(changes('nodeUnreachable')).to.deep.equal([]);
  });

  it('ledgerSyncLag: lag at or above the raise level for the hold-down, cleared at the clear level; unknown while unreachable', async () => {
    await open(config([{ type: 'ledgerSyncLag', raiseLevel: 3, clearLevel: 1, holdDown: 5 }]));
    const nls = (n: string): Path => [...LEDGER, { cls: 'nodeLedgerState', keys: [n] }];
    set(node('b'), { reachability: 'reachable' });
    set(nls('b'), { lag: 4n, syncState: 'stalled' });
    fm.tick();
    await advance(4000);
    expect(changes('ledgerSyncLag')).to.deep.equal([]);
    await advance(1000);
    expect(changes('ledgerSyncLag', R_NODE('b'))).to.deep.equal(['raised']);
    const al = fm.list.find(R_NODE('b'), 'ledgerSyncLag', '')!;
    expect(al.text).to.equal('node b is 4 blocks behind the best height of network btc');
    expect(al.thresholdInfo).to.equal('lag 4 blocks >= raise level 3');
    set(nls('b'), { lag: 2n, syncState: 'syncing' }); // inside the band: stays
    await advance(10000);
    set(nls('b'), { lag: 0n, syncState: 'synced' });
    set(node('b'), { reachability: 'unreachable' }); // unknown: the clear wait does not run
    await advance(10000);
    expect(changes('ledgerSyncLag')).to.deep.equal(['raised']);
    set(node('b'), { reachability: 'reachable' });
    fm.tick();
    await advance(5000);
    expect(changes('ledgerSyncLag')).to.deep.equal(['raised', 'cleared']);
  });

  it('blockProductionStalled: no block for raise x expected interval (configured, or learnt), cleared by a new block', async () => {
    await open(config());
    set(NET, { reachableNodeCount: 1 });
    set(LEDGER, { height: 10n, headHash: 'h10', headTime: t });
    await advance(5000);
    expect(changes('blockProductionStalled')).to.deep.equal([]);
    await advance(1000); // 6 s = 3 x 2 s
    expect(changes('blockProductionStalled', R_LEDGER)).to.deep.equal(['raised']);
    expect(fm.list.find(R_LEDGER, 'blockProductionStalled')!.text).to.match(/no new block on ledger main of network btc for 6 s \(expected every 2 s, configured\)/);
    set(LEDGER, { height: 11n, headHash: 'h11' });
    await advance(1000);
    expect(changes('blockProductionStalled', R_LEDGER)).to.deep.equal(['raised', 'cleared']);

  });

  it('blockProductionStalled: with no expected interval configured, raise x the learnt mean interval', async () => {
    const doc = config();
    ((doc.networks as ConfigObject[])[0]).expectedBlockInterval = 0;
    await open(doc);
    set(NET, { reachableNodeCount: 1 });
    let h = 10;
    set(LEDGER, { height: BigInt(h), headHash: `h${h}`, headTime: t });
    fm.tick();
    // A block every 3 s for 12 s: learnt 3 s, so stalled after 9 s without one.
    for (let i = 0; i < 4; i++) await advance(3000, () => { if (++tickN % 3 === 0) set(LEDGER, { height: BigInt(++h), headHash: `h${h}` }); });
    expect(changes('blockProductionStalled')).to.deep.equal([]);
    await advance(8000);
    expect(changes('blockProductionStalled')).to.deep.equal([]);
    await advance(1000);
    expect(changes('blockProductionStalled')).to.deep.equal(['raised']);
    expect(fm.list.find(R_LEDGER, 'blockProductionStalled')!.text).to.match(/for 9 s \(expected every 3 s, learnt\)/);
  });

  it('blockProductionStalled: a head already old at start raises at once (the block time tells)', async () => {
    await open(config());
    set(NET, { reachableNodeCount: 1 });
    set(LEDGER, { height: 10n, headHash: 'h10', headTime: t - 3600_000 });
    await advance(1000);
    expect(changes('blockProductionStalled')).to.deep.equal(['raised']);
  });

  it('forkDetected: a new valid-fork tip or a deep reorganisation raises; cleared after clearLevel seconds without one', async () => {
    await open(config([{ type: 'forkDetected', raiseLevel: 2, clearLevel: 5 }]));
    const tip = (i: number, hash: string, status: string): void => set([...LEDGER, { cls: 'chainTip', keys: [i] }], { hash, status, height: 20n, branchLength: 2, reportedBy: 'b' });
    set(LEDGER, { height: 20n, headHash: 'h20' });
    tip(1, 'h20', 'active');
    tip(2, 'old', 'validFork'); // there before the bridge looked: history
    await advance(3000);
    expect(changes('forkDetected')).to.deep.equal([]);
    tip(3, 'new', 'validFork');
    await advance(1000);
    expect(changes('forkDetected', R_LEDGER)).to.deep.equal(['raised']);
    expect(fm.list.find(R_LEDGER, 'forkDetected')!.text).to.match(/valid fork on ledger main of network btc: tip new at height 20, 2 block\(s\) off the active chain, reported by node b/);
    await advance(6000);
    expect(changes('forkDetected')).to.deep.equal(['raised', 'cleared']);
    bridge.collector.emit('reorg', { network: 'btc', ledger: 'main', reorg: { depth: 1, oldHead: 'a', newHead: 'b', height: 21, deeperThanWindow: false } });
    await advance(1000);
    expect(changes('forkDetected')).to.deep.equal(['raised', 'cleared']);
    bridge.collector.emit('reorg', { network: 'btc', ledger: 'main', reorg: { depth: 3, oldHead: 'a', newHead: 'c', height: 21, deeperThanWindow: false } });
    await advance(1000);
    expect(changes('forkDetected')).to.deep.equal(['raised', 'cleared', 'raised']);
    expect(fm.list.find(R_LEDGER, 'forkDetected')!.thresholdInfo).to.equal('reorganisation depth 3 blocks >= raise level 2');
  });

  it('peerCountLow, txPoolSaturation and consensusQuorumAtRisk with their levels', async () => {
    await open(config([
      { type: 'peerCountLow', raiseLevel: 2, clearLevel: 3, holdDown: 0 },
      { type: 'txPoolSaturation', raiseLevel: 100, clearLevel: 50, holdDown: 0 },
    ]));
    set(NET, { reachableNodeCount: 2 });
    set(node('a'), { reachability: 'reachable', peerCount: 1 });
    set([...node('a'), { cls: 'txPool' }], { pending: 150n });
    set([...NET, { cls: 'consensus' }], { algorithm: 'qbft', validatorCount: 4, activeValidators: 2, quorum: 0, windowBlocks: 10 });
    await advance(1000);
    expect(changes('peerCountLow', R_NODE('a'))).to.deep.equal(['raised']);
    expect(changes('txPoolSaturation', R_NODE('a'))).to.deep.equal(['raised']);
    // qbft with 4 validators: quorum 2f+1 = 3; 2 active -> margin -1 < 0.
    expect(changes('consensusQuorumAtRisk', 'network/btc')).to.deep.equal(['raised']);
    expect(fm.list.find('network/btc', 'consensusQuorumAtRisk')!.severity).to.equal('critical');
    set(node('a'), { peerCount: 2 }); // band
    set([...node('a'), { cls: 'txPool' }], { pending: 60n }); // band
    set([...NET, { cls: 'consensus' }], { activeValidators: 3 });
    await advance(1000);
    expect(notices.seen.map((n) => `${n.change} ${n.type}`)).to.have.length(4);
    set(node('a'), { peerCount: 3 });
    set([...node('a'), { cls: 'txPool' }], { pending: 50n });
    await advance(1000);
    expect(changes('peerCountLow')).to.deep.equal(['raised', 'cleared']);
    expect(changes('txPoolSaturation')).to.deep.equal(['raised', 'cleared']);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised', 'cleared']);
  });

  it('contractFailureRate over the recent calls, and crossChainBacklogStuck against the stuck threshold', async () => {
    await open(config([{ type: 'contractFailureRate', raiseLevel: 50, clearLevel: 20 }]));
    const ctr: Path = [...NET, { cls: 'contract', keys: ['0xabc'] }];
    set(ctr, { calls: 5n, failedCalls: 5n, name: 'Workload' });
    await advance(1000);
    expect(changes('contractFailureRate')).to.deep.equal([]); // too few calls to judge
    set(ctr, { calls: 20n, failedCalls: 12n });
    await advance(1000);
    expect(changes('contractFailureRate', 'network/btc/contract/0xabc')).to.deep.equal(['raised']);
    expect(fm.list.find('network/btc/contract/0xabc', 'contractFailureRate')!.text).to.match(/60 % of the last 20 calls of contract Workload/);
    // 200 more calls, none failing: the window (last 100 calls) forgets the early failures.
    for (let c = 40; c <= 220; c += 20) { set(ctr, { calls: BigInt(c), failedCalls: 12n }); await advance(1000); }
    expect(changes('contractFailureRate')).to.deep.equal(['raised', 'cleared']);

    const ch: Path = [...NET, { cls: 'crossChainChannel', keys: ['to-eth'] }];
    set(ch, { stuckThreshold: 60, pending: 3n, oldestPendingAge: 30 });
    await advance(1000);
    set(ch, { oldestPendingAge: 61 });
    await advance(1000);
    expect(changes('crossChainBacklogStuck', 'network/btc/crossChainChannel/to-eth')).to.deep.equal(['raised']);
    set(ch, { pending: 0n, oldestPendingAge: undefined });
    await advance(1000);
    expect(changes('crossChainBacklogStuck')).to.deep.equal(['raised', 'cleared']);
  });

  it('report(): conditions from outside (thresholdCrossed) with their own severity, through the policy', async () => {
    await open(config([], { performance: { measurementJobs: [{ name: 'j' }], thresholds: [{ name: 'lat', job: 'j', metric: 'rpcLatencyMean', raiseLevel: 100, clearLevel: 50 }] } }));
    const c = { resource: R_NODE('a'), type: 'thresholdCrossed', qualifier: 'lat', text: 'rpcLatencyMean 150 ms', thresholdInfo: 'rpcLatencyMean 150 >= 100' };
    fm.report({ ...c, active: true });
    fm.report({ ...c, active: true });
    fm.report({ ...c, active: true, severity: 'major' });
    fm.report({ ...c, active: false, text: 'rpcLatencyMean 40 ms' });
    fm.report({ ...c, active: false });
    fm.report({ ...c, type: 'noSuchType', active: true });
    await nextTurn();
    expect(notices.seen.map((n) => `${n.change} ${n.severity}`)).to.deep.equal(['raised warning', 'severityChanged major', 'cleared major']);
    const a = fm.list.find(R_NODE('a'), 'thresholdCrossed', 'lat')!;
    expect(a.thresholdInfo).to.equal('rpcLatencyMean 150 >= 100');
    expect(a.statusChanges.map((s) => s.severity)).to.deep.equal(['warning', 'major', 'cleared']);
    // A threshold removed from the configuration: its alarm is cleared.
    fm.report({ ...c, active: true });
    bridge.datastore.commit('running', config(), { user: 'test', source: 'netconf' });
    await nextTurn();
    expect(changes('thresholdCrossed')).to.deep.equal(['raised', 'severityChanged', 'cleared', 'raised', 'cleared']);
  });

  it('a policy change applies at once: disabled clears, a new severity is a severity change', async () => {
    await open(config([{ type: 'peerCountLow', holdDown: 0 }]));
    set(node('a'), { reachability: 'reachable', peerCount: 0 });
    set(node('b'), { reachability: 'reachable', peerCount: 0 });
    await advance(1000);
    expect(changes('peerCountLow')).to.deep.equal(['raised', 'raised']);
    bridge.datastore.commit('running', config([{ type: 'peerCountLow', holdDown: 0, severity: 'minor' }]), { user: 'test', source: 'netconf' });
    await advance(1000);
    expect(changes('peerCountLow')).to.deep.equal(['raised', 'raised', 'severityChanged', 'severityChanged']);
    expect(fm.list.find(R_NODE('a'), 'peerCountLow')!.severity).to.equal('minor');
    bridge.datastore.commit('running', config([{ type: 'peerCountLow', enabled: false }]), { user: 'test', source: 'netconf' });
    await advance(3000);
    expect(changes('peerCountLow').slice(4)).to.deep.equal(['cleared', 'cleared']);
    expect(fm.list.find(R_NODE('a'), 'peerCountLow')!.text).to.equal('cleared: detector disabled by policy');
    expect(bridge.tree.find([{ cls: 'fault' }, { cls: 'alarmPolicy', keys: ['peerCountLow'] }])!.get('enabled')).to.equal(false);
  });

  it('a node removed from the configuration, or locked, gets its alarms cleared', async () => {
    await open(config([{ type: 'peerCountLow', holdDown: 0 }]));
    polled('a', false);
    polled('b', false);
    set(node('a'), { peerCount: 0 });
    await advance(1000);
    expect(changes('nodeUnreachable')).to.deep.equal(['raised', 'raised']);
    const doc = config([{ type: 'peerCountLow', holdDown: 0 }]);
    const net = (doc.networks as ConfigObject[])[0];
    net.nodes = [{ name: 'a', endpoint: 'http://127.0.0.1:9' }, { name: 'b', endpoint: 'http://127.0.0.1:9', adminState: 'locked' }];
    bridge.datastore.commit('running', doc, { user: 'test', source: 'netconf' });
    await advance(1000);
    expect(changes('nodeUnreachable', R_NODE('b'))).to.deep.equal(['raised', 'cleared']);
    expect(fm.list.find(R_NODE('b'), 'nodeUnreachable')!.text).to.equal('cleared: resource locked (not polled)');
    net.nodes = [{ name: 'b', endpoint: 'http://127.0.0.1:9', adminState: 'locked' }];
    bridge.datastore.commit('running', doc, { user: 'test', source: 'netconf' });
    await advance(1000);
    expect(changes('nodeUnreachable', R_NODE('a'))).to.deep.equal(['raised', 'cleared']);
    expect(fm.list.find(R_NODE('a'), 'nodeUnreachable')!.text).to.equal('cleared: resource removed');
    expect(fm.list.active).to.equal(0);
    // The detectors forgot node a: nothing is raised again for it.
    await advance(3000);
    expect(notices.seen).to.have.length(4);
  });

  it('purges cleared alarms older than purgeClearedAfter days', async () => {
    const doc = config([{ type: 'peerCountLow', holdDown: 0 }]);
    (doc.fault as ConfigObject).purgeClearedAfter = 2;
    await open(doc);
    set(node('a'), { reachability: 'reachable', peerCount: 0 });
    set(node('b'), { reachability: 'reachable', peerCount: 0 });
    await advance(1000);
    set(node('a'), { peerCount: 5 });
    await advance(1000);
    expect(fm.list.size).to.equal(2);
    t += 2 * 86400_000 + 60_000;
    fm.tick();
    expect(fm.list.all().map((a) => a.resource)).to.deep.equal([R_NODE('b')]); // the active one stays
  });

  it('after a restart the list is the same and a condition still present is not raised again', async () => {
    await open(config([{ type: 'nodeUnreachable', holdDown: 2 }]));
    await advance(3000, () => polled('a', false));
    expect(changes('nodeUnreachable')).to.deep.equal(['raised']);
    fm.setOperatorState(fm.list.find(R_NODE('a'), 'nodeUnreachable')!.index, 'ack', 'alice', 'on it');
    const before = JSON.stringify(fm.list.all());
    await close();

    await open(undefined);
    expect(JSON.stringify(fm.list.all())).to.equal(before);
    expect(bridge.tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(1);
    await advance(5000, () => polled('a', false));
    expect(notices.seen).to.deep.equal([]);
    expect(fm.list.size).to.equal(1);
    await advance(3000, () => polled('a', true));
    expect(changes('nodeUnreachable')).to.deep.equal(['cleared']);
    expect(fm.list.size).to.equal(1);
    expect(fm.list.all()[0].operatorState).to.equal('ack');
  });
});
