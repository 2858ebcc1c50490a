/**
 * Collector benchmark (issue: live state).
 * 1. Chain RPC calls per poll cycle per node at height H and after 500 more blocks: must be the same.
 * 2. CPU and RSS of the collector with 200 configured nodes (all pointed at one dev chain, which runs in
 *    another process) at a 5 s interval, over 60 s. Target: under 20% of one core.
 * Run: npm run build && node dist/bench/collector.js [seconds]
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { Collector } from '../src/collector/collector';
import { networkSettings } from '../src/config/settings';
import { InstanceTree } from '../src/state/tree';

async function startChain(workload: boolean, blockIntervalMs: number): Promise<{ url: string; mine(n: number): Promise<void>; stop(): void }> {
  const child = fork(path.join(__dirname, 'devchain-process.js'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, WORKLOAD: workload ? '1' : '0', BLOCK_INTERVAL_MS: String(blockIntervalMs) } });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url)));
  return {
    url,
    mine: (n) => new Promise((resolve) => { child.once('message', () => resolve()); child.send({ mine: n }); }),
    stop: () => child.kill('SIGTERM'),
  };
}

async function callsPerPoll(url: string, collector: Collector): Promise<number> {
  const p = collector.networks.get('bench')!.pollers.get('n0')!;
  const c0 = p.adapter.stats().calls;
  await p.pollOnce();
  return p.adapter.stats().calls - c0;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '60');
  // 1. calls per poll as the chain grows (a chain that mines only on request, so no new block arrives mid-measure)
  {
    const chain = await startChain(false, 0);
    const tree = new InstanceTree();
    const c = new Collector(tree, { rpcTimeoutMs: 4000 });
    c.apply(networkSettings({ networks: [{ name: 'bench', platform: 'ethereum', nodes: [{ name: 'n0', endpoint: chain.url }] }] }));
    await callsPerPoll(chain.url, c); // learn which methods exist
    await callsPerPoll(chain.url, c);
    const h0 = Number(tree.find([{ cls: 'network', keys: ['bench'] }, { cls: 'node', keys: ['n0'] }])!.get('height'));
    const a = await callsPerPoll(chain.url, c);
    await chain.mine(500);
    // let the ledger tracker catch up on the new blocks (bounded per cycle), then measure a steady poll
    const tracker = c.networks.get('bench')!.tracker;
    while ((tracker.lastHeight ?? 0) < h0 + 500) { await callsPerPoll(chain.url, c); await new Promise((r) => setTimeout(r, 50)); }
    const b = await callsPerPoll(chain.url, c);
    const h1 = Number(tree.find([{ cls: 'network', keys: ['bench'] }, { cls: 'node', keys: ['n0'] }])!.get('height'));
    console.log(`RPC calls per poll: ${a} at height ${h0}, ${b} at height ${h1}`);
    await c.stop();
    chain.stop();
  }
  // 2. 200 nodes at 5 s, on a chain with a block a second and a workload
  const chain = await startChain(true, 1000);
  const tree = new InstanceTree();
  const c = new Collector(tree, { rpcTimeoutMs: 4000 });
  const nodes = Array.from({ length: 200 }, (_, i) => ({ name: `n${i}`, endpoint: chain.url }));
  c.apply(networkSettings({ networks: [{ name: 'bench', platform: 'ethereum', pollInterval: 5, nodes }] }));
  c.start();
  await new Promise((r) => setTimeout(r, 10000)); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let polls = 0;
  let failed = 0;
  c.on('polled', (e) => { polls++; if (!e.result.ok) failed++; });
  let rssMax = 0;
  const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage().rss); }, 500);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const share = (cpu.user + cpu.system) / 1000 / wall;
  console.log(`200 nodes, 5 s interval, ${seconds} s: ${polls} polls (${failed} failed), collector CPU ${(share * 100).toFixed(1)}% of one core, RSS max ${(rssMax / 1048576).toFixed(0)} MiB`);
  await c.stop();
  chain.stop();
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
