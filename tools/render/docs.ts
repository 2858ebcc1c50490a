/**
 * Renders clauses 6 and 7 of draft ITU-T M.immbs (docs/information-model.md) from the information model alone:
 * the overview, the containment diagram and, per subclause, its object classes with their attributes,
 * actions, alarm types, events and their names in both data models (YANG path, MIB descriptor and OID).
 */
import type { AlarmType, Attribute, Clause, EventType, InformationModel, ObjectClass, ScalarType } from '../../src/model';
import { ModelIndex, kebab, mibAttributes } from '../../src/model';
import { code, parameters, table, typeWithUnits, valueText } from './docs-markdown';
import { TC } from './mib-types';

/** Subclause titles, exactly as the draft Recommendation words them. */
const CLAUSE_TITLES: Readonly<Record<string, string>> = {
  '6': 'Overview',
  '7': 'Information model for management of blockchain system',
  '7.1': 'Top-level object class Relationship Diagram',
  '7.2': 'Blockchain resource management information model',
  '7.2.1': 'Information model for configuration management',
  '7.2.2': 'Information model for fault management',
  '7.2.3': 'Information model for performance management',
  '7.2.4': 'Information model for log management',
  '7.3': 'Blockchain service management information model',
  '7.3.1': 'Information model for ledger management',
  '7.3.2': 'Information model for consensus management',
  '7.3.3': 'Information model for contract management',
  '7.3.4': 'Information model for log cross-chain management',
};

const RESOURCE_CLAUSES: readonly Clause[] = ['7.2.1', '7.2.2', '7.2.3', '7.2.4'];
const SERVICE_CLAUSES: readonly Clause[] = ['7.3.1', '7.3.2', '7.3.3', '7.3.4'];
const ALL_CLAUSES: readonly Clause[] = ['7.1', ...RESOURCE_CLAUSES, ...SERVICE_CLAUSES];

/** "## 7.2.1 Information model for ..." (6 and 7 are level 2, each further component one level deeper). */
function heading(number: string, title = CLAUSE_TITLES[number]): string {
  return `${'#'.repeat(number.split('.').length + 1)} ${number} ${title}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

class DocsRenderer {
  private readonly idx: ModelIndex;
  private readonly out: string[] = [];
  private tableNo = 0;
  private figureNo = 0;
  /** Enumerated types already tabulated (each once, in the first subclause that uses it). */
  private readonly enumsDone = new Set<string>();
  /** Classes in containment order (depth first from the root, siblings in model order). */
  private readonly ordered: ObjectClass[] = [];

  constructor(private readonly model: InformationModel) {
    this.idx = new ModelIndex(model);
    const visit = (c: ObjectClass): void => { this.ordered.push(c); this.idx.childrenOf(c).forEach(visit); };
    visit(this.idx.root);
  }

  render(): string {
    const m = this.model.module;
    this.para(`# ${CLAUSE_TITLES['7']}: clauses 6 and 7 of draft ITU-T M.immbs`);
    this.para(`<!-- Generated from src/model by tools/generate.ts (npm run generate). Do not edit: change the model instead. -->`);
    this.para(`This document is the text of clauses 6 and 7 of draft ITU-T Recommendation M.immbs, "Information model for ` +
      `management of blockchain system", as implemented by the data models ${code(m.yangName)} (YANG) and ` +
      `${code(m.mibName)} (SMIv2). It is generated from the same definitions as those data models.`);
    this.overview();
    this.para(heading('7'));
    this.para('Each subclause of clause 7 defines object classes. For each object class it gives a description, its place in ' +
      'the containment tree, how each data model renders it, and a table of its attributes with the columns:');
    this.para([
      '- Attribute: the name in the information model (camelCase).',
      '- Type: the protocol-neutral type, with its range, units and, for enumerations, the labels and their values (label=value).',
      '- Access: configuration (set by the manager, persistent) or state (observed by the bridge, read-only), with the default ' +
      'of a configuration attribute, whether the attribute is a key and whether every instance must set it (required; YANG mandatory).',
      '- Description.',
      '- YANG path: the schema node of the attribute in the YANG data model.',
      '- MIB object: the descriptor and object identifier of the attribute in the SMIv2 data model, or "—" when the MIB does not carry it.',
    ].join('\n'));
    this.clause71();
    this.para(heading('7.2'));
    this.para('The main contents of the resource management information model are configuration management (7.2.1), ' +
      'fault management (7.2.2), performance management (7.2.3) and log management (7.2.4): the management functions ' +
      'the management system applies to the blockchain resources it manages, and to itself.');
    this.clauseSummary(RESOURCE_CLAUSES);
    for (const c of RESOURCE_CLAUSES) this.subclause(c);
    this.para(heading('7.3'));
    this.para('The main contents of the blockchain service management information model are ledger management (7.3.1), ' +
      'consensus management (7.3.2), contract management (7.3.3) and cross-chain management (7.3.4): the services ' +
      'a blockchain network provides, as observed on its nodes.');
    this.clauseSummary(SERVICE_CLAUSES);
    for (const c of SERVICE_CLAUSES) this.subclause(c);
    return `${this.out.join('\n\n')}\n`;
  }

  // ---- clause 6 -------------------------------------------------------------------------------------

  private overview(): void {
    const m = this.model.module;
    const idx = this.idx;
    const attrs = this.model.classes.reduce((n, c) => n + c.attributes.length, 0);
    const actions = this.model.classes.reduce((n, c) => n + (c.actions?.length ?? 0), 0);
    const yangFile = `yang/${m.yangName}@${m.revisions[0].date}.yang`;
    const mibFile = `mibs/${m.mibName}.txt`;
    this.para(heading('6'));
    this.para(m.description);
    this.para(`The model defines ${plural(this.model.classes.length, 'object class', 'object classes')} with ` +
      `${plural(attrs, 'attribute')} and ${plural(actions, 'action')}, ${plural(this.model.alarmTypes.length, 'alarm type')}, ` +
      `${plural(this.model.events.length, 'event')} and ${plural(this.model.notifications.length, 'SNMP notification')}, ` +
      `distributed over the subclauses of clause 7 as follows.`);
    this.tableCaption('Elements of the information model by subclause');
    this.para(table(['Subclause', 'Title', 'Object classes', 'Alarm types', 'Events'], ALL_CLAUSES.map((c) => [
      c, CLAUSE_TITLES[c],
      this.classesOf(c).map((x) => code(x.name)).join(', ') || '—',
      this.model.alarmTypes.filter((t) => t.clause === c).map((t) => code(t.name)).join(', ') || '—',
      this.model.events.filter((e) => e.clause === c).map((e) => code(e.name)).join(', ') || '—',
    ])));

    this.para(heading('6.1', 'One information model, several data models'));
    this.para('Following RFC 3444, clause 7 is an information model: it defines the managed object classes, their ' +
      'attributes, their containment, their actions, the alarm types and the events at a conceptual level, independent ' +
      'of any management protocol. Data models, which bind the information model to a protocol, are derived from it ' +
      'mechanically, so that an attribute has one name, one type, one description and one meaning in all of them. ' +
      'Each attribute of clause 7 is shown with its rendering in each data model.');
    this.para(`The YANG data model carries RFC 6643 ${code('smiv2:oid')} annotations: every YANG node that has an SMIv2 ` +
      'counterpart names the object identifier of that MIB object, so that a manager can relate the values read over ' +
      'either interface.');
    const external = this.model.classes.filter((c) => c.yangExternal);
    if (external.length) {
      this.para(`Where a standard data model already covers an object class, the YANG data model reuses it instead of ` +
        `defining the class again: ${list(external.map((c) => `${code(c.name)} is rendered by ${code(c.yangExternal!)}`))}. ` +
        'Attributes of those classes without a standard node are added to the standard list by augmentation.');
    }

    this.para(heading('6.2', 'Management interfaces'));
    this.tableCaption('Data models and management interfaces');
    this.para(table(['Interface', 'Data model', 'Module', 'File'], [
      ['NETCONF (RFC 6241)', 'YANG 1.1 (RFC 7950)',
        `${code(m.yangName)}, prefix ${code(m.yangPrefix)}, namespace ${code(m.namespace)}, revision ${m.revisions[0].date}`, code(yangFile)],
      ['SNMP (SNMPv2c, SNMPv3)', 'SMIv2 (RFC 2578)', `${code(m.mibName)}, root ${m.rootOid}`, code(mibFile)],
    ]));
    this.para('Configuration attributes are written through NETCONF; every attribute, configuration or state, is read ' +
      'through both interfaces unless its MIB object column says otherwise. Actions are YANG actions. Alarms are ' +
      'reported as SNMP notifications (7.2.2) and through the alarm list; events (non-alarm notifications) are YANG notifications.');

    this.para(heading('6.3', 'Naming'));
    // The example: the first table with the longest instance identifier, to show the INDEX of nested tables.
    const sample = this.ordered.filter((c) => idx.mibRendering(c) === 'table' && !c.yangExternal)
      .reduce((best, c) => (idx.instanceKeys(c).length > idx.instanceKeys(best).length ? c : best), idx.root);
    const sampleAttr = mibAttributes(sample).find((a) => !(sample.keys ?? []).includes(a.name)) ?? sample.attributes[0];
    const keys = idx.mibIndex(sample).map((k) => code(idx.mibDescriptor(k.cls, k.attr)));
    // Tables with an alarm type in their INDEX (ModelIndex.alarmTypeIndex gives its sub-identifier).
    const alarmTypeKeyed = this.ordered.filter((c) => idx.mibRendering(c) === 'table' && idx.mibIndex(c).some((k) => k.attr.type.base === 'alarmType'))
      .map((c) => idx.tableDescriptor(c));
    this.para([
      `- Object classes and attributes have camelCase names, unique in the model (classes) or in their class (attributes).`,
      `- In YANG, a class is a container or a list named by its kebab-case name, nested as in the containment tree of 7.1; ` +
      `an attribute is a leaf (or leaf-list) of it. For example, ${code(`${sample.name}.${sampleAttr.name}`)} is ` +
      `${code(idx.yangPath(sample, sampleAttr))}.`,
      `- In the MIB, each class has a descriptor prefix; an attribute is the prefix followed by the attribute name with ` +
      `its first letter in upper case, at most 32 characters (for example ${code(idx.mibDescriptor(sample, sampleAttr))}). ` +
      `A class with an instance identifier is a table ${code('<prefix>Table')} of rows ${code('<prefix>Entry')}, indexed by ` +
      `the keys of all the lists that contain it (the rows of ${code(idx.tableDescriptor(sample))} are indexed by ${list(keys)}); ` +
      `a class with a single instance is a group of scalars ${code('<prefix>Scalars')}.`,
      `- An alarm type is a YANG identity named by its kebab-case name and an SMIv2 OBJECT-IDENTITY ${code('bcmAt<Name>')}` +
      (alarmTypeKeyed.length && this.model.alarmTypes.length
        ? ` under ${idx.alarmTypesOid}, the value of an ${code('AutonomousType')} object; in the INDEX of a table ` +
          `(${list(alarmTypeKeyed.map(code))}) it is only the last sub-identifier of that OBJECT IDENTIFIER, of syntax ` +
          `${code(TC.alarmTypeIndex)} (for example ${idx.alarmTypeIndex(this.model.alarmTypes[0])} for ` +
          `${code(idx.alarmTypeDescriptor(this.model.alarmTypes[0]))}, ${idx.alarmTypeOid(this.model.alarmTypes[0])})`
        : '') +
      `; an SNMP notification is ${code('bcm<Name>')}.`,
      `- Secrets (passwords, keys, communities) are written and never read back; they and multi-valued attributes are not in the MIB.`,
    ].join('\n'));

    this.para(heading('6.4', 'Object identifiers'));
    this.tableCaption('Object identifier arcs of the MIB');
    this.para(table(['Object identifier', 'Contents'], [
      [idx.rootOid, `${code(m.mibName)} module identity`],
      [idx.notificationsOid, 'notifications (7.2.2)'],
      [idx.objectsOid, 'objects: ' + code(`${idx.objectsOid}.<class arc>`) + ' is the table (or scalar group) of a class, ' +
        code(`.1`) + ' its entry, ' + code(`.<attribute arc>`) + ' a column (or scalar)'],
      [idx.conformanceOid, 'conformance: compliance statements and groups'],
      [idx.alarmTypesOid, 'alarm types (7.2.2)'],
    ]));
    this.para(`NOTE – ${m.rootOidNote}`);
  }

  // ---- clause 7.1 -----------------------------------------------------------------------------------

  private multiplicity(c: ObjectClass): string {
    if (c.parent === null) return '1';
    return c.kind === 'list' ? '0..*' : '0..1';
  }

  private clause71(): void {
    const idx = this.idx;
    this.para(heading('7.1'));
    const fig = ++this.figureNo;
    this.para(`Figure ${fig} shows the containment of all object classes of clause 7: each object class is contained in ` +
      `exactly one other, up to ${code(idx.root.name)}, the management system itself. Lists (${code('<<list>>')}) have any ` +
      `number of instances per containing instance, identified by their key attributes; containers (${code('<<container>>')}) ` +
      `have at most one. Table ${this.tableNo + 1} gives the same relationships with the subclause that defines each class.`);
    const lines = ['```mermaid', 'classDiagram'];
    for (const c of this.ordered) {
      lines.push(`  class ${c.name} {`, `    <<${c.parent === null ? 'root' : c.kind}>>`);
      for (const k of c.keys ?? []) lines.push(`    +${k} key`);
      lines.push('  }');
    }
    for (const c of this.ordered) {
      if (c.parent !== null) lines.push(`  ${c.parent} "1" *-- "${this.multiplicity(c)}" ${c.name}`);
    }
    lines.push('```');
    this.para(lines.join('\n'));
    this.para(`Figure ${fig} – Object class relationship diagram (containment)`);
    this.tableCaption('Object class relationships');
    this.para(table(['Object class', 'Subclause', 'Contained in', 'Multiplicity', 'Key', 'YANG node', 'MIB'], this.ordered.map((c) => [
      code(c.name), c.clause, c.parent === null ? '—' : code(c.parent), this.multiplicity(c),
      (c.keys ?? []).map(code).join(', ') || '—', code(idx.yangPath(c)), this.mibClassText(c),
    ])));
    this.body('7.1');
  }

  private clauseSummary(clauses: readonly Clause[]): void {
    this.para(clauses.map((c) => `- ${c}: ${list(this.classesOf(c).map((x) => code(x.name)))}.`).join('\n'));
  }

  // ---- subclauses ---------------------------------------------------------------------------------

  private classesOf(clause: Clause): ObjectClass[] {
    return this.ordered.filter((c) => c.clause === clause);
  }

  private subclause(clause: Clause): void {
    this.para(heading(clause));
    if (clause === '7.3.4') this.para('NOTE – The title is that of the draft Recommendation; this subclause covers cross-chain management.');
    const classes = this.classesOf(clause);
    this.para(`This subclause defines the object ${classes.length === 1 ? 'class' : 'classes'} ${list(classes.map((c) => code(c.name)))}.`);
    this.body(clause);
  }

  /**
   * The numbered parts of a subclause: its object classes, then (7.2.2) the alarm types and notifications or
   * (elsewhere) the alarm types watching its resources, its events, and the enumerated types it uses first.
   */
  private body(clause: Clause): void {
    let n = 0;
    const next = (title: string): string => heading(`${clause}.${++n}`, title);
    for (const c of this.classesOf(clause)) this.objectClass(c, next(`Object class ${c.name}`));
    if (clause === '7.2.2') {
      this.alarmTypes(next('Alarm types'));
      this.notifications(next('Notifications'));
    } else {
      const types = this.model.alarmTypes.filter((t) => t.clause === clause);
      if (types.length) {
        this.para(next('Alarm types'));
        this.para(`The alarm types that watch the resources of this subclause are defined with the others in ${this.alarmTypesClause()}:`);
        this.para(types.map((t) => `- ${code(t.name)}, raised on ${code(t.resourceClass)}: ${t.specificProblem}.`).join('\n'));
      }
    }
    const events = this.model.events.filter((e) => e.clause === clause);
    if (events.length) this.events(next('Events'), events);
    const enums = this.enumerationRows(clause);
    if (enums.length) {
      this.para(next('Enumerated types'));
      this.para('The enumerated types first used in this subclause, with the meaning of each value:');
      this.tableCaption(`Enumerated types of ${clause}`);
      this.para(table(['Type', 'Label', 'Value', 'Meaning'], enums));
    }
  }

  /** 7.2.2 numbers its object classes first, then its alarm types (see body). */
  private alarmTypesClause(): string {
    return `7.2.2.${this.classesOf('7.2.2').length + 1}`;
  }

  private mibClassText(c: ObjectClass): string {
    const idx = this.idx;
    switch (idx.mibRendering(c)) {
      case 'table': return `${code(idx.tableDescriptor(c))} ${idx.classOid(c)}`;
      case 'scalars': return `${code(idx.scalarGroupDescriptor(c))} ${idx.classOid(c)}`;
      case 'none': return '—';
    }
  }

  private objectClass(c: ObjectClass, title: string): void {
    const idx = this.idx;
    this.para(title);
    this.para(c.description);
    const facts: string[] = [];
    if (c.parent === null) facts.push('Root of containment: one instance.');
    else if (c.kind === 'list') {
      facts.push(`Contained in ${code(c.parent)}: any number of instances per ${code(c.parent)}, identified by ${list((c.keys ?? []).map(code))}.`);
    } else facts.push(`Contained in ${code(c.parent)}: at most one instance per ${code(c.parent)}.`);
    const ids = idx.instanceKeys(c);
    if (ids.length) facts.push(`Instance identifier: ${ids.map((k) => code(`${k.cls.name}.${k.attr.name}`)).join(', ')}.`);
    if (c.maxElements !== undefined) facts.push(`Configuration: at most ${c.maxElements} instances per ${code(c.parent ?? '')} (YANG max-elements); the datastore refuses more.`);
    if (c.bound) facts.push(`Bound: at most ${c.bound.max} instances; ${c.bound.eviction}.`);
    if (c.yangExternal) {
      facts.push(`YANG: rendered by the standard list ${code(c.yangExternal)}; attributes without a standard node augment it.`);
    } else facts.push(`YANG: ${c.kind} ${code(idx.yangPath(c))}${c.keys ? `, key ${(c.keys).map((k) => code(kebab(k))).join(' ')}` : ''}.`);
    switch (idx.mibRendering(c)) {
      case 'table':
        facts.push(`MIB: table ${code(idx.tableDescriptor(c))} (${idx.classOid(c)}), rows ${code(idx.entryDescriptor(c))} ` +
          `(${idx.entryOid(c)}), INDEX { ${idx.mibIndex(c).map((k) => idx.mibDescriptor(k.cls, k.attr)).join(', ')} }.`);
        break;
      case 'scalars':
        facts.push(`MIB: scalars under ${code(idx.scalarGroupDescriptor(c))} (${idx.classOid(c)}).`);
        break;
      case 'none':
        facts.push(idx.ancestry(c).some((x) => x.mib === false)
          ? 'MIB: not rendered (SNMP access control is managed through the standard SNMP framework MIBs, and secrets are never read back).'
          : 'MIB: not rendered (none of its attributes is in the MIB).');
    }
    this.para(facts.map((f) => `- ${f}`).join('\n'));
    this.tableCaption(`Attributes of ${c.name}`);
    const inMib = new Set(idx.mibRendering(c) === 'none' ? [] : mibAttributes(c));
    this.para(table(['Attribute', 'Type', 'Access', 'Description', 'YANG path', 'MIB object'], c.attributes.map((a) => [
      code(a.name), typeWithUnits(a.type, a.units), this.access(c, a), a.description, code(idx.yangPath(c, a)),
      inMib.has(a) ? `${code(idx.mibDescriptor(c, a))}<br>${idx.attributeOid(c, a)}` : '—',
    ])));
    if (c.actions?.length) {
      const platforms = [...new Set(c.actions.flatMap((x) => Object.keys(x.platforms)))];
      this.tableCaption(`Actions of ${c.name}`);
      this.para(table(['Action', 'Description', 'Input', 'Output', ...platforms.map((p) => `Realisation: ${p}`)], c.actions.map((x) => [
        code(x.name), x.description, parameters(x.input), parameters(x.output), ...platforms.map((p) => x.platforms[p] ?? '—'),
      ])));
    }
  }

  private access(c: ObjectClass, a: Attribute): string {
    const parts = [a.access === 'config' ? 'configuration' : 'state'];
    if ((c.keys ?? []).includes(a.name)) parts.push('key');
    if (a.default !== undefined) parts.push(`default ${valueText(a.default)}`);
    if (a.required) parts.push('required');
    if (a.secret) parts.push('secret: written, never read back');
    if (a.multi) parts.push(a.maxElements !== undefined ? `several values (at most ${a.maxElements})` : 'several values');
    if (a.writable) parts.push('also settable through SNMP' + (c.actions?.length ? ` and the ${list(c.actions.map((x) => code(x.name)))} action` : ''));
    return parts.join('; ');
  }

  // ---- 7.2.2 alarm types and notifications -----------------------------------------------------------

  private alarmTypes(title: string): void {
    const idx = this.idx;
    const p = this.model.module.yangPrefix;
    const types: readonly AlarmType[] = this.model.alarmTypes;
    this.para(title);
    this.para('An alarm type names a kind of persistent undesired condition of a resource. Each is defined with the ' +
      'ITU-T X.733 fields with which it is reported (event type, probable cause as in IANA-ITU-ALARM-TC-MIB, specific ' +
      'problem) and its default perceived severity. The subclause of an alarm type is the one whose resources it watches.');
    this.tableCaption('Alarm types');
    this.para(table(['Alarm type', 'Subclause', 'Resource class', 'Description', 'X.733 event type', 'Probable cause',
      'Specific problem', 'Default severity', 'Will clear', 'YANG identity', 'MIB object'], types.map((t) => [
      code(t.name), t.clause, code(t.resourceClass), t.description, t.eventType,
      `${t.probableCause.name}(${t.probableCause.value})`, t.specificProblem, t.defaultSeverity, t.willClear ? 'yes' : 'no',
      code(`${p}:${idx.alarmTypeIdentity(t)}`), `${code(idx.alarmTypeDescriptor(t))}<br>${idx.alarmTypeOid(t)}`,
    ])));
    this.para('The detector of each alarm type raises the alarm when its condition has held for the hold-down time and ' +
      'clears it when the condition has been gone for the hold-down time; separate raise and clear levels give ' +
      `hysteresis. The levels and the hold-down time are configured per alarm type in ${code('alarmPolicy')}; the ` +
      'defaults are these.');
    this.tableCaption('Alarm detection levels');
    this.para(table(['Alarm type', 'Raise level', 'Clear level', 'Units', 'Default raise', 'Default clear', 'Default hold-down (seconds)'],
      types.map((t) => [code(t.name), t.levels.raise, t.levels.clear, t.levels.units, String(t.levels.defaultRaise),
        String(t.levels.defaultClear), String(t.levels.defaultHoldDown)])));
  }

  private notifications(title: string): void {
    const idx = this.idx;
    this.para(title);
    this.para('Changes of the alarm list are sent to the SNMP notification targets (7.2.1) as the following notifications, ' +
      'whose varbinds are attributes of the alarm. Over NETCONF, the same changes are reported by the notifications of ' +
      'the module that defines the alarm list.');
    this.tableCaption('SNMP notifications');
    this.para(table(['Notification', 'Description', 'Objects', 'MIB object'], this.model.notifications.map((n) => {
      const c = idx.cls(n.objectClass);
      return [code(n.name), n.description,
        n.objects.map((o) => code(idx.mibDescriptor(c, idx.attr(c, o)))).join(', '),
        `${code(idx.notificationDescriptor(n))}<br>${idx.notificationOid(n)}`];
    })));
  }

  private events(title: string, events: readonly EventType[]): void {
    const p = this.model.module.yangPrefix;
    this.para(title);
    this.para('Events are occurrences that are not alarms. They are YANG notifications, and are written to the log (7.2.4).');
    this.tableCaption(`Events of ${events[0].clause}`);
    this.para(table(['Event', 'Resource class', 'Description', 'Parameters', 'YANG notification'], events.map((e) => [
      code(e.name), code(e.resourceClass), e.description, parameters(e.parameters), code(`${p}:${kebab(e.name)}`),
    ])));
  }

  /** Rows (type, label, value, meaning) of the enumerated types first used in this subclause, by attributes, parameters or events. */
  private enumerationRows(clause: Clause): string[][] {
    const types: ScalarType[] = [];
    for (const c of this.classesOf(clause)) {
      for (const a of c.attributes) types.push(a.type);
      for (const x of c.actions ?? []) for (const q of [...x.input, ...x.output]) types.push(q.type);
    }
    for (const e of this.model.events) if (e.clause === clause) for (const q of e.parameters) types.push(q.type);
    const rows: string[][] = [];
    for (const t of types) {
      if (t.base !== 'enum' || this.enumsDone.has(t.typeName)) continue;
      this.enumsDone.add(t.typeName);
      for (const v of t.values) rows.push([code(t.typeName), code(v.name), String(v.value), v.description]);
    }
    return rows;
  }

  // ---- output ----------------------------------------------------------------------------------------

  private para(text: string): void { this.out.push(text); }

  private tableCaption(title: string): void { this.para(`Table ${++this.tableNo} – ${title}`); }
}

/** docs/information-model.md: clauses 6 and 7 of the Recommendation. */
export function renderDocs(model: InformationModel): string {
  return new DocsRenderer(model).render();
}
