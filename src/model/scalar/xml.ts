/**
 * The YANG XML concern of the scalar type table (NETCONF): the XML text of a value and the configuration
 * value of XML text, by base. Identityrefs (alarm types) carry the namespace their prefix stands for.
 */
import { kebab, model } from '../index';
import type { PerBase, PlainScalar, ScalarBase, ScalarOf, TreeScalar } from './base';
import { MAX_DATE_MS, decimalInto, intText, isoTime, isoTimeInto, timestampMs } from './base';

/** The most bytes an encodeInto writes (a time: 24; an integer: 17). */
export const ENCODE_INTO_BYTES = 24;

export interface LeafText {
  readonly text: string;
  /** Namespace a prefix of the text refers to (identityref values), to be declared on the element. */
  readonly valueNs?: string;
}

/** A value as the tree or the configuration document holds it (a leaf-list's values are rendered one by one). */
export type XmlValue = TreeScalar | readonly string[];
/** Resolves a prefixed name of XML text against the namespaces in scope. */
export type QNameResolver = (qname: string) => { ns: string; name: string } | undefined;

export interface XmlCodec<T> {
  /** The XML text of a value (a string of its own: a full read encodes half a million values, each without a wrapper). */
  encode(t: T, v: XmlValue): string;
  /** Namespace the prefix of every text of this codec refers to (identityref values), to be declared on the element. */
  readonly valueNs?: string;
  /**
   * encode's text written straight as ASCII into out at pos (room for ENCODE_INTO_BYTES), for writers of bytes: the
   * position after it, or -1 for a value it does not write so (then encode). Numbers and times: no string at all.
   */
  encodeInto?(t: T, v: XmlValue, out: Uint8Array, pos: number): number;
  decode(t: T, text: string, resolve?: QNameResolver): PlainScalar;
}

const kebabCache = new Map<string, string>();
/** kebab-case of a label, remembered (labels are few; the bound keeps a hostile stream from growing it). */
export function kebabCached(s: string): string {
  let k = kebabCache.get(s);
  if (k === undefined) { k = kebab(s); if (kebabCache.size < 10000) kebabCache.set(s, k); }
  return k;
}

const plain: XmlCodec<unknown> = { encode: (_t, v) => String(v), decode: (_t, text) => text };
const trimmed: XmlCodec<unknown> = { encode: (_t, v) => String(v), decode: (_t, text) => text.trim() };
const integer: XmlCodec<unknown> = {
  encode: (_t, v) => intText(v as TreeScalar),
  encodeInto: (_t, v, out, pos) => (Array.isArray(v) ? -1 : decimalInto(v as TreeScalar, out, pos)),
  decode: (_t, text) => { const t = text.trim(); return /^[+-]?[0-9]+$/.test(t) ? Number(t) : t; },
};

export const XML_CODECS: PerBase<{ [B in ScalarBase]: XmlCodec<ScalarOf<B>> }> = {
  name: plain, text: plain, hex: plain, uri: plain, resource: plain, level: plain,
  bigDecimal: { encode: (_t, v) => (typeof v === 'number' ? intText(v) : String(v)), decode: trimmed.decode },
  int32: integer, uint32: integer, gauge32: integer, counter64: integer, gauge64: integer,
  milli: {
    encode: (_t, v) => { const n = Number(v); return Number.isFinite(n) ? n.toFixed(3) : String(v); },
    decode: trimmed.decode,
  },
  boolean: { encode: (_t, v) => (v === true || v === 'true' ? 'true' : 'false'), decode: trimmed.decode },
  enum: {
    encode: (_t, v) => kebabCached(String(v)),
    decode: (t, text) => { const s = text.trim(); return t.values.find((e) => kebab(e.name) === s)?.name ?? s; },
  },
  timestamp: {
    encode: (_t, v) => {
      // a number no Date can hold (the adapters let none in) is written as it is rather than fail the whole read
      if (typeof v === 'number' || typeof v === 'bigint') return Math.abs(Number(v)) <= MAX_DATE_MS ? isoTime(Number(v)) : String(v);
      const d = timestampMs(String(v));
      return Number.isNaN(d) ? String(v) : new Date(d).toISOString();
    },
    encodeInto: (_t, v, out, pos) => (typeof v === 'number' || typeof v === 'bigint' ? isoTimeInto(Number(v), out, pos) : -1),
    decode: trimmed.decode,
  },
  alarmType: {
    encode: (_t, v) => `${model.module.yangPrefix}:${kebabCached(String(v))}`,
    get valueNs(): string { return model.module.namespace; },
    decode: (_t, text, resolve) => {
      const q = resolve?.(text.trim());
      if (q && q.ns === model.module.namespace) {
        const t = model.alarmTypes.find((x) => kebab(x.name) === q.name);
        if (t) return t.name;
      }
      return text.trim();
    },
  },
};
