/**
 * Alarm notifications end to end on a real three-node litecoind regtest network: a node stops, the fault
 * manager raises nodeUnreachable within two poll intervals, the SNMP view sends bcmAlarmRaised (a v2c trap
 * and an acknowledged v2c inform) to Debian's snmptrapd, and the NETCONF view sends an ietf-alarms
 * alarm-notification to an ncclient session that called create-subscription; the node starts again:
 * cleared, with bcmAlarmCleared and a notification with perceived-severity cleared. Then a bridge
 * restarted while the alarm is active keeps the same alarm (same index) and sends no new raise for it.
 *
 * Everything runs in this process except the tools, which run asynchronously (the agent answers here).
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import type { Composed } from '../../src/compose';
import type { ConfigObject } from '../../src/config/document';
import { startViewsBridge } from '../support/bridge';
import type { ViewsBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, login, startNcclientWithWait, usersConfig } from '../support/netconf';
import type { NcRunWithWait } from '../support/netconf';
import { startAlarmTrapd, trapdTarget } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { sleep, until } from '../support/wait';
import { NoticeLog, removeDir } from './support';
import { alarmTraps, parseTraps } from './traps';

const POLL_MS = 1000;
const N2 = 'network/ltc/node/n2';
const PASSWORD_ENV = 'BCM_TEST_LTC_PASSWORD_FN';
const TRAP_TARGET = 'trapd-trap';
const INFORM_TARGET = 'trapd-inform';

describe('fault notifications: a stopped litecoind node seen at snmptrapd and ncclient', function () {
  this.timeout(240000);
  let ltc: LitecoinNetwork | undefined;
  let trapd: Daemon | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed;
  let notices: NoticeLog | undefined;
  let nc: NcRunWithWait | undefined;
  let dataDir: string | undefined;
  let seed: ConfigObject;

  const bridge = (): Bridge => tb!.bridge;
  const nodeInst = (name: string): ReturnType<Bridge['tree']['find']> =>
    bridge().tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: [name] }]);
  const targetRow = (name: string): ReturnType<Bridge['tree']['find']> =>
    bridge().tree.find([{ cls: 'configuration' }, { cls: 'notificationTarget', keys: [name] }]);
  const out = (): string => trapd!.output();

  async function start(withSeed: ConfigObject | undefined): Promise<void> {
    tb = await startViewsBridge(withSeed, { dataDir });
    views = tb.views;
    dataDir = tb.dataDir;
    notices = new NoticeLog(tb.bridge);
  }

  before(async function () {
    requireLitecoind(this);
    requireNcclient(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd'); // what startAlarmTrapd runs (not always on a user's PATH)
    this.timeout(180000);
    ltc = await LitecoinNetwork.start({ nodes: 3 });
    await ltc.mine(0, 5);
    await ltc.waitForSameTip();
    trapd = await startAlarmTrapd();
    seed = {
      configuration: {
        ...usersConfig(),
        rpcTimeout: 2000,
        notificationTargets: [
          trapdTarget(trapd, TRAP_TARGET),
          { ...trapdTarget(trapd, INFORM_TARGET), type: 'inform', timeout: 1500, retries: 3 },
        ],
      },
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: POLL_MS / 1000,
        nodes: ltc.bridgeNodes(PASSWORD_ENV),
      }],
      fault: {
        alarmPolicies: [
          // Regtest mines on demand; a restarted node is not dialled again: neither is the fault under test.
          { type: 'blockProductionStalled', enabled: false },
          { type: 'peerCountLow', enabled: false },
        ],
      },
    };
    await start(seed);
    await until('n0, n1 and n2 reachable', () => ['n0', 'n1', 'n2'].every((x) => nodeInst(x)?.get('reachability') === 'reachable'), 30000, 100);
    // coldStart at both targets: the path to snmptrapd works, the inform is answered.
    await until('coldStart trap and inform at snmptrapd', () => {
      const kinds = parseTraps(out()).filter((t) => t.trapOid.endsWith('::coldStart')).map((t) => t.kind);
      return kinds.includes('TRAP2') && kinds.includes('INFORM');
    }, 20000, 50);
    await until('coldStart inform acknowledged', () => targetRow(INFORM_TARGET)?.get('acknowledged') === 1n, 20000, 50);
  });

  after(async function () {
    this.timeout(120000);
    nc?.kill();
    notices?.detach();
    await tb?.stop().catch(() => undefined);
    await trapd?.stop().catch(() => undefined);
    await ltc?.stopAll().catch(() => undefined);
    if (dataDir) removeDir(dataDir);
  });

  it('stop n2: nodeUnreachable within two poll intervals, a trap and an inform at snmptrapd and an alarm-notification at ncclient; start it: cleared, with clear notifications', async () => {
    expect(views.fault.list.activeAlarms().map((a) => `${a.type} ${a.resource}`)).to.deep.equal([]);
    nc = startNcclientWithWait(views.netconf.sshPort, [
      login(ADMIN),
      { op: 'subscribe' },
      { op: 'wait', name: 'subscribed' },
      // The first notification about n2's resource is the raise; model events name the node, not the resource.
      { op: 'notification', contains: `>${N2}<`, timeout: 60 },
      { op: 'notification', contains: '>cleared<', timeout: 90 },
    ]);
    await nc.reachedWait;
    const from = notices!.seen.length;

    const stopAsked = Date.now();
    await ltc!.stop(2);
    const stopped = Date.now();
    const raised = await notices!.waitFor('nodeUnreachable raised on n2', (x) => x.type === 'nodeUnreachable' && x.resource === N2 && x.change === 'raised', 20000, from);
    const delay = raised.seenAt - stopped;
    console.log(`      nodeUnreachable raised ${delay} ms after n2 exited (${raised.seenAt - stopAsked} ms after the stop was asked; poll interval ${POLL_MS} ms)`);
    expect(delay).to.be.at.most(2 * POLL_MS + 500);
    expect(raised.severity).to.equal('major');
    const alarm = views.fault.list.find(N2, 'nodeUnreachable')!;
    expect(alarm.isCleared).to.equal(false);
    const idx = alarm.index;

    // SNMP: bcmAlarmRaised with the X.733 objects of the alarm's row, once as a trap and once as an inform.
    await until('bcmAlarmRaised trap and inform for n2 at snmptrapd', () => {
      const kinds = alarmTraps(out(), 'bcmAlarmRaised', N2).map((t) => t.kind).sort();
      return kinds.length >= 2 && kinds.join() === 'INFORM,TRAP2';
    }, 20000, 50);
    for (const t of alarmTraps(out(), 'bcmAlarmRaised', N2)) {
      expect(t.vars.get(`bcmAlarmResource.${idx}`), t.line).to.equal(`STRING: ${N2}`);
      expect(t.vars.get(`bcmAlarmType.${idx}`), t.line).to.equal('OID: BLOCKCHAIN-MGMT-MIB::bcmAtNodeUnreachable');
      expect(t.vars.get(`bcmAlarmPerceivedSeverity.${idx}`), t.line).to.equal('INTEGER: major(4)');
      expect(t.vars.get(`bcmAlarmEventType.${idx}`), t.line).to.equal('INTEGER: communicationsAlarm(2)');
      expect(t.vars.get(`bcmAlarmProbableCause.${idx}`), t.line).to.equal('Gauge32: 306');
      expect(t.vars.get(`bcmAlarmAlarmText.${idx}`), t.line).to.match(/^STRING: "?node n2 of network ltc does not answer: /);
    }

    const startAsked = Date.now();
    await ltc!.start(2);
    const cleared = await notices!.waitFor('nodeUnreachable cleared on n2', (x) => x.type === 'nodeUnreachable' && x.resource === N2 && x.change === 'cleared', 30000, from);
    console.log(`      nodeUnreachable cleared ${cleared.seenAt - startAsked} ms after n2 was started again`);
    expect(cleared.index).to.equal(idx);
    expect(views.fault.list.get(idx)!.isCleared).to.equal(true);
    expect(notices!.of('nodeUnreachable', N2).map((x) => x.change)).to.deep.equal(['raised', 'cleared']);
    await until('bcmAlarmCleared trap and inform for n2 at snmptrapd', () => {
      const kinds = alarmTraps(out(), 'bcmAlarmCleared', N2).map((t) => t.kind).sort();
      return kinds.length >= 2 && kinds.join() === 'INFORM,TRAP2';
    }, 20000, 50);
    for (const t of alarmTraps(out(), 'bcmAlarmCleared', N2)) {
      expect(t.vars.get(`bcmAlarmResource.${idx}`), t.line).to.equal(`STRING: ${N2}`);
      // The MIB: "perceivedSeverity carries the severity it had".
      expect(t.vars.get(`bcmAlarmPerceivedSeverity.${idx}`), t.line).to.equal('INTEGER: major(4)');
    }

    // NETCONF: ietf-alarms alarm-notification, raised (major) then cleared.
    const res = await nc.results;
    const [raiseN, clearN] = res.slice(3);
    expect(raiseN.ok, JSON.stringify(res)).to.equal(true);
    expect(raiseN.xml).to.match(/<alarm-notification xmlns="urn:ietf:params:xml:ns:yang:ietf-alarms"/);
    expect(raiseN.xml).to.contain(`<resource>${N2}</resource>`);
    expect(raiseN.xml).to.match(/<alarm-type-id[^>]*>[A-Za-z0-9_-]+:node-unreachable<\/alarm-type-id>/);
    expect(raiseN.xml).to.contain('<perceived-severity>major</perceived-severity>');
    expect(raiseN.xml).to.match(/<event-type[^>]*>communications-alarm<\/event-type>/);
    expect(clearN.ok, JSON.stringify(res)).to.equal(true);
    expect(clearN.xml).to.contain(`<resource>${N2}</resource>`);
    expect(clearN.xml).to.contain('<perceived-severity>cleared</perceived-severity>');
    nc = undefined;

    // The informs (coldStart, raise, clear, at least) were all answered by snmptrapd; the trap target sent as many traps.
    const row = await until('every inform acknowledged', () => {
      const r = targetRow(INFORM_TARGET);
      return r !== undefined && typeof r.get('sent') === 'bigint' && (r.get('sent') as bigint) >= 3n && r.get('acknowledged') === r.get('sent') &&
        r.get('queueLength') === 0 && r.get('dropped') === 0n ? r : undefined;
    }, 15000, 50);
    expect(targetRow(TRAP_TARGET)!.get('sent')).to.equal(row.get('sent'));
  });

  it('a bridge restarted while the alarm is active keeps it (same index) and sends no new bcmAlarmRaised for it', async () => {
    const from = notices!.seen.length;
    await ltc!.stop(2);
    const again = await notices!.waitFor('nodeUnreachable raised on n2 again', (x) => x.type === 'nodeUnreachable' && x.resource === N2 && x.change === 'raised', 20000, from);
    await until('second bcmAlarmRaised trap for n2', () => alarmTraps(out(), 'bcmAlarmRaised', N2).filter((t) => t.kind === 'TRAP2').length === 2, 20000, 50);
    await until('second bcmAlarmRaised inform for n2', () => alarmTraps(out(), 'bcmAlarmRaised', N2).filter((t) => t.kind === 'INFORM').length === 2, 20000, 50);
    const before = views.fault.list.all();
    expect(before.filter((a) => !a.isCleared).map((a) => `${a.index} ${a.type} ${a.resource}`)).to.deep.equal([`${again.index} nodeUnreachable ${N2}`]);
    const raisedBefore = alarmTraps(out(), 'bcmAlarmRaised', N2).length;
    const coldStartsBefore = parseTraps(out()).filter((t) => t.trapOid.endsWith('::coldStart')).length;
    notices!.detach();
    await tb!.stop();

    await start(undefined); // same data dir: the configuration and the alarm list are what the first bridge left
    expect(JSON.stringify(views.fault.list.all())).to.equal(JSON.stringify(before));
    expect(views.fault.list.find(N2, 'nodeUnreachable')!.index).to.equal(again.index);
    expect(bridge().tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(1);
    // The new bridge reaches snmptrapd (its coldStart arrives) and has seen n2 fail: a raise would have gone out by now.
    await until('coldStart of the restarted bridge', () => parseTraps(out()).filter((t) => t.trapOid.endsWith('::coldStart')).length >= coldStartsBefore + 2, 20000, 50);
    await until('n2 unreachable in the restarted bridge', () => nodeInst('n2')?.get('reachability') === 'unreachable', 20000, 50);
    await sleep(3 * POLL_MS);
    expect(alarmTraps(out(), 'bcmAlarmRaised', N2).length).to.equal(raisedBefore);
    expect(notices!.seen.map((x) => `${x.change} ${x.type} ${x.resource}`)).to.deep.equal([]);
    expect(views.fault.list.all().map((a) => `${a.index} ${a.isCleared}`)).to.deep.equal(before.map((a) => `${a.index} ${a.isCleared}`));

    // The restored alarm is live: n2 back, the new bridge clears it under the same index, with bcmAlarmCleared.
    const clearedBefore = alarmTraps(out(), 'bcmAlarmCleared', N2).length;
    await ltc!.start(2);
    const cleared = await notices!.waitFor('nodeUnreachable cleared after the restart', (x) => x.type === 'nodeUnreachable' && x.resource === N2 && x.change === 'cleared', 30000);
    expect(cleared.index).to.equal(again.index);
    await until('bcmAlarmCleared from the restarted bridge', () => alarmTraps(out(), 'bcmAlarmCleared', N2).length >= clearedBefore + 2, 20000, 50);
    expect(alarmTraps(out(), 'bcmAlarmCleared', N2).every((t) => t.vars.has(`bcmAlarmResource.${again.index}`))).to.equal(true);
  });
});
