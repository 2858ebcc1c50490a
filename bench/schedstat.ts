/**
 * A thread's scheduler figures on Linux (/proc/.../schedstat: CPU time, time waiting for a CPU, times put on a CPU),
 * for the benchmarks that count wake-ups (snmp-latency.ts, snmp-poll-threads.ts).
 */
import * as fs from 'node:fs';

export interface Schedstat { readonly cpuNs: number; readonly waitNs: number; readonly runs: number }

/**
 * The figures of the thread at path: `/proc/PID/task/TID/schedstat`, or `/proc/thread-self/schedstat`; NaN each
 * where it cannot be read (not Linux, or the thread has ended).
 */
export function schedstat(path: string): Schedstat {
  try {
    const [cpuNs, waitNs, runs] = fs.readFileSync(path, 'latin1').trim().split(' ').map(Number);
    return { cpuNs, waitNs, runs };
  } catch {
    return { cpuNs: NaN, waitNs: NaN, runs: NaN };
  }
}
