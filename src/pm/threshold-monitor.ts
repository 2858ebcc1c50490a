/**
 * Thresholds of the running configuration applied to the measurement jobs: which resources each one is
 * crossed on, checks of sampled and closing values (crossing rules: ./thresholds.ts), and the reports of
 * changes through the AlarmReporter, the log, SQLite (crossings survive a restart) and the tree.
 *
 * 'current' thresholds are checked at every sample of a covered pair and with the closing value; 'closed'
 * ones with the closing value only. Only changes are reported, except that crossings persisted by the
 * previous run are reported again once at start.
 */
import type { Bridge } from '../bridge';
import type { AlarmReporter } from '../events';
import { SD_ID } from '../log/records';
import type { Job, Pair } from './job';
import { PERF } from './job';
import { underPrefix } from './metrics';
import { writeThreshold } from './render';
import type { PmStore } from './store';
import type { ThresholdConfig } from './thresholds';
import { nextCrossed, thresholdInfo } from './thresholds';

interface ThresholdRt {
  cfg: ThresholdConfig;
  key: string;
  /** Resources on which the threshold is crossed now, with the value that crossed it. */
  readonly active: Map<string, number>;
}

function jobMetric(job: string, metric: string): string { return `${job}\u0000${metric}`; }

export class ThresholdMonitor {
  private readonly thresholds = new Map<string, ThresholdRt>();
  private byJobMetric = new Map<string, ThresholdRt[]>();

  constructor(
    private readonly bridge: Bridge,
    private readonly store: PmStore,
    private readonly reporter: AlarmReporter | undefined,
    private readonly jobs: ReadonlyMap<string, Job>,
  ) {}

  get size(): number { return this.thresholds.size; }

  /** Whether some threshold watches the metric of the job (a sample's value is then checked). */
  watches(job: Job, metric: string): boolean {
    return this.byJobMetric.has(jobMetric(job.cfg.name, metric));
  }

  configure(list: readonly ThresholdConfig[], now: number, boot: boolean): void {
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
      const k = jobMetric(t.cfg.job, t.cfg.metric);
      const l = this.byJobMetric.get(k);
      if (l) l.push(t); else this.byJobMetric.set(k, [t]);
    }
    if (boot) this.reassertCrossed();
    for (const t of this.thresholds.values()) this.write(t);
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

  /** Checks a value of a pair against the thresholds watching it: a sample of the current interval, or the closing value. */
  check(job: Job, p: Pair, value: number, when: 'sample' | 'close'): void {
    const list = this.byJobMetric.get(jobMetric(job.cfg.name, p.def.name));
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
    this.write(t);
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
    if (this.thresholds.get(t.cfg.name) === t) this.write(t);
  }

  /** Clears the crossings of a pair that is no longer measured. */
  clearPair(job: Job, p: Pair, why: string): void {
    for (const t of this.byJobMetric.get(jobMetric(job.cfg.name, p.def.name)) ?? []) this.clearCrossing(t, p.resource, why);
  }

  /** Clears every crossing of the thresholds of a job. */
  clearJob(job: Job, why: string): void {
    for (const t of this.thresholds.values()) {
      if (t.cfg.job !== job.cfg.name) continue;
      for (const r of [...t.active.keys()]) this.clearCrossing(t, r, why);
    }
  }

  private write(t: ThresholdRt): void {
    writeThreshold(this.bridge.tree, t.cfg, t.active.size);
  }
}
