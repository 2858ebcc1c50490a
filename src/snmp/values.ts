/**
 * The SMIv2 rendering of the model's scalar types at run time, the same mapping as the MIB's SYNTAX
 * clauses (tools/render/mib-types.ts): tree values to varbind values, SET values back to configuration
 * values (with the RFC 3416 error a bad value deserves), and key values to INDEX sub-identifiers and back.
 */
import { modelIndex } from '../model';
import type { Attribute, ObjectClass, ScalarType } from '../model';
import type { ConfigScalar } from '../config/document';
import type { Scalar, Value } from '../state/tree';
import type { SnmpValue } from './ber';
import { compareOids, parseOid } from './oid';
import type { Oid } from './oid';

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = 0xffffffffffffffffn;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const alarmTypeOids = new Map(modelIndex.model.alarmTypes.map((t) => [t.name, parseOid(modelIndex.alarmTypeOid(t))]));

/** The OID of an alarm type of the model (AutonomousType value). */
export function alarmTypeOid(name: string): Oid | undefined { return alarmTypeOids.get(name); }

export function alarmTypeByOid(oid: Oid): string | undefined {
  for (const [name, o] of alarmTypeOids) if (compareOids(o, oid) === 0) return name;
  return undefined;
}

/** SNMPv2-TC DateAndTime, 11 octets in UTC ("+0:0"). */
export function dateAndTime(ms: number): Buffer {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  return Buffer.from([y >> 8, y & 0xff, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(),
    d.getUTCSeconds(), Math.floor(d.getUTCMilliseconds() / 100), 0x2b, 0, 0]);
}

/** DateAndTime (8 or 11 octets) to ms since the epoch; undefined when a field is out of range. */
export function parseDateAndTime(b: Buffer): number | undefined {
  if (b.length !== 8 && b.length !== 11) return undefined;
  const [mo, d, h, mi, s, ds] = [b[2], b[3], b[4], b[5], b[6], b[7]];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || ds > 9) return undefined;
  let ms = Date.UTC(b.readUInt16BE(0), mo - 1, d, h, mi, s, ds * 100);
  if (b.length === 11) {
    const sign = b[8];
    if ((sign !== 0x2b && sign !== 0x2d) || b[9] > 13 || b[10] > 59) return undefined;
    const off = (b[9] * 60 + b[10]) * 60000;
    ms += sign === 0x2b ? -off : off;
  }
  return Number.isNaN(ms) ? undefined : ms;
}

function toBigInt(v: Value): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  return undefined;
}

function toNumber(v: Value): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function clampU32(n: number): number { return n < 0 ? 0 : n > UINT32_MAX ? UINT32_MAX : Math.trunc(n); }
function clampU64(n: bigint): bigint { return n < 0n ? 0n : n > UINT64_MAX ? UINT64_MAX : n; }

export function hexBytes(v: Value): Buffer | undefined {
  if (typeof v !== 'string') return undefined;
  let h = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
  if (!/^[0-9a-fA-F]*$/.test(h)) return undefined;
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex');
}

function enumNumber(type: Extract<ScalarType, { base: 'enum' }>, v: Value): number | undefined {
  if (typeof v === 'number') return v;
  const hit = type.values.find((e) => e.name === v);
  return hit?.value;
}

/** The varbind value of a tree (or configuration) value; undefined when it cannot be rendered. */
export function toSnmp(type: ScalarType, v: Value): SnmpValue | undefined {
  if (Array.isArray(v)) return undefined;
  const s = v as Scalar;
  switch (type.base) {
    case 'name': case 'text': case 'resource': case 'uri': case 'bigDecimal':
      return { type: 'octets', value: Buffer.from(String(s), 'utf8') };
    case 'hex': {
      const b = hexBytes(s);
      return b ? { type: 'octets', value: b } : undefined;
    }
    case 'int32': {
      const n = toNumber(s);
      return n === undefined ? undefined : { type: 'integer', value: Math.max(-2147483648, Math.min(2147483647, Math.trunc(n))) };
    }
    case 'uint32': case 'gauge32': {
      const n = toNumber(s);
      return n === undefined ? undefined : { type: 'gauge32', value: clampU32(n) };
    }
    case 'level': {
      const n = toNumber(s);
      return n === undefined ? undefined : { type: 'gauge32', value: clampU32(Math.round(n * 1000)) };
    }
    case 'counter64': case 'gauge64': {
      const n = toBigInt(s);
      return n === undefined ? undefined : { type: 'counter64', value: clampU64(n) };
    }
    case 'milli': {
      const n = toNumber(s);
      return n === undefined ? undefined : { type: 'counter64', value: clampU64(BigInt(Math.round(n * 1000))) };
    }
    case 'boolean':
      if (s === true || s === 'true') return { type: 'integer', value: 1 };
      if (s === false || s === 'false') return { type: 'integer', value: 2 };
      return undefined;
    case 'enum': {
      const n = enumNumber(type, s);
      return n === undefined ? undefined : { type: 'integer', value: n };
    }
    case 'timestamp': {
      const ms = typeof s === 'number' ? s : typeof s === 'bigint' ? Number(s) : Date.parse(String(s));
      return Number.isFinite(ms) ? { type: 'octets', value: dateAndTime(ms) } : undefined;
    }
    case 'alarmType': {
      const o = alarmTypeOid(String(s));
      return o ? { type: 'oid', value: o } : undefined;
    }
  }
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
  const str = (b: Buffer): number[] => [b.length, ...b];
  switch (type.base) {
    case 'name': case 'text': case 'resource': case 'uri': case 'bigDecimal':
      return str(Buffer.from(String(v), 'utf8'));
    case 'hex': {
      const b = hexBytes(v);
      if (!b) return undefined;
      if (type.fixedLength !== undefined) return b.length === type.fixedLength ? [...b] : undefined;
      return str(b);
    }
    case 'int32': case 'uint32': case 'gauge32': case 'level': {
      const n = toNumber(v);
      if (n === undefined) return undefined;
      const k = type.base === 'level' ? Math.round(n * 1000) : Math.trunc(n);
      return k < -2147483648 || k > UINT32_MAX ? undefined : [k >>> 0];
    }
    case 'boolean': return v === true || v === 'true' ? [1] : v === false || v === 'false' ? [2] : undefined;
    case 'enum': {
      const n = enumNumber(type, v);
      return n === undefined || n < 0 ? undefined : [n];
    }
    case 'alarmType': {
      const n = modelIndex.alarmTypeIndex(String(v));
      return n === undefined ? undefined : [n];
    }
    case 'timestamp': {
      const ms = typeof v === 'number' ? v : Date.parse(String(v));
      return Number.isFinite(ms) ? str(dateAndTime(ms)) : undefined;
    }
    case 'counter64': case 'gauge64': case 'milli':
      return undefined;
  }
}

/**
 * The key value at the start of INDEX sub-identifiers (the inverse of indexSubIds), with the number of
 * sub-identifiers it takes; undefined when they do not start with a value of the type.
 */
export function indexValue(type: ScalarType, subIds: readonly number[]): { value: Scalar; length: number } | undefined {
  const octets = (): Buffer | undefined => {
    const n = subIds[0];
    if (n === undefined || subIds.length < 1 + n) return undefined;
    const b = subIds.slice(1, 1 + n);
    return b.every((x) => x <= 255) ? Buffer.from(b) : undefined;
  };
  const first = subIds[0];
  switch (type.base) {
    case 'name': case 'text': case 'resource': case 'uri': case 'bigDecimal': {
      const b = octets();
      if (!b) return undefined;
      try { return { value: utf8.decode(b), length: 1 + b.length }; } catch { return undefined; }
    }
    case 'hex': {
      if (type.fixedLength !== undefined) {
        const b = subIds.slice(0, type.fixedLength);
        return b.length === type.fixedLength && b.every((x) => x <= 255) ? { value: '0x' + Buffer.from(b).toString('hex'), length: b.length } : undefined;
      }
      const b = octets();
      return b ? { value: '0x' + b.toString('hex'), length: 1 + b.length } : undefined;
    }
    case 'int32': case 'uint32': case 'gauge32': case 'level':
      if (first === undefined) return undefined;
      if (type.base === 'int32') return { value: first | 0, length: 1 };
      return { value: type.base === 'level' ? first / 1000 : first, length: 1 };
    case 'boolean': return first === 1 ? { value: true, length: 1 } : first === 2 ? { value: false, length: 1 } : undefined;
    case 'enum': {
      const hit = type.values.find((e) => e.value === first);
      return hit ? { value: hit.name, length: 1 } : undefined;
    }
    case 'alarmType': {
      const t = first === undefined ? undefined : modelIndex.alarmTypeOfIndex(first);
      return t ? { value: t.name, length: 1 } : undefined;
    }
    case 'timestamp': {
      const b = octets();
      const ms = b ? parseDateAndTime(b) : undefined;
      return ms === undefined ? undefined : { value: new Date(ms).toISOString(), length: 1 + b!.length };
    }
    case 'counter64': case 'gauge64': case 'milli':
      return undefined;
  }
}

export type SetError = 'wrongType' | 'wrongLength' | 'wrongValue' | 'notWritable';
export type FromSnmp = { readonly ok: true; readonly value: ConfigScalar } | { readonly ok: false; readonly error: SetError; readonly reason: string };

function fail(error: SetError, reason: string): FromSnmp { return { ok: false, error, reason }; }
function ok(value: ConfigScalar): FromSnmp { return { ok: true, value }; }

function octetsIn(v: SnmpValue, min: number, max: number): Buffer | FromSnmp {
  if (v.type !== 'octets') return fail('wrongType', 'an OCTET STRING is expected');
  if (v.value.length < min || v.value.length > max) return fail('wrongLength', `length must be ${min}..${max}`);
  return v.value;
}

function text(v: SnmpValue, min: number, max: number): FromSnmp {
  const b = octetsIn(v, min, max);
  if (!Buffer.isBuffer(b)) return b;
  try { return ok(utf8.decode(b)); } catch { return fail('wrongValue', 'not UTF-8'); }
}

function unsigned(v: SnmpValue, min: number, max: number): number | FromSnmp {
  if (v.type !== 'gauge32') return fail('wrongType', 'an Unsigned32 (Gauge32) is expected');
  if (v.value < min || v.value > max) return fail('wrongValue', `must be ${min}..${max}`);
  return v.value;
}

/** A SET value as the configuration value of an attribute of the type, or the error RFC 3416 prescribes. */
export function fromSnmp(type: ScalarType, v: SnmpValue): FromSnmp {
  switch (type.base) {
    case 'name': {
      const r = text(v, 1, 32);
      if (r.ok && !/^[A-Za-z0-9._-]{1,32}$/.test(String(r.value))) return fail('wrongValue', 'not a name');
      return r;
    }
    case 'text': return text(v, 0, type.maxLength ?? 255);
    case 'resource': case 'uri': return text(v, 0, 255);
    case 'bigDecimal': {
      const r = text(v, 0, 255);
      if (r.ok && !/^[0-9]+$/.test(String(r.value))) return fail('wrongValue', 'not decimal digits');
      return r;
    }
    case 'hex': {
      const min = type.fixedLength ?? 0;
      const b = octetsIn(v, min, type.fixedLength ?? type.maxLength ?? 65535);
      return Buffer.isBuffer(b) ? ok('0x' + b.toString('hex')) : b;
    }
    case 'int32': {
      if (v.type !== 'integer') return fail('wrongType', 'an INTEGER is expected');
      if ((type.min !== undefined && v.value < type.min) || (type.max !== undefined && v.value > type.max)) return fail('wrongValue', 'out of range');
      return ok(v.value);
    }
    case 'uint32': {
      const n = unsigned(v, type.min ?? 0, type.max ?? UINT32_MAX);
      return typeof n === 'number' ? ok(n) : n;
    }
    case 'gauge32': {
      const n = unsigned(v, 0, UINT32_MAX);
      return typeof n === 'number' ? ok(n) : n;
    }
    case 'level': {
      const n = unsigned(v, 0, UINT32_MAX);
      return typeof n === 'number' ? ok(n / 1000) : n;
    }
    case 'counter64': case 'gauge64': case 'milli':
      return fail('notWritable', 'Counter64 objects are read-only');
    case 'boolean':
      if (v.type !== 'integer') return fail('wrongType', 'a TruthValue is expected');
      return v.value === 1 ? ok(true) : v.value === 2 ? ok(false) : fail('wrongValue', 'TruthValue is 1 or 2');
    case 'enum': {
      if (v.type !== 'integer') return fail('wrongType', 'an enumerated INTEGER is expected');
      const hit = type.values.find((e) => e.value === v.value);
      return hit ? ok(hit.name) : fail('wrongValue', `not one of ${type.values.map((e) => `${e.name}(${e.value})`).join(', ')}`);
    }
    case 'timestamp': {
      if (v.type !== 'octets') return fail('wrongType', 'a DateAndTime is expected');
      if (v.value.length !== 8 && v.value.length !== 11) return fail('wrongLength', 'DateAndTime is 8 or 11 octets');
      const ms = parseDateAndTime(v.value);
      return ms === undefined ? fail('wrongValue', 'not a valid DateAndTime') : ok(new Date(ms).toISOString());
    }
    case 'alarmType': {
      if (v.type !== 'oid') return fail('wrongType', 'an OBJECT IDENTIFIER is expected');
      const name = alarmTypeByOid(v.value);
      return name ? ok(name) : fail('wrongValue', 'not an alarm type of BLOCKCHAIN-MGMT-MIB');
    }
  }
}
