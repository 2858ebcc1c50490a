/**
 * Renders the SMIv2 MIB module of the model (BLOCKCHAIN-MGMT-MIB), following RFC 2578-2580 and the
 * guidelines of RFC 4181, from the information model alone:
 *
 *   root.0  notifications        NOTIFICATION-TYPE per model notification
 *   root.1  objects              per class: a scalar group (containers outside any list) or a table
 *                                (lists, and containers inside lists) indexed along containment
 *   root.2  conformance          .1 compliances, .2 groups (one OBJECT-GROUP per class, one NOTIFICATION-GROUP)
 *   root.3  alarm types          OBJECT-IDENTITY per alarm type (values of AutonomousType objects)
 *
 * Every OID and every MAX-ACCESS comes from the ModelIndex helpers, which the SNMP agent also uses, so the two agree.
 */
import type { AlarmType, Attribute, InformationModel, MibAccess, NotificationDef, ObjectClass } from '../../src/model';
import { EventTypeEnum, PerceivedSeverity } from '../../src/model/common';
import { MIB_PREFIX, ModelIndex, counter64Based, mibAttributes, pascal, writableAttribute } from '../../src/model';
import { bracedList, clause, comment, shortTextClause, textClause } from './mib-text';
import type { StandardModule, Syntax, TypeContext } from './mib-types';
import { scalarOf } from '../../src/model/scalars';
import { OID_MAX, TC, indexSyntaxOf, syntaxOf, tcNames, textualConventions, typeContext } from './mib-types';

/** Nodes of SNMPv2-SMI the module identity may hang under (RFC 2578 section 2). */
const IMPORTABLE_NODES: Readonly<Record<string, string>> = {
  org: '1.3', dod: '1.3.6', internet: '1.3.6.1', directory: '1.3.6.1.1', mgmt: '1.3.6.1.2', 'mib-2': '1.3.6.1.2.1',
  transmission: '1.3.6.1.2.1.10', experimental: '1.3.6.1.3', private: '1.3.6.1.4', enterprises: '1.3.6.1.4.1',
  security: '1.3.6.1.5', snmpV2: '1.3.6.1.6', snmpDomains: '1.3.6.1.6.1', snmpProxys: '1.3.6.1.6.2', snmpModules: '1.3.6.1.6.3',
};

/** Arc of the NOTIFICATION-GROUP under bcmGroups; OBJECT-GROUPs take their class's arc, which stays below it. */
export const NOTIFICATION_GROUP_ARC = 100;

/** Maximum descriptor length (RFC 2578 section 3.1 allows 64; RFC 4181 section 4.3 asks for at most 32). */
const DESCRIPTOR_MAX = 32;

const REFERENCE_DOC = 'Draft ITU-T Recommendation M.immbs';

export type MaxAccess = MibAccess | 'accessible-for-notify';

/** One OBJECT-TYPE of a class: a column of its table or one of its scalars. */
export interface MibObject {
  readonly cls: ObjectClass;
  readonly attr: Attribute;
  readonly descriptor: string;
  readonly oid: string;
  readonly syntax: Syntax;
  readonly access: MaxAccess;
  /** The attribute is configuration, but its syntax cannot be written in SMIv2 (Counter64-based). */
  readonly configReadOnly: boolean;
}

/** A class as the MIB renders it. */
export interface MibClass {
  readonly cls: ObjectClass;
  readonly rendering: 'scalars' | 'table';
  /** Table (or scalar group) descriptor and OID. */
  readonly descriptor: string;
  readonly oid: string;
  readonly entry?: { readonly descriptor: string; readonly oid: string; readonly sequence: string; readonly index: readonly string[];
    /** Longest instance OID of a column: entry OID, column arc and the index components. */
    readonly maxInstanceLength: number };
  readonly objects: readonly MibObject[];
  readonly group: { readonly descriptor: string; readonly oid: string } | undefined;
}

/** Everything the MIB defines, with its OIDs: used by the renderer and by the tests. */
export interface MibLayout {
  readonly moduleName: string;
  readonly root: { readonly descriptor: string; readonly oid: string; readonly parent: string; readonly arc: number };
  /** Every node the module defines, descriptor → dotted OID, in definition order. */
  readonly nodes: ReadonlyMap<string, string>;
  readonly classes: readonly MibClass[];
  readonly alarmTypes: readonly { readonly type: AlarmType; readonly descriptor: string; readonly oid: string }[];
  readonly notifications: readonly { readonly def: NotificationDef; readonly descriptor: string; readonly oid: string; readonly objects: readonly string[] }[];
  readonly notificationGroup: { readonly descriptor: string; readonly oid: string } | undefined;
  readonly compliance: { readonly descriptor: string; readonly oid: string };
  readonly ctx: TypeContext;
}

const d = (s: string): string => `${MIB_PREFIX}${s}`;

/** The standard node the root OID sits directly under; fails when there is none (the MIB could not import it). */
export function rootPlacement(rootOid: string): { parent: string; arc: number } {
  if (!/^\d+(\.\d+)+$/.test(rootOid)) throw new Error(`root OID ${rootOid} is not a dotted OID`);
  const parentOid = rootOid.slice(0, rootOid.lastIndexOf('.'));
  const arc = Number(rootOid.slice(rootOid.lastIndexOf('.') + 1));
  const parent = Object.keys(IMPORTABLE_NODES).find((n) => IMPORTABLE_NODES[n] === parentOid);
  if (!parent) {
    throw new Error(`root OID ${rootOid} is not directly under a node SNMPv2-SMI exports ` +
      `(${Object.entries(IMPORTABLE_NODES).map(([n, o]) => `${n} ${o}`).join(', ')}); ` +
      'a MODULE-IDENTITY must be the first definition, so intermediate nodes cannot be defined before it');
  }
  return { parent, arc };
}

/** Computes what the MIB defines and where, checking descriptors, access rules and index lengths. */
export function mibLayout(model: InformationModel): MibLayout {
  const idx = new ModelIndex(model);
  const ctx = typeContext(model);
  const nodes = new Map<string, string>();
  const lower = new Map<string, string>();
  const define = (descriptor: string, oid: string): void => {
    if (!/^[a-z][A-Za-z0-9]*$/.test(descriptor)) throw new Error(`MIB descriptor ${descriptor} is not a legal SMIv2 descriptor`);
    if (descriptor.length > DESCRIPTOR_MAX) throw new Error(`MIB descriptor ${descriptor} is longer than ${DESCRIPTOR_MAX} characters`);
    const clash = lower.get(descriptor.toLowerCase());
    if (clash) throw new Error(`MIB descriptor ${descriptor} clashes with ${clash}`);
    for (const [other, o] of nodes) if (o === oid) throw new Error(`MIB descriptors ${other} and ${descriptor} have the same OID ${oid}`);
    lower.set(descriptor.toLowerCase(), descriptor);
    nodes.set(descriptor, oid);
  };

  const placement = rootPlacement(idx.rootOid);
  const rootDescriptor = d('MIB');
  define(rootDescriptor, idx.rootOid);
  define(d('Notifications'), idx.notificationsOid);
  define(d('Objects'), idx.objectsOid);
  define(d('Conformance'), idx.conformanceOid);
  define(d('Compliances'), `${idx.conformanceOid}.1`);
  const groupsOid = `${idx.conformanceOid}.2`;
  define(d('Groups'), groupsOid);
  define(d('AlarmTypes'), idx.alarmTypesOid);

  const rendered = model.classes.filter((c) => idx.mibRendering(c) !== 'none').slice().sort((a, b) => a.arc - b.arc);
  const classes: MibClass[] = [];
  const objectsByClass = new Map<string, MibObject[]>();
  for (const cls of rendered) {
    const rendering = idx.mibRendering(cls) as 'scalars' | 'table';
    const attrs = mibAttributes(cls).slice().sort((a, b) => a.arc - b.arc);
    let descriptor: string; let oid: string;
    let entry: MibClass['entry'];
    if (rendering === 'table') {
      descriptor = idx.tableDescriptor(cls); oid = idx.classOid(cls);
      define(descriptor, oid);
      const entryDescriptor = idx.entryDescriptor(cls);
      define(entryDescriptor, idx.entryOid(cls));
      const index = idx.mibIndex(cls);
      if (index.length === 0) throw new Error(`${cls.name}: a table without index`);
      let indexLength = 0;
      for (const k of index) {
        if (idx.mibRendering(k.cls) === 'none' || !mibAttributes(k.cls).includes(k.attr)) {
          throw new Error(`${cls.name}: index ${k.cls.name}.${k.attr.name} is not an object of the MIB`);
        }
        const s = indexSyntaxOf(k.attr.type, ctx, `${k.cls.name}.${k.attr.name}`);
        if (s.base === 'Counter64') throw new Error(`${cls.name}: index ${k.cls.name}.${k.attr.name} has a Counter64 syntax`);
        indexLength += s.indexLength;
      }
      const maxInstanceLength = idx.entryOid(cls).split('.').length + 1 + indexLength;
      if (maxInstanceLength > OID_MAX) {
        throw new Error(`${cls.name}: instance OIDs of ${descriptor} can have ${maxInstanceLength} sub-identifiers (more than ${OID_MAX}); ` +
          'shorten the keys of the class or of its ancestors');
      }
      entry = { descriptor: entryDescriptor, oid: idx.entryOid(cls), sequence: pascal(entryDescriptor),
        index: index.map((k) => idx.mibDescriptor(k.cls, k.attr)), maxInstanceLength };
    } else {
      descriptor = idx.scalarGroupDescriptor(cls); oid = idx.classOid(cls);
      define(descriptor, oid);
    }
    const objects: MibObject[] = [];
    for (const attr of attrs) {
      const where = `${cls.name}.${attr.name}`;
      const syntax = idx.isIndexColumn(cls, attr) ? indexSyntaxOf(attr.type, ctx, where) : syntaxOf(attr.type, ctx, where);
      const access = idx.mibAccess(cls, attr);
      // The model's Counter64 rule must agree with the syntax rendered (RFC 2578 section 7.1.10).
      if (access === 'read-write' && syntax.base === 'Counter64') throw new Error(`${where}: read-write object with a Counter64 syntax`);
      const configReadOnly = access === 'read-only' && writableAttribute(attr) && counter64Based(attr.type);
      const o: MibObject = { cls, attr, descriptor: idx.mibDescriptor(cls, attr), oid: idx.attributeOid(cls, attr), syntax, access, configReadOnly };
      define(o.descriptor, o.oid);
      objects.push(o);
    }
    objectsByClass.set(cls.name, objects);
    classes.push({ cls, rendering, descriptor, oid, entry, objects, group: undefined });
  }

  const alarmTypes = model.alarmTypes.slice().sort((a, b) => a.arc - b.arc).map((t) => {
    const o = { type: t, descriptor: idx.alarmTypeDescriptor(t), oid: idx.alarmTypeOid(t) };
    // What the DESCRIPTION of BcmAlarmTypeIndex says: an index value is the last arc of the alarm type's OID.
    if (o.oid !== `${idx.alarmTypesOid}.${idx.alarmTypeIndex(t)}`) throw new Error(`alarm type ${t.name}: its INDEX value is not the last arc of its OID`);
    define(o.descriptor, o.oid);
    return o;
  });

  const notifications = model.notifications.slice().sort((a, b) => a.arc - b.arc).map((n) => {
    const objs = objectsByClass.get(n.objectClass);
    if (!objs) throw new Error(`notification ${n.name}: class ${n.objectClass} is not in the MIB`);
    const objects = n.objects.map((name) => {
      const o = objs.find((x) => x.attr.name === name);
      if (!o) throw new Error(`notification ${n.name}: ${n.objectClass}.${name} is not an object of the MIB`);
      if (o.access === 'not-accessible') {
        throw new Error(`notification ${n.name}: ${o.descriptor} is not-accessible and cannot be a notification object ` +
          '(RFC 2578 section 8.1); the instance OIDs of the other objects carry the index');
      }
      return o.descriptor;
    });
    const o = { def: n, descriptor: idx.notificationDescriptor(n), oid: idx.notificationOid(n), objects };
    define(o.descriptor, o.oid);
    return o;
  });

  // Conformance: one OBJECT-GROUP per class (every accessible object in exactly one group), one NOTIFICATION-GROUP.
  const withGroups = classes.map((c) => {
    if (!c.objects.some((o) => o.access !== 'not-accessible')) return c;
    if (c.cls.arc >= NOTIFICATION_GROUP_ARC) throw new Error(`${c.cls.name}: arc ${c.cls.arc} collides with the groups' layout (arcs below ${NOTIFICATION_GROUP_ARC})`);
    const group = { descriptor: `${c.cls.mibPrefix}Group`, oid: `${groupsOid}.${c.cls.arc}` };
    define(group.descriptor, group.oid);
    return { ...c, group };
  });
  let notificationGroup: MibLayout['notificationGroup'];
  if (notifications.length) {
    notificationGroup = { descriptor: d('NotificationGroup'), oid: `${groupsOid}.${NOTIFICATION_GROUP_ARC}` };
    define(notificationGroup.descriptor, notificationGroup.oid);
  }
  const compliance = { descriptor: d('Compliance'), oid: `${idx.conformanceOid}.1.1` };
  define(compliance.descriptor, compliance.oid);
  // Type names must not differ from a descriptor only in case (the row types BcmXxxEntry are the usual exception).
  for (const t of tcNames(ctx)) {
    const clash = lower.get(t.toLowerCase());
    if (clash) throw new Error(`textual convention ${t} differs from the descriptor ${clash} only in case`);
    if (t.length > DESCRIPTOR_MAX) throw new Error(`textual convention ${t} is longer than ${DESCRIPTOR_MAX} characters`);
  }

  return {
    moduleName: model.module.mibName,
    root: { descriptor: rootDescriptor, oid: idx.rootOid, parent: placement.parent, arc: placement.arc },
    nodes, classes: withGroups, alarmTypes, notifications, notificationGroup, compliance, ctx,
  };
}

/** The MIB module text. */
export function renderMib(model: InformationModel): string {
  return new MibWriter(model, mibLayout(model)).render();
}

// ---------------------------------------------------------------------------------------------------

/** The SMIv2 date of a revision: YYYY-MM-DD (optionally with hh:mm) → YYYYMMDDhhmmZ. */
export function smiDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(date);
  if (!m) throw new Error(`revision date ${date} is not YYYY-MM-DD`);
  return `${m[1]}${m[2]}${m[3]}${m[4] ?? '00'}${m[5] ?? '00'}Z`;
}

function enumLabel(values: readonly { name: string; value: number }[], name: string): string {
  const v = values.find((x) => x.name === name);
  return v ? `${v.name}(${v.value})` : name;
}

class MibWriter {
  private readonly idx: ModelIndex;
  private readonly imports = new Map<StandardModule, Set<string>>();
  private readonly usedTcs = new Set<string>();

  constructor(private readonly model: InformationModel, private readonly layout: MibLayout) {
    this.idx = new ModelIndex(model);
  }

  private use(module: StandardModule, symbol: string): void {
    const s = this.imports.get(module) ?? new Set<string>();
    s.add(symbol);
    this.imports.set(module, s);
  }

  private useSyntax(s: Syntax): void {
    for (const i of s.imports) this.use(i.module, i.symbol);
    if (s.tc) this.usedTcs.add(s.tc);
  }

  /** "{ parent arc }" for a node, from the OIDs of the layout: the parent is the node one arc up. */
  private placement(oid: string): string {
    const parentOid = oid.slice(0, oid.lastIndexOf('.'));
    const arc = oid.slice(oid.lastIndexOf('.') + 1);
    for (const [name, o] of this.layout.nodes) if (o === parentOid) return `{ ${name} ${arc} }`;
    throw new Error(`no node of the MIB is the parent of ${oid}`);
  }

  private reference(clauseNo: string, what: string): string[] {
    return shortTextClause('REFERENCE', `${REFERENCE_DOC}, clause ${clauseNo}, ${what}.`, what);
  }

  render(): string {
    const body = [
      ...this.objects(),
      ...this.alarmTypes(),
      ...this.notifications(),
      ...this.conformance(),
    ];
    const { lines: tcLines, imports: tcImports } = textualConventions(this.usedTcs, this.enums(), this.layout.ctx);
    for (const i of tcImports) this.use(i.module, i.symbol);
    const identity = this.identity();
    const top = this.topNodes();
    const m = this.model.module;
    const out = [
      ...comment(`${m.mibName}: SMIv2 module of the information model for management of blockchain systems.`),
      ...comment('Generated from the information model (src/model) by tools/generate.ts; do not edit, run npm run generate.'),
      '',
      `${m.mibName} DEFINITIONS ::= BEGIN`,
      '',
      ...this.importsText(),
      '',
      ...identity,
      '',
      ...top,
      '',
      ...comment('Textual conventions'),
      '',
      ...tcLines,
      ...body,
      'END',
    ];
    const text = `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
    for (const [i, l] of text.split('\n').entries()) {
      if (l.length > 80) throw new Error(`MIB line ${i + 1} is longer than 80 characters: ${l}`);
      if (/\s$/.test(l)) throw new Error(`MIB line ${i + 1} has trailing white space`);
    }
    return text;
  }

  private enums(): Map<string, { typeName: string; values: readonly { name: string; value: number; description: string }[] }> {
    const out = new Map<string, { typeName: string; values: readonly { name: string; value: number; description: string }[] }>();
    for (const c of this.layout.classes) {
      for (const o of c.objects) {
        const t = o.attr.type;
        if (t.base !== 'enum') continue;
        const name = o.syntax.sequenceType;
        const prev = out.get(name);
        if (prev && JSON.stringify(prev.values) !== JSON.stringify(t.values)) {
          throw new Error(`enumerated type ${t.typeName} is defined twice with different values (${o.cls.name}.${o.attr.name})`);
        }
        out.set(name, { typeName: t.typeName, values: t.values });
      }
    }
    return out;
  }

  private importsText(): string[] {
    const order: Record<StandardModule, string[]> = {
      'SNMPv2-SMI': ['MODULE-IDENTITY', 'OBJECT-TYPE', 'OBJECT-IDENTITY', 'NOTIFICATION-TYPE', 'Integer32', 'Unsigned32', 'Gauge32', 'Counter64',
        ...Object.keys(IMPORTABLE_NODES)],
      'SNMPv2-TC': ['TEXTUAL-CONVENTION', 'TruthValue', 'DateAndTime', 'DisplayString', 'AutonomousType'],
      'SNMPv2-CONF': ['MODULE-COMPLIANCE', 'OBJECT-GROUP', 'NOTIFICATION-GROUP'],
    };
    const lines = ['IMPORTS'];
    const modules = (['SNMPv2-SMI', 'SNMPv2-TC', 'SNMPv2-CONF'] as StandardModule[]).filter((m) => this.imports.has(m));
    modules.forEach((m, i) => {
      const used = this.imports.get(m)!;
      for (const s of used) if (!order[m].includes(s)) throw new Error(`unexpected import ${s} from ${m}`);
      const symbols = order[m].filter((s) => used.has(s));
      let line = '    ';
      const wrapped: string[] = [];
      symbols.forEach((s, j) => {
        const item = j < symbols.length - 1 ? `${s},` : s;
        if (line.trim() && line.length + 1 + item.length > 72) { wrapped.push(line); line = `    ${item}`; }
        else line = line.trim() ? `${line} ${item}` : `    ${item}`;
      });
      wrapped.push(line);
      lines.push(...wrapped, `        FROM ${m}${i === modules.length - 1 ? ';' : ''}`);
    });
    return lines;
  }

  private identity(): string[] {
    const m = this.model.module;
    if (!m.revisions.length) throw new Error('the module has no revision');
    const dates = m.revisions.map((r) => smiDate(r.date));
    for (let i = 1; i < dates.length; i++) if (dates[i] >= dates[i - 1]) throw new Error('revisions must be newest first, with distinct dates');
    this.use('SNMPv2-SMI', 'MODULE-IDENTITY');
    this.use('SNMPv2-SMI', this.layout.root.parent);
    const description = `${m.description}\n\n${m.rootOidNote}\n\n` +
      'Each object class of the information model is a table or, for a class outside any list, a group of scalars ' +
      'under ' + d('Objects') + '. The INDEX of a table is the keys of the classes that contain it, outermost first, ' +
      'followed by its own keys, so that the instance identifier of a row follows containment. ' +
      'Alarm types are OBJECT-IDENTITYs under ' + d('AlarmTypes') + ', the values of the AutonomousType objects' +
      (this.usedTcs.has(TC.alarmTypeIndex)
        ? `; as an INDEX component, an alarm type is the last sub-identifier of its OBJECT-IDENTITY (${TC.alarmTypeIndex}).`
        : '.');
    return [
      `${this.layout.root.descriptor} MODULE-IDENTITY`,
      clause('LAST-UPDATED', `"${dates[0]}"`),
      ...shortTextClause('ORGANIZATION', m.organization, 'ORGANIZATION'),
      ...textClause('CONTACT-INFO', m.contact, 'CONTACT-INFO'),
      ...textClause('DESCRIPTION', description, 'module DESCRIPTION'),
      ...m.revisions.flatMap((r, i) => [
        clause('REVISION', `"${dates[i]}"`),
        ...textClause('DESCRIPTION', r.description, `revision ${r.date}`),
      ]),
      `    ::= { ${this.layout.root.parent} ${this.layout.root.arc} }`,
    ];
  }

  private topNodes(): string[] {
    const names = [d('Notifications'), d('Objects'), d('Conformance'), d('AlarmTypes')];
    const width = Math.max(...names.map((n) => n.length));
    const oids = names.map((n) => this.layout.nodes.get(n)!);
    return names.map((n, i) => `${n.padEnd(width)} OBJECT IDENTIFIER ::= ${this.placement(oids[i])}`);
  }

  // ---- objects ----------------------------------------------------------------------------------

  private objects(): string[] {
    const out: string[] = [];
    for (const c of this.layout.classes) {
      const cls = c.cls;
      out.push(...comment(`Object class ${cls.name} (clause ${cls.clause})`), '');
      if (c.rendering === 'scalars') {
        out.push(...comment(cls.description), `${c.descriptor} OBJECT IDENTIFIER ::= ${this.placement(c.oid)}`, '');
      } else {
        out.push(...this.table(c), '');
      }
      for (const o of c.objects) out.push(...this.objectType(c, o), '');
    }
    return out;
  }

  private table(c: MibClass): string[] {
    const cls = c.cls;
    const e = c.entry!;
    const parent = cls.parent === null ? undefined : this.idx.cls(cls.parent);
    const parts = [cls.description];
    const containing = [...new Set(this.idx.mibIndex(cls).filter((k) => k.cls !== cls).map((k) => k.cls.name))];
    const outer = containing.length ? `the keys of the containing ${containing.join(' and ')}` : '';
    if (cls.kind === 'list') {
      const own = (cls.keys ?? []).join(', ');
      parts.push(`Each row is one ${cls.name}, identified by its key (${own})` +
        (parent && containing.includes(parent.name) ? ` within its ${parent.name}; the INDEX starts with ${outer}.` : '.'));
    } else {
      parts.push(`There is at most one row for each ${parent!.name}; the INDEX is ${outer}.`);
    }
    if (cls.bound) parts.push(`The bridge keeps at most ${cls.bound.max} rows: ${cls.bound.eviction}.`);
    const configKeys = cls.kind === 'list' && (cls.keys ?? []).some((k) => this.idx.attr(cls, k).access === 'config');
    if (configKeys) parts.push('Rows are created and deleted through the configuration datastore (NETCONF); SNMP may change the writable columns of existing rows.');
    if (configKeys && cls.maxElements !== undefined) parts.push(`A configuration holds at most ${cls.maxElements} rows for each ${parent?.name ?? 'system'}.`);
    else if (cls.kind === 'list') parts.push('Rows are maintained by the bridge.');
    return [
      `${c.descriptor} OBJECT-TYPE`,
      clause('SYNTAX', `SEQUENCE OF ${e.sequence}`),
      clause('MAX-ACCESS', 'not-accessible'),
      clause('STATUS', 'current'),
      ...textClause('DESCRIPTION', parts.join(' '), c.descriptor),
      ...this.reference(cls.clause, `object class ${cls.name}`),
      `    ::= ${this.placement(c.oid)}`,
      '',
      `${e.descriptor} OBJECT-TYPE`,
      clause('SYNTAX', e.sequence),
      clause('MAX-ACCESS', 'not-accessible'),
      clause('STATUS', 'current'),
      ...textClause('DESCRIPTION', `A row of ${c.descriptor}: one ${cls.name}, indexed by ${e.index.join(', ')}.`, e.descriptor),
      ...bracedList('INDEX', e.index),
      `    ::= ${this.placement(e.oid)}`,
      '',
      ...this.sequence(c),
    ];
  }

  private sequence(c: MibClass): string[] {
    const width = Math.max(...c.objects.map((o) => o.descriptor.length));
    return [
      `${c.entry!.sequence} ::= SEQUENCE {`,
      ...c.objects.map((o, i) => `    ${o.descriptor.padEnd(width)}  ${o.syntax.sequenceType}${i < c.objects.length - 1 ? ',' : ''}`),
      '}',
    ];
  }

  private objectType(c: MibClass, o: MibObject): string[] {
    this.useSyntax(o.syntax);
    this.use('SNMPv2-SMI', 'OBJECT-TYPE');
    const attr = o.attr;
    const notes: string[] = [];
    const dv = o.access === 'read-write' && attr.access === 'config' ? this.defval(o) : undefined;
    if (o.configReadOnly) {
      notes.push('This is configuration, set through the configuration datastore (NETCONF): an object based on Counter64 cannot be written through SNMP (RFC 2578 section 7.1.10).');
    }
    if (attr.default !== undefined && attr.access === 'config' && dv === undefined) notes.push(`The default is ${this.defaultText(o)}.`);
    if (o.access === 'not-accessible' && c.cls.kind === 'list') notes.push('An index of the table.');
    const description = [attr.description, ...notes].join(' ');
    return [
      `${o.descriptor} OBJECT-TYPE`,
      clause('SYNTAX', o.syntax.syntax),
      ...(attr.units ? shortTextClause('UNITS', attr.units, o.descriptor) : []),
      clause('MAX-ACCESS', o.access),
      clause('STATUS', 'current'),
      ...textClause('DESCRIPTION', description, o.descriptor),
      ...(dv !== undefined ? [clause('DEFVAL', `{ ${dv} }`)] : []),
      `    ::= ${this.placement(o.oid)}`,
    ];
  }

  private defaultText(o: MibObject): string {
    const v = o.attr.default;
    const t = o.attr.type;
    if (t.base === 'enum' && typeof v === 'string') return enumLabel(t.values, v);
    return typeof v === 'string' ? `'${v}'` : String(v);
  }

  /** The DEFVAL of a configuration object with a default, where SMIv2 can express it. */
  private defval(o: MibObject): string | undefined {
    const v = o.attr.default;
    if (v === undefined) return undefined;
    const t = o.attr.type;
    const where = `${o.cls.name}.${o.attr.name}`;
    const bad = (why: string): never => { throw new Error(`${where}: default ${JSON.stringify(v)} ${why}`); };
    const str = (min: number, max: number): string => {
      if (typeof v !== 'string') return bad('is not a string');
      if (v.length < min || Buffer.byteLength(v, 'utf8') > max) bad(`does not fit SIZE (${min}..${max})`);
      if (/["\n]/.test(v) || /[^\x20-\x7e]/.test(v)) bad('cannot be written as an SMIv2 string');
      return `"${v}"`;
    };
    return scalarOf(t).smi.defval(t, v, { bad, str });
  }

  // ---- alarm types ------------------------------------------------------------------------------

  private alarmTypes(): string[] {
    if (!this.layout.alarmTypes.length) return [];
    this.use('SNMPv2-SMI', 'OBJECT-IDENTITY');
    const out = [...comment('Alarm types: the values of the AutonomousType objects (the type of an alarm).'), ''];
    for (const a of this.layout.alarmTypes) {
      const t = a.type;
      const l = t.levels;
      const text = [
        t.description,
        '',
        [
          `X.733 event type: ${enumLabel(EventTypeEnum.base === 'enum' ? EventTypeEnum.values : [], t.eventType)}.`,
          `X.733 probable cause: ${t.probableCause.name} (IANAItuProbableCause ${t.probableCause.value}).`,
          `Specific problem: ${t.specificProblem}.`,
          `Default perceived severity: ${enumLabel(PerceivedSeverity.base === 'enum' ? PerceivedSeverity.values : [], t.defaultSeverity)}.`,
          `Raised on: ${t.resourceClass} instances.`,
          `Cleared by the bridge when the condition is gone: ${t.willClear ? 'yes' : 'no'}.`,
          `Raise level: ${l.raise} (${l.units}, default ${l.defaultRaise}).`,
          `Clear level: ${l.clear} (default ${l.defaultClear}).`,
          `Hold-down: default ${l.defaultHoldDown} seconds.`,
        ].join('\n'),
      ].join('\n');
      out.push(
        `${a.descriptor} OBJECT-IDENTITY`,
        clause('STATUS', 'current'),
        ...textClause('DESCRIPTION', text, a.descriptor),
        ...this.reference(t.clause, `alarm type ${t.name}`),
        `    ::= ${this.placement(a.oid)}`,
        '',
      );
    }
    return out;
  }

  // ---- notifications ----------------------------------------------------------------------------

  private notifications(): string[] {
    if (!this.layout.notifications.length) return [];
    this.use('SNMPv2-SMI', 'NOTIFICATION-TYPE');
    const out = [...comment('Notifications'), ''];
    for (const n of this.layout.notifications) {
      const cls = this.idx.cls(n.def.objectClass);
      const c = this.layout.classes.find((x) => x.cls === cls)!;
      const how = c.rendering === 'table'
        ? `The objects are columns of ${c.descriptor}; the instance identifier of each carries the index of the ${cls.name} (${c.entry!.index.join(', ')}).`
        : `The objects are scalars of ${c.descriptor}.`;
      out.push(
        `${n.descriptor} NOTIFICATION-TYPE`,
        ...bracedList('OBJECTS', n.objects),
        clause('STATUS', 'current'),
        ...textClause('DESCRIPTION', `${n.def.description} ${how}`, n.descriptor),
        `    ::= ${this.placement(n.oid)}`,
        '',
      );
    }
    return out;
  }

  // ---- conformance ------------------------------------------------------------------------------

  private conformance(): string[] {
    this.use('SNMPv2-CONF', 'MODULE-COMPLIANCE');
    const out = [...comment('Conformance'), '', `${d('Compliances')} OBJECT IDENTIFIER ::= ${this.placement(this.layout.nodes.get(d('Compliances'))!)}`,
      `${d('Groups')} OBJECT IDENTIFIER ::= ${this.placement(this.layout.nodes.get(d('Groups'))!)}`, ''];
    const groups: string[] = [];
    for (const c of this.layout.classes) {
      if (!c.group) continue;
      this.use('SNMPv2-CONF', 'OBJECT-GROUP');
      groups.push(c.group.descriptor);
      out.push(
        `${c.group.descriptor} OBJECT-GROUP`,
        ...bracedList('OBJECTS', c.objects.filter((o) => o.access !== 'not-accessible').map((o) => o.descriptor)),
        clause('STATUS', 'current'),
        ...textClause('DESCRIPTION', `The objects of object class ${c.cls.name} (clause ${c.cls.clause}). ` +
          (c.rendering === 'scalars' ? c.cls.description : `See ${c.descriptor}.`), c.group.descriptor),
        `    ::= ${this.placement(c.group.oid)}`,
        '',
      );
    }
    const ng = this.layout.notificationGroup;
    if (ng) {
      this.use('SNMPv2-CONF', 'NOTIFICATION-GROUP');
      groups.push(ng.descriptor);
      out.push(
        `${ng.descriptor} NOTIFICATION-GROUP`,
        ...bracedList('NOTIFICATIONS', this.layout.notifications.map((n) => n.descriptor)),
        clause('STATUS', 'current'),
        ...textClause('DESCRIPTION', 'The notifications of the module.', ng.descriptor),
        `    ::= ${this.placement(ng.oid)}`,
        '',
      );
    }
    const cp = this.layout.compliance;
    out.push(
      `${cp.descriptor} MODULE-COMPLIANCE`,
      clause('STATUS', 'current'),
      ...textClause('DESCRIPTION', `The compliance statement for SNMP entities that implement ${this.layout.moduleName}: ` +
        'every group is mandatory.', cp.descriptor),
      '    MODULE  -- this module',
      ...bracedList('MANDATORY-GROUPS', groups, '        '),
      `    ::= ${this.placement(cp.oid)}`,
      '',
    );
    return out;
  }
}
