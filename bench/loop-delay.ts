/**
 * Event-loop delay as issue 16 target 5 means it: how long the loop was held beyond the sampling timer's own
 * interval. perf_hooks.monitorEventLoopDelay records the whole interval between two firings of its timer
 * (an idle process with resolution 10 shows a minimum of about 10 ms), so the resolution is subtracted here, as
 * Elastic's APM agent does (see open-telemetry/opentelemetry-js-contrib#2794).
 *
 * An idle Node.js process sampled the same way over the same window (`startIdleReference`) shows what the
 * machine itself adds (the scheduler of this 2-core VM, other processes): a stall both processes show at once
 * is the machine's, not the bridge's.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { request } from './ipc';

/** The sampling timer's interval, ms. */
export const LOOP_RESOLUTION_MS = 5;

export interface LoopDelay { readonly maxMs: number; readonly p99Ms: number; readonly meanMs: number }

export class LoopDelayMonitor {
  private readonly h: IntervalHistogram;

  constructor(private readonly resolutionMs = LOOP_RESOLUTION_MS) {
    this.h = monitorEventLoopDelay({ resolution: resolutionMs });
    this.h.enable();
  }

  /** The delays since the last read (or since start), in ms beyond the timer's interval; resets the histogram. */
  read(): LoopDelay {
    const beyond = (ns: number): number => (Number.isFinite(ns) && this.h.count > 0 ? Math.max(0, ns / 1e6 - this.resolutionMs) : 0);
    const d = { maxMs: beyond(this.h.max), p99Ms: beyond(this.h.percentile(99)), meanMs: beyond(this.h.mean) };
    this.h.reset();
    return d;
  }

  stop(): void {
    this.h.disable();
  }
}

/**
 * The worst stall since the last read, split by what the main thread did meanwhile (Linux schedstat: time on a
 * CPU and time runnable but waiting for one). `heldMaxMs` is the most CPU time the main thread had in any stall:
 * an upper bound of what one callback of the bridge (a request, a poll, a GC pause) held the loop; the rest of
 * a stall was the thread waiting for a CPU (other processes, its own GC helper threads) or blocked.
 */
export interface Stalls {
  /** The longest stall beyond the timer's interval, ms; and in it, ms on a CPU and ms waiting for one. */
  readonly worstMs: number; readonly worstRunMs: number; readonly worstWaitMs: number;
  /** The most CPU time the main thread had in any one stall of more than STALL_MS. */
  readonly heldMaxMs: number;
}

/** A late timer beyond this (ms) is a stall. */
export const STALL_MS = 20;

/**
 * Stalls of the event loop with the main thread's scheduling in each (/proc/thread-self/schedstat: ns on a CPU, ns
 * waiting on a run queue). Absent (read() gives undefined) where that file is not (not Linux).
 */
export class StallWatch {
  private readonly fd: number | undefined;
  private readonly buf = Buffer.alloc(64);
  private readonly timer: NodeJS.Timeout | undefined;
  private worst = { ms: 0, run: 0, wait: 0 };
  private held = 0;

  constructor(private readonly intervalMs = LOOP_RESOLUTION_MS) {
    try { this.fd = fs.openSync('/proc/thread-self/schedstat', 'r'); } catch { this.fd = undefined; return; }
    let at = performance.now();
    let [run, wait] = this.sched();
    this.timer = setInterval(() => {
      const now = performance.now();
      const [r, w] = this.sched();
      const late = now - at - this.intervalMs;
      if (late > STALL_MS) {
        const ranMs = (r - run) / 1e6;
        if (late > this.worst.ms) this.worst = { ms: late, run: ranMs, wait: (w - wait) / 1e6 };
        if (ranMs > this.held) this.held = ranMs;
      }
      at = now; run = r; wait = w;
    }, intervalMs);
    this.timer.unref();
  }

  /** ns on a CPU and ns waiting for one, of this thread since it began. */
  private sched(): [number, number] {
    const n = fs.readSync(this.fd!, this.buf, 0, this.buf.length, 0);
    const [run, wait] = this.buf.toString('latin1', 0, n).split(' ');
    return [Number(run), Number(wait)];
  }

  /** The stalls since the last read (or since start); resets. */
  read(): Stalls | undefined {
    if (this.fd === undefined) return undefined;
    const s = { worstMs: this.worst.ms, worstRunMs: this.worst.run, worstWaitMs: this.worst.wait, heldMaxMs: this.held };
    this.worst = { ms: 0, run: 0, wait: 0 };
    this.held = 0;
    return s;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.fd !== undefined) fs.closeSync(this.fd);
  }
}

/** An idle Node.js process that samples its own event-loop delay; `read()` gets its delays since the last read. */
export interface IdleReference { read(): Promise<LoopDelay>; stop(): void }

export function startIdleReference(): IdleReference {
  const child: ChildProcess = fork(__filename, ['--idle-reference'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  return {
    read: () => request<LoopDelay>(child, 'loop'),
    stop: () => { if (child.exitCode === null) child.kill('SIGTERM'); },
  };
}

if (process.argv[2] === '--idle-reference') {
  const m = new LoopDelayMonitor();
  process.on('message', (msg: { ask?: string }) => { if (msg.ask === 'loop') process.send?.({ reply: 'loop', data: m.read() }); });
  process.on('disconnect', () => process.exit(0));
}
