/** The alarm list's public shapes: a read-only alarm, the inputs of its operations, its events and errors. */
import type { AlarmNotice } from '../events';
import type { Instance, InstanceTree } from '../state/tree';
import type { Db } from '../store/db';
import type { BatcherOptions } from './alarm-batcher';
import type { RaisedSeverity } from './policy';
import type { OperatorChange, OperatorStateName, StatusChange } from './store';

/** The alarm list holds at most this many alarms: beyond, the oldest cleared alarm is purged (model bound). */
export const MAX_ALARMS = 10000;

export const OPERATOR_STATES: readonly OperatorStateName[] = ['none', 'ack', 'closed'];

/** A read-only view of one alarm. */
export interface Alarm {
  readonly index: number;
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  readonly timeCreated: number;
  readonly isCleared: boolean;
  readonly lastRaised: number;
  readonly lastChanged: number;
  /** Severity, or the last severity when cleared (RFC 8632 perceived-severity). */
  readonly severity: RaisedSeverity;
  readonly text: string;
  readonly thresholdInfo: string | undefined;
  readonly operatorState: OperatorStateName;
  readonly operator: string | undefined;
  readonly operatorText: string | undefined;
  readonly statusChanges: readonly StatusChange[];
  readonly operatorChanges: readonly OperatorChange[];
}

export interface RaiseInput {
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  readonly severity: RaisedSeverity;
  readonly text: string;
  readonly thresholdInfo?: string;
}

export interface OperatorActionNotice {
  readonly alarm: Instance;
  readonly index: number;
  readonly state: OperatorStateName;
  readonly operator: string;
  readonly text: string;
  readonly time: number;
}

export interface AlarmListEvents {
  /** An operator acted on an alarm (RFC 8632 operator-action notification). */
  operatorAction: [OperatorActionNotice];
  /** An alarm was purged. */
  purged: [Alarm];
}

export interface AlarmListOptions {
  readonly db: Db;
  readonly tree: InstanceTree;
  readonly now?: () => number;
  readonly maxStatusChanges: number;
  /** Called once per state change, after the change is persisted. */
  readonly notify: (n: AlarmNotice) => void;
  readonly log: (line: string) => void;
  readonly maxAlarms?: number;
  /** Retry delays of a failed write (default: 1 s doubling up to 30 s). */
  readonly retryMs?: BatcherOptions['retryMs'];
}

export class AlarmError extends Error {
  override readonly name = 'AlarmError';
  constructor(readonly code: 'unknownAlarm' | 'badValue', message: string) { super(message); }
}


export function keyOf(resource: string, type: string, qualifier: string): string {
  return `${resource}\u0000${type}\u0000${qualifier}`;
}

/** Cuts a text to at most max octets of UTF-8 without splitting a character. */
export function clip(s: string, max = 255): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (n + b > max - 3) break;
    out += ch;
    n += b;
  }
  return out + '...';
}
