/**
 * The consensus detectors (validatorOffline, missedProposal and its event, finalityStalled, beaconNotSynced,
 * consensusQuorumAtRisk on participation and on active validators) on a synthetic instance tree with a
 * driven clock: the exact raise and clear transitions, the hysteresis bands, the hold-down, and a restart.
 * The tests write the values a beacon adapter's poll would write (the collector is not started).
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import type { ModelEventNotice } from '../../src/events';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import { quorumShare } from '../../src/fault/consensus-detectors';
import { entryForEvent } from '../../src/log/records';
import type { Path, Values } from '../../src/state/tree';
import { NoticeLog, makeBridge, nextTurn, removeDir, tempDir } from './support';

const NET: Path = [{ cls: 'network', keys: ['pos'] }];
const NODE: Path = [...NET, { cls: 'node', keys: ['b1'] }];
const CONS: Path = [...NET, { cls: 'consensus' }];
const val = (id: string): Path => [...CONS, { cls: 'validator', keys: [id] }];
const R_NET = 'network/pos';
const R_NODE = 'network/pos/node/b1';
const R_VAL = (id: string): string => `network/pos/consensus/validator/${id}`;

function config(policies: ConfigObject[] = [], consensus: ConfigObject = {}): ConfigObject {
  return {
    networks: [{
      name: 'pos', platform: 'ethereum', pollInterval: 1, consensus,
      nodes: [{ name: 'b1', endpoint: 'http://127.0.0.1:9' }],
    }],
    fault: { alarmPolicies: policies },
  };
}

describe('fault: consensus detectors (synthetic tree, driven clock)', () => {
  let dir: string;
  let bridge: Bridge;
  let fm: FaultManager;
  let notices: NoticeLog;
  let events: ModelEventNotice[];
  let t: number;
  const onEvent = (e: ModelEventNotice): void => { events.push(e); };

  async function open(doc: ConfigObject | undefined): Promise<void> {
    bridge = makeBridge(dir, {});
    if (doc) bridge.datastore.commit('running', doc, { user: 'test', source: 'file' });
    fm = createFaultManager(bridge, { now: () => t, tickMs: 0 });
    notices = new NoticeLog(bridge);
    bridge.on('event', onEvent);
    await fm.start();
    set(NET, { reachableNodeCount: 1 });
    set(NODE, { reachability: 'reachable' });
  }
  async function close(): Promise<void> {
    bridge.off('event', onEvent);
    notices.detach();
    await fm.stop();
    await bridge.stop();
  }
  const set = (p: Path, v: Values): void => { bridge.tree.set(p, v, t); };
  async function advance(ms: number): Promise<void> {
    const end = t + ms;
    while (t < end) {
      t = Math.min(end, t + 1000);
      fm.tick();
    }
    await nextTurn();
  }
  const changes = (type: string, resource?: string): string[] => notices.of(type, resource).map((n) => n.change);
  const missed = (): string[] => events.filter((e) => e.name === 'missedProposal')
    .map((e) => `${String(e.params.validator)}:${String(e.params.missedSlots)}@${String(e.params.slot)}`);

  beforeEach(() => {
    dir = tempDir('cons');
    t = 1_700_000_000_000;
    events = [];
  });
  afterEach(async () => {
    await close();
    removeDir(dir);
  });

  it('finalityStalled: raised at 4 epochs since finality, held in the band at 3, cleared at 2; absent value or no reachable node: no change', async () => {
    await open(config());
    for (const e of [2, 3, 2, 3]) { set(CONS, { epochsSinceFinality: e, finalizedEpoch: 10n }); await advance(1000); }
    expect(changes('finalityStalled')).to.deep.equal([]);
    set(CONS, { epochsSinceFinality: 4 });
    await advance(1000);
    expect(changes('finalityStalled', R_NET)).to.deep.equal(['raised']);
    const a = fm.list.find(R_NET, 'finalityStalled')!;
    expect(a.severity).to.equal('major');
    expect(a.text).to.equal('network pos: no new finalized epoch for 4 epochs (finalized epoch 10)');
    expect(a.thresholdInfo).to.equal('4 epochs since finality >= raise level 4');
    set(CONS, { epochsSinceFinality: 3 });
    await advance(3000);
    set(NET, { reachableNodeCount: 0 });
    set(CONS, { epochsSinceFinality: 2 });
    await advance(3000);
    expect(changes('finalityStalled')).to.deep.equal(['raised']);
    set(NET, { reachableNodeCount: 1 });
    await advance(1000);
    expect(changes('finalityStalled')).to.deep.equal(['raised', 'cleared']);
  });

  it('finalityStalled with a hold-down: a stall shorter than the hold-down never raises; a longer one raises once', async () => {
    await open(config([{ type: 'finalityStalled', raiseLevel: 5, clearLevel: 3, holdDown: 5 }]));
    set(CONS, { epochsSinceFinality: 5 });
    await advance(4000);
    set(CONS, { epochsSinceFinality: 4 }); // band: the wait starts again
    await advance(1000);
    set(CONS, { epochsSinceFinality: 6 });
    await advance(1000); // first seen: the hold-down starts
    await advance(4000);
    expect(changes('finalityStalled')).to.deep.equal([]);
    await advance(1000);
    expect(changes('finalityStalled')).to.deep.equal(['raised']);
    set(CONS, { epochsSinceFinality: 3 });
    await advance(5000);
    expect(changes('finalityStalled')).to.deep.equal(['raised']);
    await advance(1000);
    expect(changes('finalityStalled')).to.deep.equal(['raised', 'cleared']);
  });

  it('consensusQuorumAtRisk on participation: below two thirds raises, the configured quorum as a share of validatorCount', async () => {
    expect(quorumShare(0, 8)).to.be.closeTo(66.667, 0.001);
    expect(quorumShare(4, 8)).to.equal(50);
    await open(config());
    // Before the first whole epoch: no participation yet, and the configured validators alone say nothing.
    set(CONS, { epoch: 0n, validatorCount: 8, activeValidators: 0, windowBlocks: 3 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal([]);
    set(CONS, { participationRate: 100, validatorCount: 8, activeValidators: 8 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal([]);
    set(CONS, { participationRate: 50 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk', R_NET)).to.deep.equal(['raised']);
    const a = fm.list.find(R_NET, 'consensusQuorumAtRisk')!;
    expect(a.severity).to.equal('critical');
    expect(a.text).to.equal('network pos: 50 % of the validators attested in the previous epoch, below 66.67 % needed (two thirds of the active validators)');
    set(CONS, { participationRate: 66 }); // still below 2/3
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised']);
    set(CONS, { participationRate: 67 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised', 'cleared']);
    // quorum 4 of 8 configured: 50 % is enough, 49 % is not.
    bridge.datastore.commit('running', config([], { quorum: 4 }), { user: 'test', source: 'netconf' });
    set(NET, { reachableNodeCount: 1 }); // the collector wrote the network again
    set(CONS, { participationRate: 50, quorum: 4 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised', 'cleared']);
    set(CONS, { participationRate: 49 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised', 'cleared', 'raised']);
    expect(fm.list.find(R_NET, 'consensusQuorumAtRisk')!.thresholdInfo).to.equal('margin -1 points (participation 49 % - quorum 50 %), raise below 0, clear at 0');
  });

  it('consensusQuorumAtRisk on active validators (Clique): a configured quorum above the active signers raises', async () => {
    await open(config([], { quorum: 2 }));
    set(CONS, { algorithm: 'clique', validatorCount: 1, activeValidators: 0, quorum: 2 }); // windowBlocks absent: 0
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal([]); // no block seen since the start: no verdict
    set(CONS, { activeValidators: 1, windowBlocks: 1 });
    await advance(1000);
    expect(changes('consensusQuorumAtRisk', R_NET)).to.deep.equal(['raised']);
    expect(fm.list.find(R_NET, 'consensusQuorumAtRisk')!.text).to.equal('network pos has 1 active validator(s) for a quorum of 2 (configured)');
    set(CONS, { quorum: 0 }); // derived for clique with 1 signer: 1
    await advance(1000);
    expect(changes('consensusQuorumAtRisk')).to.deep.equal(['raised', 'cleared']);
  });

  it('validatorOffline: raised at 2 consecutive epochs not live, held at 1, cleared at 0 or when the validator is no longer active', async () => {
    await open(config());
    set(val('4'), { index: 4, status: 'activeOngoing', offlineEpochs: 0 });
    set(val('5'), { index: 5, status: 'activeOngoing', offlineEpochs: 1 });
    await advance(1000);
    expect(notices.seen).to.deep.equal([]);
    set(val('4'), { offlineEpochs: 2 });
    set(val('5'), { offlineEpochs: 2 });
    await advance(1000);
    expect(changes('validatorOffline', R_VAL('4'))).to.deep.equal(['raised']);
    expect(changes('validatorOffline', R_VAL('5'))).to.deep.equal(['raised']);
    expect(fm.list.find(R_VAL('4'), 'validatorOffline')!.text).to.equal('validator 4 of network pos missed its attestations for 2 consecutive epoch(s)');
    set(val('4'), { offlineEpochs: 1 }); // band
    set(val('5'), { offlineEpochs: 3, status: 'exitedUnslashed' });
    await advance(1000);
    expect(changes('validatorOffline', R_VAL('4'))).to.deep.equal(['raised']);
    expect(changes('validatorOffline', R_VAL('5'))).to.deep.equal(['raised', 'cleared']);
    set(val('4'), { offlineEpochs: 0 });
    await advance(1000);
    expect(changes('validatorOffline', R_VAL('4'))).to.deep.equal(['raised', 'cleared']);
    // A validator row removed (no longer configured) takes its alarms with it.
    set(val('4'), { offlineEpochs: 5 });
    await advance(1000);
    expect(changes('validatorOffline', R_VAL('4'))).to.deep.equal(['raised', 'cleared', 'raised']);
    bridge.tree.remove(val('4'));
    await advance(1000);
    expect(changes('validatorOffline', R_VAL('4'))).to.deep.equal(['raised', 'cleared', 'raised', 'cleared']);
  });

  it('missedProposal: one event per missed slot, the alarm at 2 misses within windowSize slots, cleared when they leave the window', async () => {
    await open(config([], { windowSize: 100 }));
    set(CONS, { slot: 10n, windowSize: 100 });
    set(val('6'), { missedSlots: 0n });
    set(val('7'), { missedSlots: 3n }); // counted before: the baseline, no event
    await advance(1000);
    expect(missed()).to.deep.equal([]);
    set(CONS, { slot: 20n });
    set(val('6'), { missedSlots: 1n });
    await advance(1000);
    expect(missed()).to.deep.equal(['6:1@20']);
    expect(changes('missedProposal')).to.deep.equal([]);
    // ... and one log record (warning, PROPOSAL).
    const rec = entryForEvent(events[0])!;
    expect([rec.severity, rec.msgId, rec.message]).to.deep.equal(['warning', 'PROPOSAL', 'network pos: validator 6 missed a proposal (1 missed so far, seen at slot 20)']);
    set(CONS, { slot: 30n });
    set(val('6'), { missedSlots: 2n });
    await advance(1000);
    expect(missed()).to.deep.equal(['6:1@20', '6:2@30']);
    expect(changes('missedProposal', R_VAL('6'))).to.deep.equal(['raised']);
    const a = fm.list.find(R_VAL('6'), 'missedProposal')!;
    expect([a.severity, a.text]).to.deep.equal(['minor', 'validator 6 of network pos missed 2 proposal(s) in the last 100 slots']);
    // Two at once: two events.
    set(CONS, { slot: 40n });
    set(val('7'), { missedSlots: 5n });
    await advance(1000);
    expect(missed()).to.deep.equal(['6:1@20', '6:2@30', '7:4@40', '7:5@40']);
    expect(changes('missedProposal', R_VAL('7'))).to.deep.equal(['raised']);
    // Slot 125: the miss at 20 left the window (125-100 = 25), one is left: the band, still raised.
    set(CONS, { slot: 125n });
    await advance(1000);
    expect(changes('missedProposal', R_VAL('6'))).to.deep.equal(['raised']);
    set(CONS, { slot: 130n });
    await advance(1000);
    expect(changes('missedProposal', R_VAL('6'))).to.deep.equal(['raised', 'cleared']);
    expect(changes('missedProposal', R_VAL('7'))).to.deep.equal(['raised']);
    // Restart of the bridge: the counters seen are remembered (no event again), a new miss is one event.
    await close();
    events = [];
    await open(undefined);
    set(CONS, { slot: 131n, windowSize: 100 });
    set(val('6'), { missedSlots: 2n });
    set(val('7'), { missedSlots: 5n });
    await advance(1000);
    expect(missed()).to.deep.equal([]);
    expect(fm.list.find(R_VAL('7'), 'missedProposal')!.isCleared).to.equal(false);
    set(CONS, { slot: 139n });
    set(val('7'), { missedSlots: 6n });
    await advance(1000);
    expect(missed()).to.deep.equal(['7:6@139']);
    set(CONS, { slot: 140n });
    await advance(1000);
    // 40, 40 and 139 in (40, 140]: only 139 is left: band; at 240 none: cleared.
    expect(fm.list.find(R_VAL('7'), 'missedProposal')!.isCleared).to.equal(false);
    set(CONS, { slot: 240n });
    await advance(1000);
    expect(fm.list.find(R_VAL('7'), 'missedProposal')!.isCleared).to.equal(true);
  });

  it('missedProposal on a network without slots (Clique): the window is in blocks of the best height', async () => {
    await open(config([{ type: 'missedProposal', raiseLevel: 1, clearLevel: 0 }], { windowSize: 10 }));
    set(CONS, { windowSize: 10 });
    set([...NET, { cls: 'ledger', keys: ['main'] }], { height: 100n });
    set(val('0xabc'), { missedSlots: 0n });
    await advance(1000);
    set([...NET, { cls: 'ledger', keys: ['main'] }], { height: 101n });
    set(val('0xabc'), { missedSlots: 1n });
    await advance(1000);
    expect(missed()).to.deep.equal(['0xabc:1@101']);
    expect(changes('missedProposal', R_VAL('0xabc'))).to.deep.equal(['raised']);
    set([...NET, { cls: 'ledger', keys: ['main'] }], { height: 111n });
    await advance(1000);
    expect(changes('missedProposal', R_VAL('0xabc'))).to.deep.equal(['raised', 'cleared']);
  });

  it('beaconNotSynced: a sync distance at the raise level, or a node that says it syncs, raises after the hold-down; cleared at the clear level', async () => {
    await open(config());
    set(NODE, { syncDistance: 0n, syncing: false });
    await advance(1000);
    set(NODE, { syncDistance: 20n });
    await advance(10000); // seen first at the first tick: 9 s held
    expect(changes('beaconNotSynced')).to.deep.equal([]);
    await advance(1000);
    expect(changes('beaconNotSynced', R_NODE)).to.deep.equal(['raised']);
    expect(fm.list.find(R_NODE, 'beaconNotSynced')!.text).to.equal('beacon node b1 of network pos is 20 slot(s) behind the clock');
    set(NODE, { syncDistance: 5n }); // band
    await advance(20000);
    set(NODE, { syncDistance: 1n });
    await advance(11000);
    expect(changes('beaconNotSynced')).to.deep.equal(['raised', 'cleared']);
    set(NODE, { syncDistance: 0n, syncing: true });
    await advance(11000);
    expect(changes('beaconNotSynced')).to.deep.equal(['raised', 'cleared', 'raised']);
    // Unreachable: unknown, no change.
    set(NODE, { reachability: 'unreachable', syncing: false });
    await advance(20000);
    expect(changes('beaconNotSynced')).to.deep.equal(['raised', 'cleared', 'raised']);
  });
});
