/**
 * Performance management (clause 7.2.3; RFC 3593 PerfHist-TC-MIB and 3GPP PerfMetricJob style).
 *
 * Measurement jobs come from the running configuration. Each job measures, per resource (ledger, node,
 * contract) and applicable metric, a current interval aligned to wall-clock multiples of its granularity,
 * up to 96 closed intervals (number 1 the most recent, persisted in SQLite) and a 24-hour value.
 * Samples come from the collector's events (block, polled, reorg) and from the tree (contract counters);
 * thresholds are checked on samples or at interval close and report thresholdCrossed through an
 * AlarmReporter.
 *
 * Samples: a 'block' event counts for the ledger (blocks 1, transactions and tps its txCount, the gap to
 * the previous block's timestamp for blockIntervalMean/Max; the first block after start or a reorg has no
 * gap). A poll observes its node (peerCount, txPool.pending, the poll's latencyMs when it succeeded; deltas
 * of the node's bytesIn/bytesOut and of its adapter error counter rpcErrors; a failed poll counts at least
 * one RPC error: max(1, delta), so the failed call is not counted twice) and, when it succeeded, the
 * network's ledgers (head time for headAge). Contract calls/failedCalls deltas come from tree changes.
 * Interval values and 24-hour aggregation: see ./metrics.ts.
 *
 * Suspect intervals: an interval is suspect when measuring began after it started (bridge start, job
 * added or unlocked, resource appeared, granularity changed), when the job's configuration changed during
 * it, when a node was unreachable at a poll during it (its node's pairs; a ledger's and its contracts'
 * pairs when no node of the network was reachable), when the resource was never observed during it, and
 * when the bridge was down or the job locked during it (such intervals are filled in with no value).
 * At shutdown the current interval is saved; a restart within the same interval resumes it (suspect), a
 * later restart closes it (suspect) and fills the periods in between.
 *
 * Thresholds: 'current' thresholds are checked at every sample of a covered pair and with the closing value;
 * 'closed' ones with the closing value only. A new interval starts from nothing, but a crossing stays raised
 * until a check sees the value back at the clear level (for a count with check current that is usually the
 * first sample of the next interval). Only changes are reported, except that crossings persisted by the
 * previous run are reported again once at start.
 */
import type { Bridge, View } from '../bridge';
import type { BlockSummary } from '../chains/adapter';
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { PollResult } from '../collector/node-poller';
import type { ConfigObject } from '../config/document';
import { configValue } from '../config/document';
import type { AlarmReporter } from '../events';
import { SD_ID } from '../log/records';
import { modelIndex } from '../model';
import type { Instance, Path, Value } from '../state/tree';
import { pathToResource } from '../state/tree';
import type { ClosedInterval } from './interval';
import { Accumulator, MAX_HISTORY, SECOND, alignStart, dayAggregate, gapIntervals } from './interval';
import type { MetricDef, MetricName } from './metrics';
import { METRICS, isMetricName, isResourceClass, metricDef, metricsOf, underPrefix } from './metrics';
import { PmStore } from './store';
import type { ThresholdConfig } from './thresholds';
import { nextCrossed, thresholdInfo, thresholdsOf } from './thresholds';

export interface JobConfig {
  readonly name: string;
  /** Metrics measured; an empty list in the configuration means every metric. */
  readonly metrics: readonly MetricName[];
  /** The metrics as configured (what the tree shows). */
  readonly configuredMetrics: readonly string[];
  /** Resource path prefixes; empty: every resource a metric applies to. */
  readonly resources: readonly string[];
  /** Seconds. */
  readonly granularity: number;
  readonly adminState: string;
}

export interface PmOptions {
  /** Clock, ms since the epoch (tests). */
  readonly now?: () => number;
  /** Run the one-second timer that closes intervals and refreshes current values (default true). */
  readonly timer?: boolean;
  /**
   * Pairs whose history rows are renumbered per event-loop turn after an interval closes (default 200): a large
   * job's renumbering is spread over several turns so that the views stay responsive.
   */
  readonly summarySlice?: number;
}

const PERF: Path = [{ cls: 'performance' }];
const jobCls = modelIndex.cls('measurementJob');

function jobPath(job: string): Path { return [...PERF, { cls: 'measurementJob', keys: [job] }]; }

/** Jobs of a (validated) running configuration. */
export function jobsOf(doc: ConfigObject): JobConfig[] {
  const perf = doc.performance as ConfigObject | undefined;
  const list = Array.isArray(perf?.measurementJobs) ? (perf?.measurementJobs as ConfigObject[]) : [];
  return list.map((j) => {
    const configured = strings(j.metrics).filter(isMetricName);
    const metrics = configured.length ? METRICS.filter((d) => configured.includes(d.name)).map((d) => d.name) : METRICS.map((d) => d.name);
    return {
      name: String(j.name),
      metrics,
      configuredMetrics: strings(j.metrics),
      resources: strings(j.resources),
      granularity: Number(configValue(jobCls, j, 'granularity')),
      adminState: String(configValue(jobCls, j, 'adminState')),
    };
  });
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function applies(cfg: JobConfig, resource: string, def: MetricDef): boolean {
  return cfg.metrics.includes(def.name) && (cfg.resources.length === 0 || cfg.resources.some((p) => underPrefix(resource, p)));
}

function num(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

class Pair {
  acc = new Accumulator();
  /** Closed intervals, most recent first. */
  history: ClosedInterval[] = [];
  inst: Instance | undefined;
  /** pmInterval instances, rows[k] is number k + 1 (written in place when the history shifts). */
  rows: Instance[] = [];
  readonly path: Path;
  constructor(readonly job: string, readonly idx: number, readonly resource: string, readonly def: MetricDef) {
    this.path = [...jobPath(job), { cls: 'pmMonitored', keys: [idx] }];
  }
}

class Job {
  enabled = false;
  /** Current interval [start, end), ms. */
  start = 0;
  end = 0;
  /** End of the last closed interval. */
  lastEnd: number | undefined;
  /** Generation of the history renumbering in progress (a newer one supersedes it). */
  summaryGen = 0;
  readonly pairs = new Map<number, Pair>();
  readonly byResource = new Map<string, Pair[]>();
  constructor(public cfg: JobConfig) {}

  add(p: Pair): void {
    this.pairs.set(p.idx, p);
    const l = this.byResource.get(p.resource);
    if (l) l.push(p); else this.byResource.set(p.resource, [p]);
  }

  delete(p: Pair): void {
    this.pairs.delete(p.idx);
    const l = this.byResource.get(p.resource)?.filter((x) => x !== p);
    if (l && l.length) this.byResource.set(p.resource, l); else this.byResource.delete(p.resource);
  }

  pair(resource: string, metric: string): Pair | undefined {
    return this.byResource.get(resource)?.find((p) => p.def.name === metric);
  }
}

interface ThresholdRt {
  cfg: ThresholdConfig;
  key: string;
  /** Resources on which the threshold is crossed now, with the value that crossed it. */
  readonly active: Map<string, number>;
}

/** What one event says about one resource. */
interface Sample {
  /** Values by metric: counts and deltas, or measured values. */
  readonly values?: Partial<Record<MetricName, number>>;
  /** Newest head timestamp (ms) for age metrics. */
  readonly last?: number;
  /** The resource was observed (its counts are 0 rather than absent). */
  readonly observe?: boolean;
  /** The interval cannot be trusted (node lost). */
  readonly suspect?: boolean;
}

export class PerformanceManager implements View {
  readonly name = 'pm';
  private readonly store: PmStore;
  private readonly now: () => number;
  private readonly jobs = new Map<string, Job>();
  private readonly thresholds = new Map<string, ThresholdRt>();
  private byJobMetric = new Map<string, ThresholdRt[]>();
  /** Measured resources present in the tree, by resource path. */
  private readonly resources = new Map<string, Instance>();
  /** Last counter values per resource (node rpcErrors/bytesIn/bytesOut, contract calls/failedCalls). */
  private readonly counters = new Map<string, Map<string, number>>();
  /** Per ledger: timestamp (s) of the last block seen, newest head time (ms). */
  private readonly ledgers = new Map<string, { prevBlockTime?: number; headTime?: number }>();
  private started = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bridge: Bridge, private readonly reporter?: AlarmReporter, private readonly opts: PmOptions = {}) {
    this.store = new PmStore(bridge.db);
    this.now = opts.now ?? Date.now;
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const now = this.now();
    for (const cls of ['ledger', 'node', 'contract'] as const) {
      for (const inst of this.bridge.tree.instances(cls)) this.register(inst, false);
    }
    this.configure(this.bridge.running, now, true);
    this.bridge.datastore.on('committed', this.onCommitted);
    const c = this.bridge.collector;
    c.on('block', this.onBlock);
    c.on('polled', this.onPolled);
    c.on('reorg', this.onReorg);
    const t = this.bridge.tree;
    t.on('added', this.onAdded);
    t.on('removed', this.onRemoved);
    t.on('changed', this.onChanged);
    if (this.opts.timer !== false) this.arm();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.bridge.collector;
    c.off('block', this.onBlock);
    c.off('polled', this.onPolled);
    c.off('reorg', this.onReorg);
    const t = this.bridge.tree;
    t.off('added', this.onAdded);
    t.off('removed', this.onRemoved);
    t.off('changed', this.onChanged);
    this.bridge.datastore.off('committed', this.onCommitted);
    const now = this.now();
    this.rollAll(now);
    for (const job of this.jobs.values()) {
      if (!job.enabled) continue;
      this.store.saveCurrent(job.cfg.name, job.start, job.end, now, [...job.pairs.values()].map((p) => ({ idx: p.idx, acc: p.acc.toJSON() })));
    }
  }

  describe(): string {
    let pairs = 0;
    for (const j of this.jobs.values()) pairs += j.pairs.size;
    return `pm: ${this.jobs.size} measurement job(s), ${pairs} resource/metric pair(s), ${this.thresholds.size} threshold(s)`;
  }

  /** Closes due intervals and refreshes the current values; the timer calls it every second. */
  tick(): void {
    const now = this.now();
    this.rollAll(now);
    for (const job of this.jobs.values()) {
      if (!job.enabled) continue;
      for (const p of job.pairs.values()) this.writeCurrent(job, p, now);
    }
  }

  private arm(): void {
    const now = Date.now();
    // Just after each whole second: granularities are whole seconds, so boundaries are too.
    this.timer = setTimeout(() => {
      if (!this.started) return;
      try { this.tick(); } catch (e) { this.bridge.log(`performance management: ${(e as Error).message}`, 'pm', 'PM'); }
      this.arm();
    }, SECOND - (now % SECOND) + 5);
    this.timer.unref?.();
  }

  // ---------------------------------------------------------------- configuration

  private readonly onCommitted = (r: { target: string }): void => {
    if (r.target !== 'running' || !this.started) return;
    this.guard(() => this.configure(this.bridge.running, this.now(), false));
  };

  /**
   * Runs a handler of someone else's event (collector, tree, datastore): a failure here (e.g. the database is
   * closing) is logged, never thrown into the emitter.
   */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      try { this.bridge.log(`performance management: ${(e as Error).message}`, 'pm', 'PM'); } catch { /* nothing left to tell */ }
    }
  }

  private configure(doc: ConfigObject, now: number, boot: boolean): void {
    this.rollAll(now);
    const wanted = new Map(jobsOf(doc).map((j) => [j.name, j]));
    for (const [name, job] of [...this.jobs]) if (!wanted.has(name)) this.removeJob(job);
    for (const cfg of wanted.values()) {
      const job = this.jobs.get(cfg.name);
      if (!job) this.addJob(cfg, now);
      else this.changeJob(job, cfg, now);
    }
    this.bridge.tree.set(PERF, { jobCount: this.jobs.size });
    this.configureThresholds(thresholdsOf(doc), now, boot);
  }

  private writeJobConfig(job: Job): void {
    const c = job.cfg;
    this.bridge.tree.set(jobPath(c.name), {
      metrics: [...c.configuredMetrics], resources: [...c.resources], granularity: c.granularity, adminState: c.adminState,
      operState: job.enabled ? 'enabled' : 'disabled', currentIntervalStart: job.enabled ? job.start : undefined,
      monitoredCount: job.pairs.size,
    });
  }

  /** A job of the configuration: its persisted pairs and history are loaded; it starts measuring unless locked. */
  private addJob(cfg: JobConfig, now: number): void {
    const job = new Job(cfg);
    this.jobs.set(cfg.name, job);
    const history = this.store.history(cfg.name);
    for (const row of this.store.pairsWithData(cfg.name)) {
      const def = metricDef(row.metric);
      if (!def || !applies(cfg, row.resource, def)) { this.store.deletePair(cfg.name, row.idx); continue; }
      const p = new Pair(cfg.name, row.idx, row.resource, def);
      p.history = history.get(row.idx) ?? [];
      job.add(p);
    }
    job.lastEnd = this.lastEndOf(job);
    const saved = this.store.takeCurrent(cfg.name);
    if (cfg.adminState !== 'locked') this.enable(job, now, saved);
    else {
      if (saved) this.closeSaved(job, saved, now);
      this.writeJobConfig(job);
      for (const p of job.pairs.values()) { this.writeSummary(job, p, now); this.writeCurrent(job, p, now); }
    }
  }

  private lastEndOf(job: Job): number | undefined {
    let end: number | undefined;
    for (const p of job.pairs.values()) {
      const h = p.history[0];
      if (h) end = Math.max(end ?? -Infinity, h.start + h.duration * SECOND);
    }
    return end;
  }

  /** Starts measuring: a current interval (suspect, as it started before measuring did), pairs for the present resources. */
  private enable(job: Job, now: number, saved?: ReturnType<PmStore['takeCurrent']>): void {
    const g = job.cfg.granularity;
    const aligned = alignStart(now, g);
    const resumeStart = Math.min(now, Math.max(aligned, job.lastEnd ?? -Infinity));
    const resume = saved && saved.start === resumeStart && saved.end === aligned + g * SECOND ? saved : undefined;
    if (saved && !resume) this.closeSaved(job, saved, now);
    job.enabled = true;
    this.startCurrent(job, now, true);
    if (resume) {
      for (const p of job.pairs.values()) {
        const acc = resume.accs.get(p.idx);
        if (acc) { p.acc = acc; acc.markSuspect(); }
      }
    }
    for (const inst of this.resources.values()) this.ensurePairs(job, inst, now);
    this.writeJobConfig(job);
    for (const p of job.pairs.values()) this.writeCurrent(job, p, now);
  }

  /** The current interval saved at the last shutdown, closed into history (suspect) when measuring does not resume in it. */
  private closeSaved(job: Job, saved: NonNullable<ReturnType<PmStore['takeCurrent']>>, now: number): void {
    if (job.lastEnd !== undefined && saved.start < job.lastEnd) return;
    // Normally the whole interval; when it would reach into the present (granularity changed), up to the shutdown.
    const end = saved.end <= now ? saved.end : Math.max(saved.start + SECOND, Math.min(saved.savedAt, now));
    const added: { idx: number; iv: ClosedInterval }[] = [];
    const evicted: { idx: number; start: number }[] = [];
    for (const p of job.pairs.values()) {
      const acc = saved.accs.get(p.idx);
      const iv: ClosedInterval = { start: saved.start, duration: (end - saved.start) / SECOND, value: acc?.value(p.def, saved.start, end), suspect: true };
      this.push(p, iv, added, evicted);
    }
    this.store.writeIntervals(job.cfg.name, added, evicted);
    job.lastEnd = end;
  }

  private changeJob(job: Job, cfg: JobConfig, now: number): void {
    const old = job.cfg;
    const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
    const scopeChanged = !same(old.metrics, cfg.metrics) || !same(old.resources, cfg.resources);
    const lock = cfg.adminState === 'locked';
    if (job.enabled && (lock || cfg.granularity !== old.granularity)) {
      // The partial interval is kept as a (suspect) history interval ending now.
      this.closeCurrent(job, now, true);
      job.enabled = false;
      if (lock) this.clearJobAlarms(job, 'the measurement job was locked');
    }
    job.cfg = cfg;
    if (scopeChanged) {
      for (const p of [...job.pairs.values()]) if (!applies(cfg, p.resource, p.def)) this.dropPair(job, p, 'the measurement job no longer covers it');
      if (job.enabled) for (const p of job.pairs.values()) p.acc.markSuspect();
    }
    if (!job.enabled && !lock) this.enable(job, now);
    else if (job.enabled && scopeChanged) for (const inst of this.resources.values()) this.ensurePairs(job, inst, now);
    this.writeJobConfig(job);
    for (const p of job.pairs.values()) { this.writeSummary(job, p, now); this.writeCurrent(job, p, now); }
  }

  private removeJob(job: Job): void {
    this.clearJobAlarms(job, 'the measurement job was removed');
    this.jobs.delete(job.cfg.name);
    this.bridge.tree.remove(jobPath(job.cfg.name));
    this.store.deleteJob(job.cfg.name);
  }

  // ---------------------------------------------------------------- intervals

  private rollAll(now: number): void {
    for (const job of this.jobs.values()) if (job.enabled && now >= job.end) this.roll(job, now);
  }

  private roll(job: Job, now: number): void {
    this.closeCurrent(job, job.end, false);
    for (const p of [...job.pairs.values()]) {
      if (!this.resources.has(p.resource) && p.history.every((i) => i.value === undefined)) this.dropPair(job, p, 'the resource is gone');
    }
    this.startCurrent(job, now, false);
  }

  /** Closes the current interval at `end` (the boundary, or now for a partial interval): history, SQLite, thresholds, log. */
  private closeCurrent(job: Job, end: number, partial: boolean): void {
    if (end <= job.start) { job.lastEnd = Math.max(job.lastEnd ?? end, end); return; } // restarted at its very start: nothing to keep
    const added: { idx: number; iv: ClosedInterval }[] = [];
    const evicted: { idx: number; start: number }[] = [];
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
    this.store.writeIntervals(job.cfg.name, added, evicted);
    job.lastEnd = end;
    this.bridge.record({
      severity: 'debug', component: 'pm', msgId: 'PM',
      message: `job ${job.cfg.name}: interval ${new Date(job.start).toISOString()} (${Math.round((end - job.start) / SECOND)} s) closed${partial ? ' early' : ''}: ` +
        `${job.pairs.size} resource/metric pair(s), ${suspect} suspect`,
      sd: { [SD_ID]: { job: job.cfg.name, start: new Date(job.start).toISOString(), duration: String(Math.round((end - job.start) / SECOND)), suspect: String(suspect) } },
    });
    for (const p of job.pairs.values()) {
      const v = p.history[0]?.value;
      if (v !== undefined) this.checkThresholds(job, p, v, 'close');
    }
  }

  private push(p: Pair, iv: ClosedInterval, added: { idx: number; iv: ClosedInterval }[], evicted: { idx: number; start: number }[]): void {
    p.history.unshift(iv);
    added.push({ idx: p.idx, iv });
    while (p.history.length > MAX_HISTORY) evicted.push({ idx: p.idx, start: p.history.pop()!.start });
  }

  /**
   * Starts the interval containing now (or, after a partial interval that ended in the same period, the rest
   * of that period). Whole periods since the last closed interval are recorded as suspect intervals without value.
   */
  private startCurrent(job: Job, now: number, suspect: boolean): void {
    const g = job.cfg.granularity;
    const aligned = alignStart(now, g);
    const start = Math.min(now, Math.max(aligned, job.lastEnd ?? -Infinity));
    if (job.lastEnd !== undefined) {
      const gaps = gapIntervals(job.lastEnd, start, g);
      if (gaps.length) {
        suspect = true;
        const added: { idx: number; iv: ClosedInterval }[] = [];
        const evicted: { idx: number; start: number }[] = [];
        for (const p of job.pairs.values()) for (const s of gaps) this.push(p, { start: s, duration: g, suspect: true }, added, evicted);
        this.store.writeIntervals(job.cfg.name, added, evicted);
        job.lastEnd = gaps[gaps.length - 1] + g * SECOND;
      }
    }
    job.start = start;
    job.end = aligned + g * SECOND;
    for (const p of job.pairs.values()) p.acc = this.freshAcc(p, suspect);
    this.writeJobConfig(job);
    this.writeSummaries(job, now);
  }

  /** History rows and 24-hour values of every pair of a job; a large job is done in slices over several turns. */
  private writeSummaries(job: Job, now: number): void {
    const slice = this.opts.summarySlice ?? 200;
    const pairs = [...job.pairs.values()];
    const gen = ++job.summaryGen;
    let i = 0;
    const step = (at: number): void => {
      if (job.summaryGen !== gen || this.jobs.get(job.cfg.name) !== job) return;
      const end = Math.min(pairs.length, i + slice);
      for (; i < end; i++) {
        const p = pairs[i];
        if (job.pairs.get(p.idx) === p) { this.writeSummary(job, p, at); this.writeCurrent(job, p, at); }
      }
      if (i < pairs.length && this.started) setImmediate(() => step(this.now()));
    };
    step(now);
  }

  private freshAcc(p: Pair, suspect: boolean): Accumulator {
    const acc = new Accumulator();
    if (suspect) acc.markSuspect();
    // A contract is observed while it is in the tree: its counters only change when it is called.
    if (p.def.cls === 'contract' && this.resources.has(p.resource)) acc.observe();
    return acc;
  }

  /** Pairs of the job for every applicable metric of a resource; new pairs started after the interval did are suspect. */
  private ensurePairs(job: Job, inst: Instance, now: number): void {
    const resource = inst.resource();
    let added = false;
    for (const def of metricsOf(inst.cls.name)) {
      if (!applies(job.cfg, resource, def) || job.pair(resource, def.name)) continue;
      const p = new Pair(job.cfg.name, this.store.indexFor(job.cfg.name, resource, def.name), resource, def);
      p.acc = this.freshAcc(p, now > job.start);
      job.add(p);
      this.writeSummary(job, p, now);
      this.writeCurrent(job, p, now);
      added = true;
    }
    if (added) this.bridge.tree.set(jobPath(job.cfg.name), { monitoredCount: job.pairs.size });
  }

  private dropPair(job: Job, p: Pair, why: string): void {
    for (const t of this.byJobMetric.get(`${job.cfg.name}\u0000${p.def.name}`) ?? []) this.clearCrossing(t, p.resource, why);
    job.delete(p);
    this.bridge.tree.remove(p.path);
    this.store.deletePair(job.cfg.name, p.idx);
    this.bridge.tree.set(jobPath(job.cfg.name), { monitoredCount: job.pairs.size });
  }

  /** Current value, elapsed time and suspect flag of a pair. */
  private writeCurrent(job: Job, p: Pair, now: number): void {
    const values = job.enabled
      ? { resource: p.resource, metric: p.def.name, value: p.acc.value(p.def, job.start, now), elapsed: Math.max(0, Math.floor((now - job.start) / SECOND)), suspect: p.acc.suspect }
      : { resource: p.resource, metric: p.def.name, value: undefined, elapsed: 0, suspect: true };
    if (!p.inst) p.inst = this.bridge.tree.set(p.path, values, now);
    else this.bridge.tree.write(p.inst, values, now);
  }

  /** History rows (renumbered, 1 the most recent), valid/invalid counts and the 24-hour value of a pair. */
  private writeSummary(job: Job, p: Pair, now: number): void {
    const tree = this.bridge.tree;
    const day = dayAggregate(p.def.day, p.history, job.enabled ? job.start : now);
    const invalid = p.history.filter((i) => i.suspect).length;
    const summary = {
      resource: p.resource, metric: p.def.name, validIntervals: p.history.length - invalid, invalidIntervals: invalid,
      dayValue: day.value, daySuspect: day.suspect,
    };
    if (p.inst) tree.write(p.inst, summary, now); else p.inst = tree.set(p.path, summary, now);
    // Renumbering rewrites every row; rows are written in place (no path walk) and only the new last one is created.
    const h = p.history;
    for (let k = 0; k < h.length; k++) {
      const iv = h[k];
      const duration = Math.round(iv.duration);
      const row = p.rows[k];
      if (!row) {
        p.rows[k] = tree.set([...p.path, { cls: 'pmInterval', keys: [k + 1] }], { start: iv.start, duration, value: iv.value, suspect: iv.suspect }, now);
        continue;
      }
      // Only what differs from the row's present content (the start always does after a shift).
      const values: Record<string, Value | undefined> = {};
      let n = 0;
      if (row.get('start') !== iv.start) { values.start = iv.start; n++; }
      if (row.get('duration') !== duration) { values.duration = duration; n++; }
      if (row.get('value') !== iv.value) { values.value = iv.value; n++; }
      if (row.get('suspect') !== iv.suspect) { values.suspect = iv.suspect; n++; }
      if (n) tree.write(row, values, now);
    }
    while (p.rows.length > h.length) {
      p.rows.pop();
      tree.remove([...p.path, { cls: 'pmInterval', keys: [p.rows.length + 1] }]);
    }
  }

  // ---------------------------------------------------------------- samples

  private resourceOf(network: string, cls: string, key: string): string {
    return pathToResource([{ cls: 'network', keys: [network] }, { cls, keys: [key] }]);
  }

  private dispatch(resource: string, s: Sample, now: number): void {
    for (const job of this.jobs.values()) {
      if (!job.enabled) continue;
      const pairs = job.byResource.get(resource);
      if (!pairs) continue;
      for (const p of pairs) {
        const acc = p.acc;
        if (s.observe) acc.observe();
        if (s.suspect) acc.markSuspect();
        const v = s.values?.[p.def.name];
        if (v !== undefined) acc.add(v, p.def.rule === 'p95');
        if (p.def.rule === 'age' && s.last !== undefined) acc.setLast(s.last);
        this.writeCurrent(job, p, now);
        if (this.byJobMetric.has(`${job.cfg.name}\u0000${p.def.name}`)) {
          const cur = acc.value(p.def, job.start, now);
          if (cur !== undefined) this.checkThresholds(job, p, cur, 'sample');
        }
      }
    }
  }

  /** Difference of a counter since its last reading; a decrease is a reset (the new value is the delta). */
  private delta(resource: string, counter: string, value: number | undefined): number | undefined {
    if (value === undefined) return undefined;
    let m = this.counters.get(resource);
    if (!m) { m = new Map(); this.counters.set(resource, m); }
    const prev = m.get(counter);
    m.set(counter, value);
    if (prev === undefined) return undefined;
    return value >= prev ? value - prev : value;
  }

  private handleBlock(e: { network: string; ledger: string; block: BlockSummary }): void {
    if (!this.started) return;
    const now = this.now();
    this.rollAll(now);
    const resource = this.resourceOf(e.network, 'ledger', e.ledger);
    let l = this.ledgers.get(resource);
    if (!l) { l = {}; this.ledgers.set(resource, l); }
    const b = e.block;
    const gap = l.prevBlockTime === undefined ? undefined : Math.max(0, b.time - l.prevBlockTime);
    l.prevBlockTime = b.time;
    l.headTime = Math.max(l.headTime ?? 0, b.time * SECOND);
    this.dispatch(resource, {
      observe: true, last: l.headTime,
      values: { blocks: 1, transactions: b.txCount, tps: b.txCount, blockIntervalMean: gap, blockIntervalMax: gap },
    }, now);
  }

  private readonly onBlock = (e: { network: string; ledger: string; block: BlockSummary }): void => { this.guard(() => this.handleBlock(e)); };
  private readonly onPolled = (e: { network: string; node: string; result: PollResult }): void => { this.guard(() => this.handlePolled(e)); };
  private readonly onAdded = (inst: Instance): void => { this.guard(() => this.handleAdded(inst)); };
  private readonly onChanged = (inst: Instance, attrs: readonly string[]): void => {
    if (inst.cls.name === 'contract') this.guard(() => this.handleChanged(inst, attrs)); // every write of the tree comes here
  };

  private readonly onReorg = (e: { network: string; ledger: string; reorg: ReorgInfo }): void => {
    const l = this.ledgers.get(this.resourceOf(e.network, 'ledger', e.ledger));
    // The next block follows the common ancestor, not the last block seen: no interval to measure.
    if (l) l.prevBlockTime = undefined;
  };

  private handlePolled(e: { network: string; node: string; result: PollResult }): void {
    if (!this.started) return;
    const now = this.now();
    this.rollAll(now);
    const tree = this.bridge.tree;
    const r = e.result;
    const netPath: Path = [{ cls: 'network', keys: [e.network] }];
    const nodeRes = this.resourceOf(e.network, 'node', e.node);
    const nodeInst = tree.find([...netPath, { cls: 'node', keys: [e.node] }]);
    const errors = this.delta(nodeRes, 'rpcErrors', num(nodeInst?.get('rpcErrors'))) ?? 0;
    const values: Partial<Record<MetricName, number>> = { rpcErrors: r.ok ? errors : Math.max(1, errors) };
    if (r.ok && r.observation) {
      const o = r.observation;
      const peers = num(o.node.peerCount);
      if (peers !== undefined) Object.assign(values, { peerCountMin: peers, peerCountMean: peers, peerCountMax: peers });
      const pending = num(o.txPool?.pending);
      if (pending !== undefined) values.txPoolSize = pending;
      values.rpcLatencyMean = r.latencyMs;
      values.rpcLatencyP95 = r.latencyMs;
      values.bytesIn = this.delta(nodeRes, 'bytesIn', num(o.node.bytesIn));
      values.bytesOut = this.delta(nodeRes, 'bytesOut', num(o.node.bytesOut));
    }
    this.dispatch(nodeRes, { values, observe: true, suspect: !r.ok }, now);
    // The network's ledgers (observed when a poll succeeds) and contracts: lost when no node is reachable.
    const net = tree.find(netPath);
    if (!net) return;
    const lost = !r.ok && (num(net.get('reachableNodeCount')) ?? 0) === 0;
    for (const ledger of net.list('ledger')) {
      const resource = ledger.resource();
      let l = this.ledgers.get(resource);
      if (!l) { l = {}; this.ledgers.set(resource, l); }
      const head = num(ledger.get('headTime'));
      if (head !== undefined) l.headTime = Math.max(l.headTime ?? 0, head);
      this.dispatch(resource, { observe: r.ok, suspect: lost, last: l.headTime }, now);
    }
    if (lost) for (const c of net.list('contract')) this.dispatch(c.resource(), { suspect: true }, now);
  }

  private register(inst: Instance, isNew: boolean): void {
    const cls = inst.cls.name;
    if (!isResourceClass(cls)) return;
    const resource = inst.resource();
    this.resources.set(resource, inst);
    if (cls === 'contract') {
      // calls and failedCalls count since the bridge started: a contract added now starts from 0.
      this.delta(resource, 'calls', isNew ? 0 : num(inst.get('calls')) ?? 0);
      this.delta(resource, 'failedCalls', isNew ? 0 : num(inst.get('failedCalls')) ?? 0);
    }
  }

  private handleAdded(inst: Instance): void {
    if (!isResourceClass(inst.cls.name)) return;
    const now = this.now();
    this.rollAll(now);
    this.register(inst, true);
    for (const job of this.jobs.values()) if (job.enabled) this.ensurePairs(job, inst, now);
  }

  private readonly onRemoved = (inst: Instance): void => {
    if (!isResourceClass(inst.cls.name)) return;
    const resource = inst.resource();
    if (this.resources.get(resource) !== inst) return;
    this.resources.delete(resource);
    this.counters.delete(resource);
    this.ledgers.delete(resource);
  };

  private handleChanged(inst: Instance, attrs: readonly string[]): void {
    if (inst.cls.name !== 'contract' || !(attrs.includes('calls') || attrs.includes('failedCalls'))) return;
    const now = this.now();
    this.rollAll(now);
    const resource = inst.resource();
    if (!this.resources.has(resource)) this.register(inst, true);
    this.dispatch(resource, {
      observe: true,
      values: {
        contractCalls: this.delta(resource, 'calls', num(inst.get('calls'))),
        contractFailures: this.delta(resource, 'failedCalls', num(inst.get('failedCalls'))),
      },
    }, now);
  }

  // ---------------------------------------------------------------- thresholds

  private configureThresholds(list: readonly ThresholdConfig[], now: number, boot: boolean): void {
    const tree = this.bridge.tree;
    const wanted = new Map(list.map((t) => [t.name, t]));
    for (const [name, t] of [...this.thresholds]) {
      if (wanted.has(name)) continue;
      for (const r of [...t.active.keys()]) this.clearCrossing(t, r, 'the threshold was removed');
      this.thresholds.delete(name);
      tree.remove([...PERF, { cls: 'threshold', keys: [name] }]);
    }
    const changed: ThresholdRt[] = [];
    for (const cfg of list) {
      const key = JSON.stringify(cfg);
      let t = this.thresholds.get(cfg.name);
      if (t && t.key === key) continue;
      if (!t) { t = { cfg, key, active: new Map() }; this.thresholds.set(cfg.name, t); }
      else {
        t.cfg = cfg;
        t.key = key;
        for (const r of [...t.active.keys()]) if (!this.covers(t, r)) this.clearCrossing(t, r, 'the threshold no longer covers the resource');
      }
      changed.push(t);
    }
    this.byJobMetric = new Map();
    for (const t of this.thresholds.values()) {
      const k = `${t.cfg.job}\u0000${t.cfg.metric}`;
      const l = this.byJobMetric.get(k);
      if (l) l.push(t); else this.byJobMetric.set(k, [t]);
    }
    if (boot) this.reassertCrossed();
    for (const t of this.thresholds.values()) this.writeThreshold(t);
    // A new or changed threshold is checked at once: against the current value, or the last closed interval.
    for (const t of changed) {
      const job = this.jobs.get(t.cfg.job);
      if (!job?.enabled) continue;
      for (const p of job.pairs.values()) {
        if (p.def.name !== t.cfg.metric || !underPrefix(p.resource, t.cfg.resource)) continue;
        const v = t.cfg.check === 'current' ? p.acc.value(p.def, job.start, now) : p.history[0]?.value;
        if (v !== undefined) this.evaluate(t, job, p, v);
      }
    }
  }

  /**
   * At start, crossings persisted by the previous run are reported again (raise is idempotent for the fault
   * manager); crossings of thresholds or resources no longer configured are cleared.
   */
  private reassertCrossed(): void {
    for (const row of this.store.crossed()) {
      const t = this.thresholds.get(row.threshold);
      if (t && this.covers(t, row.resource)) {
        const v = row.value ?? t.cfg.raiseLevel;
        t.active.set(row.resource, v);
        this.reporter?.report({
          resource: row.resource, type: 'thresholdCrossed', qualifier: t.cfg.name, active: true,
          text: this.text(t, row.resource, v, true), thresholdInfo: thresholdInfo(t.cfg, v),
        });
      } else {
        this.store.setCrossed(row.threshold, row.resource, false);
        this.reporter?.report({
          resource: row.resource, type: 'thresholdCrossed', qualifier: row.threshold, active: false,
          text: `threshold ${row.threshold} no longer applies to ${row.resource}`,
        });
      }
    }
  }

  private covers(t: ThresholdRt, resource: string): boolean {
    const job = this.jobs.get(t.cfg.job);
    return !!job && job.enabled && underPrefix(resource, t.cfg.resource) && job.cfg.metrics.includes(t.cfg.metric);
  }

  private checkThresholds(job: Job, p: Pair, value: number, when: 'sample' | 'close'): void {
    const list = this.byJobMetric.get(`${job.cfg.name}\u0000${p.def.name}`);
    if (!list) return;
    for (const t of list) {
      // check current: every sample and the closing value; check closed: the closing value only.
      if (when === 'sample' && t.cfg.check !== 'current') continue;
      if (!underPrefix(p.resource, t.cfg.resource)) continue;
      this.evaluate(t, job, p, value);
    }
  }

  private evaluate(t: ThresholdRt, job: Job, p: Pair, value: number): void {
    const was = t.active.has(p.resource);
    const is = nextCrossed(was, value, t.cfg);
    if (is === was) return;
    if (is) t.active.set(p.resource, value); else t.active.delete(p.resource);
    this.store.setCrossed(t.cfg.name, p.resource, is, value);
    const text = this.text(t, p.resource, value, is);
    this.reporter?.report({ resource: p.resource, type: 'thresholdCrossed', qualifier: t.cfg.name, active: is, text, thresholdInfo: thresholdInfo(t.cfg, value) });
    this.bridge.record({
      severity: 'notice', component: 'pm', msgId: 'PM', message: `threshold ${t.cfg.name} ${is ? 'crossed' : 'cleared'}: ${text}`,
      sd: { [SD_ID]: { threshold: t.cfg.name, job: job.cfg.name, resource: p.resource, metric: p.def.name, value: String(value), active: String(is) } },
    });
    this.writeThreshold(t);
  }

  private text(t: ThresholdRt, resource: string, value: number, active: boolean): string {
    const c = t.cfg;
    const s = active
      ? `${c.metric} of ${resource} ${c.direction === 'rising' ? 'rose' : 'fell'} to ${value} (raise level ${c.raiseLevel}, job ${c.job}, ${c.check} interval)`
      : `${c.metric} of ${resource} back to ${value} (clear level ${c.clearLevel}, job ${c.job})`;
    return s.slice(0, 255);
  }

  private clearCrossing(t: ThresholdRt, resource: string, why: string): void {
    if (!t.active.has(resource)) return;
    t.active.delete(resource);
    this.store.setCrossed(t.cfg.name, resource, false);
    const text = `${t.cfg.metric} of ${resource}: ${why}`.slice(0, 255);
    this.reporter?.report({ resource, type: 'thresholdCrossed', qualifier: t.cfg.name, active: false, text });
    this.bridge.record({
      severity: 'notice', component: 'pm', msgId: 'PM', message: `threshold ${t.cfg.name} cleared: ${text}`,
      sd: { [SD_ID]: { threshold: t.cfg.name, job: t.cfg.job, resource, metric: t.cfg.metric, active: 'false' } },
    });
    if (this.thresholds.get(t.cfg.name) === t) this.writeThreshold(t);
  }

  private clearJobAlarms(job: Job, why: string): void {
    for (const t of this.thresholds.values()) {
      if (t.cfg.job !== job.cfg.name) continue;
      for (const r of [...t.active.keys()]) this.clearCrossing(t, r, why);
    }
  }

  private writeThreshold(t: ThresholdRt): void {
    const c = t.cfg;
    this.bridge.tree.set([...PERF, { cls: 'threshold', keys: [c.name] }], {
      job: c.job, metric: c.metric, resource: c.resource, direction: c.direction, raiseLevel: c.raiseLevel, clearLevel: c.clearLevel,
      check: c.check, crossedCount: t.active.size,
    });
  }
}
