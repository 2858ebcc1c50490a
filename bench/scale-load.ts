/**
 * The load of issue 16 targets 3-5, shared by bench/snmp-latency.ts and bench/soak.ts. Three processes:
 *   - the bridge (this file with --bridge): NETCONF (SSH) and SNMP views; network net0 holds `nodes` synthetic
 *     nodes of `peers` peers each (administratively locked, so not polled), network live holds `polled` nodes
 *     that the collector polls every 10 s: recorded-response nodes (bench/recorded-node.ts, answers recorded from
 *     the Hardhat dev chain, a block every 2 s, served by a fourth process), or with source 'devchain' all
 *     pointed at one Ethereum dev chain of src/devchain (a fourth process), or at nodeUrl when given. It samples its own RSS,
 *     heap and event-loop delay (perf_hooks.monitorEventLoopDelay, and its stalls: bench/loop-delay.ts StallWatch) on
 *     request over IPC. With BRIDGE_STDOUT=FILE in the environment, what it writes to stdout is kept in FILE (a GC
 *     trace: --node-flags "... --trace-gc-nvp").
 *   - a NETCONF client (this file with --netconf): a full <get> over SSH every second;
 *   - the caller (the SNMP pollers run there).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Bridge } from '../src/bridge';
import type { ConfigObject } from '../src/config/document';
import { composeManagementViews } from '../src/compose';
import { createSnmpView } from '../src/snmp';
import { runtimeEnv, runtimeFlags } from '../src/runtime-flags';
import { fillSynthetic, rpc, usersConfig } from '../test/support/netconf';
import { sshClient } from './netconf-client';
import { startRecordedNodes } from './recorded-node';
import { request } from './ipc';
import { LoopDelayMonitor, StallWatch, startIdleReference } from './loop-delay';
import { GcMonitor } from './gc-monitor';
import type { GcPauses } from './gc-monitor';
import type { LoopDelay, Stalls } from './loop-delay';
import { AgentRecorder, GetRecorder, clockMs } from './snmp-trace';
import type { AgentTrace } from './snmp-trace';

export interface LoadOptions { readonly nodes: number; readonly peers: number; readonly polled: number; readonly nodeUrl?: string; readonly pollInterval?: number;
  /** Behind the polled nodes: recorded-response nodes (default) or one dev chain. */
  readonly source?: 'recorded' | 'devchain';
  /** The endpoint of each polled node (filled by startLoad). */
  readonly endpoints?: readonly string[];
  /** Seconds between the starts of two full <get>s (default 1; 0: no NETCONF client). */
  readonly getEvery?: number;
  /** Node.js flags of the bridge process (default: the product's, src/runtime-flags.ts, BCMGMT_NODE_FLAGS honoured). */
  readonly nodeFlags?: readonly string[];
  /** Environment variables of the bridge process alone, over the product's (e.g. another MALLOC_MMAP_THRESHOLD_). */
  readonly bridgeEnv?: Readonly<Record<string, string>> }

/** One sample of the bridge process since the previous sample. */
export interface BridgeSample {
  readonly rssMb: number; readonly heapMb: number; readonly externalMb: number;
  /** V8 heap committed (used, garbage not yet collected, free pages kept). */
  readonly heapTotalMb: number;
  /** V8's heap by space: MB committed (physical) and MB used. */
  readonly spaces: Record<string, { committedMb: number; usedMb: number }>;
  /** Event-loop delay since the last sample, ms beyond the sampling timer's interval (bench/loop-delay.ts). */
  readonly eldMaxMs: number; readonly eldP99Ms: number; readonly eldMeanMs: number;
  /** The worst stall since the last sample and how long the main thread ran in it (bench/loop-delay.ts StallWatch); absent off Linux. */
  readonly stalls?: Stalls;
  readonly polls: number; readonly failedPolls: number; readonly liveNodesReachable: number;
  /** CPU time of the bridge process (user + system) since the last sample, in % of one core. */
  readonly cpuPercent: number;
  /** Garbage-collection pauses since the last sample (bench/gc-monitor.ts). */
  readonly gc: GcPauses;
  /** SNMP datagrams the socket thread answered without the main thread since the last sample (src/snmp/socket-thread.ts). */
  readonly snmpOnThread: number;
}

export interface NetconfSample { readonly gets: number; readonly bytes: number; readonly maxMs: number; readonly medianMs: number; readonly errors: number }

export interface Load {
  readonly snmpPort: number;
  readonly bridgePid: number;
  /** The bridge's SNMP socket thread's id in the operating system (undefined: none, BCMGMT_SNMP_THREAD=off). */
  readonly snmpTid: number | undefined;
  readonly chainLabel: string;
  /** The Node.js flags the bridge process runs with. */
  readonly nodeFlags: readonly string[];
  /** The bridge's and the NETCONF client's samples, and the event-loop delay of an idle Node.js process over the same window. */
  sample(): Promise<{ bridge: BridgeSample; netconf: NetconfSample; idle: LoopDelay }>;
  /** Starts recording the timelines of bench/snmp-trace.ts in the bridge and the NETCONF client. */
  startTrace(): Promise<void>;
  /** Stops recording: the bridge's datagrams and GC pauses, the NETCONF client's <get>s (none without it). */
  stopTrace(): Promise<{ agent: AgentTrace; gets: readonly number[] }>;
  stop(): Promise<void>;
}

function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const on = (d: Buffer): void => {
      buf += d.toString();
      // lines before the child's JSON line (a runtime flag such as --trace-gc-nvp writes to stdout) are skipped
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith('{')) continue;
        child.stdout!.off('data', on);
        resolve(JSON.parse(line) as T);
        return;
      }
    };
    child.stdout!.on('data', on);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
  });
}

/** Starts the dev chain (unless nodeUrl), the bridge and the NETCONF client; resolves when the bridge answers. */
export async function startLoad(o: LoadOptions): Promise<Load> {
  const children: ChildProcess[] = [];
  const stopAll = (): void => { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); };
  process.on('exit', stopAll);
  let url = o.nodeUrl;
  let chainLabel = url ? `JSON-RPC endpoint ${url}` : '';
  let endpoints: string[] | undefined;
  let stopNodes: (() => Promise<void>) | undefined;
  if (o.polled > 0 && !url && (o.source ?? 'recorded') === 'recorded') {
    const nodes = await startRecordedNodes({ blockIntervalMs: 2000 });
    stopNodes = () => nodes.stop();
    endpoints = Array.from({ length: o.polled }, (_, i) => nodes.url('ethereum-hardhat', 'live', `live${i}`));
    chainLabel = 'recorded-response nodes (bench/recorded-node.ts, answers recorded from the Hardhat dev chain, a block every 2 s)';
  } else if (o.polled > 0 && !url) {
    const chain = fork(path.join(__dirname, 'devchain-process.js'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, WORKLOAD: '1', BLOCK_INTERVAL_MS: '2000' } });
    children.push(chain);
    url = (await firstLine<{ url: string }>(chain)).url;
    chainLabel = 'one Ethereum dev chain (src/devchain, its own process, a block every 2 s with a workload) behind every polled node';
  }
  const bridge = fork(__filename, ['--bridge', JSON.stringify({ ...o, nodeUrl: url, endpoints })],
    // the product's flags and allocator setting (src/runtime-flags.ts), unless flags are given (none: neither)
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: [...(o.nodeFlags ?? runtimeFlags())], env: { ...process.env, ...(o.nodeFlags?.length === 0 ? {} : runtimeEnv()), ...o.bridgeEnv } });
  children.push(bridge);
  // BRIDGE_STDOUT=FILE keeps what the bridge writes to stdout (a GC trace from --trace-gc-nvp in the flags)
  if (process.env.BRIDGE_STDOUT) bridge.stdout!.pipe(fs.createWriteStream(process.env.BRIDGE_STDOUT));
  const info = await firstLine<{ snmpPort: number; sshPort: number; pid: number; snmpTid?: number; execArgv: string[] }>(bridge);
  const getEvery = o.getEvery ?? 1;
  const nc = getEvery > 0 ? fork(__filename, ['--netconf', String(info.sshPort), String(getEvery)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }) : undefined;
  if (nc) { children.push(nc); await firstLine<{ ready: boolean }>(nc); }
  const none: NetconfSample = { gets: 0, bytes: 0, maxMs: NaN, medianMs: NaN, errors: 0 };
  const idle = startIdleReference();
  return {
    snmpPort: info.snmpPort,
    bridgePid: info.pid,
    snmpTid: info.snmpTid,
    chainLabel,
    nodeFlags: info.execArgv,
    sample: async () => ({ bridge: await request<BridgeSample>(bridge, 'sample'), netconf: nc ? await request<NetconfSample>(nc, 'sample') : none, idle: await idle.read() }),
    startTrace: async () => { await request<boolean>(bridge, 'trace-start'); if (nc) await request<boolean>(nc, 'trace-start'); },
    stopTrace: async () => ({ agent: await request<AgentTrace>(bridge, 'trace-stop'), gets: nc ? await request<readonly number[]>(nc, 'trace-stop') : [] }),
    stop: async () => {
      const exited = children.map((c) => new Promise<void>((r) => { if (c.exitCode !== null || c.signalCode !== null) r(); else c.once('exit', () => r()); }));
      stopAll();
      idle.stop();
      await Promise.all(exited);
      await stopNodes?.();
      process.off('exit', stopAll);
    },
  };
}

const mb = (n: number): number => n / 1048576;

async function runBridge(o: LoadOptions): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-scale-'));
  const networks: ConfigObject[] = [{ name: 'net0', platform: 'ethereum', adminState: 'locked', pollInterval: 10,
    nodes: Array.from({ length: o.nodes }, (_, i) => ({ name: `node${i}`, endpoint: `http://127.0.0.1:${10000 + (i % 50000)}` })) }];
  if (o.polled > 0 && (o.nodeUrl || o.endpoints)) {
    networks.push({ name: 'live', platform: 'ethereum', pollInterval: o.pollInterval ?? 10,
      nodes: Array.from({ length: o.polled }, (_, i) => ({ name: `live${i}`, endpoint: o.endpoints?.[i] ?? o.nodeUrl })) });
  }
  const seed: ConfigObject = {
    configuration: { ...usersConfig(), snmpCommunities: [{ name: 'ro', community: 'public', source: '127.0.0.1/32' }] },
    networks,
  };
  const bridge = new Bridge({ dataDir, seed, log: () => undefined });
  const nc = composeManagementViews(bridge, { sshPort: 0, httpPort: 0, address: '127.0.0.1' }).netconf;
  const snmp = createSnmpView(bridge, { port: 0, address: '127.0.0.1' });
  bridge.addView(snmp);
  await bridge.start();
  fillSynthetic(bridge.tree, 1, o.nodes, o.peers);
  let polls = 0;
  let failed = 0;
  bridge.collector.on('polled', (e) => { polls++; if (!e.result.ok) failed++; });
  const eld = new LoopDelayMonitor();
  const stalls = new StallWatch();
  const gc = new GcMonitor();
  let onThread = 0;
  let recorder: AgentRecorder | undefined; // made when first asked: the other benchmarks' bridge answers as before
  let cpuAt = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  process.on('message', (m: { ask?: string }) => {
    if (m.ask === 'trace-start') { (recorder ??= new AgentRecorder(snmp.agent)).start(); process.send?.({ reply: m.ask, data: true }); return; }
    if (m.ask === 'trace-stop') { process.send?.({ reply: m.ask, data: recorder?.stop() ?? { datagrams: [], gc: [] } }); return; }
    if (m.ask !== 'sample') return;
    const mem = process.memoryUsage();
    const live = bridge.tree.find([{ cls: 'network', keys: ['live'] }]);
    const now = process.hrtime.bigint();
    const used = process.cpuUsage(cpu);
    const cpuPercent = ((used.user + used.system) / (Number(now - cpuAt) / 1000)) * 100;
    cpuAt = now;
    cpu = process.cpuUsage();
    const loop = eld.read();
    const data: BridgeSample = {
      rssMb: mb(mem.rss), heapMb: mb(mem.heapUsed), externalMb: mb(mem.external), heapTotalMb: mb(mem.heapTotal),
      spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((x) => [x.space_name, { committedMb: mb(x.physical_space_size), usedMb: mb(x.space_used_size) }])),
      eldMaxMs: loop.maxMs, eldP99Ms: loop.p99Ms, eldMeanMs: loop.meanMs, stalls: stalls.read(),
      polls, failedPolls: failed, liveNodesReachable: Number(live?.get('reachableNodeCount') ?? 0), cpuPercent, gc: gc.read(),
      snmpOnThread: snmp.agent.counters.answeredElsewhere() - onThread,
    };
    polls = 0;
    failed = 0;
    onThread += data.snmpOnThread;
    process.send?.({ reply: 'sample', data });
  });
  process.stdout.write(JSON.stringify({ snmpPort: snmp.port, sshPort: nc.sshPort, pid: process.pid, snmpTid: snmp.agent.socketThreadId, execArgv: process.execArgv }) + '\n');
  process.on('SIGTERM', () => { void bridge.stop().finally(() => { fs.rmSync(dataDir, { recursive: true, force: true }); process.exit(0); }); });
}

/** A full <get> every everyS seconds (the next one starts everyS after the previous one started, or at once if it took longer). */
async function runNetconf(sshPort: number, everyS: number): Promise<void> {
  const client = await sshClient(sshPort);
  let ms: number[] = [];
  let bytes = 0;
  let errors = 0;
  let seq = 0;
  const recorder = new GetRecorder();
  process.on('message', (m: { ask?: string }) => {
    if (m.ask === 'trace-start') { recorder.start(); process.send?.({ reply: m.ask, data: true }); return; }
    if (m.ask === 'trace-stop') { process.send?.({ reply: m.ask, data: recorder.stop() }); return; }
    if (m.ask !== 'sample') return;
    const s = [...ms].sort((a, b) => a - b);
    const data: NetconfSample = { gets: s.length, bytes, maxMs: s[s.length - 1] ?? NaN, medianMs: s[Math.floor(s.length / 2)] ?? NaN, errors };
    ms = [];
    bytes = 0;
    errors = 0;
    process.send?.({ reply: 'sample', data });
  });
  process.on('SIGTERM', () => { client.close(); process.exit(0); });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  for (;;) {
    const t0 = Date.now();
    const c0 = clockMs();
    const reply = await client.request(rpc(`g${++seq}`, '<get/>'));
    recorder.add(c0, clockMs());
    const took = Date.now() - t0;
    if (!reply.includes('<data') || reply.includes('<rpc-error>')) errors++;
    ms.push(took);
    bytes += Buffer.byteLength(reply);
    await new Promise((r) => setTimeout(r, Math.max(0, everyS * 1000 - took)));
  }
}

if (process.argv[2] === '--bridge') void runBridge(JSON.parse(process.argv[3]) as LoadOptions);
else if (process.argv[2] === '--netconf') runNetconf(Number(process.argv[3]), Number(process.argv[4])).catch((e: unknown) => { console.error(e); process.exit(1); });
