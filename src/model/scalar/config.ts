/**
 * The configuration concern of the scalar type table: whether a value of a configuration file (YAML or JSON)
 * or of any view fits the type, and its normalised form (enums as labels, numbers as numbers). fail throws
 * the caller's error naming the field.
 */
import { modelIndex } from '../index';
import type { PerBase, PlainScalar, ScalarBase, ScalarOf } from './base';
import { INT32_MAX, INT32_MIN, LEVEL_MAX, NAME_PATTERN, SIZES, UINT32_MAX } from './base';

export type Fail = (why: string) => never;

export interface ConfigCheck<T> {
  check(t: T, v: unknown, fail: Fail): PlainScalar;
}

function kebabEq(camel: string, s: string): boolean {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() === s;
}

/** A URL text with any user information (user:password@) masked, for error messages. */
export function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

function utf8Text(max: (t: never) => number): ConfigCheck<never> {
  return {
    check: (t, v, fail) => {
      if (typeof v !== 'string') fail('must be a string');
      const m = max(t);
      if (Buffer.byteLength(v as string) > m) fail(`longer than ${m} octets`);
      return v as string;
    },
  };
}

function integer(lo: (t: never) => number, hi: (t: never) => number): ConfigCheck<never> {
  return {
    check: (t, v, fail) => {
      const n = typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) fail(`${JSON.stringify(v)} is not an integer`);
      const [l, h] = [lo(t), hi(t)];
      if ((n as number) < l || (n as number) > h) fail(`${n} is out of range ${l}..${h}`);
      return n as number;
    },
  };
}

function thousandths(max?: number): ConfigCheck<unknown> {
  return {
    check: (_t, v, fail) => {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`${JSON.stringify(v)} is not a non-negative number`);
      if (max !== undefined && (n as number) > max) fail(`${n} is out of range 0..${max}`);
      return Math.round((n as number) * 1000) / 1000;
    },
  };
}

export const CONFIG_CHECKS: PerBase<{ [B in ScalarBase]: ConfigCheck<ScalarOf<B>> }> = {
  name: {
    check: (_t, v, fail) => {
      if (typeof v !== 'string' || !NAME_PATTERN.test(v)) fail(`${JSON.stringify(v)} is not a name (1..32 of A-Z a-z 0-9 . _ -)`);
      return v as string;
    },
  },
  text: utf8Text((t: ScalarOf<'text'>) => t.maxLength ?? SIZES.textDefault),
  resource: utf8Text(() => SIZES.resource),
  uri: {
    check: (_t, v, fail) => {
      if (typeof v !== 'string') fail('must be a URL string');
      const shown = JSON.stringify(withoutUserinfo(v as string));
      let u: URL | undefined;
      try { u = new URL(v as string); } catch { fail(`${shown} is not a URL`); }
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(u!.protocol)) fail(`${shown} is not an http(s) or ws(s) URL`);
      if (u!.username || u!.password || /^[a-z]+:\/\/[^/?#]*@/i.test(v as string)) {
        fail('must not carry credentials (user:password@): give them as the node\'s username with passwordEnv or cookieFile');
      }
      return v as string;
    },
  },
  hex: {
    check: (t, v, fail) => {
      if (typeof v !== 'string' || !/^(0x)?[0-9a-fA-F]*$/.test(v)) fail(`${JSON.stringify(v)} is not hexadecimal`);
      const octets = (v as string).replace(/^0x/, '').length / 2;
      if (t.fixedLength !== undefined && octets !== t.fixedLength) fail(`must be ${t.fixedLength} octets`);
      if (t.maxLength !== undefined && octets > t.maxLength) fail(`longer than ${t.maxLength} octets`);
      return (v as string).toLowerCase();
    },
  },
  bigDecimal: {
    check: (_t, v, fail) => {
      const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
      if (typeof s !== 'string' || !/^[0-9]+$/.test(s)) fail('must be a non-negative integer');
      return s as string;
    },
  },
  int32: integer((t: ScalarOf<'int32'>) => t.min ?? INT32_MIN, (t: ScalarOf<'int32'>) => t.max ?? INT32_MAX),
  uint32: integer((t: ScalarOf<'uint32'>) => t.min ?? 0, (t: ScalarOf<'uint32'>) => t.max ?? UINT32_MAX),
  gauge32: integer(() => 0, () => UINT32_MAX),
  counter64: integer(() => 0, () => Number.MAX_SAFE_INTEGER),
  gauge64: integer(() => 0, () => Number.MAX_SAFE_INTEGER),
  milli: thousandths(),
  level: thousandths(LEVEL_MAX),
  boolean: {
    check: (_t, v, fail) => {
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      return fail('must be true or false');
    },
  },
  enum: {
    check: (t, v, fail) => {
      const hit = t.values.find((e) => e.name === v || (typeof v === 'string' && kebabEq(e.name, v)));
      if (!hit) fail(`${JSON.stringify(v)} is not one of ${t.values.map((e) => e.name).join(', ')}`);
      return hit!.name;
    },
  },
  alarmType: {
    check: (_t, v, fail) => {
      const t = modelIndex.model.alarmTypes.find((x) => x.name === v || (typeof v === 'string' && kebabEq(x.name, v)));
      if (!t) fail(`${JSON.stringify(v)} is not an alarm type (${modelIndex.model.alarmTypes.map((x) => x.name).join(', ')})`);
      return t!.name;
    },
  },
  timestamp: {
    check: (_t, v, fail) => {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) fail('must be a date-and-time');
      return v as string;
    },
  },
};
