/**
 * Renders the YANG 1.1 module of the information model (NMDA style, RFC 8342).
 *
 *  - containment: the root class is a top-level container; every class is a container or a keyed list
 *    nested in its parent class, named ModelIndex.yangNodeName; attributes are leaves (leaf-lists when multi);
 *  - config: configuration attributes are config true, state attributes config false; a list keyed by state
 *    attributes, and a container with no configuration in its subtree, is config false as a whole;
 *  - RFC 6643: smiv2:oid on every leaf that is a MIB object, on lists and containers rendered as tables (entry
 *    OID), on containers rendered as scalar groups (group OID) and on alarm-type identities; smiv2:alias for the
 *    OIDs no node of this module carries (tables, and the MIB objects of classes rendered by standard modules),
 *    so that each OID is given exactly once;
 *  - RFC 8632: alarm types are identities derived from al:alarm-type-id; classes rendered by a standard
 *    module (ObjectClass.yangExternal) become augmentations of that module's node with the attributes it lacks;
 *  - actions of classes are YANG 1.1 actions, events are notifications.
 * Everything comes from the model; facts about the standard modules are in yang-standard.ts.
 */
import {
  ModelIndex, kebab, mibAttributes,
  type Action, type AlarmType, type Attribute, type EventType, type InformationModel, type ObjectClass,
  type Parameter, type ScalarType,
} from '../../src/model';
import { scalarOf } from '../../src/model/scalars';
import { type Arg, type Stmt, dq, identifier, printYang, sd, sq, st, stmt, token } from './yang-syntax';
import { STANDARD_MODULES, prefixesOf, standardModuleByPrefix, standardNode } from './yang-standard';

type EnumType = Extract<ScalarType, { base: 'enum' }>;

/** Typedefs of the base types that have no standard YANG type, in print order. */
const BASE_TYPEDEFS: Readonly<Record<string, { readonly description: string; readonly type: Stmt }>> = {
  'name': {
    description: 'Identifier used as a key: 1 to 32 characters among letters, digits, \'.\', \'_\' and \'-\'.',
    type: st('type', 'string', [sd('length', '1..32'), stmt('pattern', sq('[A-Za-z0-9._-]+'))]),
  },
  'hex-string': {
    description: 'Binary value (hash, address, selector) written as hexadecimal digits, optionally prefixed with 0x.',
    type: st('type', 'string', [stmt('pattern', sq('(0x)?[0-9a-fA-F]*'))]),
  },
  'decimal-string': {
    description: 'Unbounded non-negative integer written in decimal (e.g. wei balances, total difficulty).',
    type: st('type', 'string', [stmt('pattern', sq('[0-9]+'))]),
  },
  'resource-path': {
    description: 'A managed resource, as a path in the containment tree of this module (e.g. "network/dev/node/n1").',
    type: st('type', 'string'),
  },
};

class YangRenderer {
  private readonly idx: ModelIndex;
  private readonly usedPrefixes = new Set<string>();
  private readonly usedBaseTypedefs = new Set<string>();
  private readonly enumTypedefs = new Map<string, { readonly signature: string; readonly stmt: Stmt }>();
  private readonly aliases: { readonly oid: string; readonly stmt: Stmt }[] = [];

  constructor(private readonly model: InformationModel) {
    this.idx = new ModelIndex(model);
  }

  render(): string {
    const m = this.model.module;
    const p = identifier(m.yangPrefix, 'module prefix');
    const root = this.idx.root;
    const data = this.classNode(root, true);
    const augments = this.model.classes.filter((c) => c.yangExternal).map((c) => this.augment(c));
    const identities = this.model.alarmTypes.map((t) => this.alarmIdentity(t));
    const notifications = this.model.events.map((e) => this.notification(e));
    checkUnique([data, ...notifications].map((s) => argValue(s)), 'top-level data nodes and notifications');
    checkUnique(identities.map((s) => argValue(s)), 'identities');
    if (this.aliases.length) this.use('smiv2');

    const typedefs = [
      ...Object.keys(BASE_TYPEDEFS).filter((n) => this.usedBaseTypedefs.has(n)).map((n) =>
        stmt('typedef', token(n), [BASE_TYPEDEFS[n].type, sd('description', BASE_TYPEDEFS[n].description)])),
      ...[...this.enumTypedefs.keys()].sort().map((n) => this.enumTypedefs.get(n)!.stmt),
    ];
    checkUnique(typedefs.map((s) => argValue(s)), 'typedefs');

    const imports = STANDARD_MODULES.filter((s) => this.usedPrefixes.has(s.prefix)).map((s) =>
      st('import', s.name, [st('prefix', s.prefix), sd('reference', s.reference)]));
    for (const pre of this.usedPrefixes) standardModuleByPrefix(pre);

    const revisions = m.revisions.map((r) => st('revision', r.date, [sd('description', r.description)]));
    const body: Stmt[] = [
      st('yang-version', '1.1'),
      sd('namespace', m.namespace),
      st('prefix', p),
      ...section(imports),
      ...section([sd('organization', m.organization), sd('contact', m.contact), sd('description', this.moduleDescription())]),
      ...section(revisions, true),
      ...section([...this.aliases].sort((a, b) => compareOids(a.oid, b.oid)).map((a) => a.stmt)),
      ...section(typedefs, true),
      ...section(identities, true),
      ...section([data]),
      ...section(augments, true),
      ...section(notifications, true),
    ];
    return printYang(stmt('module', token(identifier(m.yangName, 'module name')), body),
      [`${m.yangName}: generated from the information model (src/model) by tools/generate.ts; do not edit.`]);
  }

  // ---- module header ----------------------------------------------------------------------------

  private moduleDescription(): string {
    const m = this.model.module;
    const paras = [m.description.trim(),
      `${m.rootOidNote.trim()} The smiv2:oid and smiv2:alias statements (RFC 6643) give the object identifiers ` +
      `of the corresponding objects of ${m.mibName}.`];
    const external = this.model.classes.filter((c) => c.yangExternal);
    if (external.length) {
      paras.push('Classes rendered by standard modules, which this module augments with the attributes they lack: ' +
        external.map((c) => `${c.name} (${c.yangExternal})`).join(', ') + '.');
      const notImported = new Set<string>();
      for (const c of external) for (const a of c.attributes) {
        if (a.yangExternal) for (const pre of prefixesOf(a.yangExternal)) if (!this.usedPrefixes.has(pre)) notImported.add(pre);
      }
      const mods = [...notImported].map((pre) => standardModuleByPrefix(pre).name);
      if (mods.length) paras.push(`Some of their attributes are rendered by ${mods.join(', ')}, which servers implement together with this module.`);
    }
    paras.push('Configuration and state follow NMDA (RFC 8342): state attributes are config false and are read ' +
      'from the operational datastore. Secret configuration is write-only: servers never return it.');
    return paras.join('\n\n');
  }

  // ---- use tracking -------------------------------------------------------------------------------

  private use(prefix: string): void {
    if (prefix === this.model.module.yangPrefix) return;
    standardModuleByPrefix(prefix);
    this.usedPrefixes.add(prefix);
  }

  // ---- types ------------------------------------------------------------------------------------

  private typeStmt(t: ScalarType, where: string): Stmt {
    const spec = scalarOf(t).yang.type(t);
    const subs = (r: readonly Stmt[] | undefined): readonly Stmt[] | undefined => r?.length ? r : undefined;
    switch (spec.kind) {
      case 'builtin': return st('type', spec.name, subs(spec.restrictions));
      case 'typedef':
        this.usedBaseTypedefs.add(spec.name);
        return st('type', spec.name, subs(spec.restrictions));
      case 'imported': return this.prefixed(spec.prefix, spec.name);
      case 'enumeration': return st('type', this.enumTypedef(t as EnumType, where));
      case 'identityref':
        this.use(spec.prefix);
        return st('type', 'identityref', [st('base', spec.base)]);
    }
  }

  private prefixed(prefix: string, name: string): Stmt {
    this.use(prefix);
    return st('type', `${prefix}:${name}`);
  }

  private enumTypedef(t: EnumType, where: string): string {
    const name = identifier(kebab(t.typeName), `enumeration ${t.typeName} (${where})`);
    if (name in BASE_TYPEDEFS) throw new Error(`enumeration ${t.typeName} (${where}) clashes with typedef ${name}`);
    const signature = JSON.stringify(t.values.map((v) => [v.name, v.value, v.description]));
    const known = this.enumTypedefs.get(name);
    if (known) {
      if (known.signature !== signature) throw new Error(`enumeration ${t.typeName} (${where}) is defined twice with different values`);
      return name;
    }
    checkUnique(t.values.map((v) => kebab(v.name)), `values of enumeration ${t.typeName}`);
    checkUnique(t.values.map((v) => String(v.value)), `numbers of enumeration ${t.typeName}`);
    const enums = t.values.map((v) => st('enum', identifier(kebab(v.name), `value ${v.name} of ${t.typeName}`),
      [st('value', v.value), sd('description', v.description)]));
    this.enumTypedefs.set(name, {
      signature,
      stmt: stmt('typedef', token(name), [
        st('type', 'enumeration', enums),
        sd('description', `Enumeration ${t.typeName} of the information model.`),
      ]),
    });
    return name;
  }

  /** The argument of a default statement in the type's YANG lexical form. */
  private defaultArg(t: ScalarType, v: string | number | boolean, where: string): Arg {
    return scalarOf(t).yang.defaultArg(t, v, where);
  }

  // ---- data nodes -------------------------------------------------------------------------------

  /** Whether the subtree of a class (rendered by this module) holds any configuration attribute. */
  private hasConfig(cls: ObjectClass): boolean {
    return cls.attributes.some((a) => a.access === 'config') ||
      this.idx.childrenOf(cls).some((c) => !c.yangExternal && this.hasConfig(c));
  }

  /** Effective config of a class's node under a parent whose effective config is parentConfig. */
  private classConfig(cls: ObjectClass, parentConfig: boolean): boolean {
    if (!parentConfig) return false;
    if (cls.kind === 'list') {
      const keys = (cls.keys ?? []).map((k) => this.idx.attr(cls, k));
      if (keys.every((k) => k.access === 'config')) return true;
      if (keys.some((k) => k.access === 'config')) throw new Error(`${cls.name}: keys mix configuration and state`);
      return false;
    }
    return this.hasConfig(cls);
  }

  private leaf(cls: ObjectClass, a: Attribute, nodeConfig: boolean, isKey: boolean): Stmt {
    const where = `${cls.name}.${a.name}`;
    if (a.access === 'config' && !nodeConfig) {
      throw new Error(`${where} is configuration but its node is config false (a state key or a standard state list)`);
    }
    const subs: Stmt[] = [this.typeStmt(a.type, where)];
    if (a.units) subs.push(sd('units', a.units));
    if (a.default !== undefined && !isKey) subs.push(stmt('default', this.defaultArg(a.type, a.default, where)));
    if (a.required && !isKey) {
      if (a.default !== undefined || a.access !== 'config') throw new Error(`${where}: a required attribute is configuration without a default`);
      subs.push(st('mandatory', 'true'));
    }
    if (a.access === 'state' && nodeConfig) subs.push(st('config', 'false'));
    if (a.multi && a.maxElements !== undefined) subs.push(st('max-elements', a.maxElements));
    let description = a.description;
    if (a.secret) {
      this.use('nacm');
      subs.push(stmt('nacm:default-deny-all'));
      description += ' Secret: write-only, servers never return it; access is denied by default (NACM).';
    }
    subs.push(sd('description', description));
    if (this.inMib(cls, a)) {
      this.use('smiv2');
      subs.push(sd('smiv2:oid', this.idx.attributeOid(cls, a)));
    }
    return stmt(a.multi ? 'leaf-list' : 'leaf', token(identifier(this.idx.yangLeafName(a), where)), subs);
  }

  private inMib(cls: ObjectClass, a: Attribute): boolean {
    return this.idx.mibRendering(cls) !== 'none' && mibAttributes(cls).includes(a);
  }

  private classDescription(cls: ObjectClass): string {
    let d = cls.description.trim();
    if (cls.bound) d += ` The bridge keeps at most ${cls.bound.max} instances: ${cls.bound.eviction}.`;
    return d;
  }

  /** Leaves of the attributes rendered by this module: keys first, in key order, then the others in model order. */
  private leaves(cls: ObjectClass, nodeConfig: boolean, own: boolean): Stmt[] {
    const keys = own && cls.kind === 'list' ? (cls.keys ?? []).map((k) => this.idx.attr(cls, k)) : [];
    const rest = cls.attributes.filter((a) => !keys.includes(a) && !(cls.yangExternal && a.yangExternal));
    return [...keys.map((a) => this.leaf(cls, a, nodeConfig, true)), ...rest.map((a) => this.leaf(cls, a, nodeConfig, false))];
  }

  private classNode(cls: ObjectClass, parentConfig: boolean): Stmt {
    const name = identifier(this.idx.yangNodeName(cls), `class ${cls.name}`);
    const config = this.classConfig(cls, parentConfig);
    const subs: Stmt[] = [];
    if (cls.kind === 'list') {
      if (!cls.keys?.length) throw new Error(`${cls.name}: list without keys`);
      subs.push(sd('key', cls.keys.map((k) => this.idx.yangLeafName(this.idx.attr(cls, k))).join(' ')));
    }
    if (parentConfig && !config) subs.push(st('config', 'false'));
    subs.push(...this.requiredUnless(cls));
    if (cls.kind === 'list' && cls.maxElements !== undefined) subs.push(st('max-elements', cls.maxElements));
    subs.push(sd('description', this.classDescription(cls)), sd('reference', `Clause ${cls.clause} of the information model`));
    const rendering = this.idx.mibRendering(cls);
    if (rendering === 'table') {
      this.use('smiv2');
      subs.push(sd('smiv2:oid', this.idx.entryOid(cls)));
      this.alias(this.idx.tableDescriptor(cls), this.idx.classOid(cls));
    } else if (rendering === 'scalars') {
      // the group's OID is on the container itself: no alias, so that every OID is given once
      this.use('smiv2');
      subs.push(sd('smiv2:oid', this.idx.classOid(cls)));
    }
    const body = [
      ...this.leaves(cls, config, true),
      ...this.idx.childrenOf(cls).filter((c) => !c.yangExternal).map((c) => this.classNode(c, config)),
      ...(cls.actions ?? []).map((a) => this.action(cls, a)),
    ];
    checkUnique(body.map((s) => argValue(s)), `child nodes and actions of ${cls.name}`);
    return stmt(cls.kind === 'list' ? 'list' : 'container', token(name), [...subs, ...body]);
  }

  /** Attribute.requiredUnless as must statements of the class's node: "sibling = 'value' or leaf". */
  private requiredUnless(cls: ObjectClass): Stmt[] {
    return cls.attributes.filter((a) => a.requiredUnless).map((a) => {
      const u = a.requiredUnless!;
      const other = this.idx.attr(cls, u.attribute);
      const value = this.defaultArg(other.type, u.value, `${cls.name}.${a.name} requiredUnless`).value;
      const leafName = this.idx.yangLeafName(a);
      const otherName = this.idx.yangLeafName(other);
      return sd('must', `${otherName} = '${value}' or ${leafName}`, [
        sd('error-message', `${leafName} is required unless ${otherName} is ${value}`),
      ]);
    });
  }

  /** A class rendered by a standard module: augment its node with the attributes the standard lacks. */
  private augment(cls: ObjectClass): Stmt {
    const path = cls.yangExternal!;
    const target = standardNode(path);
    for (const pre of prefixesOf(path)) this.use(pre);
    const subs: Stmt[] = [];
    if (target.ifFeature) subs.push(sd('if-feature', target.ifFeature));
    subs.push(sd('description', `Attributes of class ${cls.name} that ${standardModuleByPrefix(prefixesOf(path)[0]).name} ` +
      `does not define. ${this.classDescription(cls)}`), sd('reference', `Clause ${cls.clause} of the information model`));
    const rendering = this.idx.mibRendering(cls);
    if (rendering === 'table') {
      this.alias(this.idx.tableDescriptor(cls), this.idx.classOid(cls), `Table of class ${cls.name}, rendered in YANG by ${path}.`);
      this.alias(this.idx.entryDescriptor(cls), this.idx.entryOid(cls), `Entry of class ${cls.name}, rendered in YANG by ${path}.`);
    } else if (rendering === 'scalars') {
      this.alias(this.idx.scalarGroupDescriptor(cls), this.idx.classOid(cls), `Class ${cls.name}, rendered in YANG by ${path}.`);
    }
    for (const a of cls.attributes) {
      if (a.yangExternal && this.inMib(cls, a)) {
        this.alias(this.idx.mibDescriptor(cls, a), this.idx.attributeOid(cls, a),
          `Attribute ${cls.name}.${a.name}, rendered in YANG by ${this.idx.yangPath(cls, a)}.`);
      }
    }
    const body = [
      ...this.leaves(cls, target.config, false),
      ...this.idx.childrenOf(cls).filter((c) => !c.yangExternal).map((c) => this.classNode(c, target.config)),
    ];
    if (!body.length) throw new Error(`${cls.name}: every attribute is rendered by ${path}; nothing to augment`);
    checkUnique(body.map((s) => argValue(s)), `augmentation of ${path} by ${cls.name}`);
    return stmt('augment', dq(path), [...subs, ...body]);
  }

  private alias(descriptor: string, oid: string, description?: string): void {
    this.use('smiv2');
    const subs = description ? [sd('description', description)] : [];
    this.aliases.push({ oid, stmt: sd('smiv2:alias', descriptor, [...subs, sd('smiv2:oid', oid)]) });
  }

  // ---- operations and events ----------------------------------------------------------------------

  private parameterLeaf(p: Parameter, where: string): Stmt {
    const subs = [this.typeStmt(p.type, `${where} ${p.name}`)];
    if (p.mandatory) subs.push(st('mandatory', 'true'));
    subs.push(sd('description', p.description));
    return st('leaf', identifier(kebab(p.name), `${where} parameter ${p.name}`), subs);
  }

  private action(cls: ObjectClass, a: Action): Stmt {
    const where = `action ${cls.name}.${a.name}`;
    const platforms = Object.keys(a.platforms).sort().map((k) => `${k}: ${a.platforms[k]}`);
    const description = a.description + (platforms.length ? `\n\nRealisation per platform family. ${platforms.join('; ')}.` : '');
    const subs: Stmt[] = [sd('description', description)];
    for (const [kw, params] of [['input', a.input], ['output', a.output]] as const) {
      if (!params.length) continue;
      checkUnique(params.map((p) => kebab(p.name)), `${kw} of ${where}`);
      subs.push(stmt(kw, undefined, params.map((p) => this.parameterLeaf(p, where))));
    }
    return st('action', identifier(kebab(a.name), where), subs);
  }

  private notification(e: EventType): Stmt {
    const where = `event ${e.name}`;
    this.idx.cls(e.resourceClass);
    checkUnique(e.parameters.map((p) => kebab(p.name)), `parameters of ${where}`);
    return st('notification', identifier(kebab(e.name), where), [
      sd('description', `${e.description} Resource class: ${e.resourceClass}.`),
      sd('reference', `Clause ${e.clause} of the information model`),
      ...e.parameters.map((p) => this.parameterLeaf(p, where)),
    ]);
  }

  private alarmIdentity(t: AlarmType): Stmt {
    const where = `alarm type ${t.name}`;
    for (const rc of t.resourceClass.split('|')) this.idx.cls(rc);
    this.use('al');
    this.use('smiv2');
    const l = t.levels;
    const description = [
      t.description.trim(),
      `Resource class: ${t.resourceClass}. X.733 event type: ${t.eventType}. ` +
      `X.733 probable cause: ${t.probableCause.name} (${t.probableCause.value}, IANA-ITU-ALARM-TC-MIB IANAItuProbableCause). ` +
      `Specific problem: ${t.specificProblem}. Default severity: ${t.defaultSeverity}. ` +
      `Will clear: ${t.willClear ? 'yes, the bridge clears it when the condition goes away' : 'no, an operator closes it'}.`,
      `Raise level: ${l.raise}. Clear level: ${l.clear}. Units: ${l.units}. ` +
      `Defaults: raise ${l.defaultRaise}, clear ${l.defaultClear}, hold-down ${l.defaultHoldDown} seconds.`,
    ].join('\n\n');
    return st('identity', identifier(this.idx.alarmTypeIdentity(t), where), [
      st('base', 'al:alarm-type-id'),
      sd('description', description),
      sd('reference', `Clause ${t.clause} of the information model; ITU-T X.733`),
      sd('smiv2:oid', this.idx.alarmTypeOid(t)),
    ]);
  }
}

/** Orders dotted OIDs arc by arc, numerically. */
function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function argValue(s: Stmt): string {
  return s.arg ? s.arg.value : s.keyword;
}

function checkUnique(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${what}: duplicate name ${n}`);
    seen.add(n);
  }
}

/** Statements of a module section, the first (or each) preceded by an empty line. */
function section(stmts: readonly Stmt[], blankBeforeEach = false): Stmt[] {
  return stmts.map((s, i) => (i === 0 || blankBeforeEach ? { ...s, blankBefore: true } : s));
}

/** Renders the YANG 1.1 module of the model. */
export function renderYang(model: InformationModel): { fileName: string; text: string } {
  return {
    fileName: `${model.module.yangName}@${model.module.revisions[0].date}.yang`,
    text: new YangRenderer(model).render(),
  };
}
