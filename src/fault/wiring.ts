/**
 * Registration of the fault manager's operator actions in the protocol layers:
 *  - SNMP: SET of bcmAlarmOperatorState / bcmAlarmOperatorText (writable state of class alarm);
 *  - NETCONF: ietf-alarms set-operator-state, purge-alarms and compress-alarms actions.
 * Each registration returns its removal; the fault manager removes them when it stops.
 */
import type { Bridge } from '../bridge';
import type { ConfigScalar } from '../config/document';
import { kebab } from '../model';
import { alarmTypes } from '../model/fault';
import { registerActionHandler } from '../netconf/actions';
import type { ActionRequest } from '../netconf/actions';
import { DataMissingError, InvalidValueError } from '../netconf/errors';
import type { Severity } from '../model';
import { registerWritable } from '../snmp/writable';
import type { WritableRefusal } from '../snmp/writable';
import { AlarmError, OPERATOR_STATES } from './alarm-list';
import type { AlarmList, OperatorStateName, PurgeFilter } from './alarm-list';

export const SET_OPERATOR_STATE_PATH = '/al:alarms/al:alarm-list/al:alarm/al:set-operator-state';
export const PURGE_ALARMS_PATH = '/al:alarms/al:alarm-list/al:purge-alarms';
export const COMPRESS_ALARMS_PATH = '/al:alarms/al:alarm-list/al:compress-alarms';

const SEVERITIES: readonly Severity[] = ['indeterminate', 'warning', 'minor', 'major', 'critical'];

/** Model alarm type name of an ietf-alarms alarm-type-id ("bcm:node-unreachable" or "node-unreachable"). */
export function alarmTypeFromId(id: string): string | undefined {
  const local = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return alarmTypes.find((t) => kebab(t.name) === local || t.name === local)?.name;
}

function indexOf(inst: { get(a: string): unknown; keys: readonly unknown[] }): number {
  const v = inst.get('index') ?? inst.keys[0];
  return typeof v === 'number' ? v : Number(v);
}

/** SNMP writable-state handler of class alarm. */
export function snmpAlarmHandler(list: AlarmList): Parameters<typeof registerWritable>[1] {
  const refuse = (attribute: string, reason: string): WritableRefusal => ({ status: 'wrongValue', attribute, reason });
  return {
    check(inst, values: Readonly<Record<string, ConfigScalar>>): WritableRefusal | undefined {
      if (!list.get(indexOf(inst))) return { status: 'inconsistentValue', reason: 'the alarm is no longer in the list' };
      for (const [k, v] of Object.entries(values)) {
        if (k === 'operatorState') {
          if (!(OPERATOR_STATES as readonly string[]).includes(String(v))) return refuse(k, `operator state must be one of ${OPERATOR_STATES.join(', ')}`);
        } else if (k === 'operatorText') {
          if (typeof v !== 'string' || Buffer.byteLength(v) > 255) return refuse(k, 'operator text must be at most 255 octets');
        } else {
          return { status: 'notWritable', attribute: k, reason: `${k} is not writable` };
        }
      }
      return undefined;
    },
    apply(inst, values: Readonly<Record<string, ConfigScalar>>, who): void {
      const index = indexOf(inst);
      const text = values.operatorText === undefined ? undefined : String(values.operatorText);
      if (values.operatorState !== undefined) list.setOperatorState(index, String(values.operatorState), who.user, text ?? '');
      else if (text !== undefined) list.setOperatorText(index, text, who.user);
    },
  };
}

function where(req: ActionRequest): { path: string; pathNamespaces: Readonly<Record<string, string>> } {
  return { path: req.instancePath, pathNamespaces: req.pathNamespaces };
}

/** NETCONF set-operator-state on one alarm of the list. */
export function setOperatorStateAction(list: AlarmList) {
  return (req: ActionRequest): void => {
    const k = req.keys[req.keys.length - 1]?.values ?? {};
    const resource = k['al:resource'] ?? '';
    const typeId = k['al:alarm-type-id'] ?? '';
    const qualifier = k['al:alarm-type-qualifier'] ?? '';
    const type = alarmTypeFromId(typeId);
    const alarm = type === undefined ? undefined : list.find(resource, type, qualifier);
    if (!alarm) throw new DataMissingError(`no alarm of type ${typeId} on ${resource}${qualifier ? ` (${qualifier})` : ''}`, where(req));
    const state = req.input.state;
    if (state === undefined || !(OPERATOR_STATES as readonly string[]).includes(state)) {
      throw new InvalidValueError(`state must be one of ${OPERATOR_STATES.join(', ')}`, where(req));
    }
    try {
      list.setOperatorState(alarm.index, state, req.user, req.input.text ?? '');
    } catch (e) {
      if (e instanceof AlarmError) throw new InvalidValueError(e.message, where(req));
      throw e;
    }
  };
}

const AGE_UNITS: Readonly<Record<string, number>> = { seconds: 1000, minutes: 60000, hours: 3600000, days: 86400000, weeks: 604800000 };

/** The RFC 8632 filter-input of purge-alarms, from the action's input leaves by local name. */
export function purgeFilterOf(input: Readonly<Record<string, string>>, bad: (m: string) => Error): PurgeFilter {
  const status = input['alarm-clearance-status'];
  if (status === undefined) throw bad('alarm-clearance-status is mandatory');
  const clearance = status === 'any' ? 'any' : status === 'cleared' ? 'cleared' : status === 'not-cleared' ? 'notCleared' : undefined;
  if (!clearance) throw bad(`alarm-clearance-status must be any, cleared or not-cleared, not ${status}`);
  let olderThanMs: number | undefined;
  for (const [unit, ms] of Object.entries(AGE_UNITS)) {
    const v = input[unit];
    if (v === undefined) continue;
    if (!/^[0-9]+$/.test(v) || Number(v) > 65535) throw bad(`${unit} must be an integer 0..65535`);
    olderThanMs = Number(v) * ms;
  }
  const sev = (name: 'below' | 'is' | 'above'): Severity | undefined => {
    const v = input[name];
    if (v === undefined) return undefined;
    if (!(SEVERITIES as readonly string[]).includes(v)) throw bad(`${name} must be one of ${SEVERITIES.join(', ')}`);
    return v as Severity;
  };
  const below = sev('below');
  const is = sev('is');
  const above = sev('above');
  const state = input.state;
  if (state !== undefined && !(OPERATOR_STATES as readonly string[]).includes(state)) throw bad(`state must be one of ${OPERATOR_STATES.join(', ')}`);
  return {
    clearance,
    olderThanMs,
    severity: below || is || above ? { below, is, above } : undefined,
    operatorState: state as OperatorStateName | undefined,
    operator: input.user,
  };
}

/** Registers the handlers; returns their removal. */
export function registerFaultHandlers(bridge: Bridge, list: AlarmList): () => void {
  const offs = [
    registerWritable('alarm', snmpAlarmHandler(list)),
    registerActionHandler(SET_OPERATOR_STATE_PATH, setOperatorStateAction(list), bridge),
    registerActionHandler(PURGE_ALARMS_PATH, (req) => {
      const filter = purgeFilterOf(req.input, (m) => new InvalidValueError(m, where(req)));
      return { 'purged-alarms': String(list.purge(filter)) };
    }, bridge),
    registerActionHandler(COMPRESS_ALARMS_PATH, (req) => {
      const typeId = req.input['alarm-type-id'];
      const type = typeId === undefined ? undefined : alarmTypeFromId(typeId);
      if (typeId !== undefined && type === undefined) return { 'compressed-alarms': '0' };
      const n = list.compress({ resource: req.input.resource, type, qualifier: req.input['alarm-type-qualifier'] });
      return { 'compressed-alarms': String(n) };
    }, bridge),
  ];
  return () => { for (const off of offs) off(); };
}
