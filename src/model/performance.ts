/** Clause 7.2.3: performance management: measurement jobs, current and history intervals, thresholds. */
import { AdminState, OperState, T, config, ev, state } from './common';
import type { ObjectClass } from './types';

/** Metrics the bridge can measure, by the class of resource they apply to. */
export const Metric = T.enumOf('Metric', [
  ev(1, 'blocks', 'Ledger: blocks added in the interval (count)'),
  ev(2, 'transactions', 'Ledger: transactions in the blocks added (count)'),
  ev(3, 'tps', 'Ledger: transactions per second over the elapsed interval'),
  ev(4, 'blockIntervalMean', 'Ledger: mean time between consecutive blocks added (seconds)'),
  ev(5, 'blockIntervalMax', 'Ledger: longest time between consecutive blocks added (seconds)'),
  ev(6, 'headAge', 'Ledger: age of the best block at the end of the interval, or now for the current one (seconds)'),
  ev(7, 'peerCountMin', 'Node: fewest peers seen at a poll'),
  ev(8, 'peerCountMean', 'Node: mean peers over the polls'),
  ev(9, 'peerCountMax', 'Node: most peers seen at a poll'),
  ev(10, 'txPoolSize', 'Node: mean pending transactions over the polls'),
  ev(11, 'rpcLatencyMean', 'Node: mean RPC round-trip time (milliseconds)'),
  ev(12, 'rpcLatencyP95', 'Node: 95th percentile RPC round-trip time (milliseconds)'),
  ev(13, 'rpcErrors', 'Node: failed RPC calls (count)'),
  ev(14, 'bytesIn', 'Node: octets received from peers, where reported (count)'),
  ev(15, 'bytesOut', 'Node: octets sent to peers, where reported (count)'),
  ev(16, 'contractCalls', 'Contract: calls (count)'),
  ev(17, 'contractFailures', 'Contract: reverted calls (count)'),
]);

export const performance: ObjectClass = {
  name: 'performance', clause: '7.2.3', kind: 'container', parent: 'managedSystem', arc: 40, mibPrefix: 'bcmPm',
  description: 'Performance management: measurement jobs and thresholds, in the style of RFC 3593 (PerfHist-TC-MIB) and 3GPP PerfMetricJob.',
  attributes: [
    state(1, 'jobCount', T.gauge32, 'Measurement jobs configured.'),
  ],
};

export const measurementJob: ObjectClass = {
  name: 'measurementJob', clause: '7.2.3', kind: 'list', parent: 'performance', keys: ['name'], arc: 41, mibPrefix: 'bcmPmJob', maxElements: 64,
  description: 'A measurement job: which metrics to measure on which resources, in intervals of one granularity period. ' +
    'The job keeps, per resource and metric, the current interval, 96 history intervals and a 24-hour total.',
  attributes: [
    config(1, 'name', T.name, 'Name of the job.'),
    config(2, 'metrics', Metric, 'Metrics measured.', { multi: true, maxElements: 64, mib: false }),
    config(3, 'resources', T.text(80), 'Resource path prefixes the job covers (e.g. "network/dev"); none means every resource a metric applies to.', { multi: true, maxElements: 64, mib: false }),
    config(4, 'granularity', T.uint32(1, 86400), 'Length of an interval.', { units: 'seconds', default: 900 }),
    config(5, 'adminState', AdminState, 'X.731 administrative state: locked jobs do not measure.', { default: 'unlocked' }),
    state(6, 'operState', OperState, 'enabled while the job measures.'),
    state(7, 'currentIntervalStart', T.time, 'When the current interval started.'),
    state(8, 'monitoredCount', T.gauge32, 'Resource and metric pairs measured.'),
  ],
};

export const pmMonitored: ObjectClass = {
  name: 'pmMonitored', clause: '7.2.3', kind: 'list', parent: 'measurementJob', keys: ['index'], arc: 43, mibPrefix: 'bcmPmCur',
  description: 'One metric of one resource under a job: the current interval and the 24-hour total (RFC 3593 current and total). ' +
    'The index is given when the pair is first measured and kept with its history across restarts.',
  attributes: [
    state(1, 'index', T.uint32(1, 4294967295), 'Index of the resource and metric pair within the job.'),
    state(2, 'resource', T.resource, 'Measured resource.'),
    state(3, 'metric', Metric, 'Measured metric.'),
    state(4, 'value', T.milli, 'Value of the metric over the current interval so far; absent when no sample was taken.'),
    state(5, 'elapsed', T.uint32(), 'Time elapsed in the current interval.', { units: 'seconds' }),
    state(6, 'suspect', T.bool, 'true when the current interval cannot be trusted (the bridge restarted, or lost the node, during it).'),
    state(7, 'validIntervals', T.uint32(0, 96), 'History intervals held that are not suspect.'),
    state(8, 'invalidIntervals', T.uint32(0, 96), 'History intervals held that are suspect.'),
    state(9, 'dayValue', T.milli, 'Value of the metric over the last 24 hours of intervals (sum for counts, mean for means, extreme for minimum and maximum).'),
    state(10, 'daySuspect', T.bool, 'true when any interval of the 24-hour total is suspect.'),
  ],
};

export const pmInterval: ObjectClass = {
  name: 'pmInterval', clause: '7.2.3', kind: 'list', parent: 'pmMonitored', keys: ['number'], arc: 44, mibPrefix: 'bcmPmInt',
  description: 'A closed history interval of one metric of one resource; number 1 is the most recent (RFC 3593 interval numbering).',
  bound: { max: 96, eviction: 'the oldest interval (number 96) is dropped when an interval closes' },
  attributes: [
    state(1, 'number', T.uint32(1, 96), 'Interval number, 1 the most recent.'),
    state(2, 'start', T.time, 'When the interval started.'),
    state(3, 'duration', T.uint32(), 'Length of the interval.', { units: 'seconds' }),
    state(4, 'value', T.milli, 'Value of the metric over the interval.'),
    state(5, 'suspect', T.bool, 'true when the interval cannot be trusted.'),
  ],
};

export const threshold: ObjectClass = {
  name: 'threshold', clause: '7.2.3', kind: 'list', parent: 'performance', keys: ['name'], arc: 42, mibPrefix: 'bcmPmThr', maxElements: 256,
  description: 'A threshold on a metric of a job: crossing the raise level raises thresholdCrossed on the resource, returning past the clear level clears it.',
  attributes: [
    config(1, 'name', T.name, 'Name of the threshold; the qualifier of the alarms it raises.'),
    config(2, 'job', T.name, 'Measurement job whose intervals are checked.', { required: true }),
    config(3, 'metric', Metric, 'Metric checked.', { required: true }),
    config(4, 'resource', T.text(80), 'Resource path prefix the threshold covers; empty for every resource of the job.', { default: '' }),
    config(5, 'direction', T.enumOf('ThresholdDirection', [
      ev(1, 'rising', 'Raised when the value rises to the raise level or above'),
      ev(2, 'falling', 'Raised when the value falls to the raise level or below'),
    ]), 'Direction of the crossing.', { default: 'rising' }),
    config(6, 'raiseLevel', T.level, 'Level whose crossing raises the alarm.', { required: true }),
    config(7, 'clearLevel', T.level, 'Level whose crossing back clears it.', { required: true }),
    config(8, 'check', T.enumOf('ThresholdCheck', [
      ev(1, 'current', 'Checked against the current interval at every poll'),
      ev(2, 'closed', 'Checked when an interval closes'),
    ]), 'When the level is checked.', { default: 'current' }),
    state(9, 'crossedCount', T.gauge32, 'Resources on which the threshold is crossed now.'),
  ],
};

export const performanceClasses = [performance, measurementJob, threshold, pmMonitored, pmInterval];
