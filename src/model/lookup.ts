/**
 * Derived facts about the model: containment, names in each data model, OIDs, MIB access.
 * Generators (tools/) and runtime views (src/snmp, src/netconf) both use these, so a name, an OID or
 * an access rule is computed in exactly one place.
 */
import type { AlarmType, Attribute, InformationModel, NotificationDef, ObjectClass, ScalarType } from './types';

/** Prefix of the MIB module's own descriptors (bcmMIB, alarm types, notifications); capitalised, of its type names. */
export const MIB_PREFIX = 'bcm';

/** camelCase → kebab-case (YANG identifiers). */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

/** camelCase → PascalCase. */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export type MibRendering = 'scalars' | 'table' | 'none';

/** MAX-ACCESS of the MIB object of an attribute. */
export type MibAccess = 'not-accessible' | 'read-only' | 'read-write';

/**
 * Range of the INDEX sub-identifier of an alarm type (ModelIndex.alarmTypeIndex): the SYNTAX of the MIB's
 * BcmAlarmTypeIndex convention, and so the range of the alarm types' arcs under bcmAlarmTypes.
 */
export const ALARM_TYPE_INDEX_RANGE = { min: 1, max: 4294967295 } as const;

export class ModelIndex {
  readonly byName = new Map<string, ObjectClass>();
  readonly children = new Map<string, ObjectClass[]>();
  readonly root: ObjectClass;

  constructor(readonly model: InformationModel) {
    let root: ObjectClass | undefined;
    for (const c of model.classes) {
      this.byName.set(c.name, c);
      if (c.parent === null) root = c;
      else {
        const list = this.children.get(c.parent) ?? [];
        list.push(c);
        this.children.set(c.parent, list);
      }
    }
    if (!root) throw new Error('model has no root class');
    this.root = root;
  }

  cls(name: string): ObjectClass {
    const c = this.byName.get(name);
    if (!c) throw new Error(`unknown object class ${name}`);
    return c;
  }

  attr(cls: ObjectClass | string, name: string): Attribute {
    const c = typeof cls === 'string' ? this.cls(cls) : cls;
    const a = c.attributes.find((x) => x.name === name);
    if (!a) throw new Error(`unknown attribute ${c.name}.${name}`);
    return a;
  }

  childrenOf(cls: ObjectClass | string): ObjectClass[] {
    return this.children.get(typeof cls === 'string' ? cls : cls.name) ?? [];
  }

  /** Classes from the root down to cls, inclusive. */
  ancestry(cls: ObjectClass): ObjectClass[] {
    const out: ObjectClass[] = [];
    for (let c: ObjectClass | null = cls; c; c = c.parent === null ? null : this.cls(c.parent)) out.unshift(c);
    return out;
  }

  /** Key attributes of every list from the root down to cls, inclusive: the instance identifier of cls. */
  instanceKeys(cls: ObjectClass): { cls: ObjectClass; attr: Attribute }[] {
    const out: { cls: ObjectClass; attr: Attribute }[] = [];
    for (const c of this.ancestry(cls)) {
      if (c.kind !== 'list') continue;
      for (const k of c.keys ?? []) out.push({ cls: c, attr: this.attr(c, k) });
    }
    return out;
  }

  /** Whether the class is rendered in the MIB as scalars, a table, or not at all. */
  mibRendering(cls: ObjectClass): MibRendering {
    if (this.ancestry(cls).some((c) => c.mib === false)) return 'none';
    if (mibAttributes(cls).length === 0) return 'none';
    if (cls.kind === 'list') return 'table';
    return this.instanceKeys(cls).length > 0 ? 'table' : 'scalars';
  }

  // ---- OIDs -------------------------------------------------------------------------------------

  get rootOid(): string { return this.model.module.rootOid; }
  get notificationsOid(): string { return `${this.rootOid}.0`; }
  get objectsOid(): string { return `${this.rootOid}.1`; }
  get conformanceOid(): string { return `${this.rootOid}.2`; }
  get alarmTypesOid(): string { return `${this.rootOid}.3`; }

  /** OID of the table (lists, containers under lists) or of the scalar group. */
  classOid(cls: ObjectClass): string { return `${this.objectsOid}.${cls.arc}`; }
  entryOid(cls: ObjectClass): string { return `${this.classOid(cls)}.1`; }

  /** OID of the MIB object of an attribute (column or scalar, without instance suffix). */
  attributeOid(cls: ObjectClass, attr: Attribute): string {
    return this.mibRendering(cls) === 'table' ? `${this.entryOid(cls)}.${attr.arc}` : `${this.classOid(cls)}.${attr.arc}`;
  }

  alarmTypeOid(t: AlarmType): string { return `${this.alarmTypesOid}.${this.alarmTypeIndex(t)}`; }
  notificationOid(n: NotificationDef): string { return `${this.notificationsOid}.${n.arc}`; }

  // ---- alarm types as INDEX components ------------------------------------------------------------

  /**
   * How an alarm type is a component of a MIB INDEX, the one rule the MIB generator (the BcmAlarmTypeIndex
   * convention of the INDEX columns of type alarmType) and the SNMP agent (instance OIDs) both follow: one
   * sub-identifier, the arc of the alarm type's OBJECT-IDENTITY under bcmAlarmTypes, so that
   * alarmTypeOid(t) is alarmTypesOid.alarmTypeIndex(t). The OID itself (an AutonomousType) would be an index
   * SMIv2 cannot bound in length; columns that are not an index still give the OID. Undefined for a name
   * that is not an alarm type of the model.
   */
  alarmTypeIndex(t: AlarmType): number;
  alarmTypeIndex(t: AlarmType | string): number | undefined;
  alarmTypeIndex(t: AlarmType | string): number | undefined {
    return typeof t === 'string' ? this.model.alarmTypes.find((x) => x.name === t)?.arc : t.arc;
  }

  /** The alarm type an INDEX sub-identifier stands for (the inverse of alarmTypeIndex). */
  alarmTypeOfIndex(subId: number): AlarmType | undefined {
    return this.model.alarmTypes.find((t) => this.alarmTypeIndex(t) === subId);
  }

  /** Whether the MIB object of an attribute is an INDEX column of its table: an own key of a list rendered as a table. */
  isIndexColumn(cls: ObjectClass, attr: Attribute): boolean {
    return this.mibRendering(cls) === 'table' && cls.kind === 'list' && (cls.keys ?? []).includes(attr.name);
  }

  // ---- MIB names ----------------------------------------------------------------------------------

  mibDescriptor(cls: ObjectClass, attr: Attribute): string {
    return attr.mibName ?? `${cls.mibPrefix}${pascal(attr.name)}`;
  }
  tableDescriptor(cls: ObjectClass): string { return `${cls.mibPrefix}Table`; }
  entryDescriptor(cls: ObjectClass): string { return `${cls.mibPrefix}Entry`; }
  scalarGroupDescriptor(cls: ObjectClass): string { return `${cls.mibPrefix}Scalars`; }
  alarmTypeDescriptor(t: AlarmType): string { return `${MIB_PREFIX}At${pascal(t.name)}`; }
  notificationDescriptor(n: NotificationDef): string { return `${MIB_PREFIX}${pascal(n.name)}`; }

  /** MIB INDEX of a table: ancestors' keys then the class's own. */
  mibIndex(cls: ObjectClass): { cls: ObjectClass; attr: Attribute }[] {
    return this.instanceKeys(cls);
  }

  /**
   * MAX-ACCESS of the MIB object of an attribute of a rendered class, the one rule the MIB generator and
   * the SNMP agent both follow: a table's own keys are not-accessible (RFC 2578 section 7.7), unless the
   * row has no other column; configuration and writable state are read-write, except objects based on
   * Counter64, which are read-only (RFC 2578 section 7.1.10); everything else is read-only.
   */
  mibAccess(cls: ObjectClass, attr: Attribute): MibAccess {
    if (this.isIndexColumn(cls, attr)) return mibAttributes(cls).some((a) => !this.isIndexColumn(cls, a)) ? 'not-accessible' : 'read-only';
    return writableAttribute(attr) && !counter64Based(attr.type) ? 'read-write' : 'read-only';
  }

  // ---- YANG names ---------------------------------------------------------------------------------

  yangNodeName(cls: ObjectClass): string { return kebab(cls.name); }
  yangLeafName(attr: Attribute): string { return kebab(attr.name); }

  /** Schema path of a class (or of one of its attributes) in our YANG module, prefixed. */
  yangPath(cls: ObjectClass, attr?: Attribute): string {
    const p = this.model.module.yangPrefix;
    if (cls.yangExternal) {
      const base = cls.yangExternal;
      if (!attr) return base;
      return attr.yangExternal ? `${base}/${attr.yangExternal}` : `${base}/${p}:${this.yangLeafName(attr)}`;
    }
    const segs = this.ancestry(cls).map((c) => `/${p}:${this.yangNodeName(c)}`).join('');
    return attr ? `${segs}/${p}:${this.yangLeafName(attr)}` : segs;
  }

  alarmTypeIdentity(t: AlarmType): string { return kebab(t.name); }
}

/** Attributes rendered in the MIB (everything not opted out, never secrets or leaf-lists). */
export function mibAttributes(cls: ObjectClass): Attribute[] {
  return cls.attributes.filter((a) => a.mib !== false && !a.secret && !a.multi);
}

/** Whether a manager may change the attribute: configuration, or state marked writable. */
export function writableAttribute(attr: Attribute): boolean {
  return attr.access === 'config' || attr.writable === true;
}

/**
 * Whether the SMIv2 syntax of the type is based on Counter64 (RFC 2578 section 7.1.10): counter64 itself,
 * and gauge64 and milli, textual conventions of Counter64 (tools/render/mib-types.ts).
 */
export function counter64Based(t: ScalarType): boolean {
  return t.base === 'counter64' || t.base === 'gauge64' || t.base === 'milli';
}

/** Checks the model's own consistency; returns the problems found. */
export function validateModel(model: InformationModel): string[] {
  const problems: string[] = [];
  const idx = new ModelIndex(model);
  const classArcs = new Map<number, string>();
  const descriptors = new Map<string, string>();
  const noteDescriptor = (d: string, where: string): void => {
    if (descriptors.has(d)) problems.push(`MIB descriptor ${d} used by ${descriptors.get(d)} and ${where}`);
    descriptors.set(d, where);
    if (d.length > 32) problems.push(`MIB descriptor ${d} (${where}) is longer than 32 characters`);
  };
  for (const c of model.classes) {
    if (c.parent !== null && !idx.byName.has(c.parent)) problems.push(`${c.name}: unknown parent ${c.parent}`);
    if (classArcs.has(c.arc)) problems.push(`${c.name}: arc ${c.arc} already used by ${classArcs.get(c.arc)}`);
    classArcs.set(c.arc, c.name);
    if (c.kind === 'list' && !(c.keys && c.keys.length)) problems.push(`${c.name}: list without keys`);
    if (c.kind === 'container' && c.keys) problems.push(`${c.name}: container with keys`);
    const arcs = new Set<number>();
    const names = new Set<string>();
    for (const a of c.attributes) {
      if (arcs.has(a.arc)) problems.push(`${c.name}.${a.name}: duplicate arc ${a.arc}`);
      if (names.has(a.name)) problems.push(`${c.name}.${a.name}: duplicate name`);
      arcs.add(a.arc); names.add(a.name);
      if (!a.description) problems.push(`${c.name}.${a.name}: no description`);
      if (idx.mibRendering(c) !== 'none' && mibAttributes(c).includes(a)) noteDescriptor(idx.mibDescriptor(c, a), `${c.name}.${a.name}`);
    }
    for (const k of c.keys ?? []) {
      const a = c.attributes.find((x) => x.name === k);
      if (!a) problems.push(`${c.name}: key ${k} is not an attribute`);
      else if (a.multi || a.secret) problems.push(`${c.name}: key ${k} cannot be multi or secret`);
    }
    const rendering = idx.mibRendering(c);
    if (rendering === 'table') {
      noteDescriptor(idx.tableDescriptor(c), c.name);
      noteDescriptor(idx.entryDescriptor(c), c.name);
    } else if (rendering === 'scalars') noteDescriptor(idx.scalarGroupDescriptor(c), c.name);
  }
  const typeArcs = new Set<number>();
  for (const t of model.alarmTypes) {
    if (typeArcs.has(t.arc)) problems.push(`alarm type ${t.name}: duplicate arc`);
    const { min, max } = ALARM_TYPE_INDEX_RANGE;
    if (!Number.isInteger(t.arc) || t.arc < min || t.arc > max) problems.push(`alarm type ${t.name}: arc ${t.arc} is not in ${min}..${max} (its INDEX sub-identifier)`);
    typeArcs.add(t.arc);
    for (const rc of t.resourceClass.split('|')) if (!idx.byName.has(rc)) problems.push(`alarm type ${t.name}: unknown resource class ${rc}`);
    noteDescriptor(idx.alarmTypeDescriptor(t), `alarm type ${t.name}`);
  }
  for (const n of model.notifications) {
    const c = idx.byName.get(n.objectClass);
    if (!c) { problems.push(`notification ${n.name}: unknown class ${n.objectClass}`); continue; }
    for (const o of n.objects) if (!c.attributes.some((a) => a.name === o)) problems.push(`notification ${n.name}: unknown object ${o}`);
    noteDescriptor(idx.notificationDescriptor(n), `notification ${n.name}`);
  }
  return problems;
}
