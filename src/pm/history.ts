/**
 * Closing a job's intervals into history: the current interval at its boundary (or early, suspect), the
 * interval saved at the last shutdown, and whole periods with no measurement in between (suspect, no value);
 * up to MAX_HISTORY per pair, persisted in SQLite, the closing value checked against the thresholds. Then the
 * next current interval starts and each pair's history rows are renumbered in the tree (1 the most recent),
 * spread over event-loop turns for a large job.
 */
import type { Bridge } from '../bridge';
import { SD_ID } from '../log/records';
import type { Instance } from '../state/tree';
import type { ClosedInterval } from './interval';
import { Accumulator, MAX_HISTORY, SECOND, alignStart, gapIntervals } from './interval';
import type { Job, Pair } from './job';
import { writeCurrent, writeJobConfig, writeSummary } from './render';
import type { PmStore, SavedCurrent } from './store';
import type { ThresholdMonitor } from './threshold-monitor';

type Added = { idx: number; iv: ClosedInterval }[];
type Evicted = { idx: number; start: number }[];

export interface HistoryDeps {
  readonly bridge: Bridge;
  readonly store: PmStore;
  readonly thresholds: ThresholdMonitor;
  /** The jobs of the configuration, by name. */
  readonly jobs: ReadonlyMap<string, Job>;
  /** Measured resources present in the tree, by resource path. */
  readonly resources: ReadonlyMap<string, Instance>;
  readonly now: () => number;
  /** Whether the manager runs (a renumbering spread over turns stops when it stops). */
  readonly running: () => boolean;
  /** Pairs whose history rows are renumbered per event-loop turn. */
  readonly summarySlice: number;
}

export class IntervalHistory {
  constructor(private readonly d: HistoryDeps) {}

  /** End of the most recent closed interval of a job's pairs. */
  lastEndOf(job: Job): number | undefined {
    let end: number | undefined;
    for (const p of job.pairs.values()) {
      const h = p.history[0];
      if (h) end = Math.max(end ?? -Infinity, h.start + h.duration * SECOND);
    }
    return end;
  }

  /** The current interval saved at the last shutdown, closed into history (suspect) when measuring does not resume in it. */
  closeSaved(job: Job, saved: SavedCurrent, now: number): void {
    if (job.lastEnd !== undefined && saved.start < job.lastEnd) return;
    // Normally the whole interval; when it would reach into the present (granularity changed), up to the shutdown.
    const end = saved.end <= now ? saved.end : Math.max(saved.start + SECOND, Math.min(saved.savedAt, now));
    const added: Added = [];
    const evicted: Evicted = [];
    for (const p of job.pairs.values()) {
      const acc = saved.accs.get(p.idx);
      const iv: ClosedInterval = { start: saved.start, duration: (end - saved.start) / SECOND, value: acc?.value(p.def, saved.start, end), suspect: true };
      this.push(p, iv, added, evicted);
    }
    this.d.store.writeIntervals(job.cfg.name, added, evicted);
    job.lastEnd = end;
  }

  /** Closes the current interval at `end` (the boundary, or now for a partial interval): history, SQLite, thresholds, log. */
  closeCurrent(job: Job, end: number, partial: boolean): void {
    if (end <= job.start) { job.lastEnd = Math.max(job.lastEnd ?? end, end); return; } // restarted at its very start: nothing to keep
    const added: Added = [];
    const evicted: Evicted = [];
    let suspect = 0;
    for (const p of job.pairs.values()) {
      if (partial) p.acc.markSuspect();
      const iv: ClosedInterval = {
        start: job.start, duration: (end - job.start) / SECOND, value: p.acc.value(p.def, job.start, end),
        suspect: p.acc.suspect || !p.acc.observed,
      };
      if (iv.suspect) suspect++;
      this.push(p, iv, added, evicted);
    }
    this.d.store.writeIntervals(job.cfg.name, added, evicted);
    job.lastEnd = end;
    this.d.bridge.record({
      severity: 'debug', component: 'pm', msgId: 'PM',
      message: `job ${job.cfg.name}: interval ${new Date(job.start).toISOString()} (${Math.round((end - job.start) / SECOND)} s) closed${partial ? ' early' : ''}: ` +
        `${job.pairs.size} resource/metric pair(s), ${suspect} suspect`,
      sd: { [SD_ID]: { job: job.cfg.name, start: new Date(job.start).toISOString(), duration: String(Math.round((end - job.start) / SECOND)), suspect: String(suspect) } },
    });
    for (const p of job.pairs.values()) {
      const v = p.history[0]?.value;
      if (v !== undefined) this.d.thresholds.check(job, p, v, 'close');
    }
  }

  private push(p: Pair, iv: ClosedInterval, added: Added, evicted: Evicted): void {
    p.history.unshift(iv);
    added.push({ idx: p.idx, iv });
    while (p.history.length > MAX_HISTORY) evicted.push({ idx: p.idx, start: p.history.pop()!.start });
  }

  /**
   * Starts the interval containing now (or, after a partial interval that ended in the same period, the rest
   * of that period). Whole periods since the last closed interval are recorded as suspect intervals without value.
   */
  startCurrent(job: Job, now: number, suspect: boolean): void {
    const g = job.cfg.granularity;
    const aligned = alignStart(now, g);
    const start = Math.min(now, Math.max(aligned, job.lastEnd ?? -Infinity));
    if (job.lastEnd !== undefined) {
      const gaps = gapIntervals(job.lastEnd, start, g);
      if (gaps.length) {
        suspect = true;
        const added: Added = [];
        const evicted: Evicted = [];
        for (const p of job.pairs.values()) for (const s of gaps) this.push(p, { start: s, duration: g, suspect: true }, added, evicted);
        this.d.store.writeIntervals(job.cfg.name, added, evicted);
        job.lastEnd = gaps[gaps.length - 1] + g * SECOND;
      }
    }
    job.start = start;
    job.end = aligned + g * SECOND;
    for (const p of job.pairs.values()) p.acc = this.freshAcc(p, suspect);
    writeJobConfig(this.d.bridge.tree, job);
    this.writeSummaries(job, now);
  }

  /** History rows and 24-hour values of every pair of a job; a large job is done in slices over several turns. */
  private writeSummaries(job: Job, now: number): void {
    const slice = this.d.summarySlice;
    const pairs = [...job.pairs.values()];
    const gen = ++job.summaryGen;
    let i = 0;
    const step = (at: number): void => {
      if (job.summaryGen !== gen || this.d.jobs.get(job.cfg.name) !== job) return;
      const end = Math.min(pairs.length, i + slice);
      for (; i < end; i++) {
        const p = pairs[i];
        if (job.pairs.get(p.idx) === p) { writeSummary(this.d.bridge.tree, job, p, at); writeCurrent(this.d.bridge.tree, job, p, at); }
      }
      if (i < pairs.length && this.d.running()) setImmediate(() => step(this.d.now()));
    };
    step(now);
  }

  /** The accumulator of a pair's new current interval. */
  freshAcc(p: Pair, suspect: boolean): Accumulator {
    const acc = new Accumulator();
    if (suspect) acc.markSuspect();
    // A contract is observed while it is in the tree: its counters only change when it is called.
    if (p.def.cls === 'contract' && this.d.resources.has(p.resource)) acc.observe();
    return acc;
  }
}
