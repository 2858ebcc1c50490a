/**
 * SMIv2 rendering of the model's scalar types: the SYNTAX of each object, the textual conventions the
 * module defines for them, and the symbols they need from SNMPv2-SMI and SNMPv2-TC.
 */
import type { EnumValue, InformationModel, ScalarType } from '../../src/model';
import { ALARM_TYPE_INDEX_RANGE, MIB_PREFIX, ModelIndex, mibAttributes, pascal } from '../../src/model';
import { scalarOf } from '../../src/model/scalars';
import { SIZES } from '../../src/model/scalar/base';
import { TC, TYPE_PREFIX } from '../../src/model/scalar/smi';
import type { SmiContext, StandardModule, Syntax } from '../../src/model/scalar/smi';
import { CLAUSE_INDENT, clause, textClause } from './mib-text';

export { TC, TYPE_PREFIX } from '../../src/model/scalar/smi';
export type { StandardModule, Syntax } from '../../src/model/scalar/smi';

const NAME_MAX = SIZES.name;
const TEXT_DEFAULT_MAX = SIZES.textDefault;
const DECIMAL_MAX = SIZES.decimal;
const RESOURCE_MAX = SIZES.resource;
/** An OBJECT IDENTIFIER has at most 128 sub-identifiers (RFC 2578 section 3.5). */
export const OID_MAX = 128;

/**
 * Name of the textual convention of an enumerated type: Bcm + typeName, or Bcm + typeName + Type when that
 * would differ only in case from a descriptor of the module (smilint identifier-case-match), e.g. the
 * type NodeRole of the column bcmNodeRole.
 */
export function enumTcName(typeName: string, descriptors: ReadonlySet<string>): string {
  const name = `${TYPE_PREFIX}${pascal(typeName)}`;
  return descriptors.has(name.toLowerCase()) ? `${name}Type` : name;
}

function smi(symbol: string): { module: StandardModule; symbol: string } { return { module: 'SNMPv2-SMI', symbol }; }
function tc(symbol: string): { module: StandardModule; symbol: string } { return { module: 'SNMPv2-TC', symbol }; }

/**
 * The type facts the renderer needs about the whole model: the maximum UTF-8 text length (the size of the
 * text convention) and the alarm type OID length (AutonomousType values the module uses).
 */
export interface TypeContext extends SmiContext {
  readonly textMax: number;
  /**
   * Sub-identifiers of an alarm type OID of this model: the index length of an AutonomousType, were one an
   * INDEX (an alarmType INDEX column is BcmAlarmTypeIndex, indexSyntaxOf).
   */
  readonly alarmTypeOidLength: number;
  /** Textual convention of each enumerated type, by typeName. */
  readonly enumNames: ReadonlyMap<string, string>;
  /** An alarm type with its INDEX sub-identifier (ModelIndex.alarmTypeIndex), for the example of BcmAlarmTypeIndex. */
  readonly alarmTypeIndexExample?: { readonly index: number; readonly descriptor: string };
}

export function typeContext(model: InformationModel): TypeContext {
  const idx = new ModelIndex(model);
  let textMax: number = TEXT_DEFAULT_MAX;
  const descriptors = new Set<string>();
  const enumTypes = new Set<string>();
  for (const c of model.classes) {
    const rendering = idx.mibRendering(c);
    if (rendering === 'none') continue;
    if (rendering === 'table') descriptors.add(idx.tableDescriptor(c).toLowerCase()).add(idx.entryDescriptor(c).toLowerCase());
    else descriptors.add(idx.scalarGroupDescriptor(c).toLowerCase());
    for (const a of mibAttributes(c)) {
      descriptors.add(idx.mibDescriptor(c, a).toLowerCase());
      if (a.type.base === 'text') textMax = Math.max(textMax, a.type.maxLength ?? TEXT_DEFAULT_MAX);
      if (a.type.base === 'enum') enumTypes.add(a.type.typeName);
    }
  }
  for (const t of model.alarmTypes) descriptors.add(idx.alarmTypeDescriptor(t).toLowerCase());
  for (const n of model.notifications) descriptors.add(idx.notificationDescriptor(n).toLowerCase());
  const enumNames = new Map([...enumTypes].sort().map((t) => [t, enumTcName(t, descriptors)] as const));
  const first = model.alarmTypes.slice().sort((a, b) => idx.alarmTypeIndex(a) - idx.alarmTypeIndex(b))[0];
  const alarmTypeIndexExample = first ? { index: idx.alarmTypeIndex(first), descriptor: idx.alarmTypeDescriptor(first) } : undefined;
  return { textMax, alarmTypeOidLength: idx.alarmTypesOid.split('.').length + 1, enumNames, alarmTypeIndexExample };
}

/**
 * The SMIv2 syntax of an INDEX column (ModelIndex.isIndexColumn) of the type: an alarm type is its INDEX
 * sub-identifier (ModelIndex.alarmTypeIndex) of the BcmAlarmTypeIndex convention, rather than an
 * AutonomousType, whose length SMIv2 cannot bound; any other type has its usual syntax.
 */
export function indexSyntaxOf(t: ScalarType, ctx: TypeContext, where: string): Syntax {
  if (t.base !== 'alarmType') return syntaxOf(t, ctx, where);
  return { syntax: TC.alarmTypeIndex, sequenceType: TC.alarmTypeIndex, base: 'Unsigned32', imports: [], tc: TC.alarmTypeIndex, indexLength: 1 };
}

/** The SMIv2 syntax of a scalar type. */
export function syntaxOf(t: ScalarType, ctx: TypeContext, where: string): Syntax {
  return scalarOf(t).smi.syntax(t, ctx, where);
}

/** A textual convention the module defines. */
interface TcDef {
  readonly name: string;
  readonly hint?: string;
  readonly description: string;
  readonly syntax: string[];
  readonly imports: readonly { module: StandardModule; symbol: string }[];
}

function tcText(d: TcDef): string[] {
  return [
    `${d.name} ::= TEXTUAL-CONVENTION`,
    ...(d.hint ? [clause('DISPLAY-HINT', `"${d.hint}"`)] : []),
    clause('STATUS', 'current'),
    ...textClause('DESCRIPTION', d.description, d.name),
    ...d.syntax,
  ];
}

function enumSyntax(values: readonly EnumValue[]): string[] {
  const pad = `${CLAUSE_INDENT}${' '.repeat(12)}`;
  return [
    clause('SYNTAX', 'INTEGER {'),
    ...values.map((v, i) => `${pad}    ${v.name}(${v.value})${i < values.length - 1 ? ',' : ''}`),
    `${pad}}`,
  ];
}

function enumDescription(typeName: string, values: readonly EnumValue[]): string {
  const lines = values.map((v) => `${v.name}(${v.value}): ${v.description.replace(/\.$/, '')}.`);
  return `Values of the enumerated type ${typeName} of the information model:\n\n${lines.join('\n')}`;
}

/** Checks an enumerated type is usable in SMIv2 (RFC 2578 section 7.1.1, RFC 4181 section 4.6.1.1). */
function checkEnum(typeName: string, values: readonly EnumValue[]): void {
  const labels = new Set<string>();
  const numbers = new Set<number>();
  for (const v of values) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(v.name) || v.name.length > 64) throw new Error(`enum ${typeName}: label ${v.name} is not a legal SMIv2 label`);
    if (!Number.isInteger(v.value) || v.value < -2147483648 || v.value > 2147483647) throw new Error(`enum ${typeName}: value ${v.value} out of range`);
    if (labels.has(v.name) || numbers.has(v.value)) throw new Error(`enum ${typeName}: duplicate ${v.name}(${v.value})`);
    labels.add(v.name); numbers.add(v.value);
  }
}

/**
 * The textual conventions used by the given syntaxes, in a fixed order: the generic ones first,
 * then one per enumerated type, alphabetically. Unused conventions are not defined (smilint warns).
 */
/** Names of the textual conventions the module may define. */
export function tcNames(ctx: TypeContext): string[] {
  return [...Object.values(TC), ...ctx.enumNames.values()];
}

export function textualConventions(used: ReadonlySet<string>, enums: ReadonlyMap<string, { typeName: string; values: readonly EnumValue[] }>,
  ctx: TypeContext): { lines: string[]; imports: { module: StandardModule; symbol: string }[] } {
  const generic: TcDef[] = [
    {
      name: TC.name, hint: `${NAME_MAX}a`,
      description: `An identifier of an instance (a network, a node, a job, ...): 1 to ${NAME_MAX} characters ` +
        'from A-Z, a-z, 0-9, period, underscore and hyphen. As an INDEX component it is preceded by its length.',
      syntax: [clause('SYNTAX', `OCTET STRING (SIZE (1..${NAME_MAX}))`)], imports: [],
    },
    {
      name: TC.text, hint: `${ctx.textMax}t`,
      description: 'Text in the UTF-8 encoding of ISO/IEC 10646 (RFC 3629), as SnmpAdminString of SNMP-FRAMEWORK-MIB; ' +
        'objects of this type refine its size. The size counts octets, not characters.',
      syntax: [clause('SYNTAX', `OCTET STRING (SIZE (0..${ctx.textMax}))`)], imports: [],
    },
    {
      name: TC.bigDecimal, hint: `${DECIMAL_MAX}a`,
      description: 'A non-negative integer too large for 64 bits (e.g. a balance in wei or a total difficulty), ' +
        'as its decimal digits (0-9) without sign or leading zeros. A zero-length value means that the value is not available.',
      syntax: [clause('SYNTAX', `OCTET STRING (SIZE (0..${DECIMAL_MAX}))`)], imports: [],
    },
    {
      name: TC.gauge64, hint: 'd',
      description: 'A 64-bit gauge: a non-negative integer that may increase or decrease, with the semantics of ' +
        'CounterBasedGauge64 of HCNUM-TC (RFC 2856), defined here because this module imports only from the SMIv2 ' +
        'modules. The value latches at 18446744073709551615 while the information it models is at or above it. ' +
        'The base type is Counter64, so objects of this type are read-only.',
      syntax: [clause('SYNTAX', 'Counter64')], imports: [smi('Counter64')],
    },
    {
      name: TC.milli, hint: 'd-3',
      description: 'A non-negative fixed-point value with three fraction digits, carried as a number of thousandths ' +
        '(1500 means 1.500), with the gauge semantics of ' + TC.gauge64 + '. The base type is Counter64, so ' +
        'objects of this type are read-only.',
      syntax: [clause('SYNTAX', 'Counter64')], imports: [smi('Counter64')],
    },
    {
      name: TC.level, hint: 'd-3',
      description: 'A non-negative fixed-point level with three fraction digits, carried as a number of thousandths ' +
        '(1500 means 1.500), from 0 to 4294967.295. Unlike ' + TC.milli + ' it may be written.',
      syntax: [clause('SYNTAX', 'Unsigned32')], imports: [smi('Unsigned32')],
    },
    {
      name: TC.resource, hint: `${RESOURCE_MAX}a`,
      description: 'A managed resource, as the path of its instance in the containment tree of the information model: ' +
        'class names and key values separated by slashes, e.g. network/dev/node/n1. The zero-length path is the managed system.',
      syntax: [clause('SYNTAX', `OCTET STRING (SIZE (0..${RESOURCE_MAX}))`)], imports: [],
    },
    {
      name: TC.alarmTypeIndex, hint: 'd',
      description: `An alarm type as an INDEX component: the last sub-identifier of the OBJECT-IDENTITY of the alarm type under ${MIB_PREFIX}AlarmTypes` +
        (ctx.alarmTypeIndexExample
          ? `, e.g. ${ctx.alarmTypeIndexExample.index} for ${ctx.alarmTypeIndexExample.descriptor} (${MIB_PREFIX}AlarmTypes.${ctx.alarmTypeIndexExample.index})`
          : '') +
        '. Objects that are not an index give an alarm type as an AutonomousType, its whole OBJECT IDENTIFIER; ' +
        'as an index the alarm type is this one sub-identifier, so that instance identifiers stay short.',
      syntax: [clause('SYNTAX', `Unsigned32 (${ALARM_TYPE_INDEX_RANGE.min}..${ALARM_TYPE_INDEX_RANGE.max})`)], imports: [smi('Unsigned32')],
    },
  ];
  const defs: TcDef[] = generic.filter((d) => used.has(d.name));
  for (const name of [...enums.keys()].sort()) {
    if (!used.has(name)) continue;
    const e = enums.get(name)!;
    checkEnum(e.typeName, e.values);
    defs.push({ name, description: enumDescription(e.typeName, e.values), syntax: enumSyntax(e.values), imports: [] });
  }
  const lines: string[] = [];
  const imports: { module: StandardModule; symbol: string }[] = [];
  for (const d of defs) {
    lines.push(...tcText(d), '');
    imports.push(tc('TEXTUAL-CONVENTION'), ...d.imports);
  }
  return { lines, imports };
}
