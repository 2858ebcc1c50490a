/**
 * The measurement jobs of the running configuration and their pairs: jobs added (persisted pairs and
 * history loaded, a saved current interval resumed or closed), changed (granularity, scope, lock), removed;
 * a pair for every applicable metric of every covered resource, dropped when the job no longer covers it or
 * its resource is gone without history; due intervals rolled over; samples applied to the pairs they concern.
 */
import type { Bridge } from '../bridge';
import type { Instance } from '../state/tree';
import { SECOND, alignStart } from './interval';
import type { IntervalHistory } from './history';
import type { JobConfig } from './job';
import { Job, Pair, applies, jobPath } from './job';
import { metricDef, metricsOf } from './metrics';
import { writeCurrent, writeJobConfig, writeSummary } from './render';
import type { Sample } from './samples';
import type { PmStore, SavedCurrent } from './store';
import type { ThresholdMonitor } from './threshold-monitor';

export class JobTable {
  constructor(
    private readonly bridge: Bridge,
    private readonly store: PmStore,
    /** The jobs, by name (shared with the thresholds and the history). */
    readonly jobs: Map<string, Job>,
    private readonly thresholds: ThresholdMonitor,
    private readonly history: IntervalHistory,
    /** Measured resources present in the tree, by resource path. */
    private readonly resources: ReadonlyMap<string, Instance>,
  ) {}

  get pairCount(): number {
    let pairs = 0;
    for (const j of this.jobs.values()) pairs += j.pairs.size;
    return pairs;
  }

  /** Brings the jobs in line with the configured ones. */
  configure(list: readonly JobConfig[], now: number): void {
    const wanted = new Map(list.map((j) => [j.name, j]));
    for (const [name, job] of [...this.jobs]) if (!wanted.has(name)) this.removeJob(job);
    for (const cfg of wanted.values()) {
      const job = this.jobs.get(cfg.name);
      if (!job) this.addJob(cfg, now);
      else this.changeJob(job, cfg, now);
    }
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
    job.lastEnd = this.history.lastEndOf(job);
    const saved = this.store.takeCurrent(cfg.name);
    if (cfg.adminState !== 'locked') this.enable(job, now, saved);
    else {
      if (saved) this.history.closeSaved(job, saved, now);
      writeJobConfig(this.bridge.tree, job);
      for (const p of job.pairs.values()) { writeSummary(this.bridge.tree, job, p, now); writeCurrent(this.bridge.tree, job, p, now); }
    }
  }

  /** Starts measuring: a current interval (suspect, as it started before measuring did), pairs for the present resources. */
  private enable(job: Job, now: number, saved?: SavedCurrent): void {
    const g = job.cfg.granularity;
    const aligned = alignStart(now, g);
    const resumeStart = Math.min(now, Math.max(aligned, job.lastEnd ?? -Infinity));
    const resume = saved && saved.start === resumeStart && saved.end === aligned + g * SECOND ? saved : undefined;
    if (saved && !resume) this.history.closeSaved(job, saved, now);
    job.enabled = true;
    this.history.startCurrent(job, now, true);
    if (resume) {
      for (const p of job.pairs.values()) {
        const acc = resume.accs.get(p.idx);
        if (acc) { p.acc = acc; acc.markSuspect(); }
      }
    }
    for (const inst of this.resources.values()) this.ensurePairs(job, inst, now);
    writeJobConfig(this.bridge.tree, job);
    for (const p of job.pairs.values()) writeCurrent(this.bridge.tree, job, p, now);
  }

  private changeJob(job: Job, cfg: JobConfig, now: number): void {
    const old = job.cfg;
    const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
    const scopeChanged = !same(old.metrics, cfg.metrics) || !same(old.resources, cfg.resources);
    const lock = cfg.adminState === 'locked';
    if (job.enabled && (lock || cfg.granularity !== old.granularity)) {
      // The partial interval is kept as a (suspect) history interval ending now.
      this.history.closeCurrent(job, now, true);
      job.enabled = false;
      if (lock) this.thresholds.clearJob(job, 'the measurement job was locked');
    }
    job.cfg = cfg;
    if (scopeChanged) {
      for (const p of [...job.pairs.values()]) if (!applies(cfg, p.resource, p.def)) this.dropPair(job, p, 'the measurement job no longer covers it');
      if (job.enabled) for (const p of job.pairs.values()) p.acc.markSuspect();
    }
    if (!job.enabled && !lock) this.enable(job, now);
    else if (job.enabled && scopeChanged) for (const inst of this.resources.values()) this.ensurePairs(job, inst, now);
    writeJobConfig(this.bridge.tree, job);
    for (const p of job.pairs.values()) { writeSummary(this.bridge.tree, job, p, now); writeCurrent(this.bridge.tree, job, p, now); }
  }

  private removeJob(job: Job): void {
    this.thresholds.clearJob(job, 'the measurement job was removed');
    this.jobs.delete(job.cfg.name);
    this.bridge.tree.remove(jobPath(job.cfg.name));
    this.store.deleteJob(job.cfg.name);
  }

  /** Closes the intervals that are due and starts the next ones. */
  rollAll(now: number): void {
    for (const job of this.jobs.values()) if (job.enabled && now >= job.end) this.roll(job, now);
  }

  private roll(job: Job, now: number): void {
    this.history.closeCurrent(job, job.end, false);
    for (const p of [...job.pairs.values()]) {
      if (!this.resources.has(p.resource) && p.history.every((i) => i.value === undefined)) this.dropPair(job, p, 'the resource is gone');
    }
    this.history.startCurrent(job, now, false);
  }

  /** Refreshes the current values of every measuring job. */
  writeCurrents(now: number): void {
    for (const job of this.jobs.values()) {
      if (!job.enabled) continue;
      for (const p of job.pairs.values()) writeCurrent(this.bridge.tree, job, p, now);
    }
  }

  /** Saves the current interval of every measuring job (at shutdown). */
  saveCurrents(now: number): void {
    for (const job of this.jobs.values()) {
      if (!job.enabled) continue;
      this.store.saveCurrent(job.cfg.name, job.start, job.end, now, [...job.pairs.values()].map((p) => ({ idx: p.idx, acc: p.acc.toJSON() })));
    }
  }

  /** A resource that appeared in the tree: pairs in every measuring job covering it. */
  addResource(inst: Instance, now: number): void {
    for (const job of this.jobs.values()) if (job.enabled) this.ensurePairs(job, inst, now);
  }

  /** Pairs of the job for every applicable metric of a resource; new pairs started after the interval did are suspect. */
  private ensurePairs(job: Job, inst: Instance, now: number): void {
    const resource = inst.resource();
    let added = false;
    for (const def of metricsOf(inst.cls.name)) {
      if (!applies(job.cfg, resource, def) || job.pair(resource, def.name)) continue;
      const p = new Pair(job.cfg.name, this.store.indexFor(job.cfg.name, resource, def.name), resource, def);
      p.acc = this.history.freshAcc(p, now > job.start);
      job.add(p);
      writeSummary(this.bridge.tree, job, p, now);
      writeCurrent(this.bridge.tree, job, p, now);
      added = true;
    }
    if (added) this.bridge.tree.set(jobPath(job.cfg.name), { monitoredCount: job.pairs.size });
  }

  private dropPair(job: Job, p: Pair, why: string): void {
    this.thresholds.clearPair(job, p, why);
    job.delete(p);
    this.bridge.tree.remove(p.path);
    this.store.deletePair(job.cfg.name, p.idx);
    this.bridge.tree.set(jobPath(job.cfg.name), { monitoredCount: job.pairs.size });
  }

  /** Applies a sample to the pairs of the resource in every measuring job; checks the thresholds watching them. */
  dispatch(resource: string, s: Sample, now: number): void {
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
        const back = s.retract?.[p.def.name];
        if (back !== undefined) acc.retract(back);
        if (p.def.rule === 'age' && s.last !== undefined) acc.setLast(s.last);
        writeCurrent(this.bridge.tree, job, p, now);
        if (this.thresholds.watches(job, p.def.name)) {
          const cur = acc.value(p.def, job.start, now);
          if (cur !== undefined) this.thresholds.check(job, p, cur, 'sample');
        }
      }
    }
  }
}
