/**
 * Fault management (clause 7.2.2): detectors over the live tree with hold-down and hysteresis, the
 * RFC 8632 alarm list persisted in SQLite and rendered in the tree (classes fault, alarm,
 * alarmStatusChange, alarmInventory, alarmPolicy), and one Bridge 'alarm' notice per state change.
 *
 *   const fault = createFaultManager(bridge);
 *   bridge.addView(fault);                // start() subscribes, stop() flushes
 *   fault.report({ resource, type: 'thresholdCrossed', qualifier: 'threshold-name', active: true, text });
 *   fault.setOperatorState(index, 'ack', 'alice', 'looking at it');
 *   fault.purge({ clearance: 'cleared', operatorState: 'closed' });
 */
import type { Bridge, View } from '../bridge';
import type { AlarmReporter } from '../events';
import type { AlarmList } from './alarm-list';
import { FaultManagerImpl } from './manager';
import type { FaultManager, FaultManagerOptions } from './manager';

export { AlarmError, AlarmList, MAX_ALARMS, OPERATOR_STATES, alarmPath } from './alarm-list';
export type { Alarm, OperatorActionNotice, OperatorChange, OperatorStateName, PurgeFilter, RaiseInput, StatusChange } from './alarm-list';
export { HoldDown, falling, rising } from './holddown';
export type { Signal, Transition } from './holddown';
export { faultSettings } from './policy';
export type { EffectivePolicy, FaultSettings, RaisedSeverity } from './policy';
export type { FaultManager, FaultManagerOptions } from './manager';

export function createFaultManager(bridge: Bridge, opts: FaultManagerOptions = {}): FaultManager & View & AlarmReporter & { list: AlarmList } {
  return new FaultManagerImpl(bridge, opts);
}
