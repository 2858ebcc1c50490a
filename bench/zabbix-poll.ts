/**
 * Zabbix polling cost (issue 14): a real Zabbix 6.0 (test/support/zabbix.ts) with the generated template
 * polls an agent over a synthetic tree of 100 nodes x 20 peers (5 networks x 20 nodes) every 30 s:
 * - SNMP requests the agent receives per polling cycle (snmpInPkts, read before and after N cycles);
 * - the agent process's CPU over those cycles (utime + stime from /proc);
 * - how long discovery takes to create the items, and how many there are.
 * The agent runs in its own process. Everything on loopback; everything stopped at the end.
 * Run (as root, Debian packages of docs/nms.md installed): npm run build && node dist/bench/zabbix-poll.js [cycles, default 3]
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZABBIX_TEMPLATE_FILE, ZABBIX_TEMPLATE_NAME } from '../tools/render/zabbix';
import { runSyntheticAgent, snmp } from '../test/support/snmp';
import { projectRoot } from '../test/support/tools';
import { ZabbixTestBed } from '../test/support/zabbix';

const NETWORKS = 5;
const NODES_PER_NETWORK = 20;
const PEERS = 20;
const INTERVAL_S = 30;


/** CPU seconds (user + system) of a process. */
function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function inPkts(port: number): Promise<number> {
  const r = await snmp('snmpget', `127.0.0.1:${port}`, ['-v2c', '-c', 'public', '-Oqv', '--', '1.3.6.1.2.1.11.1.0']);
  return Number(r.stdout.trim());
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const cycles = Number(process.argv[2] ?? '3');
  const child = fork(__filename, ['--agent'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const agent = await new Promise<{ port: number; pid: number }>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { port: number; pid: number })));
  let zbx: ZabbixTestBed | undefined;
  try {
    zbx = await ZabbixTestBed.start();
    await zbx.login();
    await zbx.api('host.update', { hostid: '10084', status: 1 });
    const create = { createMissing: true, updateExisting: true };
    await zbx.api('configuration.import', {
      format: 'yaml', source: fs.readFileSync(path.join(projectRoot, ZABBIX_TEMPLATE_FILE), 'utf8'),
      rules: { groups: { createMissing: true }, templates: create, items: create, discoveryRules: create, triggers: create, graphs: create, valueMaps: create },
    });
    const [tpl] = await zbx.api<{ templateid: string }[]>('template.get', { filter: { host: ZABBIX_TEMPLATE_NAME } });
    const group = await zbx.api<{ groupids: string[] }>('hostgroup.create', { name: 'bench' });
    const t0 = Date.now();
    const { hostids } = await zbx.api<{ hostids: string[] }>('host.create', {
      host: 'bench-bridge', groups: [{ groupid: group.groupids[0] }], templates: [{ templateid: tpl.templateid }],
      interfaces: [{ type: 2, main: 1, useip: 1, ip: '127.0.0.1', dns: '', port: String(agent.port), details: { version: 2, bulk: 1, community: '{$SNMP_COMMUNITY}' } }],
      macros: [{ macro: '{$BCM.INTERVAL}', value: `${INTERVAL_S}s` }, { macro: '{$BCM.LLD.INTERVAL}', value: `${INTERVAL_S}s` }],
    });
    // Discovery done: the item count stops growing for two intervals (at most 10 minutes).
    let items = 0;
    let stableSince = Date.now();
    while (Date.now() - stableSince < 2 * INTERVAL_S * 1000 && Date.now() - t0 < 600000) {
      await sleep(5000);
      const n = Number(await zbx.api<string>('item.get', { hostids: hostids[0], countOutput: true }));
      if (n !== items) { items = n; stableSince = Date.now(); }
    }
    const discoveredS = (stableSince - t0) / 1000;
    const p0 = await inPkts(agent.port);
    const c0 = cpuSeconds(agent.pid);
    const w0 = Date.now();
    await sleep(cycles * INTERVAL_S * 1000);
    const seconds = (Date.now() - w0) / 1000;
    const requests = (await inPkts(agent.port)) - p0 - 1;
    const cpu = cpuSeconds(agent.pid) - c0;
    const polled = await zbx.api<{ lastclock: string; state: string; type: string }[]>('item.get', { hostids: hostids[0], output: ['lastclock', 'state', 'type'] });
    const snmpItems = polled.filter((i) => i.type === '20');
    const withValue = snmpItems.filter((i) => i.state === '0' && Number(i.lastclock) * 1000 >= w0).length;
    const unsupported = snmpItems.filter((i) => i.state !== '0').length;
    console.log(`tree: ${NETWORKS * NODES_PER_NETWORK} nodes x ${PEERS} peers; host items ${items}, discovered in ${discoveredS.toFixed(0)} s`);
    console.log(`SNMP items with a value from the measured cycles: ${withValue} of ${snmpItems.length} (${unsupported} not supported)`);
    console.log(`SNMP requests per ${INTERVAL_S} s cycle: ${(requests / (seconds / INTERVAL_S)).toFixed(0)} (${requests} in ${seconds.toFixed(0)} s, includes discovery walks every ${INTERVAL_S} s)`);
    console.log(`agent CPU while Zabbix polls: ${((cpu / seconds) * 100).toFixed(1)} % of one core (${cpu.toFixed(2)} s in ${seconds.toFixed(0)} s)`);
  } finally {
    await zbx?.stop();
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--agent')) void runSyntheticAgent(NETWORKS, NODES_PER_NETWORK, PEERS);
else void main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
