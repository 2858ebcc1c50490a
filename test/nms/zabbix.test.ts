/**
 * The generated Zabbix template against a real Zabbix 6.0 (Debian's zabbix-server-pgsql, PostgreSQL and the
 * frontend's API under php -S): the template imports through configuration.import with nothing but a
 * result; a host with an SNMP interface to a bridge watching a three-node litecoind regtest network gets the
 * node items by discovery, with readable names, and the node height item's last value is the chain's
 * getblockcount (±1); a stopped node becomes a Zabbix problem with the alarm type's default severity, from
 * the bcmAlarmRaised trap that snmptrapd hands to our traphandle, and the problem resolves when the node
 * is back (bcmAlarmCleared). Everything on loopback; everything started is stopped at the end.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { Bridge } from '../../src/bridge';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import { model, modelIndex } from '../../src/model';
import { ZABBIX_PRIORITY, ZABBIX_PRIORITY_NUMBER } from '../../tools/render/zabbix-traps';
import { ZABBIX_TEMPLATE_FILE, ZABBIX_TEMPLATE_NAME, discoveredTables } from '../../tools/render/zabbix';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { startTrapd } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { projectRoot, requireTool } from '../support/tools';
import { until } from '../support/wait';
import { ZabbixTestBed, requireZabbix } from '../support/zabbix';

const PASSWORD_ENV = 'BCM_TEST_LTC_PASSWORD_ZBX';
const N2 = 'network/ltc/node/n2';

interface ZItem { itemid: string; name: string; key_: string; lastvalue: string; lastclock: string; state: string; error: string }
interface ZProblem { eventid: string; name: string; severity: string; r_eventid: string; clock: string; tags: { tag: string; value: string }[] }

describe('Zabbix 6.0 with the generated template, polling and receiving traps from a bridge on litecoind', function () {
  this.timeout(240000);
  let zbx: ZabbixTestBed | undefined;
  let ltc: LitecoinNetwork | undefined;
  let trapd: Daemon | undefined;
  let tb: TestBridge | undefined;
  let views: Composed;
  let hostid = '';
  const bridge = (): Bridge => tb!.bridge;

  before(async function () {
    requireZabbix(this);
    requireLitecoind(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    this.timeout(200000);
    const t0 = Date.now();
    // Both at once; whichever starts is kept for after() even when the other fails.
    const [bed, net] = await Promise.allSettled([
      ZabbixTestBed.start().then((b) => { zbx = b; return b; }),
      LitecoinNetwork.start({ nodes: 3 }).then(async (n) => { ltc = n; await n.mine(0, 5); await n.waitForSameTip(); return n; }),
    ]);
    if (bed.status === 'rejected') throw bed.reason;
    if (net.status === 'rejected') throw net.reason;
    console.log(`      Zabbix test bed (PostgreSQL, schema, zabbix_server, API) and litecoind up in ${Date.now() - t0} ms`);
    const handler = path.join(projectRoot, 'dist', 'tools', 'zabbix-traphandle.js');
    trapd = await startTrapd(['authCommunity log,execute,net public', `traphandle default ${process.execPath} ${handler} ${zbx!.trapperFile}`]);
    tb = await startBridge({
      configuration: {
        rpcTimeout: 2000,
        notificationTargets: [{ name: 'zabbix', host: '127.0.0.1', port: trapd.port, community: 'public' }],
      },
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: ltc!.bridgeNodes(PASSWORD_ENV),
      }],
      fault: { alarmPolicies: [{ type: 'blockProductionStalled', enabled: false }, { type: 'peerCountLow', enabled: false }] },
    }, { setup: (b) => { views = composeBridge(b, { snmpPort: 0, sshPort: 0, httpPort: 0 }); } });
    await until('n0, n1 and n2 reachable', () => ['n0', 'n1', 'n2'].every((n) =>
      bridge().tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: [n] }])?.get('reachability') === 'reachable'), 30000, 100);
    await zbx!.login();
    // The server's own host polls an agent that is not there.
    await zbx!.api('host.update', { hostid: '10084', status: 1 });
  });

  after(async function () {
    this.timeout(120000);
    await tb?.cleanup().catch(() => undefined);
    await trapd?.stop().catch(() => undefined);
    await ltc?.stopAll().catch(() => undefined);
    await zbx?.stop().catch(() => undefined);
    delete process.env[PASSWORD_ENV];
  });

  it('imports the template through configuration.import with nothing but a result', async () => {
    const source = fs.readFileSync(path.join(projectRoot, ZABBIX_TEMPLATE_FILE), 'utf8');
    const create = { createMissing: true, updateExisting: true };
    const response = await zbx!.rawApi('configuration.import', {
      format: 'yaml', source,
      rules: { groups: { createMissing: true }, templates: create, items: create, discoveryRules: create, triggers: create, graphs: create, valueMaps: create },
    });
    expect(response.error, JSON.stringify(response.error)).to.equal(undefined);
    expect(Object.keys(response).sort()).to.deep.equal(['id', 'jsonrpc', 'result']);
    expect(response.result).to.equal(true);
    const [tpl] = await zbx!.api<{ templateid: string; items: unknown[]; discoveries: unknown[]; triggers: unknown[] }[]>('template.get', {
      filter: { host: ZABBIX_TEMPLATE_NAME }, selectItems: ['itemid'], selectDiscoveries: ['itemid'], selectTriggers: ['triggerid'],
    });
    const exported = parse(source) as { zabbix_export: { templates: { items: unknown[]; discovery_rules: unknown[] }[] } };
    expect(tpl.items.length).to.equal(exported.zabbix_export.templates[0].items.length);
    expect(tpl.discoveries.length).to.equal(discoveredTables(modelIndex).length + 1); // and the alarm discovery
    expect(tpl.triggers.length).to.equal(model.alarmTypes.length);
  });

  it('discovers the nodes with readable names; each node height item reads getblockcount (±1)', async () => {
    const [tpl] = await zbx!.api<{ templateid: string }[]>('template.get', { filter: { host: ZABBIX_TEMPLATE_NAME } });
    const group = await zbx!.api<{ groupids: string[] }>('hostgroup.create', { name: 'bcmgmt bridges' });
    const t0 = Date.now();
    const created = await zbx!.api<{ hostids: string[] }>('host.create', {
      host: 'bcmgmt-bridge', groups: [{ groupid: group.groupids[0] }], templates: [{ templateid: tpl.templateid }],
      interfaces: [{ type: 2, main: 1, useip: 1, ip: '127.0.0.1', dns: '', port: String(views.snmp.port), details: { version: 2, bulk: 1, community: '{$SNMP_COMMUNITY}' } }],
      macros: [{ macro: '{$BCM.INTERVAL}', value: '5s' }, { macro: '{$BCM.LLD.INTERVAL}', value: '10s' }, { macro: '{$BCM.ALARM.LLD.INTERVAL}', value: '5s' }],
    });
    hostid = created.hostids[0];
    const heights = await until('the discovered node height items of n0, n1 and n2', async () => {
      const items = await zbx!.api<ZItem[]>('item.get', { hostids: hostid, search: { key_: 'bcm.node.height[' }, output: ['itemid', 'name', 'key_', 'lastvalue', 'lastclock', 'state', 'error'] });
      return items.length === 3 ? items : undefined;
    }, 90000, 1000).catch((e: Error) => { throw new Error(`${e.message}\n${zbx!.logTail()}`); });
    console.log(`      node items discovered ${Date.now() - t0} ms after host.create`);
    expect(heights.map((i) => i.name).sort()).to.deep.equal(['Node ltc/n0: height', 'Node ltc/n1: height', 'Node ltc/n2: height']);
    await zbx!.checkNow(heights.map((i) => i.itemid));
    await until('a value for every node height item', async () => {
      const items = await zbx!.api<ZItem[]>('item.get', { itemids: heights.map((i) => i.itemid), output: ['lastclock', 'state', 'error'] });
      return items.every((i) => i.lastclock !== '0');
    }, 60000, 1000).catch((e: Error) => { throw new Error(`${e.message}\n${zbx!.logTail()}`); });
    console.log(`      node heights polled ${Date.now() - t0} ms after host.create`);
    const chain = await ltc!.rpc<number>(0, 'getblockcount');
    const items = await zbx!.api<ZItem[]>('item.get', { itemids: heights.map((i) => i.itemid), output: ['name', 'lastvalue', 'state', 'error'] });
    for (const i of items) {
      expect(i.state, `${i.name}: ${i.error}`).to.equal('0');
      expect(Math.abs(Number(i.lastvalue) - chain), `${i.name} = ${i.lastvalue}, getblockcount ${chain}`).to.be.at.most(1);
    }
  });

  it('a stopped node is a problem with the alarm type\'s severity, from the trap, resolved when the node is back', async () => {
    expect(hostid, 'the host of the previous test').to.not.equal('');
    const severity = ZABBIX_PRIORITY_NUMBER[ZABBIX_PRIORITY[model.alarmTypes.find((t) => t.name === 'nodeUnreachable')!.defaultSeverity]];
    const problems = (recent: boolean): Promise<ZProblem[]> => zbx!.api<ZProblem[]>('problem.get', {
      hostids: hostid, recent, selectTags: 'extend', tags: [{ tag: 'resource', value: N2, operator: 1 }], output: 'extend',
    });
    const stopped = Date.now();
    await ltc!.stop(2);
    const [problem] = await until('a Zabbix problem about n2', async () => { const p = await problems(false); return p.length ? p : undefined; }, 60000, 500)
      .catch((e: Error) => { throw new Error(`${e.message}\ntrapper file:\n${fs.readFileSync(zbx!.trapperFile, 'utf8')}\n${zbx!.logTail()}`); });
    console.log(`      problem "${problem.name}" (severity ${problem.severity}) ${Date.now() - stopped} ms after n2 stopped (from the bcmAlarmRaised trap)`);
    expect(Number(problem.severity)).to.equal(severity);
    expect(problem.tags).to.deep.include.members([{ tag: 'alarm_type', value: 'nodeUnreachable' }, { tag: 'source', value: 'trap' }]);
    expect(problem.name).to.include(N2);
    expect(fs.readFileSync(zbx!.trapperFile, 'utf8')).to.match(/ZBXTRAP 127\.0\.0\.1\n(.*\n)*snmpTrapOID\.0 = bcmAlarmRaised\n/);
    // The polled backup: the alarm table's discovery makes the nodeUnreachable trigger prototype's trigger for
    // n2's alarm (and no other type's), at the same severity.
    const polled = await until('the polled trigger of n2\'s alarm discovered', async () => {
      const t = await zbx!.api<{ triggerid: string; description: string; priority: string }[]>('trigger.get', {
        hostids: hostid, search: { description: 'on network/ltc/node/n2 (polled)' }, output: ['description', 'priority'],
      });
      return t.length ? t : undefined;
    }, 60000, 1000);
    expect(polled.map((t) => t.description)).to.deep.equal(['Alarm nodeUnreachable on network/ltc/node/n2 (polled)']);
    expect(Number(polled[0].priority)).to.equal(severity);
    // Once the polled alarm item has a value, still one problem: the trap's (the polled trigger saw the trap).
    await until('a value of n2\'s polled alarm state', async () => {
      const items = await zbx!.api<ZItem[]>('item.get', { hostids: hostid, search: { key_: 'bcm.alarm.isCleared[' }, output: ['name', 'lastclock', 'lastvalue'] });
      return items.some((i) => i.name.includes(N2) && i.lastclock !== '0' && i.lastvalue === '2');
    }, 60000, 1000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await problems(false)).map((p) => p.eventid), 'one problem for the alarm').to.deep.equal([problem.eventid]);
    expect(zbx!.logTail(100000), 'the server evaluated the template\'s regular expressions').to.not.match(/regexp_exec\(\) failed/);

    const restarted = Date.now();
    await ltc!.start(2);
    await until('the n2 problem resolved', async () => {
      const p = (await problems(true)).find((x) => x.eventid === problem.eventid);
      return p && p.r_eventid !== '0';
    }, 60000, 500);
    console.log(`      problem resolved ${Date.now() - restarted} ms after n2 was started again (bcmAlarmCleared trap)`);
    expect(await problems(false)).to.deep.equal([]);
  });

  it('with its traps lost, a stopped node is still a problem with the same severity, from the polled alarm table', async () => {
    expect(hostid, 'the host of the previous tests').to.not.equal('');
    const severity = ZABBIX_PRIORITY_NUMBER[ZABBIX_PRIORITY[model.alarmTypes.find((t) => t.name === 'nodeUnreachable')!.defaultSeverity]];
    const n1 = 'network/ltc/node/n1';
    const problems = (recent: boolean): Promise<ZProblem[]> => zbx!.api<ZProblem[]>('problem.get', {
      hostids: hostid, recent, selectTags: 'extend', tags: [{ tag: 'resource', value: n1, operator: 1 }], output: 'extend',
    });
    await trapd!.stop();
    const stopped = Date.now();
    await ltc!.stop(1);
    const [problem] = await until('a polled Zabbix problem about n1', async () => { const p = await problems(false); return p.length ? p : undefined; }, 90000, 1000)
      .catch((e: Error) => { throw new Error(`${e.message}\n${zbx!.logTail()}`); });
    console.log(`      problem "${problem.name}" (severity ${problem.severity}) ${Date.now() - stopped} ms after n1 stopped, no trap (alarm discovery every 5 s, polls every 5 s)`);
    expect(Number(problem.severity)).to.equal(severity);
    expect(problem.tags).to.deep.include.members([{ tag: 'alarm_type', value: 'nodeUnreachable' }, { tag: 'source', value: 'poll' }]);
    expect(problem.name).to.equal(`Alarm nodeUnreachable on ${n1} (polled)`);
    await ltc!.start(1);
    await until('the polled n1 problem resolved', async () => {
      const p = (await problems(true)).find((x) => x.eventid === problem.eventid);
      return p && p.r_eventid !== '0';
    }, 60000, 1000);
  });
});
