/**
 * Measurement jobs and their resource/metric pairs, free of I/O: a job's configuration as read from the
 * running configuration, which metrics of which resources it covers, and the bookkeeping of its pairs
 * (each pair's accumulator for the current interval, its closed intervals and its tree instances).
 */
import type { ConfigObject } from '../config/document';
import { configValue } from '../config/document';
import { modelIndex } from '../model';
import type { Instance, Path } from '../state/tree';
import type { ClosedInterval } from './interval';
import { Accumulator } from './interval';
import type { MetricDef, MetricName } from './metrics';
import { METRICS, isMetricName, underPrefix } from './metrics';

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

export const PERF: Path = [{ cls: 'performance' }];
const jobCls = modelIndex.cls('measurementJob');

export function jobPath(job: string): Path { return [...PERF, { cls: 'measurementJob', keys: [job] }]; }

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

/** Whether the job measures the metric on the resource. */
export function applies(cfg: JobConfig, resource: string, def: MetricDef): boolean {
  return cfg.metrics.includes(def.name) && (cfg.resources.length === 0 || cfg.resources.some((p) => underPrefix(resource, p)));
}

/** One metric of one resource measured by one job. */
export class Pair {
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

export class Job {
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
