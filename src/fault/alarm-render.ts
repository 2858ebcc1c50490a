/**
 * The alarm list in the instance tree: class alarm (with its alarmStatusChange children) under fault, and
 * the fault container's summary. The alarm list is the only caller; it decides when, these say how.
 */
import type { Instance, InstanceTree, Path } from '../state/tree';
import { alarmTypeByName } from './policy';
import type { AlarmRecord, StatusChange } from './store';

export const FAULT: Path = [{ cls: 'fault' }];

export function alarmPath(index: number): Path {
  return [...FAULT, { cls: 'alarm', keys: [index] }];
}

function statusChangePath(index: number, seq: number): Path {
  return [...alarmPath(index), { cls: 'alarmStatusChange', keys: [seq] }];
}

/** Writes an alarm's values (X.733 fields from its type), and its status-change history when withHistory. */
export function renderAlarm(tree: InstanceTree, r: AlarmRecord, withHistory: boolean): void {
  const t = alarmTypeByName(r.type);
  tree.set(alarmPath(r.index), {
    resource: r.resource, type: r.type, typeQualifier: r.qualifier, timeCreated: r.timeCreated, isCleared: r.isCleared,
    lastRaised: r.lastRaised, lastChanged: r.lastChanged, perceivedSeverity: r.severity, alarmText: r.text,
    eventType: t?.eventType, probableCause: t?.probableCause.value, specificProblem: t?.specificProblem,
    thresholdInfo: r.thresholdInfo, operatorState: r.operatorState, operator: r.operator, operatorText: r.operatorText,
  }, r.lastChanged);
  if (withHistory) for (const c of r.statusChanges) renderStatusChange(tree, r.index, c);
}

export function renderStatusChange(tree: InstanceTree, index: number, c: StatusChange): void {
  tree.set(statusChangePath(index, c.seq), { time: c.time, perceivedSeverity: c.severity, alarmText: c.text }, c.time);
}

export function removeStatusChange(tree: InstanceTree, index: number, seq: number): void {
  tree.remove(statusChangePath(index, seq));
}

export interface ListSummary {
  readonly activeAlarms: number;
  readonly alarmListLastChanged: number | undefined;
  readonly maxStatusChanges: number;
  readonly persistenceFailures: number;
}

export function renderSummary(tree: InstanceTree, s: ListSummary): void {
  tree.set(FAULT, { ...s, persistenceFailures: BigInt(s.persistenceFailures) });
}

/**
 * A detached copy of an alarm's instance (same class, parent and keys, so the same path; values as they
 * are now, without the status-change children): what a notice carries, so that it describes the alarm as
 * it was at the change even when the alarm changed again before the notice went out.
 */
export function snapshotOf(inst: Instance): Instance {
  return inst.snapshot();
}
