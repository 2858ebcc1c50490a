/**
 * The JSON concern of the scalar type table: RFC 7951 encoding of YANG values. YANG_JSON holds the rules of
 * RFC 7951 section 6 for the YANG built-in types (numbers up to 32 bits as JSON numbers, 64-bit integers and
 * decimal64 as strings, boolean, empty as [null], enumeration by name, bits as space-separated names, binary as
 * base64, identityref as module:identity); JSON_CODECS gives each base of the model the built-in its YANG
 * rendering uses, with the same lexical forms as its XML text.
 */
import { kebab, model } from '../index';
import type { PerBase, PlainScalar, ScalarBase, ScalarOf, TreeScalar } from './base';
import { INT32_MAX, INT32_MIN, UINT32_MAX, intText } from './base';
import { XML_CODECS, kebabCached } from './xml';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [member: string]: JsonValue };
export type JsonDecoded<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly reason: string };

const ok = <V>(value: V): JsonDecoded<V> => ({ ok: true, value });
const bad = (reason: string): JsonDecoded<never> => ({ ok: false, reason });

type IntKind = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';
const INT_RANGES: Readonly<Record<IntKind, readonly [bigint, bigint]>> = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [BigInt(INT32_MIN), BigInt(INT32_MAX)], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n], uint16: [0n, 65535n], uint32: [0n, BigInt(UINT32_MAX)], uint64: [0n, 2n ** 64n - 1n],
};

/** RFC 7951 section 6 for the YANG built-in types. */
export const YANG_JSON = {
  /** Section 6.1: int8..int32 and uint8..uint32 as numbers, int64 and uint64 as strings. */
  encodeInt(kind: IntKind, v: number | bigint): JsonValue {
    return kind.endsWith('64') ? BigInt(v).toString() : Number(v);
  },
  decodeInt(kind: IntKind, j: unknown): JsonDecoded<bigint> {
    const wide = kind.endsWith('64');
    let n: bigint;
    if (wide) {
      if (typeof j !== 'string' || !/^[+-]?[0-9]+$/.test(j)) return bad(`a ${kind} is a JSON string of decimal digits`);
      n = BigInt(j);
    } else {
      if (typeof j !== 'number' || !Number.isInteger(j)) return bad(`a ${kind} is a JSON number without fraction`);
      n = BigInt(j);
    }
    const [lo, hi] = INT_RANGES[kind];
    return n < lo || n > hi ? bad(`${n} is out of range ${lo}..${hi}`) : ok(n);
  },
  /** Section 6.1: decimal64 as a string of its canonical-compatible lexical form. */
  encodeDecimal64(v: number, fractionDigits: number): JsonValue { return v.toFixed(fractionDigits); },
  decodeDecimal64(j: unknown, fractionDigits: number): JsonDecoded<string> {
    if (typeof j !== 'string') return bad('a decimal64 is a JSON string');
    const m = /^[+-]?[0-9]+(?:\.([0-9]+))?$/.exec(j);
    if (!m) return bad(`${JSON.stringify(j)} is not a decimal number`);
    if ((m[1]?.length ?? 0) > fractionDigits) return bad(`${j} has more than ${fractionDigits} fraction digits`);
    return ok(j);
  },
  decodeString(j: unknown): JsonDecoded<string> { return typeof j === 'string' ? ok(j) : bad('a string is expected'); },
  /** Section 6.3: boolean as the JSON literals. */
  decodeBoolean(j: unknown): JsonDecoded<boolean> { return typeof j === 'boolean' ? ok(j) : bad('true or false is expected'); },
  /** Section 6.9: a leaf of type empty is [null]. */
  encodeEmpty(): JsonValue { return [null]; },
  decodeEmpty(j: unknown): JsonDecoded<true> { return Array.isArray(j) && j.length === 1 && j[0] === null ? ok(true) : bad('an empty leaf is [null]'); },
  /** Section 6.4: an enumeration by its name. */
  decodeEnumeration(j: unknown, names: readonly string[]): JsonDecoded<string> {
    return typeof j === 'string' && names.includes(j) ? ok(j) : bad(`${JSON.stringify(j)} is not one of ${names.join(', ')}`);
  },
  /** Section 6.5: bits as a string of the set bits' names, separated by spaces. */
  encodeBits(set: readonly string[]): JsonValue { return set.join(' '); },
  decodeBits(j: unknown, names: readonly string[]): JsonDecoded<string[]> {
    if (typeof j !== 'string') return bad('bits are a JSON string');
    const set = j.split(' ').filter((s) => s !== '');
    const unknown = set.find((s) => !names.includes(s));
    return unknown !== undefined ? bad(`${unknown} is not a bit of ${names.join(', ')}`) : ok(set);
  },
  /** Section 6.6: binary in base64 (RFC 4648 section 4). */
  encodeBinary(b: Uint8Array): JsonValue { return Buffer.from(b).toString('base64'); },
  decodeBinary(j: unknown): JsonDecoded<Buffer> {
    if (typeof j !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(j)) return bad('binary is a base64 string');
    return ok(Buffer.from(j, 'base64'));
  },
  /** Section 6.8: an identity as module-name:identity-name. */
  encodeIdentityref(module: string, identity: string): JsonValue { return `${module}:${identity}`; },
  decodeIdentityref(j: unknown, defaultModule: string): JsonDecoded<{ module: string; identity: string }> {
    if (typeof j !== 'string') return bad('an identityref is a JSON string');
    const m = /^(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)$/.exec(j);
    return m ? ok({ module: m[1] ?? defaultModule, identity: m[2] }) : bad(`${JSON.stringify(j)} is not an identity`);
  },
} as const;

export interface JsonCodec<T> {
  encode(t: T, v: TreeScalar): JsonValue;
  /** The JSON value is the value's XML text as a JSON string: an encoder holding the text already may use it. */
  readonly isXmlText?: true;
  decode(t: T, j: unknown): JsonDecoded<PlainScalar>;
}

function map<A, B>(r: JsonDecoded<A>, f: (a: A) => JsonDecoded<B>): JsonDecoded<B> { return r.ok ? f(r.value) : r; }

/** A type whose YANG rendering is a string (or a typedef of one): its XML text. */
function stringOf<B extends ScalarBase>(base: B): JsonCodec<ScalarOf<B>> {
  const xml = XML_CODECS[base] as unknown as { encode(t: ScalarOf<B>, v: TreeScalar): string };
  return { encode: (t, v) => xml.encode(t, v), decode: (_t, j) => YANG_JSON.decodeString(j), isXmlText: true };
}

function int(kind: IntKind): JsonCodec<unknown> {
  return {
    // a safe integer (most tree values) is written without going through a BigInt
    encode: (_t, v) => (typeof v === 'number' && Number.isSafeInteger(v) ? (kind.endsWith('64') ? String(v) : v) : YANG_JSON.encodeInt(kind, BigInt(intText(v)))),
    decode: (_t, j) => map(YANG_JSON.decodeInt(kind, j), (n) => ok(Number(n))),
  };
}

/** decimal64 with three fraction digits, in the lexical form of the XML text. */
function decimal3<B extends 'milli' | 'level'>(base: B): JsonCodec<ScalarOf<B>> {
  const s = stringOf(base);
  return { encode: s.encode, decode: (_t, j) => YANG_JSON.decodeDecimal64(j, 3), isXmlText: true };
}

export const JSON_CODECS: PerBase<{ [B in ScalarBase]: JsonCodec<ScalarOf<B>> }> = {
  name: stringOf('name'), text: stringOf('text'), hex: stringOf('hex'), bigDecimal: stringOf('bigDecimal'),
  uri: stringOf('uri'), resource: stringOf('resource'), timestamp: stringOf('timestamp'),
  int32: int('int32'), uint32: int('uint32'), gauge32: int('uint32'), counter64: int('uint64'), gauge64: int('uint64'),
  milli: decimal3('milli'), level: decimal3('level'),
  boolean: {
    encode: (_t, v) => v === true || v === 'true',
    decode: (_t, j) => YANG_JSON.decodeBoolean(j),
  },
  enum: {
    encode: (_t, v) => kebabCached(String(v)),
    decode: (t, j) => map(YANG_JSON.decodeEnumeration(j, t.values.map((e) => kebab(e.name))),
      (name) => ok(t.values.find((e) => kebab(e.name) === name)!.name)),
  },
  alarmType: {
    encode: (_t, v) => YANG_JSON.encodeIdentityref(model.module.yangName, kebabCached(String(v))),
    decode: (_t, j) => map(YANG_JSON.decodeIdentityref(j, model.module.yangName), ({ module, identity }) => {
      const hit = module === model.module.yangName ? model.alarmTypes.find((a) => kebab(a.name) === identity) : undefined;
      return hit ? ok(hit.name) : bad(`${JSON.stringify(j)} is not an alarm type of ${model.module.yangName}`);
    }),
  },
};
