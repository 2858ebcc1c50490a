/**
 * Fault management against real faults on a three-node litecoind regtest network (test/support/litecoind.ts):
 * a stopped node, a partitioned node that falls behind and forks, a bridge restarted with active alarms.
 * One bridge polls every second; the tests run in order and share the network.
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import { LitecoinNetwork, requireLitecoind, waitFor } from '../support/litecoind';
import { NoticeLog, makeBridge, removeDir, sleep, tempDir } from './support';

const POLL_MS = 1000;
const node = (i: number): string => `network/ltc/node/n${i}`;
const LEDGER = 'network/ltc/ledger/main';

describe('fault: real faults on a litecoind regtest network', function () {
  this.timeout(120000);
  let net: LitecoinNetwork | undefined;
  let dir: string;
  let bridge: Bridge | undefined;
  let fm: FaultManager | undefined;
  let notices: NoticeLog;
  let seed: ConfigObject;

  const ltc = (): LitecoinNetwork => { if (!net) throw new Error('no network'); return net; };
  const faults = (): FaultManager => { if (!fm) throw new Error('no fault manager'); return fm; };

  async function startBridge(): Promise<void> {
    bridge = makeBridge(dir, seed);
    fm = createFaultManager(bridge);
    bridge.addView(fm);
    notices = new NoticeLog(bridge);
    await bridge.start();
  }

  before(async function () {
    requireLitecoind(this);
    dir = tempDir('ltc');
    net = await LitecoinNetwork.start({ nodes: 3 });
    await net.mine(0, 10);
    await net.waitForSameTip();
    seed = {
      configuration: { rpcTimeout: 2000 },
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: POLL_MS / 1000,
        nodes: net.bridgeNodes('BCMGMT_FAULT_TEST_LTC_PASSWORD'),
      }],
      fault: {
        alarmPolicies: [
          { type: 'ledgerSyncLag', raiseLevel: 3, clearLevel: 1, holdDown: 2 },
          { type: 'peerCountLow', raiseLevel: 1, clearLevel: 1, holdDown: 2 },
          { type: 'forkDetected', raiseLevel: 2, clearLevel: 5, holdDown: 0 },
          // Regtest mines on demand: no block production to watch.
          { type: 'blockProductionStalled', enabled: false },
        ],
      },
    };
    await startBridge();
    await waitFor('all nodes reachable', () => [0, 1, 2].every((i) => bridge!.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: [`n${i}`] }])?.get('reachability') === 'reachable'), 15000);
  });

  after(async function () {
    this.timeout(60000);
    notices?.detach();
    await bridge?.stop();
    await net?.stopAll();
    if (dir) removeDir(dir);
  });

  it('has no alarm on a healthy network', async () => {
    await sleep(3 * POLL_MS);
    expect(faults().list.activeAlarms().map((a) => `${a.type} ${a.resource}`)).to.deep.equal([]);
  });

  it('raises nodeUnreachable within two poll intervals of a node stopping, and clears it when the node is back', async () => {
    await ltc().stop(1);
    const stoppedAt = Date.now();
    const raised = await notices.waitFor('nodeUnreachable raised on n1', (n) => n.type === 'nodeUnreachable' && n.resource === node(1) && n.change === 'raised', 10000);
    const delay = raised.seenAt - stoppedAt;
    console.log(`      nodeUnreachable raised ${delay} ms after the node stopped (poll interval ${POLL_MS} ms)`);
    expect(delay).to.be.at.most(2 * POLL_MS + 250);
    expect(raised.severity).to.equal('major');
    const a = faults().list.find(node(1), 'nodeUnreachable')!;
    expect(a.text).to.match(/^node n1 of network ltc does not answer: /);
    const inst = faults().list.instance(a.index)!;
    expect(inst.get('eventType')).to.equal('communicationsAlarm');
    expect(inst.get('probableCause')).to.equal(306);
    expect(bridge!.tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.be.at.least(1);

    await ltc().start(1);
    await ltc().connect(1);
    const cleared = await notices.waitFor('nodeUnreachable cleared on n1', (n) => n.type === 'nodeUnreachable' && n.resource === node(1) && n.change === 'cleared', 15000);
    expect(cleared.index).to.equal(raised.index);
    expect(faults().list.find(node(1), 'nodeUnreachable')!.isCleared).to.equal(true);
    expect(notices.of('nodeUnreachable', node(1)).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
  });

  it('raises ledgerSyncLag, peerCountLow and forkDetected on a partitioned node mining its own branch; clears them after it reconnects', async () => {
    const from = notices.seen.length;
    await ltc().partition(2);
    await ltc().mine(0, 5);
    await ltc().waitForSameTip([0, 1]);
    await ltc().mine(2, 2); // n2 forks: 3 blocks behind, on its own branch
    const lag = await notices.waitFor('ledgerSyncLag raised on n2', (n) => n.type === 'ledgerSyncLag' && n.resource === node(2) && n.change === 'raised', 15000, from);
    expect(lag.text).to.equal('node n2 is 3 blocks behind the best height of network ltc');
    expect(lag.severity).to.equal('minor');
    await notices.waitFor('peerCountLow raised on n2', (n) => n.type === 'peerCountLow' && n.resource === node(2) && n.change === 'raised', 15000, from);
    const fork = await notices.waitFor('forkDetected raised on the ledger', (n) => n.type === 'forkDetected' && n.resource === LEDGER && n.change === 'raised', 15000, from);
    expect(fork.text).to.match(/^node n2 follows a fork of ledger main of network ltc: its head \S+ at height 12 is off the active chain$/);
    expect(fork.severity).to.equal('major');
    // The fork lasts as long as the partition: still raised well after clearLevel (5 s).
    await sleep(6000);
    expect(faults().list.find(LEDGER, 'forkDetected')!.isCleared).to.equal(false);

    await ltc().heal(2);
    const healedAt = Date.now();
    await ltc().waitForSameTip();
    await notices.waitFor('ledgerSyncLag cleared on n2', (n) => n.type === 'ledgerSyncLag' && n.resource === node(2) && n.change === 'cleared', 15000, from);
    await notices.waitFor('peerCountLow cleared on n2', (n) => n.type === 'peerCountLow' && n.resource === node(2) && n.change === 'cleared', 15000, from);
    // n2 reorganised onto the network's chain: cleared clearLevel (5 s) after the fork was last seen.
    const forkCleared = await notices.waitFor('forkDetected cleared', (n) => n.type === 'forkDetected' && n.change === 'cleared', 15000, from);
    expect(forkCleared.seenAt - healedAt).to.be.within(4000, 9000);
    expect(notices.of('ledgerSyncLag', node(2)).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
    expect(notices.of('peerCountLow', node(2)).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
    expect(notices.of('forkDetected').map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
    // n2's abandoned branch is now a valid-fork tip of getchaintips: history, not a new fork.
    const tips = bridge!.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'ledger', keys: ['main'] }])!.list('chainTip');
    expect(tips.some((t) => t.get('status') === 'validFork')).to.equal(true);
  });

  it('after a restart of the bridge with active alarms the list is the same and nothing is raised again', async () => {
    await ltc().stop(1);
    await notices.waitFor('nodeUnreachable raised on n1 again', (n) => n.type === 'nodeUnreachable' && n.resource === node(1) && n.change === 'raised' && notices.of('nodeUnreachable', node(1)).length === 3, 10000);
    await sleep(200);
    const before = faults().list.all();
    const active = before.filter((a) => !a.isCleared);
    expect(active.map((a) => `${a.type} ${a.resource}`)).to.deep.equal([`nodeUnreachable ${node(1)}`]);
    notices.detach();
    await bridge!.stop();

    await startBridge();
    expect(JSON.stringify(faults().list.all())).to.equal(JSON.stringify(before));
    expect(bridge!.tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(1);
    await sleep(4 * POLL_MS);
    expect(notices.seen.map((n) => `${n.change} ${n.type} ${n.resource}`)).to.deep.equal([]);
    expect(faults().list.size).to.equal(before.length);

    await ltc().start(1);
    await ltc().connect(1);
    const cleared = await notices.waitFor('nodeUnreachable cleared after the restart', (n) => n.type === 'nodeUnreachable' && n.resource === node(1) && n.change === 'cleared', 15000);
    expect(cleared.index).to.equal(active[0].index);
    expect(faults().list.size).to.equal(before.length);
    expect(faults().list.get(active[0].index)!.statusChanges.map((c) => c.severity)).to.deep.equal(['major', 'cleared', 'major', 'cleared']);
  });
});
