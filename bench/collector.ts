/**
 * Collector benchmark (issue 16, target 1): 1,000 configured nodes at a 10 s interval on under 20% of one core,
 * with per-poll RPC work constant as the chain grows.
 *
 * 1. One node of the real Hardhat dev chain (another process): JSON-RPC calls and HTTP requests of one poll
 *    at height H and after 500 more blocks (must be equal).
 * 2. 1,000 recorded-response nodes (bench/recorded-node.ts: one process answering from answers recorded from
 *    the Hardhat dev chain and from litecoind regtest): 4 Ethereum and 4 Litecoin networks of 125 nodes, a
 *    block every 2 s on each, polled every 10 s. Over a window at height H and another after 500 more blocks:
 *    the collector's CPU as a share of one core, RSS, and per poll the JSON-RPC calls, HTTP requests and TCP
 *    connections the nodes saw (counted by the node server). The last line is the JSON summary.
 * Run: npm run build && node dist/bench/collector.js [window seconds, default 60] [nodes, default 1000]
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { LoopDelayMonitor } from './loop-delay';
import type { ChainAdapter } from '../src/chains/adapter';
import { Collector } from '../src/collector/collector';
import { networkSettings } from '../src/config/settings';
import { InstanceTree } from '../src/state/tree';
import { RecordedNodes, RecordingName, ServerStats, startRecordedNodes } from './recorded-node';

async function startChain(): Promise<{ url: string; mine(n: number): Promise<void>; stop(): void }> {
  const child = fork(path.join(__dirname, 'devchain-process.js'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, WORKLOAD: '0', BLOCK_INTERVAL_MS: '0' } });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url)));
  return {
    url,
    mine: (n) => new Promise((resolve) => { child.once('message', () => resolve()); child.send({ mine: n }); }),
    stop: () => child.kill('SIGTERM'),
  };
}

interface Counts { calls: number; requests: number }
/** HTTP requests of an adapter, where its client counts them (RpcHttpClient stats). */
function requestsOf(a: ChainAdapter): number {
  const s = a.stats() as { requests?: number };
  return s.requests ?? Number.NaN;
}

async function onePoll(c: Collector, net: string, node: string): Promise<Counts> {
  const p = c.networks.get(net)!.pollers.get(node)!;
  const c0 = p.adapter.stats().calls;
  const r0 = requestsOf(p.adapter);
  await p.pollOnce();
  return { calls: p.adapter.stats().calls - c0, requests: requestsOf(p.adapter) - r0 };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Part 1: a real dev chain, one node polled by hand. */
async function realChainPerPoll(): Promise<{ h0: number; h1: number; at: Counts; after: Counts }> {
  const chain = await startChain();
  const tree = new InstanceTree();
  const c = new Collector(tree, { rpcTimeoutMs: 4000 });
  c.apply(networkSettings({ networks: [{ name: 'bench', platform: 'ethereum', nodes: [{ name: 'n0', endpoint: chain.url }] }] }));
  try {
    await onePoll(c, 'bench', 'n0'); // learn which methods exist
    await onePoll(c, 'bench', 'n0');
    const height = (): number => Number(tree.find([{ cls: 'network', keys: ['bench'] }, { cls: 'node', keys: ['n0'] }])!.get('height'));
    const h0 = height();
    const at = await onePoll(c, 'bench', 'n0');
    await chain.mine(500);
    const tracker = c.networks.get('bench')!.tracker;
    while ((tracker.lastHeight ?? 0) < h0 + 500) { await onePoll(c, 'bench', 'n0'); await sleep(50); }
    await sleep(200);
    const after = await onePoll(c, 'bench', 'n0');
    return { h0, h1: height(), at, after };
  } finally {
    await c.stop();
    chain.stop();
  }
}

interface Window { byMethod: Record<string, number>; loopDelayMaxMs: number; seconds: number; polls: number; failed: number; cpuShare: number; rssMaxMiB: number; callsPerPoll: number; requestsPerPoll: number; connections: number; height: number }

async function measure(c: Collector, nodes: RecordedNodes, seconds: number, probe: [RecordingName, string]): Promise<Window> {
  let polls = 0;
  let failed = 0;
  const onPolled = (e: { result: { ok: boolean } }): void => { polls++; if (!e.result.ok) failed++; };
  c.on('polled', onPolled);
  const s0: ServerStats = await nodes.stats();
  const loop = new LoopDelayMonitor();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let rssMax = 0;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage().rss); }, 500);
  await sleep(seconds * 1000);
  clearInterval(sampler);
  const delay = loop.read();
  loop.stop();
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  c.off('polled', onPolled);
  const s1 = await nodes.stats();
  return {
    seconds, polls, failed, loopDelayMaxMs: delay.maxMs,
    cpuShare: (cpu.user + cpu.system) / 1000 / wall,
    rssMaxMiB: rssMax / 1048576,
    callsPerPoll: (s1.calls - s0.calls) / polls,
    requestsPerPoll: (s1.requests - s0.requests) / polls,
    connections: s1.connections - s0.connections,
    height: await nodes.height(...probe),
    byMethod: Object.fromEntries(Object.entries(s1.byMethod).map(([m, n]) => [m, +((n - (s0.byMethod[m] ?? 0)) / polls).toFixed(3)]).filter(([, n]) => (n as number) > 0)),
  };
}

function line(label: string, n: number, w: Window): string {
  return `${label}: ${n} recorded-response nodes, 10 s interval, ${w.seconds} s at height ${w.height}: ${w.polls} polls (${w.failed} failed), `
    + `collector CPU ${(w.cpuShare * 100).toFixed(1)}% of one core, RSS max ${w.rssMaxMiB.toFixed(0)} MiB, `
    + `${w.callsPerPoll.toFixed(2)} RPC calls and ${w.requestsPerPoll.toFixed(2)} HTTP requests per poll, ${w.connections} new TCP connections, event loop delay max ${w.loopDelayMaxMs.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '60');
  const total = Number(process.argv[3] ?? '1000');
  const real = await realChainPerPoll();
  console.log(`RPC calls per poll (Hardhat dev chain, one node): ${real.at.calls} at height ${real.h0}, ${real.after.calls} at height ${real.h1}; `
    + `HTTP requests per poll: ${real.at.requests}, ${real.after.requests}`);

  const nodes = await startRecordedNodes({ blockIntervalMs: 2000 });
  const tree = new InstanceTree();
  const c = new Collector(tree, { rpcTimeoutMs: 4000 });
  try {
    const perNet = Math.ceil(total / 8);
    const networks = Array.from({ length: 8 }, (_, k) => {
      const rec: RecordingName = k % 2 === 0 ? 'ethereum-hardhat' : 'bitcoin-litecoind';
      const name = `${rec.split('-')[0]}${k >> 1}`;
      const count = Math.max(0, Math.min(perNet, total - k * perNet));
      return {
        name, platform: rec === 'ethereum-hardhat' ? 'ethereum' : 'bitcoin', pollInterval: 10,
        nodes: Array.from({ length: count }, (_, i) => ({ name: `n${i}`, endpoint: nodes.url(rec, name, `n${i}`), ...(rec === 'bitcoin-litecoind' ? { username: 'u', password: 'p' } : {}) })),
      };
    }).filter((n) => n.nodes.length > 0);
    c.apply(networkSettings({ networks }));
    c.start();
    await sleep(35000); // warm-up: every node polled three times, methods learnt, trackers running, JIT warm
    const probe: [RecordingName, string] = ['ethereum-hardhat', 'ethereum0'];
    const a = await measure(c, nodes, seconds, probe);
    console.log(line('at H', total, a));
    if (process.env.BENCH_METHODS) console.log(a.byMethod);
    const target = (await nodes.height(...probe)) + 500;
    await nodes.advance(500);
    // The ledger trackers catch up on the 500 blocks (bounded per cycle), then every node polls once more.
    const t0 = Date.now();
    while ([...c.networks.values()].some((n) => (n.tracker.lastHeight ?? 0) < target) && Date.now() - t0 < 120000) await sleep(500);
    console.log(`caught up on 500 blocks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(12000);
    const b = await measure(c, nodes, seconds, probe);
    console.log(line('at H+500', total, b));
    if (process.env.BENCH_METHODS) console.log(b.byMethod);
    console.log(JSON.stringify({
      realChain: { callsAtH: real.at.calls, callsAtH500: real.after.calls, requestsAtH: real.at.requests, requestsAtH500: real.after.requests },
      recordedNodes: total,
      cpuPercentAtH: +(a.cpuShare * 100).toFixed(1), cpuPercentAtH500: +(b.cpuShare * 100).toFixed(1),
      rssMiB: Math.round(Math.max(a.rssMaxMiB, b.rssMaxMiB)),
      callsPerPollAtH: +a.callsPerPoll.toFixed(2), callsPerPollAtH500: +b.callsPerPoll.toFixed(2),
      requestsPerPollAtH: +a.requestsPerPoll.toFixed(2), requestsPerPollAtH500: +b.requestsPerPoll.toFixed(2),
      failedPolls: a.failed + b.failed, loopDelayMaxMs: +Math.max(a.loopDelayMaxMs, b.loopDelayMaxMs).toFixed(1),
    }));
  } finally {
    await c.stop();
    await nodes.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
