/**
 * The SMIv2 rendering of the model's scalar types at run time, the same mapping as the MIB's SYNTAX
 * clauses: tree values to varbind values, SET values back to configuration values (with the RFC 3416 error
 * a bad value deserves), and key values to INDEX sub-identifiers and back. What each type does is its entry
 * of the scalar type table (src/model/scalars.ts, concern snmp); this file makes varbinds of it.
 */
import { modelIndex } from '../model';
import type { Attribute, ObjectClass, ScalarType } from '../model';
import { scalarOf } from '../model/scalars';
import { fail } from '../model/scalar/snmp';
import type { FromSnmp, SnmpTag } from '../model/scalar/snmp';
import type { Scalar, Value } from '../state/tree';
import type { SnmpValue } from './ber';

export { dateAndTime, parseDateAndTime } from '../model/scalar/snmp';
export type { FromSnmp, SetError } from '../model/scalar/snmp';

/** The varbind value of a tree (or configuration) value; undefined when it cannot be rendered. */
export function toSnmp(type: ScalarType, v: Value): SnmpValue | undefined {
  if (Array.isArray(v)) return undefined;
  const codec = scalarOf(type).snmp;
  const value = codec.encode(type, v as Scalar);
  return value === undefined ? undefined : { type: codec.tag, value } as SnmpValue;
}

/**
 * The varbind value of a cell of a column: as toSnmp, except that an INDEX column of type alarmType has the
 * syntax BcmAlarmTypeIndex (ModelIndex.alarmTypeIndex), not AutonomousType. Only such a column of a table
 * without other columns would be readable.
 */
export function columnValue(cls: ObjectClass, attr: Attribute, v: Value): SnmpValue | undefined {
  if (attr.type.base === 'alarmType' && modelIndex.isIndexColumn(cls, attr)) {
    const n = modelIndex.alarmTypeIndex(String(v));
    return n === undefined ? undefined : { type: 'gauge32', value: n };
  }
  return toSnmp(attr.type, v);
}

/**
 * INDEX sub-identifiers of a key value (RFC 2578 section 7.7); undefined when the value cannot be one. An
 * alarm type is one sub-identifier, ModelIndex.alarmTypeIndex (the MIB's BcmAlarmTypeIndex).
 */
export function indexSubIds(type: ScalarType, v: Scalar): number[] | undefined {
  return scalarOf(type).snmp.index(type, v);
}

/**
 * The key value at the start of INDEX sub-identifiers (the inverse of indexSubIds), with the number of
 * sub-identifiers it takes; undefined when they do not start with a value of the type.
 */
export function indexValue(type: ScalarType, subIds: readonly number[]): { value: Scalar; length: number } | undefined {
  return scalarOf(type).snmp.fromIndex(type, subIds);
}

/** A SET value as the configuration value of an attribute of the type, or the error RFC 3416 prescribes. */
export function fromSnmp(type: ScalarType, v: SnmpValue): FromSnmp {
  const codec = scalarOf(type).snmp;
  if (!codec.decode) return fail('notWritable', 'Counter64 objects are read-only');
  if (v.type !== codec.tag) return fail('wrongType', `${codec.expected} is expected`);
  return codec.decode(type, (v as Extract<SnmpValue, { type: SnmpTag }>).value);
}
