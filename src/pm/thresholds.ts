/**
 * Threshold crossing (RFC 3593 / 3GPP threshold monitor style) with hysteresis, free of I/O.
 *
 * rising:  raised when the value is at or above raiseLevel; cleared when it is at or below clearLevel and
 *          below raiseLevel (the second condition only matters when clearLevel equals raiseLevel, where it
 *          stops a value sitting exactly on the level from raising and clearing at every check).
 * falling: the mirror image.
 */
import type { ConfigObject } from '../config/document';
import { configValue } from '../config/document';
import { modelIndex } from '../model';
import type { MetricName } from './metrics';
import { isMetricName } from './metrics';

export type Direction = 'rising' | 'falling';
export type Check = 'current' | 'closed';

export interface ThresholdConfig {
  readonly name: string;
  readonly job: string;
  readonly metric: MetricName;
  /** Resource path prefix; '' for every resource of the job. */
  readonly resource: string;
  readonly direction: Direction;
  readonly raiseLevel: number;
  readonly clearLevel: number;
  readonly check: Check;
}

/** The crossing state after checking one value. */
export function nextCrossed(active: boolean, value: number, t: Pick<ThresholdConfig, 'direction' | 'raiseLevel' | 'clearLevel'>): boolean {
  if (t.direction === 'rising') {
    if (!active) return value >= t.raiseLevel;
    return !(value <= t.clearLevel && value < t.raiseLevel);
  }
  if (!active) return value <= t.raiseLevel;
  return !(value >= t.clearLevel && value > t.raiseLevel);
}

/** X.733 threshold information: "tps rising raise 5 clear 2 observed 7.3". */
export function thresholdInfo(t: ThresholdConfig, value: number): string {
  return `${t.metric} ${t.direction} raise ${t.raiseLevel} clear ${t.clearLevel} observed ${value}`;
}

const thrCls = modelIndex.cls('threshold');

/** Thresholds of a (validated) running configuration; entries naming an unknown metric are skipped. */
export function thresholdsOf(doc: ConfigObject): ThresholdConfig[] {
  const perf = doc.performance as ConfigObject | undefined;
  const list = Array.isArray(perf?.thresholds) ? (perf?.thresholds as ConfigObject[]) : [];
  const out: ThresholdConfig[] = [];
  for (const t of list) {
    const metric = String(t.metric ?? '');
    if (!isMetricName(metric) || t.raiseLevel === undefined || t.clearLevel === undefined) continue;
    out.push({
      name: String(t.name),
      job: String(t.job),
      metric,
      resource: String(configValue(thrCls, t, 'resource') ?? ''),
      direction: configValue(thrCls, t, 'direction') === 'falling' ? 'falling' : 'rising',
      raiseLevel: Number(t.raiseLevel),
      clearLevel: Number(t.clearLevel),
      check: configValue(thrCls, t, 'check') === 'closed' ? 'closed' : 'current',
    });
  }
  return out;
}
