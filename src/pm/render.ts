/**
 * How performance management shows in the instance tree: a measurement job's configuration and state, each
 * pair's current value (pmMonitored) with its valid/invalid counts and 24-hour value, its history rows
 * (pmInterval, number 1 the most recent, renumbered in place when the history shifts), and the thresholds.
 */
import type { InstanceTree, Value } from '../state/tree';
import { SECOND, dayAggregate } from './interval';
import type { Job, Pair } from './job';
import { PERF, jobPath } from './job';
import type { ThresholdConfig } from './thresholds';

export function writeJobConfig(tree: InstanceTree, job: Job): void {
  const c = job.cfg;
  tree.set(jobPath(c.name), {
    metrics: [...c.configuredMetrics], resources: [...c.resources], granularity: c.granularity, adminState: c.adminState,
    operState: job.enabled ? 'enabled' : 'disabled', currentIntervalStart: job.enabled ? job.start : undefined,
    monitoredCount: job.pairs.size,
  });
}

/** Current value, elapsed time and suspect flag of a pair. */
export function writeCurrent(tree: InstanceTree, job: Job, p: Pair, now: number): void {
  const values = job.enabled
    ? { resource: p.resource, metric: p.def.name, value: p.acc.value(p.def, job.start, now), elapsed: Math.max(0, Math.floor((now - job.start) / SECOND)), suspect: p.acc.suspect }
    : { resource: p.resource, metric: p.def.name, value: undefined, elapsed: 0, suspect: true };
  if (!p.inst) p.inst = tree.set(p.path, values, now);
  else tree.write(p.inst, values, now);
}

/** History rows (renumbered, 1 the most recent), valid/invalid counts and the 24-hour value of a pair. */
export function writeSummary(tree: InstanceTree, job: Job, p: Pair, now: number): void {
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

/** A threshold's configuration and on how many resources it is crossed now. */
export function writeThreshold(tree: InstanceTree, c: ThresholdConfig, crossedCount: number): void {
  tree.set([...PERF, { cls: 'threshold', keys: [c.name] }], {
    job: c.job, metric: c.metric, resource: c.resource, direction: c.direction, raiseLevel: c.raiseLevel, clearLevel: c.clearLevel,
    check: c.check, crossedCount,
  });
}
