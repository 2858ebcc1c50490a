/**
 * Soak benchmark (issue 16 target 4): the load of bench/snmp-latency.ts (bench/scale-load.ts: 1,000 synthetic
 * nodes x 20 peers in the tree, 1,000 more nodes polled by the collector every 10 s, a NETCONF full <get>
 * every second, 4 SNMP pollers) for N minutes; the bridge's RSS, heap and event-loop delay sampled every minute,
 * with the worst stall of the minute split into time the main thread ran and time it waited for a CPU (Linux).
 * Prints one line per minute, then the RSS slope (least squares, MB per minute, over minutes >= 10, or over the
 * second half of a shorter run) and the growth between minute 10 and the last minute (target: under 5%
 * between minute 10 and minute 60; RSS <= 150 MB).
 *
 *   node dist/bench/soak.js [--minutes N] [--nodes N] [--peers N] [--polled N] [--node-url URL] [--get-every S, default 1]
 *     [--source recorded|devchain: what answers the polled nodes, default recorded-response nodes] [--sample-seconds S]
 *     [--node-flags "FLAGS": the bridge's Node.js flags, "none" for Node's defaults; default the product's, src/runtime-flags.ts]
 */
import { parseNodeFlags } from '../src/runtime-flags';
import { poll, snmpTargets } from './snmp-poll';
import { startLoad } from './scale-load';
import type { BridgeSample } from './scale-load';
import { arg } from './args';


/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den ? num / den : NaN;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const minutes = Number(arg('minutes', '60'));
  const sampleSeconds = Number(arg('sample-seconds', '60'));
  const nodes = Number(arg('nodes', '1000'));
  const peers = Number(arg('peers', '20'));
  const polled = Number(arg('polled', '1000'));
  const nodeUrl = process.argv.includes('--node-url') ? arg('node-url', '') : undefined;
  const getEvery = Number(arg('get-every', '1'));
  const source = arg('source', 'recorded') as 'recorded' | 'devchain';
  const nodeFlags = process.argv.includes('--node-flags') ? parseNodeFlags(arg('node-flags', '')) : undefined;
  const load = await startLoad({ nodes, peers, polled, nodeUrl, getEvery, source, nodeFlags });
  console.log(`soak: ${minutes} min; tree: ${nodes} synthetic nodes x ${peers} peers + ${polled} polled nodes at 10 s (${load.chainLabel}); ` +
    'NETCONF full <get> every second over SSH; 4 SNMP pollers (a GET every 5 ms each); bridge pid ' + load.bridgePid +
    `, Node.js flags: ${load.nodeFlags.join(' ') || 'none'}`);
  let stopped = false;
  await load.sample(); // reset the counters before the pollers start: minute 1 includes the first SNMP requests (the index build)
  const pollers = poll(load.snmpPort, snmpTargets(nodes, peers).ours, minutes * 60 + 5, 4, { pauseMs: 5, stop: () => stopped });
  const samples: (BridgeSample & { minute: number; idleLoopMaxMs: number })[] = [];
  const t0 = Date.now();
  console.log('minute  RSS MB  heap MB  committed  ext MB  loop max ms  loop p99 ms  worst stall: ran/waited ms  held max ms  idle ref max  polls (failed)  live reachable  <get>s  <get> max ms  MB fetched  CPU %  GCs/s  GC ms/s  GC >4 ms  GC max ms');
  for (let k = 1; k * sampleSeconds <= minutes * 60; k++) {
    await new Promise((r) => setTimeout(r, t0 + k * sampleSeconds * 1000 - Date.now()));
    const { bridge: b, netconf: n, idle } = await load.sample();
    const minute = (k * sampleSeconds) / 60;
    samples.push({ ...b, minute, idleLoopMaxMs: idle.maxMs });
    console.log([minute.toFixed(1).padStart(6), b.rssMb.toFixed(1).padStart(6), b.heapMb.toFixed(1).padStart(7), b.heapTotalMb.toFixed(1).padStart(9), b.externalMb.toFixed(1).padStart(6),
      b.eldMaxMs.toFixed(1).padStart(11), b.eldP99Ms.toFixed(1).padStart(11),
      (b.stalls ? `${b.stalls.worstMs.toFixed(1)}: ${b.stalls.worstRunMs.toFixed(1)}/${b.stalls.worstWaitMs.toFixed(1)}` : 'n/a').padStart(26), (b.stalls?.heldMaxMs.toFixed(1) ?? 'n/a').padStart(11),
      idle.maxMs.toFixed(1).padStart(12), `${b.polls} (${b.failedPolls})`.padStart(14), String(b.liveNodesReachable).padStart(14),
      String(n.gets).padStart(6), (n.maxMs ?? NaN).toFixed(0).padStart(12), (n.bytes / 1048576).toFixed(0).padStart(10), b.cpuPercent.toFixed(0).padStart(5),
      (b.gc.count / sampleSeconds).toFixed(1).padStart(5), (b.gc.totalMs / sampleSeconds).toFixed(1).padStart(7), String(b.gc.over4Ms).padStart(8), b.gc.maxMs.toFixed(1).padStart(9)].join('  '));
  }
  stopped = true;
  const lat = await pollers;
  await load.stop();
  const from = minutes >= 20 ? 10 : minutes / 2;
  const tail = samples.filter((s) => s.minute >= from);
  const first = tail[0];
  const last = samples[samples.length - 1];
  const result = {
    minutes, nodes, peers, polled, nodeFlags: load.nodeFlags,
    rssMb: { atFrom: first?.rssMb, last: last?.rssMb, max: Math.max(...samples.map((s) => s.rssMb)) },
    fromMinute: from,
    growthPercent: first && last ? ((last.rssMb - first.rssMb) / first.rssMb) * 100 : NaN,
    slopeMbPerMinute: slope(tail.map((s) => s.minute), tail.map((s) => s.rssMb)),
    heapMb: { mean: mean(samples.map((s) => s.heapMb)), max: Math.max(...samples.map((s) => s.heapMb)) },
    rssMeanMb: mean(samples.map((s) => s.rssMb)),
    heapTotalMeanMb: mean(samples.map((s) => s.heapTotalMb)),
    externalMeanMb: mean(samples.map((s) => s.externalMb)),
    cpuPercentMean: mean(samples.map((s) => s.cpuPercent)),
    lastSpaces: last?.spaces,
    heapSlopeMbPerMinute: slope(tail.map((s) => s.minute), tail.map((s) => s.heapMb)),
    eventLoopMaxMs: Math.max(...samples.map((s) => s.eldMaxMs)),
    /** Minutes whose longest delay passed the 50 ms of target 5, with an idle Node.js process's longest delay in the same minute. */
    minutesOver50Ms: samples.filter((s) => s.eldMaxMs > 50).map((s) => ({ minute: s.minute, bridgeMs: s.eldMaxMs, idleMs: s.idleLoopMaxMs, worstStall: s.stalls })),
    /** The most CPU time the bridge's main thread had in any one stall of the run (bench/loop-delay.ts StallWatch). */
    heldMaxMs: samples.some((s) => s.stalls) ? Math.max(...samples.map((s) => s.stalls?.heldMaxMs ?? 0)) : undefined,
    idleLoopMaxMs: Math.max(...samples.map((s) => s.idleLoopMaxMs)),
    gc: { perSecond: samples.reduce((a, s) => a + s.gc.count, 0) / (samples.length * sampleSeconds), msPerSecond: samples.reduce((a, s) => a + s.gc.totalMs, 0) / (samples.length * sampleSeconds),
      over4Ms: samples.reduce((a, s) => a + s.gc.over4Ms, 0), maxMs: Math.max(...samples.map((s) => s.gc.maxMs)) },
    snmpGet: { p50: lat.p50, p99: lat.p99, max: lat.max, count: lat.count, errors: lat.errors },
  };
  console.log(`RSS ${result.rssMb.atFrom?.toFixed(1)} MB at minute ${from} -> ${result.rssMb.last?.toFixed(1)} MB at minute ${last?.minute}: ` +
    `growth ${result.growthPercent.toFixed(2)}% (target < 5%), slope ${result.slopeMbPerMinute.toFixed(3)} MB/min, max ${result.rssMb.max.toFixed(1)} MB (target <= 150 MB); ` +
    `event loop delay max ${result.eventLoopMaxMs.toFixed(1)} ms (target <= 50 ms; ${result.minutesOver50Ms.length} minutes over 50 ms; an idle Node.js process ` +
    `in the same minutes: max ${result.idleLoopMaxMs.toFixed(1)} ms; the most the bridge's main thread ran in one stall: ${result.heldMaxMs?.toFixed(1) ?? 'n/a'} ms, ` +
    `the rest of a stall it waited for a CPU or was blocked); bridge CPU ${result.cpuPercentMean.toFixed(0)}% of a core; ` +
    `SNMP GET p99 ${lat.p99.toFixed(1)} ms; GC ${result.gc.perSecond.toFixed(1)} pauses/s, ${result.gc.msPerSecond.toFixed(1)} ms/s, ${result.gc.over4Ms} pauses over 4 ms, longest ${result.gc.maxMs.toFixed(1)} ms`);
  console.log(JSON.stringify(result));
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
