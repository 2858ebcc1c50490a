/**
 * Where the slowest SNMP GETs of issue 16 target 3 wait: a diagnostic beside bench/snmp-latency.ts, which
 * measures the target itself against snmpd. Under the same load (bench/scale-load.ts: 1,000 x 20 synthetic nodes in
 * the tree, 1,000 recorded-response nodes polled every 10 s, a full NETCONF <get> every second), 4 pollers GET
 * from the bridge for S seconds (paced, 1 ms after each answer) while the bridge records when its agent had each
 * datagram and when it had answered, and its GC pauses, and the NETCONF client records each <get>
 * (bench/snmp-trace.ts: one clock, CLOCK_MONOTONIC, across the processes). Each GET is cut in three:
 *   before  from the poller's send until the agent had the datagram: the kernel, the bridge's event loop on
 *           other work or in a GC pause, its main thread waiting for a CPU;
 *   agent   in the agent: decode, look up, encode, send;
 *   after   from the answer sent until the poller had it: the kernel, the pollers' process waiting for a CPU.
 * Printed for the GETs of the median band (p45-p55) and of the band around p99 (p98.5-p99.5): the mean of each
 * part, and the bridge's GC pauses within it; and the share of the slowest 1% sent while a full <get> was under
 * way, against the share of the time one was.
 *
 * The bridge runs its agent with the socket on the main thread (BCMGMT_SNMP_THREAD=off): that is the path studied
 * here (on the socket thread, src/snmp/socket-thread.ts, a repeated GET never reaches the main thread).
 *
 *   node dist/bench/snmp-tail.js [--seconds S, default 20] [--warmup S, default 20] [--pause-ms MS, default 1]
 *     [--get-every S, default 1; 0: no NETCONF client] [--polled N, default 1000]
 */
import { startLoad } from './scale-load';
import { poll, snmpTargets } from './snmp-poll';
import { arg } from './args';

interface Get { readonly port: number; readonly sent: number; readonly answered: number; had?: number; done?: number }

/** Milliseconds of the intervals (flat: start, duration) within [a, b]; intervals sorted by start. */
function overlap(flat: readonly number[], a: number, b: number): number {
  let ms = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const s = flat[i];
    const e = s + flat[i + 1];
    if (s >= b) break;
    if (e > a) ms += Math.min(b, e) - Math.max(a, s);
  }
  return ms;
}

/** Gives each GET the agent's times of its datagram: per poller port, the first datagram the agent had after the send. */
function match(gets: Get[], datagrams: readonly number[]): number {
  const byPort = new Map<number, number[]>();
  for (let i = 0; i < datagrams.length; i += 3) {
    let l = byPort.get(datagrams[i]);
    if (!l) byPort.set(datagrams[i], (l = []));
    l.push(datagrams[i + 1], datagrams[i + 2]);
  }
  const at = new Map<number, number>();
  let matched = 0;
  for (const g of gets) {
    const l = byPort.get(g.port);
    if (!l) continue;
    let i = at.get(g.port) ?? 0;
    while (i < l.length && l[i] < g.sent) i += 2;
    at.set(g.port, i);
    // the agent's return can come after the poller had the answer (the bridge's thread lost its CPU between the send and
    // the return): the answer was sent by then
    if (i < l.length && l[i] <= g.answered) { g.had = l[i]; g.done = Math.min(l[i + 1], g.answered); matched++; }
  }
  return matched;
}

function band(label: string, sorted: readonly Get[], lo: number, hi: number, gc: readonly number[]): string {
  const part = sorted.slice(Math.floor(lo * sorted.length), Math.floor(hi * sorted.length)).filter((g) => g.had !== undefined);
  const n = part.length;
  const mean = (f: (g: Get) => number): string => (part.reduce((a, g) => a + f(g), 0) / n).toFixed(3);
  return `${label.padEnd(16)} ${String(n).padStart(5)} ${mean((g) => g.answered - g.sent).padStart(8)} ` +
    `${mean((g) => g.had! - g.sent).padStart(8)} ${mean((g) => overlap(gc, g.sent, g.had!)).padStart(8)} ` +
    `${mean((g) => g.done! - g.had!).padStart(8)} ${mean((g) => g.answered - g.done!).padStart(8)} ${mean((g) => overlap(gc, g.done!, g.answered)).padStart(8)}`;
}

async function main(): Promise<void> {
  process.env.BCMGMT_SNMP_THREAD = 'off'; // the bridge process inherits it
  const seconds = Number(arg('seconds', '20'));
  const warmup = Number(arg('warmup', '20'));
  const pauseMs = Number(arg('pause-ms', '1'));
  const getEvery = Number(arg('get-every', '1'));
  const polled = Number(arg('polled', '1000'));
  const load = await startLoad({ nodes: 1000, peers: 20, polled, getEvery });
  try {
    const oids = snmpTargets(1000, 20).ours;
    console.log(`Where the slowest SNMP GETs wait: tree 1000 synthetic nodes x 20 peers + ${polled} polled nodes at 10 s (${load.chainLabel}); ` +
      `${getEvery > 0 ? `NETCONF full <get> every ${getEvery} s` : 'no NETCONF client'}; 4 pollers on the bridge, ${pauseMs} ms after each answer, ${seconds} s; ` +
      `bridge Node.js flags: ${load.nodeFlags.join(' ') || 'none'}`);
    await poll(load.snmpPort, oids, Math.min(2, warmup));
    await new Promise((r) => setTimeout(r, Math.max(0, warmup - 2) * 1000));
    const gets: Get[] = [];
    await load.startTrace();
    await poll(load.snmpPort, oids, seconds, 4, { pauseMs, record: (port, sent, answered) => gets.push({ port, sent, answered }) });
    const trace = await load.stopTrace();
    const matched = match(gets, trace.agent.datagrams);
    const sorted = [...gets].sort((a, b) => (a.answered - a.sent) - (b.answered - b.sent));
    const q = (p: number): number => { const g = sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]; return g.answered - g.sent; };
    console.log(`${gets.length} GETs (${matched} matched with the agent's record), p50 ${q(0.5).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms; ` +
      `the bridge's GC: ${trace.agent.gc.length / 2} pauses, ${(overlap(trace.agent.gc, -Infinity, Infinity)).toFixed(0)} ms`);
    console.log('GETs (ms, means)  count  latency   before  (in GC)    agent    after  (in GC)');
    console.log(band('p45-p55', sorted, 0.45, 0.55, trace.agent.gc));
    console.log(band('p98.5-p99.5', sorted, 0.985, 0.995, trace.agent.gc));
    if (trace.gets.length) {
      const start = gets[0].sent;
      const end = gets[gets.length - 1].answered;
      let inGet = 0;
      for (let i = 0; i < trace.gets.length; i += 2) inGet += Math.max(0, Math.min(end, trace.gets[i + 1]) - Math.max(start, trace.gets[i]));
      const slow = sorted.slice(Math.floor(0.99 * sorted.length));
      const during = slow.filter((g) => { for (let i = 0; i < trace.gets.length; i += 2) if (g.sent >= trace.gets[i] && g.sent < trace.gets[i + 1]) return true; return false; }).length;
      console.log(`full <get>s: ${trace.gets.length / 2}, under way ${((100 * inGet) / (end - start)).toFixed(0)}% of the time; ` +
        `the slowest 1% of GETs (${slow.length}): ${((100 * during) / slow.length).toFixed(0)}% sent while one was`);
    }
  } finally {
    await load.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
