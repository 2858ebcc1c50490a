/**
 * The SMIv2 concern of the scalar type table: for each base, the BER tag of its varbinds and the conversion
 * of values to and from that tag's plain value (octets, a number, a bigint, sub-identifiers), and to and from
 * INDEX sub-identifiers (RFC 2578 section 7.7). src/snmp/ber.ts stays the codec; src/snmp/values.ts wraps
 * these into varbinds.
 */
import { modelIndex } from '../index';
import type { PerBase, PlainScalar, ScalarBase, ScalarOf, TreeScalar } from './base';
import { INT32_MAX, INT32_MIN, NAME_PATTERN, UINT32_MAX, UINT64_MAX, enumNumber, hexBytes, timestampMs, toBigInt, toNumber } from './base';
import type { ScalarType } from '../types';

/** The plain value each BER tag carries. */
export interface SnmpPlainOf { octets: Buffer; integer: number; gauge32: number; counter64: bigint; oid: readonly number[] }
export type SnmpTag = keyof SnmpPlainOf;

/** RFC 3416 errors of a SET value. */
export type SetError = 'wrongType' | 'wrongLength' | 'wrongValue' | 'notWritable';
export type FromSnmp = { readonly ok: true; readonly value: PlainScalar } | { readonly ok: false; readonly error: SetError; readonly reason: string };

/** A method type (bivariant in its parameters, as methods are), so a codec of one tag fits the table's type. */
type Decode<T, P> = { decode(t: T, v: P): FromSnmp }['decode'];

export interface SnmpCodec<T extends ScalarType, G extends SnmpTag = SnmpTag> {
  readonly tag: G;
  /** What a SET value must be, for the wrongType reason ("an INTEGER"). */
  readonly expected: string;
  /** The plain value of a tree (or configuration) value; undefined when it cannot be rendered. */
  encode(t: T, v: TreeScalar): SnmpPlainOf[G] | undefined;
  /** The configuration value of a SET value of the right tag; null: objects of the type are read-only. */
  readonly decode: Decode<T, SnmpPlainOf[G]> | null;
  /** INDEX sub-identifiers of a key value; undefined when it cannot be one. */
  index(t: T, v: TreeScalar): number[] | undefined;
  /** The key value at the start of INDEX sub-identifiers, with the number it takes. */
  fromIndex(t: T, subIds: readonly number[]): { value: PlainScalar; length: number } | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function fail(error: SetError, reason: string): FromSnmp { return { ok: false, error, reason }; }
function ok(value: PlainScalar): FromSnmp { return { ok: true, value }; }

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

let alarmOids: Map<string, readonly number[]> | undefined;
/** The OID of each alarm type of the model (AutonomousType values), computed on first use. */
export function alarmTypeOids(): ReadonlyMap<string, readonly number[]> {
  alarmOids ??= new Map(modelIndex.model.alarmTypes.map((t) => [t.name, modelIndex.alarmTypeOid(t).split('.').map(Number)]));
  return alarmOids;
}

export function alarmTypeByOid(oid: readonly number[]): string | undefined {
  for (const [name, o] of alarmTypeOids()) if (o.length === oid.length && o.every((x, i) => x === oid[i])) return name;
  return undefined;
}

function clampU32(n: number): number { return n < 0 ? 0 : n > UINT32_MAX ? UINT32_MAX : Math.trunc(n); }
function clampU64(n: bigint): bigint { return n < 0n ? 0n : n > UINT64_MAX ? UINT64_MAX : n; }

const lengthPrefixed = (b: Buffer): number[] => [b.length, ...b];

/** The octets of a length-prefixed INDEX component. */
function indexOctets(subIds: readonly number[]): Buffer | undefined {
  const n = subIds[0];
  if (n === undefined || subIds.length < 1 + n) return undefined;
  const b = subIds.slice(1, 1 + n);
  return b.every((x) => x <= 255) ? Buffer.from(b) : undefined;
}

function textIn(b: Buffer, min: number, max: number): FromSnmp {
  if (b.length < min || b.length > max) return fail('wrongLength', `length must be ${min}..${max}`);
  try { return ok(utf8.decode(b)); } catch { return fail('wrongValue', 'not UTF-8'); }
}

function unsignedIn(n: number, min: number, max: number, scale = 1): FromSnmp {
  return n < min || n > max ? fail('wrongValue', `must be ${min}..${max}`) : ok(n / scale);
}

/** A UTF-8 string type: OCTET STRING of the text, whose SET value has 'min..max' octets and passes check. */
function utf8Codec<T extends ScalarType>(max: (t: T) => number, min = 0, check?: (s: string) => string | undefined): SnmpCodec<T, 'octets'> {
  return {
    tag: 'octets', expected: 'an OCTET STRING',
    encode: (_t, v) => Buffer.from(String(v), 'utf8'),
    decode: (t, b) => {
      const r = textIn(b, min, max(t));
      const bad = r.ok ? check?.(String(r.value)) : undefined;
      return bad ? fail('wrongValue', bad) : r;
    },
    index: (_t, v) => lengthPrefixed(Buffer.from(String(v), 'utf8')),
    fromIndex: (_t, subIds) => {
      const b = indexOctets(subIds);
      if (!b) return undefined;
      try { return { value: utf8.decode(b), length: 1 + b.length }; } catch { return undefined; }
    },
  };
}

/** A 32-bit integer index (int32, uint32, gauge32, level thousandths). */
function index32(scale: number): (t: ScalarType, v: TreeScalar) => number[] | undefined {
  return (_t, v) => {
    const n = toNumber(v);
    if (n === undefined) return undefined;
    const k = scale === 1 ? Math.trunc(n) : Math.round(n * scale);
    return k < INT32_MIN || k > UINT32_MAX ? undefined : [k >>> 0];
  };
}

function fromIndex32(signed: boolean, scale = 1): (t: ScalarType, subIds: readonly number[]) => { value: number; length: number } | undefined {
  return (_t, subIds) => {
    const first = subIds[0];
    if (first === undefined) return undefined;
    return { value: signed ? first | 0 : first / scale, length: 1 };
  };
}

function unsigned32<T extends ScalarOf<'uint32' | 'gauge32' | 'level'>>(range: (t: T) => [number, number], scale = 1): SnmpCodec<T, 'gauge32'> {
  return {
    tag: 'gauge32', expected: 'an Unsigned32 (Gauge32)',
    encode: (_t, v) => { const n = toNumber(v); return n === undefined ? undefined : clampU32(scale === 1 ? n : Math.round(n * scale)); },
    decode: (t, n) => unsignedIn(n, ...range(t), scale),
    index: index32(scale),
    fromIndex: fromIndex32(false, scale),
  };
}

/** Counter64-based types: read-only, never an INDEX. */
function counter64<T extends ScalarType>(scale: number): SnmpCodec<T, 'counter64'> {
  return {
    tag: 'counter64', expected: 'a Counter64',
    encode: (_t, v) => {
      if (scale === 1) { const n = toBigInt(v); return n === undefined ? undefined : clampU64(n); }
      const n = toNumber(v);
      return n === undefined ? undefined : clampU64(BigInt(Math.round(n * scale)));
    },
    decode: null,
    index: () => undefined,
    fromIndex: () => undefined,
  };
}

/** An entry written out, with its tag's plain value type. */
function codec<T extends ScalarType, G extends SnmpTag>(c: SnmpCodec<T, G>): SnmpCodec<T, G> { return c; }

const truth = (v: TreeScalar): number | undefined => v === true || v === 'true' ? 1 : v === false || v === 'false' ? 2 : undefined;

export const SNMP_CODECS: PerBase<{ [B in ScalarBase]: SnmpCodec<ScalarOf<B>, SnmpTag> }> = {
  name: utf8Codec(() => 32, 1, (s) => NAME_PATTERN.test(s) ? undefined : 'not a name'),
  text: utf8Codec((t) => t.maxLength ?? 255),
  resource: utf8Codec(() => 255),
  uri: utf8Codec(() => 255),
  bigDecimal: utf8Codec(() => 255, 0, (s) => /^[0-9]+$/.test(s) ? undefined : 'not decimal digits'),
  hex: codec<ScalarOf<'hex'>, 'octets'>({
    tag: 'octets', expected: 'an OCTET STRING',
    encode: (_t, v) => hexBytes(v),
    decode: (t, b) => {
      const min = t.fixedLength ?? 0;
      const max = t.fixedLength ?? t.maxLength ?? 65535;
      return b.length < min || b.length > max ? fail('wrongLength', `length must be ${min}..${max}`) : ok('0x' + b.toString('hex'));
    },
    index: (t, v) => {
      const b = hexBytes(v);
      if (!b) return undefined;
      if (t.fixedLength !== undefined) return b.length === t.fixedLength ? [...b] : undefined;
      return lengthPrefixed(b);
    },
    fromIndex: (t, subIds) => {
      if (t.fixedLength !== undefined) {
        const b = subIds.slice(0, t.fixedLength);
        return b.length === t.fixedLength && b.every((x) => x <= 255) ? { value: '0x' + Buffer.from(b).toString('hex'), length: b.length } : undefined;
      }
      const b = indexOctets(subIds);
      return b ? { value: '0x' + b.toString('hex'), length: 1 + b.length } : undefined;
    },
  }),
  int32: codec<ScalarOf<'int32'>, 'integer'>({
    tag: 'integer', expected: 'an INTEGER',
    encode: (_t, v) => { const n = toNumber(v); return n === undefined ? undefined : Math.max(INT32_MIN, Math.min(INT32_MAX, Math.trunc(n))); },
    decode: (t, n) => (t.min !== undefined && n < t.min) || (t.max !== undefined && n > t.max) ? fail('wrongValue', 'out of range') : ok(n),
    index: index32(1),
    fromIndex: fromIndex32(true),
  }),
  uint32: unsigned32((t: ScalarOf<'uint32'>) => [t.min ?? 0, t.max ?? UINT32_MAX]),
  gauge32: unsigned32(() => [0, UINT32_MAX]),
  level: unsigned32(() => [0, UINT32_MAX], 1000),
  counter64: counter64(1),
  gauge64: counter64(1),
  milli: counter64(1000),
  boolean: codec<ScalarOf<'boolean'>, 'integer'>({
    tag: 'integer', expected: 'a TruthValue',
    encode: (_t, v) => truth(v),
    decode: (_t, n) => n === 1 ? ok(true) : n === 2 ? ok(false) : fail('wrongValue', 'TruthValue is 1 or 2'),
    index: (_t, v) => { const n = truth(v); return n === undefined ? undefined : [n]; },
    fromIndex: (_t, [first]) => first === 1 ? { value: true, length: 1 } : first === 2 ? { value: false, length: 1 } : undefined,
  }),
  enum: codec<ScalarOf<'enum'>, 'integer'>({
    tag: 'integer', expected: 'an enumerated INTEGER',
    encode: (t, v) => enumNumber(t, v),
    decode: (t, n) => {
      const hit = t.values.find((e) => e.value === n);
      return hit ? ok(hit.name) : fail('wrongValue', `not one of ${t.values.map((e) => `${e.name}(${e.value})`).join(', ')}`);
    },
    index: (t, v) => { const n = enumNumber(t, v); return n === undefined || n < 0 ? undefined : [n]; },
    fromIndex: (t, [first]) => { const hit = t.values.find((e) => e.value === first); return hit ? { value: hit.name, length: 1 } : undefined; },
  }),
  timestamp: codec<ScalarOf<'timestamp'>, 'octets'>({
    tag: 'octets', expected: 'a DateAndTime',
    encode: (_t, v) => { const ms = timestampMs(v); return Number.isFinite(ms) ? dateAndTime(ms) : undefined; },
    decode: (_t, b) => {
      if (b.length !== 8 && b.length !== 11) return fail('wrongLength', 'DateAndTime is 8 or 11 octets');
      const ms = parseDateAndTime(b);
      return ms === undefined ? fail('wrongValue', 'not a valid DateAndTime') : ok(new Date(ms).toISOString());
    },
    index: (_t, v) => { const ms = typeof v === 'number' ? v : Date.parse(String(v)); return Number.isFinite(ms) ? lengthPrefixed(dateAndTime(ms)) : undefined; },
    fromIndex: (_t, subIds) => {
      const b = indexOctets(subIds);
      const ms = b ? parseDateAndTime(b) : undefined;
      return ms === undefined ? undefined : { value: new Date(ms).toISOString(), length: 1 + b!.length };
    },
  }),
  alarmType: codec<ScalarOf<'alarmType'>, 'oid'>({
    tag: 'oid', expected: 'an OBJECT IDENTIFIER',
    encode: (_t, v) => alarmTypeOids().get(String(v)),
    decode: (_t, oid) => { const name = alarmTypeByOid(oid); return name ? ok(name) : fail('wrongValue', 'not an alarm type of BLOCKCHAIN-MGMT-MIB'); },
    /** An alarm type is one sub-identifier, ModelIndex.alarmTypeIndex (the MIB's BcmAlarmTypeIndex). */
    index: (_t, v) => { const n = modelIndex.alarmTypeIndex(String(v)); return n === undefined ? undefined : [n]; },
    fromIndex: (_t, [first]) => { const t = first === undefined ? undefined : modelIndex.alarmTypeOfIndex(first); return t ? { value: t.name, length: 1 } : undefined; },
  }),
};
