/**
 * Helpers of the SNMP tests and bench: a bridge with the SNMP view in a temp data dir, a tree filled by
 * hand, Debian's net-snmp tools run asynchronously (the agent answers in this very process, so a
 * synchronous spawn would deadlock), and snmptrapd / snmpd on free loopback ports.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { mibAttributes, modelIndex } from '../../src/model';
import type { ScalarType } from '../../src/model';
import type { InstanceTree, PathSeg, Scalar, Value } from '../../src/state/tree';
import { ourMibDir, projectRoot, standardMibDir } from './tools';

export const MIB = 'BLOCKCHAIN-MGMT-MIB';

export function tempDir(prefix = 'bcm-snmp-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const persistDir = tempDir('bcm-snmp-persist-');

/** Environment for the net-snmp tools: our MIB and the standard ones, a private persistent dir. */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, MIBDIRS: `${standardMibDir}:${ourMibDir}`, MIBS: '', SNMP_PERSISTENT_DIR: persistDir, SNMPCONFPATH: persistDir, ...extra };
}

export interface ToolResult { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly ms: number }

/** Runs a tool without blocking the event loop. */
export function run(cmd: string, args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: opts.env ?? toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0 });
    });
  });
}

/** SNMPv2-TC DateAndTime in UTC as the net-snmp tools print it ("2026-12-2,6:53:6.0,+0:0") → ms since the epoch. */
export function dateAndTime(text: string): number {
  const m = /^(\d+)-(\d+)-(\d+),(\d+):(\d+):(\d+)\.(\d),\+0:0$/.exec(text.trim());
  if (!m) throw new Error(`not a DateAndTime in UTC: ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, sec, ds] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, sec, ds * 100);
}

/** A tool with our MIB loaded, against host:port. */
export function snmp(tool: string, target: string, args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<ToolResult> {
  return run(tool, ['-m', `${MIB}:SNMPv2-MIB`, ...splitArgs(args, target)], opts);
}

/** Options first, then the agent, then the OIDs (the tools want that order): args are [...options, '--', ...oids]. */
function splitArgs(args: readonly string[], target: string): string[] {
  const i = args.indexOf('--');
  return i < 0 ? [...args, target] : [...args.slice(0, i), target, ...args.slice(i + 1)];
}

/** Runs test/support/pysnmp_client.py (pysnmp under /usr/bin/python3) and parses its JSON answer. */
export async function pysnmp<T>(args: readonly string[]): Promise<T> {
  const r = await run('/usr/bin/python3', [path.join(projectRoot, 'test', 'support', 'pysnmp_client.py'), ...args], { timeoutMs: 30000 });
  if (r.code !== 0) throw new Error(`pysnmp_client.py ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Size and varbinds of the answer a net-snmp tool received (run with -d and -On): "Received N byte packet" lines. */
export function receivedPackets(out: string): number[] {
  return [...out.matchAll(/^Received (\d+) byte packet/gm)].map((m) => Number(m[1]));
}

/** Number of varbinds printed by a net-snmp tool run with -On (one line per varbind starting with its OID). */
export function printedVarbinds(stdout: string): number {
  return stdout.split('\n').filter((l) => /^\.\d/.test(l)).length;
}

export interface TestAgent {
  readonly bridge: Bridge;
  readonly view: SnmpView;
  readonly dataDir: string;
  /** "127.0.0.1:port" */
  readonly target: string;
  stop(): Promise<void>;
}

/** Starts a bridge with the SNMP view (free port) on a data dir with a seed configuration. */
export async function startAgent(seed: ConfigObject | undefined, dataDir = tempDir(), opts: { port?: number } = {}): Promise<TestAgent> {
  const bridge = new Bridge({ dataDir, seed, log: () => undefined });
  const view = createSnmpView(bridge, { port: opts.port ?? 0, address: '127.0.0.1' });
  bridge.addView(view);
  await bridge.start();
  return { bridge, view, dataDir, target: `127.0.0.1:${view.port}`, stop: () => bridge.stop() };
}

/** Fills a tree by hand: networks × nodes × peers with state values (no chain needed). */
export function fillTree(tree: InstanceTree, networks: number, nodes: number, peers: number): void {
  const now = Date.now();
  for (let n = 0; n < networks; n++) {
    const net = `net${n}`;
    tree.set([{ cls: 'network', keys: [net] }], { platform: 'ethereum', chainId: String(1337 + n), operState: 'enabled', nodeCount: nodes, bestHeight: 1000n + BigInt(n) });
    for (let d = 0; d < nodes; d++) {
      const np = [{ cls: 'network', keys: [net] }, { cls: 'node', keys: [`node${d}`] }];
      tree.set(np, {
        endpoint: `http://10.0.${n}.${d}:8545`, operState: 'enabled', reachability: 'reachable', stale: false, lastObserved: now,
        clientVersion: 'Geth/v1.13.0-stable/linux-amd64/go1.21', height: 123456n + BigInt(d), syncing: false, peerCount: peers,
        gasPrice: '1000000000', rpcLatency: 3, rpcErrors: 0n,
      });
      tree.set([...np, { cls: 'txPool' }], { pending: 5n, queued: 1n });
      for (let p = 1; p <= peers; p++) {
        tree.set([...np, { cls: 'peer', keys: [p] }], {
          peerId: `enode://${p.toString(16).padStart(8, '0')}`, address: `10.1.${d}.${p}:30303`, direction: p % 2 ? 'inbound' : 'outbound',
          clientVersion: 'Geth/v1.13.0', connectedSince: now - p * 1000, pingTime: 250 + p, bytesIn: BigInt(p * 1000), bytesOut: BigInt(p * 900), peerHeight: 123456n,
        });
      }
    }
  }
}

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface Daemon {
  readonly port: number;
  readonly pid: number;
  readonly output: () => string;
  /** Resolves when the output matches (counting matches >= n), rejects after timeoutMs. */
  waitFor(re: RegExp, timeoutMs?: number, n?: number): Promise<string>;
  stop(): Promise<void>;
}

function daemon(cmd: string, args: string[], port: number, env: NodeJS.ProcessEnv): Daemon {
  const p: ChildProcess = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer): void => { out += d.toString('utf8'); for (const w of [...waiters]) w(); };
  p.stdout!.on('data', onData);
  p.stderr!.on('data', onData);
  p.on('close', () => { out += `\n[exited with ${p.exitCode}]\n`; for (const w of [...waiters]) w(); });
  return {
    port,
    pid: p.pid ?? 0,
    output: () => out,
    waitFor: (re, timeoutMs = 10000, n = 1) => new Promise((resolve, reject) => {
      const count = (): number => (out.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length;
      const check = (): void => {
        if (p.exitCode !== null && count() < n) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); reject(new Error(`${cmd} exited:\n${out}`)); return; }
        if (count() >= n) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); resolve(out); }
      };
      const timer = setTimeout(() => { waiters.splice(waiters.indexOf(check), 1); reject(new Error(`timeout waiting for ${re} in:\n${out}`)); }, timeoutMs);
      waiters.push(check);
      check();
    }),
    stop: () => new Promise((resolve) => {
      if (p.exitCode !== null) { resolve(); return; }
      p.once('close', () => resolve());
      p.kill('SIGTERM');
    }),
  };
}

/** snmptrapd in the foreground on a free loopback port, logging to stdout, with the given configuration lines. */
export async function startTrapd(conf: readonly string[]): Promise<Daemon> {
  const dir = tempDir('bcm-trapd-');
  const port = await freeUdpPort();
  fs.writeFileSync(path.join(dir, 'snmptrapd.conf'), conf.join('\n') + '\n');
  const d = daemon('/usr/sbin/snmptrapd', ['-f', '-Lo', '-C', '-c', path.join(dir, 'snmptrapd.conf'), '-m', `${MIB}:SNMPv2-MIB`, `udp:127.0.0.1:${port}`], port,
    toolEnv({ SNMP_PERSISTENT_DIR: dir }));
  await d.waitFor(/NET-SNMP version/);
  return d;
}

/**
 * snmptrapd accepting community public and logging one line per notification, "%P|%v": the PDU kind (TRAP2 or
 * INFORM) and community, then the varbinds (the format test/fault/traps.ts parses).
 */
export function startAlarmTrapd(): Promise<Daemon> {
  return startTrapd(['authCommunity log,execute,net public', 'format2 %P|%v\\n']);
}

/** A notificationTargets entry of the configuration: v2c traps, community public, to this snmptrapd. */
export function trapdTarget(trapd: Daemon, name = 'trapd'): { name: string; host: string; port: number; community: string } {
  return { name, host: '127.0.0.1', port: trapd.port, community: 'public' };
}

/** Debian's snmpd in the foreground on a free loopback port with a read-only community and a view of everything. */
export async function startSnmpd(community = 'public'): Promise<Daemon> {
  const dir = tempDir('bcm-snmpd-');
  const port = await freeUdpPort();
  fs.writeFileSync(path.join(dir, 'snmpd.conf'), [
    `rocommunity ${community} 127.0.0.1 -V all`,
    'view all included .1',
  ].join('\n') + '\n');
  const d = daemon('/usr/sbin/snmpd', ['-f', '-Lo', '-C', '-c', path.join(dir, 'snmpd.conf'), '-M', '/nonexistent', '-m', '', `udp:127.0.0.1:${port}`], port,
    toolEnv({ SNMP_PERSISTENT_DIR: dir }));
  await d.waitFor(/NET-SNMP version/);
  return d;
}

/** A conceptual table as snmptable -Cb -Ci -Cf '|' prints it: the brief column names, and the rows (column name -> text) by printed index. */
export interface SnmpTable { readonly headers: string[]; readonly rows: Map<string, Record<string, string>> }

/** Parses snmptable -Cb -Ci -Cf '|' output; throws (naming the table) without a header line or on a row of another width. */
export function parseSnmpTable(stdout: string, table: string): SnmpTable {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const h = lines.findIndex((l) => l.startsWith('index|'));
  if (h < 0) throw new Error(`${table}: no header line in\n${stdout}`);
  const headers = lines[h].split('|');
  const rows = new Map<string, Record<string, string>>();
  for (const l of lines.slice(h + 1)) {
    const cells = l.split('|');
    if (cells.length !== headers.length) throw new Error(`${table}: row with ${cells.length} cells for ${headers.length} columns: ${l}`);
    rows.set(cells[0], Object.fromEntries(headers.map((name, i) => [name, cells[i]])));
  }
  return { headers, rows };
}

/** Lines "OID = TYPE: value" of a walk's output, for comparisons. */
export function walkLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

/** A sample value of every scalar type (valid for the type's constraints). */
export function sampleValue(t: ScalarType, i: number): Value {
  switch (t.base) {
    case 'name': return `k${i}`;
    case 'text': return `text ${i}`.slice(0, t.maxLength ?? 255);
    case 'hex': return '0x' + 'ab'.repeat(t.fixedLength ?? Math.min(8, t.maxLength ?? 8));
    case 'bigDecimal': return '123456789012345678901234567890';
    case 'int32': return Math.max(t.min ?? -5, Math.min(t.max ?? 5, -5));
    case 'uint32': return Math.max(t.min ?? 0, Math.min(t.max ?? 4294967295, i + 1));
    case 'gauge32': return 42;
    case 'counter64': return 18446744073709551615n;
    case 'gauge64': return 1234567890123n;
    case 'milli': return 2.5;
    case 'level': return 7.25;
    case 'boolean': return true;
    case 'enum': return t.values[t.values.length - 1].name;
    case 'timestamp': return Date.UTC(2025, 0, 2, 3, 4, 5, 600);
    case 'uri': return 'http://127.0.0.1:8545';
    case 'alarmType': return modelIndex.model.alarmTypes[0].name;
    case 'resource': return 'network/k1/node/k2';
  }
}

/**
 * One instance of every class rendered in the MIB, with a value for every MIB attribute: a tree that
 * exercises every type and every INDEX encoding of the model.
 */
export function fillEveryClass(tree: InstanceTree): number {
  let n = 0;
  for (const cls of modelIndex.model.classes) {
    if (modelIndex.mibRendering(cls) === 'none') continue;
    const path: PathSeg[] = [];
    for (const c of modelIndex.ancestry(cls).slice(1)) {
      const keys = (c.keys ?? []).map((k, j) => sampleValue(modelIndex.attr(c, k).type, j + 1) as Scalar);
      path.push(keys.length ? { cls: c.name, keys } : { cls: c.name });
    }
    const values: Record<string, Value> = {};
    mibAttributes(cls).forEach((a, j) => { if (!(cls.keys ?? []).includes(a.name)) values[a.name] = sampleValue(a.type, j); });
    tree.set(path, values);
    n++;
  }
  return n;
}

/**
 * The child role of the SNMP benchmarks (bench/snmp-walk.ts, bench/zabbix-poll.ts): an agent (community
 * public from loopback) over a synthetic tree of networks x nodes x peers; prints its port and pid as one
 * JSON line and stops on SIGTERM.
 */
export async function runSyntheticAgent(networks: number, nodesPerNetwork: number, peers: number): Promise<void> {
  const a = await startAgent({ configuration: { snmpCommunities: [{ name: 'ro', community: 'public', source: '127.0.0.1/32' }] } });
  a.bridge.collector.apply([]);
  fillTree(a.bridge.tree, networks, nodesPerNetwork, peers);
  process.stdout.write(JSON.stringify({ port: a.view.port, pid: process.pid }) + '\n');
  process.on('SIGTERM', () => { void a.stop().then(() => process.exit(0)); });
}
