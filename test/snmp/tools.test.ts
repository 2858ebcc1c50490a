/**
 * The agent driven by Debian's net-snmp tools (snmpwalk, snmpbulkwalk, snmpbulkget, snmptable, snmpget,
 * snmpset) over UDP, as a manager would use it.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { mibAttributes, modelIndex } from '../../src/model';
import { mibAccess } from '../../src/snmp/mibview';
import { requireTool } from '../support/tools';
import { MIB, fillEveryClass, fillTree, freeUdpPort, snmp, startAgent, tempDir, walkLines } from '../support/snmp';
import { Bridge } from '../../src/bridge';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import type { ConfigObject } from '../../src/config/document';
import { startDemo } from '../../src/devchain/demo';
import type { Demo } from '../../src/devchain/demo';
import { createSnmpView } from '../../src/snmp';
import { LitecoinNetwork, freePort, requireLitecoind } from '../support/litecoind';
import type { TestAgent } from '../support/snmp';
import { until } from '../support/wait';

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

/**
 * Objects of the MIB that have no value on a live bridge on the demo chains and litecoind, by design, with
 * the reason. Every other readable column and scalar must have a value there.
 */
const BEACON_ONLY = 'beacon networks only (Beacon Node API): the dev chains and litecoind have no slots, epochs or validator records; test/chains/beacon.test.ts reads it with snmpget/snmptable on the Lodestar chain';

const ABSENT_BY_DESIGN: Readonly<Record<string, string>> = {
  bcmAlarmOperator: 'set only by an operator action on an alarm (RFC 8632 set-operator-state); the test takes none',
  bcmAlarmOperatorText: 'set only by an operator action on an alarm (RFC 8632 set-operator-state); the test takes none',
  bcmConsCommittedHeight: 'finality: proof-of-stake and BFT chains only; the dev chains seal instantly and litecoind is proof of work',
  bcmConsFaultTolerance: 'defined for validator and sealer sets (BFT, Clique); the dev chains have none and proof-of-work miners are no set',
  bcmValMissedSlots: 'in-turn slots (Clique) and proposer duties (beacon networks) only; the dev chains and litecoind have none',
  bcmNodeHashRate: 'the node\'s own hash rate: Hardhat has no eth_hashrate and Litecoin Core 0.21 reports none (its network rate is bcmConsNetworkHashRate)',
  bcmNodeLogLevel: 'no node reports its log level: it is known only once set by the setLogLevel action, which the test does not run',
  bcmNodePeerLimit: 'reported by admin_nodeInfo of a few Ethereum clients only; Hardhat and Litecoin Core report no peer limit',
  // Beacon networks (issue 13): values from the Beacon Node API.
  bcmConsEpoch: BEACON_ONLY,
  bcmConsEpochsSinceFinality: BEACON_ONLY,
  bcmConsFinalizedEpoch: BEACON_ONLY,
  bcmConsJustifiedEpoch: BEACON_ONLY,
  bcmConsParticipationRate: BEACON_ONLY,
  bcmConsSlot: BEACON_ONLY,
  bcmNodeHeadRoot: BEACON_ONLY,
  bcmNodeHeadSlot: BEACON_ONLY,
  bcmNodeHealth: BEACON_ONLY,
  bcmNodeSyncDistance: BEACON_ONLY,
  bcmPeerState: BEACON_ONLY,
  bcmValBalance: BEACON_ONLY,
  bcmValEffectiveBalance: BEACON_ONLY,
  bcmValIndex: BEACON_ONLY,
  bcmValMissedAttestations: BEACON_ONLY,
  bcmValOfflineEpochs: BEACON_ONLY,
  bcmValPublicKey: BEACON_ONLY,
  bcmValStatus: BEACON_ONLY,
};

describe('every readable object of the MIB on a live bridge (embedded demo chains and litecoind)', function () {
  this.timeout(240000);
  let demo: Demo | undefined;
  let ltc: LitecoinNetwork | undefined;
  let bridge: Bridge | undefined;
  let views: Composed | undefined;
  const dataDir = tempDir('bcm-snmp-live-');
  const PASSWORD_ENV = 'BCM_TOOLS_TEST_LTC_PASSWORD';

  before(async function () {
    requireTool(this, 'snmpwalk', 'snmp');
    requireLitecoind(this);
    ltc = await LitecoinNetwork.start({ nodes: 2 });
    await ltc.mine(0, 101);
    await ltc.waitForSameTip();
    const closedPort = await freePort();
    demo = await startDemo({ blockIntervalMs: [500, 700], messageIntervalMs: 1000, pollInterval: 1 });
    const doc = demo.doc;
    const networks = [...(doc.networks as ConfigObject[]), {
      name: 'ltc', platform: 'bitcoin', pollInterval: 1,
      nodes: [
        ...ltc.bridgeNodes(PASSWORD_ENV, 'l'),
        // A node that is down: its last error, and an alarm.
        { name: 'ldown', endpoint: `http://127.0.0.1:${closedPort}`, username: 'bcmgmt', passwordEnv: PASSWORD_ENV },
      ],
    }];
    const trapPort = await freeUdpPort();
    const syslogPort = await freeUdpPort();
    const seed: ConfigObject = {
      ...doc,
      networks,
      configuration: {
        snmpCommunities: [{ name: 'ro', community: 'public' }],
        notificationTargets: [{ name: 'nms', host: '127.0.0.1', port: trapPort, version: 'v2c', community: 'public', type: 'trap' }],
      },
      performance: {
        measurementJobs: [{ name: 'fast', granularity: 2 }],
        thresholds: [{ name: 'busy', job: 'fast', metric: 'blocks', direction: 'rising', raiseLevel: 1, clearLevel: 0 }],
      },
      log: {
        logTargets: [
          { name: 'collector', host: '127.0.0.1', port: syslogPort },
          // Nothing listens there: its last error.
          { name: 'refusing', host: '127.0.0.1', port: closedPort, transport: 'tcp' },
        ],
        logComponents: [{ name: 'collector', level: 'debug' }],
      },
    };
    bridge = new Bridge({ dataDir, seed, log: () => undefined });
    views = composeBridge(bridge, { snmpPort: 0, sshPort: 0, httpPort: 0 });
    await bridge.start();
    const b = bridge;
    await until('every node reachable, a closed interval, a relayed message', () => {
      const nodes = [...b.tree.instances('node')];
      const job = b.tree.find([{ cls: 'performance' }, { cls: 'measurementJob', keys: ['fast'] }]);
      const closed = job?.list('pmMonitored').some((p) => p.list('pmInterval').length > 0);
      const channel = b.tree.find([{ cls: 'network', keys: ['devnet-a'] }, { cls: 'crossChainChannel', keys: ['a-to-b'] }]);
      const up = nodes.filter((n) => n.keys[0] !== 'ldown');
      return up.length === 4 && up.every((n) => n.get('reachability') === 'reachable') && closed && Number(channel?.get('received') ?? 0) >= 2;
    }, 90000, 200);
    // A partitioned litecoind node whose branch wins: a reorganisation of the ledger (the bridge followed
    // l0's block), one of l0's own chain when it rejoins, and a fork tip.
    const ledger = (): ReturnType<typeof b.tree.find> => b.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'ledger', keys: ['main'] }]);
    await ltc.partition(1);
    await ltc.mine(0, 1);
    await until('the ledger at l0\'s block 102', () => ledger()?.get('height') === 102n, 20000);
    await ltc.mine(1, 2);
    await until('the ledger reorganised onto l1\'s branch', () => ledger()?.get('reorgCount') === 1n, 20000);
    await ltc.heal(1);
    await ltc.waitForSameTip();
    await until('l0 reorganised', () => ledger()?.child('nodeLedgerState', ['l0'])?.get('reorgCount') === 1n, 20000);
  });

  after(async function () {
    this.timeout(60000);
    await bridge?.stop().catch(() => undefined);
    await demo?.stop().catch(() => undefined);
    await ltc?.stopAll();
    delete process.env[PASSWORD_ENV];
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a value of every readable column and scalar, or lists it as absent by design with the reason', async () => {
    const r = await snmp('snmpbulkwalk', `127.0.0.1:${views!.snmp.port}`, ['-v2c', '-c', 'public', '-Cr50', '--', modelIndex.rootOid], { timeoutMs: 120000 });
    expect(r.code, r.stderr).to.equal(0);
    const seen = new Set<string>();
    for (const l of walkLines(r.stdout)) {
      const m = /^BLOCKCHAIN-MGMT-MIB::(bcm\w+)[.[]/.exec(l);
      if (m) seen.add(m[1]);
    }
    const objects = [...readableDescriptors().keys()];
    const missing = objects.filter((n) => !seen.has(n) && !(n in ABSENT_BY_DESIGN)).sort();
    expect(missing, `readable objects without a value on the live bridge (give them one, or list them in ABSENT_BY_DESIGN with the reason):\n${missing.join('\n')}`).to.deep.equal([]);
    // The list is exact: an object it names that has a value now is no longer absent.
    const shown = Object.keys(ABSENT_BY_DESIGN).filter((n) => seen.has(n)).sort();
    expect(shown, `objects listed in ABSENT_BY_DESIGN that have a value now:\n${shown.join('\n')}`).to.deep.equal([]);
    const unknown = Object.keys(ABSENT_BY_DESIGN).filter((n) => !objects.includes(n));
    expect(unknown, 'ABSENT_BY_DESIGN names objects the MIB does not have').to.deep.equal([]);
  });
});
