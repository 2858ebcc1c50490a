/**
 * Performance management (clause 7.2.3): measurement jobs, current and history intervals, 24-hour values
 * and thresholds, as a management function of the bridge. See ./manager.ts for the rules and the layout.
 *
 *   const pm = createPerformanceManager(bridge, faultManager);  // faultManager: AlarmReporter for thresholdCrossed
 *   bridge.addView(pm);
 */
import type { Bridge, View } from '../bridge';
import type { AlarmReporter } from '../events';
import { PerformanceManager } from './manager';
import type { PmOptions } from './manager';

export function createPerformanceManager(bridge: Bridge, reporter?: AlarmReporter, opts?: PmOptions): View {
  return new PerformanceManager(bridge, reporter, opts);
}

export { PerformanceManager };
export type { JobConfig } from './job';
export type { PmOptions } from './manager';
export { METRICS, metricDef, metricsOf } from './metrics';
export type { DayRule, IntervalRule, MetricDef, MetricName } from './metrics';
