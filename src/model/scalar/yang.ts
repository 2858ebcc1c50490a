/**
 * The YANG concern of the scalar type table: the type statement of each base, as plain statement data the
 * module renderer (tools/render/yang.ts) prints, and the lexical form of a default value.
 */
import { kebab } from '../lookup';
import type { PerBase, ScalarBase, ScalarOf } from './base';
import { SIZES } from './base';

/** Argument of a YANG statement: an identifier-like token, a double-quoted or a single-quoted string. */
export type YangArg = { readonly kind: 'token' | 'dq' | 'sq'; readonly value: string };
export interface YangStmt { readonly keyword: string; readonly arg?: YangArg; readonly subs?: readonly YangStmt[] }

/**
 * A type statement: a built-in type, a typedef this module defines (name, hex-string, decimal-string,
 * resource-path), a typedef of an imported module, the module's enumeration typedef of an enum type, or an
 * identityref to a base of an imported module.
 */
export type YangTypeSpec =
  | { readonly kind: 'builtin'; readonly name: string; readonly restrictions?: readonly YangStmt[] }
  | { readonly kind: 'typedef'; readonly name: string; readonly restrictions?: readonly YangStmt[] }
  | { readonly kind: 'imported'; readonly prefix: string; readonly name: string }
  | { readonly kind: 'enumeration' }
  | { readonly kind: 'identityref'; readonly prefix: string; readonly base: string };

export interface YangRendering<T> {
  type(t: T): YangTypeSpec;
  /** The argument of a default statement; throws when the value is not one of the type. */
  defaultArg(t: T, v: string | number | boolean, where: string): YangArg;
}

const token = (value: string | number): YangArg => ({ kind: 'token', value: String(value) });
const dq = (value: string): YangArg => ({ kind: 'dq', value });
const sq = (value: string): YangArg => ({ kind: 'sq', value });
const sub = (keyword: string, arg: YangArg): YangStmt => ({ keyword, arg });

const quoted = (_t: unknown, v: string | number | boolean): YangArg => dq(String(v));
function numeric(_t: unknown, v: string | number | boolean, where: string): YangArg {
  if (typeof v !== 'number') throw new Error(`${where}: numeric default ${String(v)}`);
  return token(String(v));
}

function ranged(t: ScalarOf<'int32' | 'uint32'>): YangTypeSpec {
  if (t.min === undefined && t.max === undefined) return { kind: 'builtin', name: t.base };
  const lo = t.min ?? 'min';
  const hi = t.max ?? 'max';
  return { kind: 'builtin', name: t.base, restrictions: [sub('range', dq(lo === hi ? `${lo}` : `${lo}..${hi}`))] };
}

const decimal3: readonly YangStmt[] = [sub('fraction-digits', token(3))];

export const YANG_RENDERINGS: PerBase<{ [B in ScalarBase]: YangRendering<ScalarOf<B>> }> = {
  name: { type: () => ({ kind: 'typedef', name: 'name' }), defaultArg: quoted },
  text: {
    type: (t) => ({ kind: 'builtin', name: 'string', restrictions: [sub('length', dq(`0..${t.maxLength ?? SIZES.textDefault}`))] }),
    defaultArg: quoted,
  },
  hex: {
    type: (t) => {
      const restrictions: YangStmt[] = [];
      if (t.fixedLength !== undefined) {
        const n = 2 * t.fixedLength;
        restrictions.push(sub('length', dq(`${n} | ${n + 2}`)), sub('pattern', sq(`(0x)?[0-9a-fA-F]{${n}}`)));
      } else if (t.maxLength !== undefined) {
        const n = 2 * t.maxLength;
        restrictions.push(sub('length', dq(`0..${n + 2}`)), sub('pattern', sq(`(0x)?[0-9a-fA-F]{0,${n}}`)));
      }
      return { kind: 'typedef', name: 'hex-string', restrictions };
    },
    defaultArg: quoted,
  },
  bigDecimal: { type: () => ({ kind: 'typedef', name: 'decimal-string' }), defaultArg: quoted },
  int32: { type: ranged, defaultArg: numeric },
  uint32: { type: ranged, defaultArg: numeric },
  gauge32: { type: () => ({ kind: 'imported', prefix: 'yang', name: 'gauge32' }), defaultArg: quoted },
  counter64: { type: () => ({ kind: 'imported', prefix: 'yang', name: 'counter64' }), defaultArg: quoted },
  gauge64: { type: () => ({ kind: 'imported', prefix: 'yang', name: 'gauge64' }), defaultArg: quoted },
  milli: { type: () => ({ kind: 'builtin', name: 'decimal64', restrictions: decimal3 }), defaultArg: numeric },
  level: {
    type: () => ({ kind: 'builtin', name: 'decimal64', restrictions: [...decimal3, sub('range', token('0..4294967.295'))] }),
    defaultArg: numeric,
  },
  boolean: {
    type: () => ({ kind: 'builtin', name: 'boolean' }),
    defaultArg: (_t, v, where) => {
      if (typeof v !== 'boolean') throw new Error(`${where}: boolean default ${String(v)}`);
      return token(v ? 'true' : 'false');
    },
  },
  enum: {
    type: () => ({ kind: 'enumeration' }),
    defaultArg: (t, v, where) => {
      const ev = t.values.find((x) => x.name === v);
      if (!ev) throw new Error(`${where}: default ${String(v)} is not a value of ${t.typeName}`);
      return token(kebab(ev.name));
    },
  },
  timestamp: { type: () => ({ kind: 'imported', prefix: 'yang', name: 'date-and-time' }), defaultArg: quoted },
  uri: { type: () => ({ kind: 'imported', prefix: 'inet', name: 'uri' }), defaultArg: quoted },
  alarmType: { type: () => ({ kind: 'identityref', prefix: 'al', base: 'al:alarm-type-id' }), defaultArg: quoted },
  resource: { type: () => ({ kind: 'typedef', name: 'resource-path' }), defaultArg: quoted },
};
