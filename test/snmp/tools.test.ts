/**
 * The agent driven by Debian's net-snmp tools (snmpwalk, snmpbulkwalk, snmpbulkget, snmptable, snmpget,
 * snmpset) over UDP, as a manager would use it.
 */
import { expect } from 'chai';
import { mibAttributes, modelIndex } from '../../src/model';
import { mibAccess } from '../../src/snmp/mibview';
import { requireTool } from '../support/tools';
import { MIB, fillEveryClass, fillTree, freeUdpPort, snmp, startAgent, tempDir, walkLines } from '../support/snmp';
import { Bridge } from '../../src/bridge';
import { createSnmpView } from '../../src/snmp';
import type { TestAgent } from '../support/snmp';

const SEED = {
  configuration: {
    // Net-SNMP's conformance cases (T0221) expect snmpd's unbounded v2c sizes; limits.test.ts checks the default bound.
    snmpMaxMessageSize: 65507,
    snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }, { name: 'ro', community: 'public' }],
    snmpUsers: [
      { name: 'admin3', authProtocol: 'sha256', authKey: 'auth-pass-256', privProtocol: 'aes', privKey: 'priv-pass-aes', access: 'admin' },
      { name: 'md5des', authProtocol: 'md5', authKey: 'auth-pass-md5', privProtocol: 'des', privKey: 'priv-pass-des' },
    ],
  },
  networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 5 }, { name: 'net1', platform: 'bitcoin' }],
};

const V2 = ['-v2c', '-c', 'public'];
const V2W = ['-v2c', '-c', 'private'];
const V3 = ['-v3', '-l', 'authPriv', '-u', 'admin3', '-a', 'SHA-256', '-A', 'auth-pass-256', '-x', 'AES', '-X', 'priv-pass-aes'];

/** Column and scalar descriptors of the MIB that a walk may show, with their number of INDEX components (0: scalar). */
function readableDescriptors(): Map<string, number> {
  const out = new Map<string, number>();
  for (const cls of modelIndex.model.classes) {
    const r = modelIndex.mibRendering(cls);
    if (r === 'none') continue;
    for (const a of mibAttributes(cls)) {
      if (mibAccess(cls, a) !== 'not-accessible') out.set(modelIndex.mibDescriptor(cls, a), r === 'table' ? modelIndex.mibIndex(cls).length : 0);
    }
  }
  return out;
}

describe('snmp agent with the net-snmp tools', function () {
  this.timeout(120000);
  let a: TestAgent;

  before(async function () {
    requireTool(this, 'snmpwalk', 'snmp');
    a = await startAgent(SEED);
    a.bridge.collector.apply([]); // the tree is filled by hand here: no polling
    fillTree(a.bridge.tree, 2, 5, 6);
    fillEveryClass(a.bridge.tree);
  });
  after(async () => { await a?.stop(); });

  it('walks the whole MIB: every OID resolves to an object of BLOCKCHAIN-MGMT-MIB with a parsed index', async () => {
    // -OX prints each INDEX component parsed by its syntax ([STRING: net0][2]); an index net-snmp cannot
    // parse by the MIB's INDEX clause would be printed as bare numbers.
    const r = await snmp('snmpwalk', a.target, [...V2, '-OX', '--', modelIndex.rootOid]);
    expect(r.code, r.stderr).to.equal(0);
    // long hex strings continue on the next lines: an entry starts with the module name
    const lines = walkLines(r.stdout).filter((l) => l.startsWith(`${MIB}::`));
    expect(lines.length).to.be.above(500);
    const objects = readableDescriptors();
    const seen = new Set<string>();
    for (const l of lines) {
      const m = /^BLOCKCHAIN-MGMT-MIB::(bcm\w+)((?:\[[^\]]*\])+|\.0) = /.exec(l);
      expect(m, l).to.not.equal(null);
      const o = objects.get(m![1]);
      expect(o, `${m![1]} in: ${l}`).to.not.equal(undefined);
      expect(m![2] === '.0' ? 0 : m![2].split('][').length, l).to.equal(o);
      seen.add(m![1]);
    }
    // every readable object of the MIB is shown (the tree has an instance of every class with every attribute)
    expect([...objects.keys()].filter((n) => !seen.has(n))).to.deep.equal([]);
    // snmpbulkwalk gives the same objects
    const b = await snmp('snmpbulkwalk', a.target, [...V2, '-OX', '-Cr50', '--', modelIndex.rootOid]);
    expect(walkLines(b.stdout).filter((l) => l.startsWith(`${MIB}::`)).map((l) => l.split(' = ')[0])).to.deep.equal(lines.map((l) => l.split(' = ')[0]));
  });

  it('shows bcmNodeTable and bcmPeerTable with snmptable', async () => {
    const nodes = await snmp('snmptable', a.target, [...V2, '-Cf', '|', '-Ci', '--', `${MIB}::bcmNodeTable`]);
    expect(nodes.code, nodes.stderr).to.equal(0);
    const rows = nodes.stdout.split('\n').filter((l) => /^"net\d"\."node\d"\|/.test(l));
    expect(rows).to.have.length(10);
    expect(nodes.stdout).to.match(/\|123456 blocks\|/);
    const peers = await snmp('snmptable', a.target, [...V2, '-Cf', '|', '-Ci', '--', `${MIB}::bcmPeerTable`]);
    expect(peers.code, peers.stderr).to.equal(0);
    const prow = peers.stdout.split('\n').filter((l) => /^"net\d"\."node\d"\.\d+\|enode:/.test(l));
    expect(prow).to.have.length(2 * 5 * 6);
    expect(peers.stdout).to.match(/\|outbound\|/);
  });

  it('indexes bcmAlarmInvTable and bcmAlarmPolTable by the alarm type arc (BcmAlarmTypeIndex), and sets a policy by it', async () => {
    // One row per alarm type, as the fault manager renders them (it is not running here).
    for (const t of modelIndex.model.alarmTypes) {
      a.bridge.tree.set([{ cls: 'fault' }, { cls: 'alarmInventory', keys: [t.name] }],
        { resourceClass: t.resourceClass, willClear: t.willClear, description: t.description, eventType: t.eventType });
      a.bridge.tree.set([{ cls: 'fault' }, { cls: 'alarmPolicy', keys: [t.name] }],
        { enabled: true, raiseLevel: t.levels.defaultRaise, clearLevel: t.levels.defaultClear, holdDown: t.levels.defaultHoldDown });
    }
    const arcs = modelIndex.model.alarmTypes.map((t) => modelIndex.alarmTypeIndex(t)).sort((x, y) => x - y);
    for (const table of ['bcmAlarmInvTable', 'bcmAlarmPolTable']) {
      const r = await snmp('snmpwalk', a.target, [...V2, '-OX', '--', `${MIB}::${table}`]);
      expect(r.code, r.stderr).to.equal(0);
      const lines = walkLines(r.stdout).filter((l) => l.startsWith(`${MIB}::`));
      const rows = new Set<number>();
      for (const l of lines) {
        const m = /^BLOCKCHAIN-MGMT-MIB::bcmAlarm(?:Inv|Pol)\w+\[(\d+)\] = /.exec(l);
        expect(m, l).to.not.equal(null);
        rows.add(Number(m![1]));
      }
      expect([...rows], table).to.deep.equal(arcs);
      // Numerically: column OID and one sub-identifier.
      const n = await snmp('snmpwalk', a.target, [...V2, '-On', '--', `${MIB}::${table}`]);
      const cls = modelIndex.cls(table === 'bcmAlarmInvTable' ? 'alarmInventory' : 'alarmPolicy');
      const entry = modelIndex.entryOid(cls).split('.').length;
      for (const l of walkLines(n.stdout).filter((x) => x.startsWith('.'))) expect(l.split(' = ')[0].slice(1).split('.'), l).to.have.length(entry + 2);
    }
    const t = modelIndex.model.alarmTypes.find((x) => x.name === 'peerCountLow')!;
    const obj = `${MIB}::bcmAlarmPolRaiseLevel.${modelIndex.alarmTypeIndex(t)}`;
    const s = await snmp('snmpset', a.target, [...V2W, '--', obj, 'u', '0']);
    expect(s.code, s.stderr).to.equal(0);
    const g = await snmp('snmpget', a.target, [...V2, '-On', '--', obj]);
    const polCls = modelIndex.cls('alarmPolicy');
    expect(g.stdout.trim()).to.equal(`.${modelIndex.attributeOid(polCls, modelIndex.attr(polCls, 'raiseLevel'))}.${t.arc} = Gauge32: 0`);
    const fault = a.bridge.running.fault as { alarmPolicies?: { type: string; raiseLevel?: number }[] };
    expect(fault.alarmPolicies?.find((p) => p.type === t.name)?.raiseLevel).to.equal(0);
    // An alarm type the model does not have is no row: noCreation.
    const none = await snmp('snmpset', a.target, [...V2W, '--', `${MIB}::bcmAlarmPolRaiseLevel.999`, 'u', '1']);
    expect(none.stderr).to.contain('noCreation');
  });

  it('answers snmpbulkget -Cn5 -Cr50 with 6 varbinds with exactly 55 varbinds (Net-SNMP T0221)', async () => {
    const r = await snmp('snmpbulkget', a.target, [...V2, '-Cn5', '-Cr50', '--', 'sysDescr', 'sysObjectID', 'sysUpTime', 'sysContact', 'sysName', 'sysLocation']);
    expect(r.code, r.stderr).to.equal(0);
    expect(walkLines(r.stdout)).to.have.length(55);
  });

  it('reads the standard groups (system, snmp, snmpEngine)', async () => {
    const r = await snmp('snmpget', a.target, [...V2, '-On', '--', 'sysObjectID.0', 'sysUpTime.0', 'snmpInPkts.0', '1.3.6.1.6.3.10.2.1.2.0']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`.1.3.6.1.2.1.1.2.0 = OID: .${modelIndex.rootOid}`);
    expect(r.stdout).to.match(/\.1\.3\.6\.1\.2\.1\.11\.1\.0 = Counter32: \d+/);
  });

  it('sets configuration: snmpset then snmpget, and it survives a restart of the bridge', async () => {
    const obj = `${MIB}::bcmNetPollInterval."net0"`;
    const s = await snmp('snmpset', a.target, [...V2W, '--', obj, 'u', '17']);
    expect(s.code, s.stderr).to.equal(0);
    const g = await snmp('snmpget', a.target, [...V2, '-Oqv', '--', obj]);
    expect(g.stdout.trim()).to.equal('17 seconds');
    expect(a.bridge.datastore.audit(1)[0]).to.include({ user: 'ops', source: 'snmp' });
    // same data dir, no seed: the running configuration is the one committed
    const dir = a.dataDir;
    await a.stop();
    a = await startAgent(undefined, dir);
    a.bridge.collector.apply([]);
    fillTree(a.bridge.tree, 2, 5, 6);
    fillEveryClass(a.bridge.tree);
    const g2 = await snmp('snmpget', a.target, [...V2, '-Oqv', '--', obj]);
    expect(g2.stdout.trim()).to.equal('17 seconds');
  });

  it('refuses a SET with the read-only community (noAccess), and changes nothing', async () => {
    const obj = `${MIB}::bcmNetPollInterval."net0"`;
    const s = await snmp('snmpset', a.target, [...V2, '--', obj, 'u', '3']);
    expect(s.code).to.not.equal(0);
    expect(s.stderr).to.contain('noAccess');
    const v1 = await snmp('snmpset', a.target, ['-v1', '-c', 'public', '--', obj, 'u', '3']);
    expect(v1.stderr).to.contain('noSuchName');
    const g = await snmp('snmpget', a.target, [...V2, '-Oqv', '--', obj]);
    expect(g.stdout.trim()).to.equal('17 seconds');
  });

  it('changes nothing when one value of a SET is invalid (all or nothing)', async () => {
    const before = JSON.stringify(a.bridge.running);
    const s = await snmp('snmpset', a.target, [...V2W, '--',
      `${MIB}::bcmNetDescription."net0"`, 's', 'new description',
      `${MIB}::bcmNetPollInterval."net1"`, 'u', '9',
      `${MIB}::bcmNetPollInterval."net0"`, 'u', '99999']);
    expect(s.code).to.not.equal(0);
    expect(s.stderr).to.contain('wrongValue');
    expect(s.stderr).to.contain('bcmNetPollInterval."net0"');
    expect(JSON.stringify(a.bridge.running)).to.equal(before);
    const g = await snmp('snmpget', a.target, [...V2, '-Oqv', '--', `${MIB}::bcmNetDescription."net0"`, `${MIB}::bcmNetPollInterval."net1"`]);
    expect(g.stdout.split('\n')[0]).to.equal('');
    expect(g.stdout.split('\n')[1]).to.equal('5 seconds');
  });

  it('SNMPv3 authPriv (SHA-256 + AES) reads and writes; a wrong key gets a Report and counts in usmStatsWrongDigests', async () => {
    const g = await snmp('snmpget', a.target, [...V3, '-Oqv', '--', 'sysName.0', `${MIB}::bcmNodeHeight."net0"."node1"`]);
    expect(g.code, g.stderr).to.equal(0);
    expect(g.stdout.split('\n')[1]).to.equal('123457 blocks');
    const s = await snmp('snmpset', a.target, [...V3, '--', `${MIB}::bcmNetPollInterval."net1"`, 'u', '8']);
    expect(s.code, s.stderr).to.equal(0);
    const wrongOid = '1.3.6.1.6.3.15.1.1.5.0';
    const count = async (): Promise<number> => Number((await snmp('snmpget', a.target, [...V2, '-Oqv', '--', wrongOid])).stdout.trim());
    const before = await count();
    const bad = V3.map((x) => (x === 'auth-pass-256' ? 'wrong-pass-256' : x));
    const w = await snmp('snmpget', a.target, [...bad, '-t', '1', '-r', '0', '--', 'sysName.0']);
    expect(w.code).to.not.equal(0);
    expect(w.stderr).to.contain('Authentication failure');
    expect(await count()).to.equal(before + 1);
    // MD5 + DES, read-only: reads, and a write is an authorizationError
    const m = ['-v3', '-l', 'authPriv', '-u', 'md5des', '-a', 'MD5', '-A', 'auth-pass-md5', '-x', 'DES', '-X', 'priv-pass-des'];
    const r = await snmp('snmpget', a.target, [...m, '-Oqv', '--', 'sysName.0']);
    expect(r.code, r.stderr).to.equal(0);
    const rw = await snmp('snmpset', a.target, [...m, '--', `${MIB}::bcmNetPollInterval."net1"`, 'u', '4']);
    expect(rw.stderr).to.contain('authorizationError');
  });

  it('keeps the engine ID and counts snmpEngineBoots across restarts; v3 keeps working', async () => {
    const boots = async (): Promise<[string, string]> => [
      (await snmp('snmpget', a.target, [...V2, '-Oqv', '--', '1.3.6.1.6.3.10.2.1.1.0'])).stdout,
      (await snmp('snmpget', a.target, [...V2, '-Oqv', '--', '1.3.6.1.6.3.10.2.1.2.0'])).stdout.trim(),
    ];
    const [id1, b1] = await boots();
    const dir = a.dataDir;
    await a.stop();
    a = await startAgent(undefined, dir);
    a.bridge.collector.apply([]);
    const [id2, b2] = await boots();
    expect(id2).to.equal(id1);
    expect(Number(b2)).to.equal(Number(b1) + 1);
    const g = await snmp('snmpget', a.target, [...V3, '-Oqv', '--', 'sysName.0']);
    expect(g.code, g.stderr).to.equal(0);
  });

  it('listens where configuration.snmpAddress/snmpPort say, and moves when a SET changes them', async () => {
    const [p1, p2] = [await freeUdpPort(), await freeUdpPort()];
    const bridge = new Bridge({ dataDir: tempDir(), log: () => undefined, seed: {
      configuration: { snmpPort: p1, snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }] },
    } });
    const view = createSnmpView(bridge);
    bridge.addView(view);
    await bridge.start();
    try {
      expect(view.port).to.equal(p1);
      expect(view.describe()).to.contain(`udp 127.0.0.1:${p1}`);
      const s = await snmp('snmpset', `127.0.0.1:${p1}`, ['-v2c', '-c', 'private', '--', `${MIB}::bcmCfgSnmpPort.0`, 'u', String(p2)]);
      expect(s.code, s.stderr).to.equal(0);
      for (let i = 0; i < 50 && view.port !== p2; i++) await new Promise((r) => setTimeout(r, 50));
      const g = await snmp('snmpget', `127.0.0.1:${p2}`, ['-v2c', '-c', 'private', '-Oqv', '--', `${MIB}::bcmCfgSnmpPort.0`]);
      expect(g.stdout.trim()).to.equal(String(p2));
      const old = await snmp('snmpget', `127.0.0.1:${p1}`, ['-v2c', '-c', 'private', '-t', '0.5', '-r', '0', '--', 'sysName.0']);
      expect(old.stderr).to.contain('Timeout');
    } finally { await bridge.stop(); }
  });
});
