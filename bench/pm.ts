/**
 * Performance management benchmark: cost of the once-a-second refresh, of samples and of closing an
 * interval (history renumbering, 24-hour values, SQLite) with many resource/metric pairs and full
 * 96-interval histories. Synthetic: the collector's events are emitted directly, with a controlled clock.
 * Run: npm run build && node --expose-gc dist/bench/pm.js [nodes] [contracts]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import type { NodeObservation } from '../src/chains/adapter';
import { PerformanceManager } from '../src/pm';

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? '200');
  const contracts = Number(process.argv[3] ?? '500');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-pm-bench-'));
  const G = 60;
  let now = Date.UTC(2030, 0, 1);
  const bridge = new Bridge({ dataDir: dir, seed: {
    performance: {
      measurementJobs: [{ name: 'bench', granularity: G }],
      thresholds: [{ name: 'lat', job: 'bench', metric: 'rpcLatencyP95', raiseLevel: 500, clearLevel: 100 }],
    },
  } });
  const net = [{ cls: 'network', keys: ['b'] }];
  bridge.tree.set([...net, { cls: 'ledger', keys: ['main'] }], { headTime: now });
  for (let i = 0; i < nodes; i++) bridge.tree.set([...net, { cls: 'node', keys: [`n${i}`] }], { rpcErrors: 0n });
  for (let i = 0; i < contracts; i++) bridge.tree.set([...net, { cls: 'contract', keys: [`0x${i.toString(16).padStart(40, '0')}`] }], { calls: 0n, failedCalls: 0n });
  // Renumbering in one go, so that the close time below is the whole CPU cost of a close (the default spreads it over turns).
  const pm = new PerformanceManager(bridge, undefined, { now: () => now, timer: false, summarySlice: Infinity });
  bridge.addView(pm);
  await bridge.start();
  const pairs = 6 + nodes * 9 + contracts * 2;
  const obs = (i: number): NodeObservation => ({
    node: { peerCount: 8, bytesIn: i * 1000, bytesOut: i * 500 }, peers: [], txPool: { pending: 10 }, network: {},
    head: { height: 1, hash: 'h', parentHash: 'g', time: 0, txCount: 0 }, ledger: {}, logControlSupported: false,
  });
  const time = (f: () => void): number => { const t0 = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t0) / 1e6; };
  const closes: number[] = [];
  const ticks: number[] = [];
  let pollMs = 0;
  let polls = 0;
  // 100 intervals: every pair ends with a full 96-interval history.
  for (let k = 0; k < 100; k++) {
    const start = Math.floor(now / (G * 1000)) * G * 1000;
    for (let s = 0; s < 3; s++) {
      now = start + s * 20_000 + 500;
      pollMs += time(() => {
        for (let i = 0; i < nodes; i++) {
          bridge.collector.emit('polled', { network: 'b', node: `n${i}`, result: { ok: true, latencyMs: 5 + (i % 40), observation: obs(k * 3 + s) } });
          polls++;
        }
        bridge.collector.emit('block', { network: 'b', ledger: 'main', block: { height: k, hash: `h${k}`, parentHash: '', time: now / 1000, txCount: 20 } });
      });
      ticks.push(time(() => pm.tick()));
    }
    now = start + G * 1000 + 5;
    closes.push(time(() => pm.tick()));
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const max = (a: number[]): number => Math.max(...a);
  console.log(JSON.stringify({
    pairs, nodes, contracts,
    refreshMsMedian: +med(ticks).toFixed(2), refreshMsMax: +max(ticks).toFixed(2),
    pollSampleUs: +((pollMs / polls) * 1000).toFixed(1),
    closeMsMedian: +med(closes.slice(-10)).toFixed(1), closeMsMax: +max(closes).toFixed(1),
    rss: Math.round(process.memoryUsage().rss / 1048576),
    heapAfterGc: (() => { (globalThis as { gc?: () => void }).gc?.(); return Math.round(process.memoryUsage().heapUsed / 1048576); })(),
  }, null, 1));
  await bridge.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
