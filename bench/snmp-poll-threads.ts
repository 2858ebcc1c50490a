/**
 * The pollers of snmp-poll.ts, each on a worker thread of its own (its own event loop), as a multi-threaded NMS
 * polls: no poller waits for another's answers to be read. The same GETs, pacing and rate as poll() (but a poller
 * held to a rate sleeps until its next GET is due instead of spinning, as it has nothing else to do), the same
 * summary; the round-trip times of all pollers are pooled for the percentiles. For bench/snmp-latency.ts
 * (--poller-threads).
 */
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { schedstat } from './schedstat';
import { poll, summary } from './snmp-poll';
import type { Latency } from './snmp-poll';

interface Job { readonly port: number; readonly oids: readonly string[]; readonly seconds: number; readonly pauseMs?: number; readonly rate?: number }
/** runs: times this thread was put on a CPU while it polled (its schedstat; gone from /proc once it has ended). */
interface Done { readonly times: Float64Array; readonly errors: number; readonly runs: number }

/** `pollers` pollers on as many threads; rate (all pollers together) is shared evenly among them. */
export async function pollThreads(port: number, oids: readonly string[], seconds: number, pollers = 4,
  opts: { pauseMs?: number; rate?: number } = {}): Promise<Latency> {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const job: Job = { port, oids, seconds, pauseMs: opts.pauseMs, rate: opts.rate ? opts.rate / pollers : undefined };
  const done = await Promise.all(Array.from({ length: pollers }, () => new Promise<Done>((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'snmp-poll-threads.js'), { workerData: job });
    w.once('message', (d: Done) => resolve(d));
    w.once('error', reject);
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`a poller thread exited with ${code}`)); });
  })));
  const cpu = process.cpuUsage(cpu0);
  const pollerCpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - started)) * 100;
  const times = Float64Array.from(done.flatMap((d) => Array.from(d.times)));
  return { ...summary(times, seconds, done.reduce((a, d) => a + d.errors, 0), pollerCpu), threadRuns: done.reduce((a, d) => a + d.runs, 0) };
}

if (!isMainThread && parentPort) {
  const job = workerData as Job;
  const times: number[] = [];
  const port = parentPort;
  const runs0 = schedstat('/proc/thread-self/schedstat').runs;
  void poll(job.port, job.oids, job.seconds, 1, { pauseMs: job.pauseMs, rate: job.rate, sleep: true, record: (_p, sent, answered) => { times.push(answered - sent); } })
    .then((l) => { const t = Float64Array.from(times); port.postMessage({ times: t, errors: l.errors, runs: schedstat('/proc/thread-self/schedstat').runs - runs0 } satisfies Done, [t.buffer]); });
}
