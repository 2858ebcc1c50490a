/**
 * Notifications received by Debian's snmptrapd: coldStart, alarm traps, acknowledged informs (v2c and
 * v3 with engine discovery), the notificationTarget state in the tree, and a dead target that never
 * slows the agent.
 */
import { expect } from 'chai';
import type { AlarmNotice } from '../../src/events';
import type { Instance } from '../../src/state/tree';
import { MAX_PENDING } from '../../src/snmp/notify';
import { requireTool } from '../support/tools';
import { freeUdpPort, snmp, startAgent, startTrapd } from '../support/snmp';
import type { Daemon, TestAgent } from '../support/snmp';

const ENGINE = '8000000005' + '0102030405060708090a0b0c0d0e0f10';

function alarm(a: TestAgent, index: number, severity = 'major'): Instance {
  const now = Date.now();
  return a.bridge.tree.set([{ cls: 'fault' }, { cls: 'alarm', keys: [index] }], {
    resource: 'network/dev/node/n1', type: 'nodeUnreachable', typeQualifier: '', timeCreated: now, isCleared: false,
    lastRaised: now, lastChanged: now, perceivedSeverity: severity, alarmText: 'RPC endpoint does not answer',
    eventType: 'communicationsAlarm', probableCause: 306, specificProblem: 'RPC endpoint of the node does not answer', operatorState: 'none',
  });
}

describe('snmp notifications to snmptrapd', function () {
  this.timeout(60000);
  let trapd: Daemon;
  let a: TestAgent;
  let deadPort: number;

  before(async function () {
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    trapd = await startTrapd([
      'authCommunity log,execute,net public',
      // v3 traps come from our engine (its ID must be known); v3 informs are authoritative at snmptrapd
      `createUser -e 0x${ENGINE} trapuser SHA-256 trap-auth-pass AES trap-priv-pass`,
      'createUser informuser SHA-512 inform-auth-pass AES inform-priv-pass',
      'authUser log,execute trapuser',
      'authUser log,execute informuser',
    ]);
    deadPort = await freeUdpPort();
    const dir = (await import('../support/snmp')).tempDir();
    require('node:fs').writeFileSync(`${dir}/snmp-engine.json`, JSON.stringify({ engineId: ENGINE, boots: 4 }));
    a = await startAgent({
      configuration: {
        snmpUsers: [
          { name: 'trapuser', authProtocol: 'sha256', authKey: 'trap-auth-pass', privProtocol: 'aes', privKey: 'trap-priv-pass' },
          { name: 'informuser', authProtocol: 'sha512', authKey: 'inform-auth-pass', privProtocol: 'aes', privKey: 'inform-priv-pass' },
        ],
        notificationTargets: [
          { name: 'trap2c', host: '127.0.0.1', port: trapd.port, community: 'public' },
          { name: 'inform2c', host: 'localhost', port: trapd.port, community: 'public', type: 'inform' },
          { name: 'trap3', host: '127.0.0.1', port: trapd.port, version: 'v3', user: 'trapuser' },
          { name: 'inform3', host: '127.0.0.1', port: trapd.port, version: 'v3', user: 'informuser', type: 'inform' },
          { name: 'dead', host: '127.0.0.1', port: deadPort, community: 'public', type: 'inform', timeout: 200, retries: 1 },
          { name: 'off', host: '127.0.0.1', port: trapd.port, community: 'public', adminState: 'locked' },
        ],
      },
    }, dir);
  });
  after(async () => { await a?.stop(); await trapd?.stop(); });

  it('sends coldStart to every unlocked target at start (traps and informs, v2c and v3)', async () => {
    await trapd.waitFor(/snmpTrapOID\.0 = OID: SNMPv2-MIB::coldStart/, 10000, 4);
    const n = a.view.agent.notifier;
    for (const t of ['inform2c', 'inform3']) {
      for (let i = 0; i < 50 && n.stats(t)!.acknowledged < 1n; i++) await new Promise((r) => setTimeout(r, 100));
      expect(n.stats(t)).to.deep.include({ sent: 1n, acknowledged: 1n, queueLength: 0 });
    }
    expect(n.stats('trap2c')).to.deep.include({ sent: 1n, dropped: 0n });
    expect(n.stats('off')).to.deep.include({ sent: 0n });
  });

  it('sends bcmAlarmRaised with the alarm row objects, and bcmAlarmCleared', async () => {
    const inst = alarm(a, 1);
    const notice: AlarmNotice = { change: 'raised', alarm: inst, time: Date.now() };
    a.bridge.emit('alarm', notice);
    const out = await trapd.waitFor(/bcmAlarmRaised/, 10000, 4);
    const line = out.split('\n').find((l) => l.includes('bcmAlarmRaised'))!;
    for (const want of ['bcmAlarmResource.1 = STRING: network/dev/node/n1', 'bcmAlarmType.1 = OID: BLOCKCHAIN-MGMT-MIB::bcmAtNodeUnreachable',
      'bcmAlarmPerceivedSeverity.1 = INTEGER: major(4)', 'bcmAlarmProbableCause.1 = Gauge32: 306', 'bcmAlarmEventType.1 = INTEGER: communicationsAlarm(2)',
      'bcmAlarmAlarmText.1 = STRING: RPC endpoint does not answer', 'bcmAlarmLastChanged.1 = STRING: ']) {
      expect(line).to.contain(want);
    }
    a.bridge.tree.write(inst, { perceivedSeverity: 'cleared', isCleared: true });
    a.bridge.emit('alarm', { change: 'cleared', alarm: inst, time: Date.now() });
    await trapd.waitFor(/bcmAlarmCleared.*bcmAlarmPerceivedSeverity\.1 = INTEGER: cleared/, 10000, 4);
  });

  it('counts informs in the notificationTarget row of the tree and shows it over SNMP', async () => {
    const n = a.view.agent.notifier;
    for (let i = 0; i < 50 && n.stats('inform3')!.acknowledged < 3n; i++) await new Promise((r) => setTimeout(r, 100));
    const row = a.bridge.tree.find([{ cls: 'configuration' }, { cls: 'notificationTarget', keys: ['inform3'] }])!;
    expect(row.get('sent')).to.equal(3n);
    expect(row.get('acknowledged')).to.equal(3n);
    expect(row.get('queueLength')).to.equal(0);
    const g = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--',
      'BLOCKCHAIN-MGMT-MIB::bcmNotifAcknowledged."inform3"', 'BLOCKCHAIN-MGMT-MIB::bcmNotifType."inform3"']);
    expect(g.stdout.split('\n').slice(0, 2)).to.deep.equal(['3', 'inform']);
  });

  it('retries informs to a dead target, then drops them; its queue is bounded; the agent stays fast', async () => {
    const n = a.view.agent.notifier;
    // the coldStart and the two alarms: one try and one retry of 200 ms each
    for (let i = 0; i < 50 && n.stats('dead')!.dropped < 3n; i++) await new Promise((r) => setTimeout(r, 100));
    expect(n.stats('dead')).to.deep.include({ sent: 3n, acknowledged: 0n, dropped: 3n, queueLength: 0 });
    const inst = alarm(a, 2);
    const t0 = Date.now();
    for (let i = 0; i < MAX_PENDING + 50; i++) a.bridge.emit('alarm', { change: 'severityChanged', alarm: inst, time: Date.now() });
    expect(Date.now() - t0).to.be.below(2000);
    expect(n.stats('dead')!.queueLength).to.equal(MAX_PENDING);
    expect(n.stats('dead')!.dropped).to.equal(3n + 50n);
    const g = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--', 'sysUpTime.0']);
    expect(g.code).to.equal(0);
    expect(g.ms).to.be.below(1000);
  });
});
