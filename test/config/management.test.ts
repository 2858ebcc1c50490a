/**
 * Configuration management end to end (clause 7.2.1): runtime changes through NETCONF (ncclient) seen by
 * SNMP (snmpwalk), node actions on real litecoind nodes, all-or-nothing edits, roles.
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, BCM, READER, login, ncclient, usersConfig } from '../support/netconf';
import { snmp } from '../support/snmp';
import type { ToolResult } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';

const PASSWORD_ENV = 'BCM_TEST_LTC_PASSWORD_CM';

describe('configuration management through NETCONF and SNMP on litecoind', function () {
  this.timeout(240000);
  let ltc: LitecoinNetwork;
  let tb: TestBridge;
  let views: Composed;
  let bridge: Bridge;

  const nodeXml = (i: number): string => {
    const c = ltc.credentials(i);
    const auth = c.cookieFile ? `<cookie-file>${c.cookieFile}</cookie-file>` : `<username>${c.username}</username><password-env>${PASSWORD_ENV}</password-env>`;
    return `<node><name>n${i}</name><endpoint>${ltc.rpcUrl(i)}</endpoint>${auth}</node>`;
  };
  const cfg = (inner: string): string => `<config><managed-system xmlns="${BCM}"><network><name>ltc</name>${inner}</network></managed-system></config>`;
  // The agent runs in this process: the tools must run asynchronously (spawnSync would block its event loop).
  const walk = async (oid: string): Promise<string> => {
    const r = await snmp('snmpwalk', `127.0.0.1:${views.snmp.port}`, ['-v2c', '-c', 'public', '-t', '2', '-r', '1', '--', oid]);
    if (r.code !== 0) throw new Error(`snmpwalk failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async function () {
    requireLitecoind(this);
    requireNcclient(this);
    requireTool(this, 'snmpwalk', 'snmp');
    ltc = await LitecoinNetwork.start({ nodes: 3 });
    await ltc.mine(0, 101);
    await ltc.waitForSameTip();
    process.env[PASSWORD_ENV] = 'regtest-password';
    const node = (i: number): Record<string, string> => {
      const c = ltc.credentials(i);
      return { name: `n${i}`, endpoint: ltc.rpcUrl(i), ...(c.cookieFile ? { cookieFile: c.cookieFile } : { username: c.username!, passwordEnv: PASSWORD_ENV }) };
    };
    tb = await startBridge({
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1, nodes: [node(0), node(1)] }],
      configuration: usersConfig(),
      fault: { alarmPolicies: [{ type: 'ledgerSyncLag', raiseLevel: 2, clearLevel: 0, holdDown: 0 }, { type: 'blockProductionStalled', enabled: false }] },
    }, { setup: (b) => { views = composeBridge(b, { snmpPort: 0, sshPort: 0, httpPort: 0 }); } });
    bridge = tb.bridge;
  });
  after(async () => { await tb?.cleanup(); await ltc?.stopAll(); });

  it('a node added with edit-config is in snmpwalk within one poll; removed, its rows are gone', async () => {
    const [, add] = await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'edit_config', config: cfg(nodeXml(2)) }]);
    expect(add.ok, JSON.stringify(add.error)).to.equal(true);
    const t0 = Date.now();
    await until('n2 in the node table', async () => /bcmNodeReachability\."ltc"\."n2" = INTEGER: reachable/.test(await walk('bcmNodeReachability')), 10000, 200);
    expect(Date.now() - t0).to.be.below(4000);
    expect(await walk('bcmNlsHeight')).to.contain('"ltc"."main"."n2"');
    const [, del] = await ncclient(views.netconf.sshPort, [login(ADMIN),
      { op: 'edit_config', config: cfg(`<node xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete"><name>n2</name></node>`) }]);
    expect(del.ok, JSON.stringify(del.error)).to.equal(true);
    const all = await walk('bcmMIB');
    // No row indexed by n2 is left (log records that mention it are history, and stay).
    expect(all.split('\n').filter((l) => /\."n2"[.\s]/.test(l))).to.deep.equal([]);
    expect(all).to.contain('"n1"');
  });

  it('an edit with one invalid value among valid ones changes nothing', async () => {
    const before = bridge.running;
    const [, r] = await ncclient(views.netconf.sshPort, [login(ADMIN),
      { op: 'edit_config', config: cfg(`<poll-interval>3</poll-interval><description>changed</description><node><name>n0</name><endpoint>ftp://nowhere</endpoint></node>`) }]);
    expect(r.ok).to.equal(false);
    expect(r.error!.tag).to.equal('invalid-value');
    expect(r.error!.path).to.contain("bcm:node[bcm:name='n0']/bcm:endpoint");
    expect(bridge.running).to.deep.equal(before);
    expect(bridge.collector.networks.get('ltc')!.settings.pollInterval).to.equal(1);
  });

  it('a read-only user\'s edit is refused with access-denied', async () => {
    const [, r] = await ncclient(views.netconf.sshPort, [login(READER), { op: 'edit_config', config: cfg('<poll-interval>9</poll-interval>') }]);
    expect(r.ok).to.equal(false);
    expect(r.error!.tag).to.equal('access-denied');
  });

  it('a NETCONF lock holds off SNMP SETs too', async () => {
    const set = (): ReturnType<typeof snmp> => snmp('snmpset', `127.0.0.1:${views.snmp.port}`, ['-v2c', '-c', 'private', '-t', '2', '-r', '0', '--', 'bcmNetPollInterval."ltc"', 'u', '2']);
    bridge.commit({ ...bridge.running, configuration: { ...(bridge.running.configuration as object), snmpCommunities: [{ name: 'rw', community: 'private', access: 'admin' }] } }, { user: 'test', source: 'test' });
    let out: ToolResult | undefined;
    await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'lock', target: 'running' }, { op: 'wait', name: 'locked' }, { op: 'unlock', target: 'running' }],
      async () => { out = await set(); });
    expect(out!.stdout + out!.stderr).to.match(/inconsistentValue|resourceUnavailable|commitFailed/);
    expect(bridge.collector.networks.get('ltc')!.settings.pollInterval).to.equal(1);
    const ok = await set();
    expect(ok.code, ok.stderr).to.equal(0);
    expect(bridge.collector.networks.get('ltc')!.settings.pollInterval).to.equal(2);
  });

  it('set-network-active false through NETCONF: the node\'s peers drop, then ledgerSyncLag after mining elsewhere', async () => {
    const act = (body: string): string => `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>ltc</name><node><name>n1</name>${body}</node></network></managed-system></action>`;
    const [, r] = await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'rpc', xml: act('<set-network-active><active>false</active></set-network-active>') }]);
    expect(r.ok, JSON.stringify(r.error)).to.equal(true);
    const n1 = (): ReturnType<Bridge['tree']['find']> => bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['n1'] }]);
    await until('n1 without peers', () => n1()?.get('peerCount') === 0 && n1()!.list('peer').length === 0 && n1()!.get('networkActive') === false);
    await ltc.mine(0, 3);
    const alarm = await until('ledgerSyncLag on n1', () => bridge.tree.find([{ cls: 'fault' }])?.list('alarm')
      .find((a) => a.get('type') === 'ledgerSyncLag' && a.get('resource') === 'network/ltc/node/n1' && a.get('isCleared') === false));
    expect(String(alarm.get('alarmText'))).to.match(/behind/);
    const [, back] = await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'rpc', xml: act('<set-network-active><active>true</active></set-network-active>') },
      { op: 'rpc', xml: act(`<add-peer><address>${ltc.p2pAddress(0)}</address></add-peer>`) }]);
    expect(back.ok, JSON.stringify(back.error)).to.equal(true);
    await until('ledgerSyncLag cleared', () => bridge.tree.find([{ cls: 'fault' }])!.list('alarm')
      .some((a) => a.get('type') === 'ledgerSyncLag' && a.get('resource') === 'network/ltc/node/n1' && a.get('isCleared') === true), 30000);
  });

  it('set-log-level on a node through NETCONF is recorded on the node and in the log with the user', async () => {
    const act = `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>ltc</name><node><name>n0</name><set-log-level><level>debug</level></set-log-level></node></network></managed-system></action>`;
    const [, r] = await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'rpc', xml: act }]);
    expect(r.ok, JSON.stringify(r.error)).to.equal(true);
    const ctl = bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['n0'] }, { cls: 'nodeLogControl' }])!;
    expect(ctl.get('level')).to.equal('debug');
    expect(ctl.get('supported')).to.equal(true);
    const logging = await ltc.rpc<Record<string, boolean>>(0, 'logging');
    expect(Object.values(logging).every((on) => on)).to.equal(true);
    const rec = bridge.tree.find([{ cls: 'log' }])!.list('logRecord').find((l) => l.get('msgId') === 'ACTION' && String(l.get('message')).includes('setLogLevel'));
    expect(String(rec?.get('message'))).to.match(/^admin: setLogLevel/);
  });
});
