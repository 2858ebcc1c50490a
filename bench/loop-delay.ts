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
