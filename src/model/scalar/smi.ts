/**
 * The SMIv2 rendering concern of the scalar type table: the SYNTAX of an object of each base (with the
 * standard symbols and local textual conventions it uses) and its DEFVAL, for tools/render/mib*.ts. The
 * textual conventions' definitions stay with the MIB renderer.
 */
import { MIB_PREFIX, pascal } from '../lookup';
import type { PerBase, ScalarBase, ScalarOf } from './base';
import { INT32_MAX, INT32_MIN, SIZES, UINT32_MAX } from './base';

/** Modules the MIB may import from (its files ship with net-snmp's npm package; Debian ships no IETF MIBs). */
export type StandardModule = 'SNMPv2-SMI' | 'SNMPv2-TC' | 'SNMPv2-CONF';

export interface Syntax {
  /** SYNTAX clause value, with the object's refinement (size or range). */
  readonly syntax: string;
  /** Type named in the row's SEQUENCE (no refinement, RFC 2578 section 7.1.12). */
  readonly sequenceType: string;
  /** The underlying ASN.1 / SMIv2 base type. */
  readonly base: 'Counter64' | 'Gauge32' | 'Integer32' | 'Unsigned32' | 'INTEGER' | 'OCTET STRING' | 'OBJECT IDENTIFIER';
  /** A standard symbol the syntax uses. */
  readonly imports: readonly { module: StandardModule; symbol: string }[];
  /** The local textual convention the syntax uses, if any. */
  readonly tc?: string;
  /** Maximum number of sub-identifiers of a value of this syntax used as an INDEX component (not IMPLIED). */
  readonly indexLength: number;
}

/** Prefix of the module's type names: the descriptor prefix of src/model/lookup.ts, capitalised. */
export const TYPE_PREFIX = pascal(MIB_PREFIX);

/** Names of the module's textual conventions for the non-enumerated types. */
export const TC = {
  name: `${TYPE_PREFIX}Name`,
  text: `${TYPE_PREFIX}Utf8String`,
  bigDecimal: `${TYPE_PREFIX}DecimalString`,
  gauge64: `${TYPE_PREFIX}Gauge64`,
  milli: `${TYPE_PREFIX}Milli`,
  level: `${TYPE_PREFIX}Level`,
  resource: `${TYPE_PREFIX}ResourcePath`,
  alarmTypeIndex: `${TYPE_PREFIX}AlarmTypeIndex`,
} as const;

/** The facts about the whole model a SYNTAX depends on (tools/render/mib-types.ts TypeContext). */
export interface SmiContext {
  /** Size of the text convention: the longest text of the model. */
  readonly textMax: number;
  /** Sub-identifiers of an alarm type OID of this model. */
  readonly alarmTypeOidLength: number;
  /** Textual convention of each enumerated type, by typeName. */
  readonly enumNames: ReadonlyMap<string, string>;
}

/** Helpers of a DEFVAL: bad throws naming the object; str renders a string default that fits SIZE (min..max). */
export interface DefvalHelpers {
  bad(why: string): never;
  str(min: number, max: number): string;
}

export interface SmiRendering<T> {
  syntax(t: T, ctx: SmiContext, where: string): Syntax;
  /** The DEFVAL of a default, or undefined where SMIv2 cannot express it (the DESCRIPTION says it instead). */
  defval(t: T, v: string | number | boolean, h: DefvalHelpers): string | undefined;
}

function smi(symbol: string): { module: StandardModule; symbol: string } { return { module: 'SNMPv2-SMI', symbol }; }
function tc(symbol: string): { module: StandardModule; symbol: string } { return { module: 'SNMPv2-TC', symbol }; }

function range(min: number, max: number): string {
  return min === max ? `(${min})` : `(${min}..${max})`;
}

/** A type of a local textual convention, written in the DESCRIPTION of a default. */
function local(name: string, base: Syntax['base'], indexLength: number): SmiRendering<unknown> {
  return { syntax: () => ({ syntax: name, sequenceType: name, base, imports: [], tc: name, indexLength }), defval: () => undefined };
}

/** A standard type, written in the DESCRIPTION of a default. */
function standard(name: string, base: Syntax['base'], module: 'smi' | 'tc', indexLength: number, syntax = name): SmiRendering<unknown> {
  return {
    syntax: () => ({ syntax, sequenceType: name, base, imports: [module === 'smi' ? smi(name) : tc(name)], indexLength }),
    defval: () => undefined,
  };
}

function integerDefval(lo: number, hi: number, v: string | number | boolean, h: DefvalHelpers): string {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return h.bad(`is not in ${lo}..${hi}`);
  return String(v);
}

export const SMI_RENDERINGS: PerBase<{ [B in ScalarBase]: SmiRendering<ScalarOf<B>> }> = {
  name: {
    syntax: () => ({ syntax: TC.name, sequenceType: TC.name, base: 'OCTET STRING', imports: [], tc: TC.name, indexLength: 1 + SIZES.name }),
    defval: (_t, _v, h) => h.str(1, SIZES.name),
  },
  text: {
    syntax: (t, ctx, where) => {
      const max = t.maxLength ?? SIZES.textDefault;
      if (max > ctx.textMax) throw new Error(`${where}: text longer than the text convention`);
      return { syntax: `${TC.text} (SIZE (0..${max}))`, sequenceType: TC.text, base: 'OCTET STRING', imports: [], tc: TC.text, indexLength: 1 + max };
    },
    defval: (t, _v, h) => h.str(0, t.maxLength ?? SIZES.textDefault),
  },
  hex: {
    syntax: (t) => {
      if (t.fixedLength !== undefined) {
        return { syntax: `OCTET STRING (SIZE (${t.fixedLength}))`, sequenceType: 'OCTET STRING', base: 'OCTET STRING', imports: [], indexLength: t.fixedLength };
      }
      const max = t.maxLength ?? SIZES.octets;
      return { syntax: `OCTET STRING (SIZE (0..${max}))`, sequenceType: 'OCTET STRING', base: 'OCTET STRING', imports: [], indexLength: 1 + max };
    },
    defval: (t, v, h) => {
      if (typeof v !== 'string') return h.bad('is not a string');
      const hex = v.replace(/^0x/i, '');
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return h.bad('is not hexadecimal');
      const n = hex.length / 2;
      if (t.fixedLength !== undefined ? n !== t.fixedLength : n > (t.maxLength ?? SIZES.octets)) return h.bad('has the wrong length');
      return `'${hex.toUpperCase()}'H`;
    },
  },
  bigDecimal: {
    ...local(TC.bigDecimal, 'OCTET STRING', 1 + SIZES.decimal),
    defval: (_t, v, h) => {
      if (typeof v !== 'string' || !/^(0|[1-9][0-9]*)$/.test(v)) return h.bad('is not a decimal string');
      return `"${v}"`;
    },
  },
  int32: {
    syntax: (t) => {
      const has = t.min !== undefined || t.max !== undefined;
      const r = has ? ` ${range(t.min ?? INT32_MIN, t.max ?? INT32_MAX)}` : '';
      return { syntax: `Integer32${r}`, sequenceType: 'Integer32', base: 'Integer32', imports: [smi('Integer32')], indexLength: 1 };
    },
    defval: (t, v, h) => integerDefval(t.min ?? INT32_MIN, t.max ?? INT32_MAX, v, h),
  },
  uint32: {
    syntax: (t) => {
      const has = t.min !== undefined || t.max !== undefined;
      const r = has ? ` ${range(t.min ?? 0, t.max ?? UINT32_MAX)}` : '';
      return { syntax: `Unsigned32${r}`, sequenceType: 'Unsigned32', base: 'Unsigned32', imports: [smi('Unsigned32')], indexLength: 1 };
    },
    defval: (t, v, h) => integerDefval(t.min ?? 0, t.max ?? UINT32_MAX, v, h),
  },
  gauge32: standard('Gauge32', 'Gauge32', 'smi', 1),
  counter64: standard('Counter64', 'Counter64', 'smi', Infinity),
  gauge64: local(TC.gauge64, 'Counter64', Infinity),
  milli: local(TC.milli, 'Counter64', Infinity),
  level: local(TC.level, 'Unsigned32', 1),
  boolean: {
    ...standard('TruthValue', 'INTEGER', 'tc', 1),
    defval: (_t, v, h) => typeof v !== 'boolean' ? h.bad('is not a boolean') : v ? 'true' : 'false',
  },
  enum: {
    syntax: (t, ctx, where) => {
      const name = ctx.enumNames.get(t.typeName);
      if (!name) throw new Error(`${where}: enumerated type ${t.typeName} has no textual convention`);
      return { syntax: name, sequenceType: name, base: 'INTEGER', imports: [], tc: name, indexLength: 1 };
    },
    defval: (t, v, h) => typeof v !== 'string' || !t.values.some((x) => x.name === v) ? h.bad(`is not a label of ${t.typeName}`) : v,
  },
  timestamp: standard('DateAndTime', 'OCTET STRING', 'tc', 1 + 11),
  uri: {
    ...standard('DisplayString', 'OCTET STRING', 'tc', 1 + SIZES.uri, `DisplayString (SIZE (0..${SIZES.uri}))`),
    defval: (_t, _v, h) => h.str(0, SIZES.uri),
  },
  alarmType: {
    syntax: (_t, ctx) => ({ syntax: 'AutonomousType', sequenceType: 'AutonomousType', base: 'OBJECT IDENTIFIER', imports: [tc('AutonomousType')], indexLength: ctx.alarmTypeOidLength + 1 }),
    defval: () => undefined,
  },
  resource: local(TC.resource, 'OCTET STRING', 1 + SIZES.resource),
};
