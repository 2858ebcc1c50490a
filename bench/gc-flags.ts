/**
 * What the bridge's Node.js flags (src/runtime-flags.ts) cost and save on a fixed amount of work: in a child
 * process per set of flags, a bridge of `nodes` synthetic nodes x `peers` peers serves `gets` full NETCONF
 * <get>s back to back (server side: parse, build, serialize, the 10 MB reply of 1,000 x 20 dropped), and reports
 *   - CPU time (user + system) per <get>, and the part of the wall time spent in GC pauses (PerformanceObserver);
 *   - the longest GC pause; the RSS and heap peaks (sampled every 50 ms) and after the run.
 * Being the same work for every set, the CPU time compares the sets even on a busy machine (the wall times
 * do not). Sets run one after another, alternating, `rounds` times.
 *
 *   node dist/bench/gc-flags.js [--nodes N, default 1000] [--peers N, default 20] [--gets N, default 20] [--rounds R, default 2]
 *     [--variant "FLAGS"]...   (default: none, and the product's flags)
 */
import { fork } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Session } from '../src/netconf/server';
import { DEFAULT_NODE_FLAGS, parseNodeFlags } from '../src/runtime-flags';
import { rpc } from '../test/support/netconf';
import { syntheticBridge } from './synthetic-bridge';
import { arg } from './args';

interface Result {
  readonly flags: string; readonly cpuMsPerGet: number; readonly wallMsPerGet: number; readonly gcMsPerGet: number;
  readonly gcMaxMs: number; readonly gcCount: number; readonly rssPeakMb: number; readonly heapPeakMb: number;
  readonly rssEndMb: number; readonly heapEndMb: number;
}

const mb = (n: number): number => n / 1048576;

/** In the child: the work, measured. */
async function measure(nodes: number, peers: number, gets: number): Promise<Result> {
  const synthetic = await syntheticBridge(nodes, peers);
  const rpcLayer = synthetic.view.rpc;
  const session: Session = rpcLayer.openSession({ name: 'admin', role: 'admin', publicKeys: [] }, 'ssh', '127.0.0.1', { send: () => undefined, close: () => undefined });
  session.base11 = true;
  const msg = rpc(1, '<get/>');
  for (let i = 0; i < 2; i++) await rpcLayer.handleMessage(session, msg); // warm-up
  let gcMs = 0;
  let gcMax = 0;
  let gcCount = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { gcMs += e.duration; gcMax = Math.max(gcMax, e.duration); gcCount++; }
  });
  obs.observe({ entryTypes: ['gc'] });
  let rssPeak = 0;
  let heapPeak = 0;
  const sample = (): void => { const m = process.memoryUsage(); rssPeak = Math.max(rssPeak, m.rss); heapPeak = Math.max(heapPeak, m.heapUsed); };
  const timer = setInterval(sample, 50);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < gets; i++) {
    const h = await rpcLayer.handleMessage(session, msg);
    if (!h.reply || h.reply.includes('<rpc-error>')) throw new Error(`unexpected reply: ${h.reply?.slice(0, 300)}`);
    sample();
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 100)); // the last GC entries
  obs.disconnect();
  const end = process.memoryUsage();
  rpcLayer.closeSession(session, 'bench done');
  await synthetic.stop();
  return {
    flags: process.execArgv.join(' ') || 'none', cpuMsPerGet: (cpu.user + cpu.system) / 1000 / gets, wallMsPerGet: wallMs / gets,
    gcMsPerGet: gcMs / gets, gcMaxMs: gcMax, gcCount, rssPeakMb: mb(rssPeak), heapPeakMb: mb(heapPeak), rssEndMb: mb(end.rss), heapEndMb: mb(end.heapUsed),
  };
}

function run(flags: readonly string[], nodes: number, peers: number, gets: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', String(nodes), String(peers), String(gets)], { execArgv: [...flags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as Result));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`child with ${flags.join(' ')} exited ${code}`)); });
  });
}

async function main(): Promise<void> {
  const nodes = Number(arg('nodes', '1000'));
  const peers = Number(arg('peers', '20'));
  const gets = Number(arg('gets', '20'));
  const rounds = Number(arg('rounds', '2'));
  const variants: (readonly string[])[] = [];
  process.argv.forEach((a, i) => { if (a === '--variant') variants.push(parseNodeFlags(process.argv[i + 1])); });
  if (!variants.length) variants.push([], DEFAULT_NODE_FLAGS);
  console.log(`${gets} full <get>s of ${nodes} nodes x ${peers} peers, server side, per set of Node.js flags, ${rounds} round(s)`);
  console.log('flags                                               CPU ms/get  wall ms/get  GC ms/get  GC max ms  GCs  RSS peak  heap peak  RSS end  heap end');
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const x = await run(v, nodes, peers, gets);
      console.log([x.flags.padEnd(50), x.cpuMsPerGet.toFixed(0).padStart(11), x.wallMsPerGet.toFixed(0).padStart(12), x.gcMsPerGet.toFixed(1).padStart(10),
        x.gcMaxMs.toFixed(1).padStart(10), String(x.gcCount).padStart(4), x.rssPeakMb.toFixed(0).padStart(9), x.heapPeakMb.toFixed(0).padStart(10),
        x.rssEndMb.toFixed(0).padStart(8), x.heapEndMb.toFixed(0).padStart(9)].join(' '));
      console.log(JSON.stringify(x));
    }
  }
}

if (process.argv[2] === '--child') {
  measure(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]))
    .then((r) => { process.send?.(r); process.exit(0); }, (e: unknown) => { console.error(e); process.exit(1); });
} else {
  main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
