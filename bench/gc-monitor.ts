/**
 * Garbage-collection pauses of this process, from perf_hooks 'gc' entries: how many, how long in all, how many
 * beyond 4 ms (a paced SNMP GET that lands in one waits for it: issue 16 target 3), the longest. Young-generation
 * collections (scavenges) are counted apart: their rate follows the allocation rate.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

export interface GcPauses {
  readonly count: number;
  readonly scavenges: number;
  readonly totalMs: number;
  readonly over4Ms: number;
  readonly maxMs: number;
}

/** Pauses this long or longer are counted in over4Ms. */
export const LONG_GC_MS = 4;

export class GcMonitor {
  private count = 0;
  private scavenges = 0;
  private totalMs = 0;
  private over4Ms = 0;
  private maxMs = 0;
  private readonly obs: PerformanceObserver;

  constructor() {
    this.obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) this.add(e); });
    this.obs.observe({ entryTypes: ['gc'] });
  }

  /** The pauses since the last read (or since start); resets the counts. */
  read(): GcPauses {
    const r = { count: this.count, scavenges: this.scavenges, totalMs: this.totalMs, over4Ms: this.over4Ms, maxMs: this.maxMs };
    this.count = this.scavenges = this.totalMs = this.over4Ms = this.maxMs = 0;
    return r;
  }

  stop(): void {
    this.obs.disconnect();
  }

  private add(e: PerformanceEntry): void {
    this.count++;
    const kind = ((e as PerformanceEntry & { readonly detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) this.scavenges++;
    this.totalMs += e.duration;
    if (e.duration >= LONG_GC_MS) this.over4Ms++;
    if (e.duration > this.maxMs) this.maxMs = e.duration;
  }
}
