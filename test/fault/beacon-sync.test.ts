/**
 * beaconNotSynced on a real beacon-node outage: Lodestar 1.5.1 `lodestar dev` (test fixture, see
 * test/support/lodestar.ts) with 8 genesis validators in the first beacon node and a second beacon node on the
 * same genesis started apart (no peer). The second node's clock moves on while its head stays at genesis:
 * Lodestar 1.5.1 answers /eth/v1/node/syncing with is_syncing true and a sync_distance growing by one a slot
 * (checked by hand: head_slot 0, sync_distance 15, is_syncing true at slot 15; two seconds after connect_peer,
 * sync_distance 0 and is_syncing false). The bridge follows both nodes in one beacon network, with SNMP
 * notification targets at Debian's snmptrapd and an ncclient session subscribed to the NETCONF stream.
 *
 *  - apart: beaconNotSynced raises on network/pos/node/bn2 (not on bn1) once the hold-down has passed, as a
 *    bcmAlarmRaised trap (bcmAtBeaconNotSynced, minor, qualityOfServiceAlarm, performanceDegraded) at snmptrapd
 *    and an ietf-alarms alarm-notification at ncclient; its sync distance in the bridge passes the raise level;
 *  - connected to the first node (POST /eth/v1/lodestar/connect_peer): it syncs, and the alarm clears
 *    (bcmAlarmCleared trap, notification with severity cleared);
 *  - throughout, bn2 is never nodeUnreachable: a node behind its chain answers, even when its head state cannot
 *    answer for the clock's epoch.
 *
 * Skips outside CI when the fixture or a tool is missing; fails under CI=true.
 */
import { expect } from 'chai';
import type { Composed } from '../../src/compose';
import { startViewsBridge } from '../support/bridge';
import type { TestBridge, ViewsBridge } from '../support/bridge';
import { beaconGet, LodestarChain, requireLodestar } from '../support/lodestar';
import { ADMIN, login, startNcclientWithWait, usersConfig } from '../support/netconf';
import type { NcRunWithWait, Step, StepResult } from '../support/netconf';
import { startAlarmTrapd, trapdTarget } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';
import { NoticeLog } from './support';
import { alarmTraps } from './traps';

const NET = 'pos';
const TYPE = 'beaconNotSynced';
const R_BN1 = `network/${NET}/node/bn1`;
const R_BN2 = `network/${NET}/node/bn2`;
const RAISE_TEXT = `beacon node bn2 of network ${NET} is `;
const CLEAR_TEXT = `beacon node bn2 of network ${NET} is in sync`;
/** The default raise level of beaconNotSynced (slots). */
const RAISE_LEVEL = 16;

describe('fault: beaconNotSynced on a real beacon node kept apart from its chain, then connected, seen at snmptrapd and ncclient', function () {
  this.timeout(300_000);
  let chain: LodestarChain | undefined;
  let trapd: Daemon | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;
  let notices: NoticeLog | undefined;
  let nc: NcRunWithWait | undefined;

  const node = (name: string): ReturnType<TestBridge['bridge']['tree']['find']> =>
    tb!.bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'node', keys: [name] }]);
  const alarm = (resource: string): ReturnType<Composed['fault']['list']['find']> => views!.fault.list.find(resource, TYPE);
  const state = (): string => ['bn1', 'bn2'].map((n) => `${n}: head ${String(node(n)?.get('headSlot'))}, distance ${String(node(n)?.get('syncDistance'))}, ` +
    `syncing ${String(node(n)?.get('syncing'))}`).join('; ') + `; alarms ${JSON.stringify(views!.fault.list.activeAlarms().map((a) => `${a.type} ${a.resource}`))}`;
  const ourTraps = (name: 'bcmAlarmRaised' | 'bcmAlarmCleared'): ReturnType<typeof alarmTraps> => alarmTraps(trapd!.output(), name, R_BN2)
    .filter((t) => [...t.vars].some(([k, v]) => k.startsWith('bcmAlarmType.') && v === 'OID: BLOCKCHAIN-MGMT-MIB::bcmAtBeaconNotSynced'));

  before(async function () {
    requireLodestar(this);
    requireNcclient(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    trapd = await startAlarmTrapd();
    // Genesis 30 s ahead: the NETCONF subscription is in place before the second node can fall behind.
    chain = await LodestarChain.start({ genesisValidators: 8, peerNode: true, peerConnected: false, genesisDelay: 30 });
    tb = await startViewsBridge({
      configuration: {
        ...usersConfig(),
        notificationTargets: [trapdTarget(trapd)],
      },
      networks: [{ name: NET, platform: 'beacon', pollInterval: 2, nodes: [{ name: 'bn1', endpoint: chain.url }, { name: 'bn2', endpoint: chain.peerUrl }] }],
      fault: {
        alarmPolicies: [
          // Two beacon nodes with one peer at most: not the fault under test.
          { type: 'peerCountLow', enabled: false },
        ],
      },
    });
    views = tb.views;
    notices = new NoticeLog(tb.bridge);
  });

  after(async function () {
    this.timeout(60_000);
    nc?.kill();
    notices?.detach();
    await tb?.cleanup().catch(() => undefined);
    await chain?.stop().catch(() => undefined);
    await trapd?.stop().catch(() => undefined);
  });

  it('apart from its chain the second node raises beaconNotSynced (trap and notification); connected, it syncs and the alarm clears', async () => {
    const steps: Step[] = [
      login(ADMIN, 's'), { op: 'subscribe', session: 's' }, { op: 'wait', name: 'subscribed' },
      { op: 'notification', session: 's', contains: RAISE_TEXT, timeout: 150 },
      { op: 'notification', session: 's', contains: CLEAR_TEXT, timeout: 240 },
    ];
    nc = startNcclientWithWait(views!.netconf.sshPort, steps, 280_000);
    await nc.reachedWait;
    expect(notices!.of(TYPE), 'no beaconNotSynced before genesis').to.deep.equal([]);

    // Apart: the raise, after the hold-down, on bn2 only.
    await until('beaconNotSynced raised on bn2', () => alarm(R_BN2)?.isCleared === false, 150_000, 250);
    const raisedAt = Date.now();
    console.log(`      raised at clock slot ${chain!.clockSlot()}: ${state()}`);
    expect(node('bn2')!.get('syncing')).to.equal(true);
    const api = (await beaconGet(chain!.peerUrl, '/eth/v1/node/syncing')).body as { data: { head_slot: string; sync_distance: string; is_syncing: boolean } };
    expect(api.data.is_syncing, JSON.stringify(api)).to.equal(true);
    expect(api.data.head_slot, JSON.stringify(api)).to.equal('0');
    expect(alarm(R_BN2)!.severity).to.equal('minor');
    await until('bcmAlarmRaised for bn2 at snmptrapd', () => ourTraps('bcmAlarmRaised').length > 0, 20_000, 100);
    const idx = alarm(R_BN2)!.index;
    const trap = ourTraps('bcmAlarmRaised')[0];
    expect(ourTraps('bcmAlarmRaised')).to.have.length(1);
    expect(trap.vars.get(`bcmAlarmPerceivedSeverity.${idx}`), trap.line).to.equal('INTEGER: minor(5)');
    expect(trap.vars.get(`bcmAlarmEventType.${idx}`), trap.line).to.equal('INTEGER: qualityOfServiceAlarm(3)');
    expect(trap.vars.get(`bcmAlarmProbableCause.${idx}`), trap.line).to.equal('Gauge32: 334');

    // Its distance keeps growing with the clock past the raise level (the node's own answer, read by the bridge).
    let shown = 0;
    await until(`bn2 sync distance >= ${RAISE_LEVEL} in the bridge`, () => {
      if (Date.now() - shown > 8000) { shown = Date.now(); console.log(`      clock slot ${chain!.clockSlot()}: ${state()}, bn2 ${String(node('bn2')?.get('reachability'))}`); }
      return Number(node('bn2')?.get('syncDistance') ?? 0) >= RAISE_LEVEL;
    }, 60_000, 250);
    expect(Number(node('bn2')!.get('headSlot'))).to.equal(0);
    expect(alarm(R_BN2)!.isCleared).to.equal(false);
    console.log(`      distance past the raise level ${Math.round((Date.now() - raisedAt) / 1000)} s later: ${state()}`);
    expect(Number(node('bn1')!.get('syncDistance'))).to.be.at.most(4);
    expect(alarm(R_BN1)?.isCleared ?? true, 'bn1 follows its chain').to.equal(true);

    // Connected to the first node: it syncs and the alarm clears (after the hold-down).
    const connectedAt = Date.now();
    await chain!.connectPeer();
    await until('bn2 synced in the bridge', () => node('bn2')?.get('syncing') === false && Number(node('bn2')?.get('syncDistance')) <= 4, 60_000, 250);
    console.log(`      synced ${Math.round((Date.now() - connectedAt) / 1000)} s after connect_peer: ${state()}`);
    await until('beaconNotSynced cleared on bn2', () => alarm(R_BN2)?.isCleared === true, 60_000, 250);
    console.log(`      cleared ${Math.round((Date.now() - connectedAt) / 1000)} s after connect_peer: ${state()}`);
    await until('bcmAlarmCleared for bn2 at snmptrapd', () => ourTraps('bcmAlarmCleared').length > 0, 20_000, 100);
    expect(ourTraps('bcmAlarmCleared')).to.have.length(1);
    expect(ourTraps('bcmAlarmRaised')).to.have.length(1);
    expect(notices!.of(TYPE, R_BN2).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
    expect(notices!.of(TYPE, R_BN1)).to.deep.equal([]);
    // A node behind its chain still answers: it is not unreachable (its poll asks nothing its head state cannot answer).
    expect(notices!.of('nodeUnreachable').map((n) => `${n.change} ${n.resource}`)).to.deep.equal([]);

    // NETCONF: the raise, then the clear, of beacon-not-synced on bn2.
    const res: StepResult[] = await nc.results;
    nc = undefined;
    const notes = res.filter((r) => r.op === 'notification');
    expect(notes.every((r) => r.ok), JSON.stringify(res)).to.equal(true);
    const [raised, cleared] = [notes[0].xml!, notes[1].xml!];
    for (const x of [raised, cleared]) {
      expect(x).to.match(/<alarm-type-id[^>]*>[A-Za-z0-9_-]+:beacon-not-synced<\/alarm-type-id>/);
      expect(x).to.contain(`<resource>${R_BN2}</resource>`);
    }
    expect(raised).to.contain('<perceived-severity>minor</perceived-severity>');
    expect(cleared).to.contain('<perceived-severity>cleared</perceived-severity>');
  });
});
