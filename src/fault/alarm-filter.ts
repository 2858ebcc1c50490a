/** RFC 8632 purge-alarms criteria (filter-input) and the resource containment they use. */
import type { Severity } from '../model';
import type { AlarmRecord, OperatorStateName } from './store';

/** Criteria of purge-alarms (RFC 8632 filter-input), ANDed. */
export interface PurgeFilter {
  readonly clearance: 'any' | 'cleared' | 'notCleared';
  /** Only alarms whose last status change is older than this many milliseconds. */
  readonly olderThanMs?: number;
  readonly severity?: { readonly below?: Severity; readonly is?: Severity; readonly above?: Severity };
  readonly operatorState?: OperatorStateName;
  readonly operator?: string;
  /** A resource, or a prefix of resources ("network/dev" matches "network/dev/node/n1"). */
  readonly resource?: string;
  readonly type?: string;
}

/** Severity rank for filters: cleared < indeterminate < warning < minor < major < critical (RFC 8632 order). */
const RANK: Readonly<Record<Severity, number>> = { cleared: 1, indeterminate: 2, warning: 3, minor: 4, major: 5, critical: 6 };

/** Whether resource is prefix itself or contained in it ("network/dev" contains "network/dev/node/n1"). */
export function underResource(resource: string, prefix: string): boolean {
  return resource === prefix || resource.startsWith(prefix + '/');
}

/** Whether an alarm meets every criterion of the filter at time now. */
export function matchesPurgeFilter(r: AlarmRecord, f: PurgeFilter, now: number): boolean {
  if (f.clearance === 'cleared' && !r.isCleared) return false;
  if (f.clearance === 'notCleared' && r.isCleared) return false;
  if (f.olderThanMs !== undefined && !(r.lastChanged < now - f.olderThanMs)) return false;
  if (f.severity) {
    const s = RANK[r.severity];
    if (f.severity.is !== undefined && s !== RANK[f.severity.is]) return false;
    if (f.severity.below !== undefined && !(s < RANK[f.severity.below])) return false;
    if (f.severity.above !== undefined && !(s > RANK[f.severity.above])) return false;
  }
  if (f.operatorState !== undefined && r.operatorState !== f.operatorState) return false;
  if (f.operator !== undefined && r.operator !== f.operator) return false;
  if (f.resource !== undefined && !underResource(r.resource, f.resource)) return false;
  if (f.type !== undefined && r.type !== f.type) return false;
  return true;
}
