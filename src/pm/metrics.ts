/**
 * The metrics of performance management (model enum Metric, src/model/performance.ts): the class of
 * resource each applies to, how its current-interval value is computed from samples, and how the
 * 24-hour value is aggregated from closed intervals.
 */
import { Metric } from '../model/performance';

export type MetricName =
  | 'blocks' | 'transactions' | 'tps' | 'blockIntervalMean' | 'blockIntervalMax' | 'headAge'
  | 'peerCountMin' | 'peerCountMean' | 'peerCountMax' | 'txPoolSize' | 'rpcLatencyMean' | 'rpcLatencyP95'
  | 'rpcErrors' | 'bytesIn' | 'bytesOut' | 'contractCalls' | 'contractFailures';

/** Classes of the resources measured (Instance.cls.name). */
export type ResourceClass = 'ledger' | 'node' | 'contract';

/**
 * How an interval's value is computed from its accumulator:
 * - count: sum of the samples (0 when the resource was observed and nothing happened; see zeroWhenObserved);
 * - rate: sum of the samples divided by the elapsed (current) or full (closed) seconds of the interval;
 * - mean, min, max: of the samples;
 * - p95: 95th percentile of the samples, nearest-rank method;
 * - age: seconds from the last sampled timestamp to now (current) or to the end of the interval (closed).
 */
export type IntervalRule = 'count' | 'rate' | 'mean' | 'min' | 'max' | 'p95' | 'age';

/**
 * How the 24-hour value is aggregated from the closed intervals of the last 24 hours:
 * - sum: counts;
 * - weightedMean: rates, weighted by interval duration (total events over total time);
 * - mean: mean of the interval means;
 * - max: maxima and the 95th percentile (the largest p95 of the day, an upper bound of the day's p95) and
 *   head age (the worst age at an interval end);
 * - min: minima.
 */
export type DayRule = 'sum' | 'weightedMean' | 'mean' | 'min' | 'max';

export interface MetricDef {
  readonly name: MetricName;
  readonly cls: ResourceClass;
  readonly rule: IntervalRule;
  readonly day: DayRule;
  /** Counts that are 0 (not absent) when the resource was observed in the interval without a sample. */
  readonly zeroWhenObserved: boolean;
  readonly units: string;
}

const m = (name: MetricName, cls: ResourceClass, rule: IntervalRule, day: DayRule, units: string, zeroWhenObserved = false): MetricDef =>
  ({ name, cls, rule, day, units, zeroWhenObserved });

export const METRICS: readonly MetricDef[] = [
  m('blocks', 'ledger', 'count', 'sum', 'blocks', true),
  m('transactions', 'ledger', 'count', 'sum', 'transactions', true),
  m('tps', 'ledger', 'rate', 'weightedMean', 'transactions per second', true),
  m('blockIntervalMean', 'ledger', 'mean', 'mean', 'seconds'),
  m('blockIntervalMax', 'ledger', 'max', 'max', 'seconds'),
  m('headAge', 'ledger', 'age', 'max', 'seconds'),
  m('peerCountMin', 'node', 'min', 'min', 'peers'),
  m('peerCountMean', 'node', 'mean', 'mean', 'peers'),
  m('peerCountMax', 'node', 'max', 'max', 'peers'),
  m('txPoolSize', 'node', 'mean', 'mean', 'transactions'),
  m('rpcLatencyMean', 'node', 'mean', 'mean', 'milliseconds'),
  m('rpcLatencyP95', 'node', 'p95', 'max', 'milliseconds'),
  m('rpcErrors', 'node', 'count', 'sum', 'errors', true),
  // Byte counters are absent when the node does not report them: only a computed delta makes them present.
  m('bytesIn', 'node', 'count', 'sum', 'octets'),
  m('bytesOut', 'node', 'count', 'sum', 'octets'),
  m('contractCalls', 'contract', 'count', 'sum', 'calls', true),
  m('contractFailures', 'contract', 'count', 'sum', 'calls', true),
];

const byName = new Map<string, MetricDef>(METRICS.map((d) => [d.name, d]));

/** Names of the model's Metric enumeration, in enum order. */
export const MODEL_METRICS: readonly string[] = Metric.base === 'enum' ? Metric.values.map((v) => v.name) : [];

export function metricDef(name: string): MetricDef | undefined {
  return byName.get(name);
}

export function isMetricName(name: string): name is MetricName {
  return byName.has(name);
}

/** Metrics that apply to a class of resource, in enum order. */
export function metricsOf(cls: string): MetricDef[] {
  return METRICS.filter((d) => d.cls === cls);
}

export const RESOURCE_CLASSES: readonly ResourceClass[] = ['ledger', 'node', 'contract'];

export function isResourceClass(cls: string): cls is ResourceClass {
  return (RESOURCE_CLASSES as readonly string[]).includes(cls);
}

/**
 * Whether a resource falls under a prefix: the prefix is a whole number of path segments
 * ("network/dev" covers "network/dev/node/n1" but not "network/dev2/..."); '' covers everything.
 */
export function underPrefix(resource: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return true;
  return resource === p || resource.startsWith(`${p}/`);
}
