/**
 * Effective alarm policies: the fault.alarmPolicies of the running configuration merged with the levels
 * of each alarm type in the model (src/model/fault.ts). Every alarm type has exactly one effective policy.
 */
import type { ConfigObject } from '../config/document';
import { alarmTypes } from '../model/fault';
import type { AlarmType, Severity } from '../model';

export type RaisedSeverity = Exclude<Severity, 'cleared'>;

export interface EffectivePolicy {
  readonly type: string;
  readonly enabled: boolean;
  readonly raiseLevel: number;
  readonly clearLevel: number;
  /** Hold-down time in milliseconds. */
  readonly holdDownMs: number;
  readonly severity: RaisedSeverity;
  /** Whether each value came from the configuration (true) or the alarm type's default (false). */
  readonly configured: boolean;
}

export interface FaultSettings {
  readonly maxStatusChanges: number;
  readonly purgeClearedAfterDays: number;
  readonly policies: ReadonlyMap<string, EffectivePolicy>;
  /** Problems found in the configuration (values ignored, defaults used); for the log. */
  readonly warnings: readonly string[];
}

export const DEFAULT_MAX_STATUS_CHANGES = 32;
export const DEFAULT_PURGE_CLEARED_AFTER_DAYS = 30;

const SEVERITIES: readonly RaisedSeverity[] = ['indeterminate', 'critical', 'major', 'minor', 'warning'];

export function alarmTypeByName(name: string): AlarmType | undefined {
  return alarmTypes.find((t) => t.name === name);
}

/** Default policy of an alarm type: the levels and severity the model gives it. */
export function defaultPolicy(t: AlarmType): EffectivePolicy {
  return {
    type: t.name, enabled: true, raiseLevel: t.levels.defaultRaise, clearLevel: t.levels.defaultClear,
    holdDownMs: t.levels.defaultHoldDown * 1000, severity: t.defaultSeverity, configured: false,
  };
}

function uint(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** Reads the fault settings of a (validated) configuration document. */
export function faultSettings(doc: ConfigObject): FaultSettings {
  const fault = (doc.fault ?? {}) as ConfigObject;
  const warnings: string[] = [];
  const rows = Array.isArray(fault.alarmPolicies) ? (fault.alarmPolicies as ConfigObject[]) : [];
  const policies = new Map<string, EffectivePolicy>();
  for (const t of alarmTypes) policies.set(t.name, defaultPolicy(t));
  for (const r of rows) {
    const t = typeof r.type === 'string' ? alarmTypeByName(r.type) : undefined;
    if (!t) { warnings.push(`fault.alarmPolicies: unknown alarm type ${String(r.type)} ignored`); continue; }
    const d = defaultPolicy(t);
    let severity = d.severity;
    if (typeof r.severity === 'string') {
      if ((SEVERITIES as readonly string[]).includes(r.severity)) severity = r.severity as RaisedSeverity;
      else warnings.push(`fault.alarmPolicies ${t.name}: severity ${r.severity} cannot be raised; ${d.severity} used`);
    }
    const hold = uint(r.holdDown);
    policies.set(t.name, {
      type: t.name,
      enabled: typeof r.enabled === 'boolean' ? r.enabled : true,
      raiseLevel: uint(r.raiseLevel) ?? d.raiseLevel,
      clearLevel: uint(r.clearLevel) ?? d.clearLevel,
      holdDownMs: hold === undefined ? d.holdDownMs : hold * 1000,
      severity,
      configured: true,
    });
  }
  return {
    maxStatusChanges: Math.max(1, uint(fault.maxStatusChanges) ?? DEFAULT_MAX_STATUS_CHANGES),
    purgeClearedAfterDays: uint(fault.purgeClearedAfter) ?? DEFAULT_PURGE_CLEARED_AFTER_DAYS,
    policies,
    warnings,
  };
}
