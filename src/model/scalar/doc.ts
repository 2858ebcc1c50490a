/** The documentation concern of the scalar type table: a protocol-neutral description of each type. */
import type { EnumValue } from '../types';
import type { PerBase, ScalarBase, ScalarOf } from './base';

function range(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return '';
  return ` (${min ?? 'min'}..${max ?? 'max'})`;
}

export function enumValues(values: readonly EnumValue[]): string {
  return values.map((v) => `${v.name}=${v.value}`).join(', ');
}

export const DOC_TEXTS: PerBase<{ [B in ScalarBase]: (t: ScalarOf<B>) => string }> = {
  name: () => 'name (1..32 characters of A-Z a-z 0-9 . _ -)',
  text: (t) => `text (0..${t.maxLength ?? 255} octets, UTF-8)`,
  hex: (t) => t.fixedLength !== undefined ? `hex (${t.fixedLength} octets)` : t.maxLength !== undefined ? `hex (0..${t.maxLength} octets)` : 'hex',
  bigDecimal: () => 'unbounded non-negative integer (decimal text)',
  int32: (t) => `int32${range(t.min, t.max)}`,
  uint32: (t) => `uint32${range(t.min, t.max)}`,
  gauge32: () => 'gauge32',
  counter64: () => 'counter64',
  gauge64: () => 'gauge64',
  milli: () => 'decimal (3 fraction digits)',
  level: () => 'decimal (3 fraction digits, 0..4294967.295)',
  boolean: () => 'boolean',
  enum: (t) => `enumeration ${t.typeName}: ${enumValues(t.values)}`,
  timestamp: () => 'date and time',
  uri: () => 'URI or host:port',
  alarmType: () => 'alarm type (identity of 7.2.2)',
  resource: () => 'resource (path in the containment tree)',
};
