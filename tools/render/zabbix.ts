/**
 * Zabbix 6.0 template (YAML export format) of the bridge's SNMP view, rendered from the model:
 * - an SNMP item per state attribute of each scalar group (managed system, fault, performance, log ...);
 * - a low-level discovery rule per table worth watching, whose JavaScript step decodes the INDEX into
 *   readable macros ({#NETWORK}, {#NODE} ...), with item prototypes for the state columns worth a history
 *   and a graph prototype per unit (heights, peers, transactions per second, RPC latency ...);
 * - value maps from the model's enumerations; user macros for credentials and intervals;
 * - SNMP trap items and triggers turning the alarm notifications into Zabbix problems (zabbix-traps.ts), and
 *   the alarm table's discovery with a trigger prototype per alarm type, their polled backup (zabbix-alarms.ts).
 * UUIDs are UUIDv4-shaped hashes of each entity's path, so that regeneration is stable.
 */
import { createHash } from 'node:crypto';
import { Document, Scalar, visit } from 'yaml';
import type { Attribute, InformationModel, ObjectClass } from '../../src/model';
import { ModelIndex, mibAttributes } from '../../src/model';
import { TRUTH_VALUE_MAP, classLabel, enumMapName, itemShape, words } from './zabbix-items';
import type { ItemShape } from './zabbix-items';
import { indexDecoderScript, instanceLabel, upperSnake } from './zabbix-lld';
import { alarmDiscoveryRule } from './zabbix-alarms';
import { trapItems } from './zabbix-traps';

export const ZABBIX_TEMPLATE_NAME = 'bcmgmt by SNMP';
export const ZABBIX_TEMPLATE_GROUP = 'Templates/Blockchain';
/** Where the template is checked in, relative to the project root. */
export const ZABBIX_TEMPLATE_FILE = 'nms/zabbix/bcmgmt_template.yaml';

/** User macros of the template, with their defaults. */
export const ZABBIX_MACROS = [
  { macro: '{$SNMP_COMMUNITY}', value: 'public', description: 'SNMPv1/v2c community of the bridge (use it in the host\'s SNMP interface).' },
  { macro: '{$BCM.SNMPV3.USER}', value: 'monitor', description: 'SNMPv3 user of the bridge (host SNMP interface, version 3).' },
  { macro: '{$BCM.SNMPV3.AUTHPASS}', value: '', type: 'SECRET_TEXT', description: 'SNMPv3 authentication passphrase.' },
  { macro: '{$BCM.SNMPV3.PRIVPASS}', value: '', type: 'SECRET_TEXT', description: 'SNMPv3 privacy passphrase.' },
  { macro: '{$BCM.INTERVAL}', value: '1m', description: 'Polling interval of numeric items.' },
  { macro: '{$BCM.TEXT.INTERVAL}', value: '15m', description: 'Polling interval of text items (versions, errors, identifiers).' },
  { macro: '{$BCM.LLD.INTERVAL}', value: '1h', description: 'Interval of the discovery of networks, nodes, peers, ledgers ...' },
  { macro: '{$BCM.LLD.LIFETIME}', value: '7d', description: 'How long items of a row that disappeared are kept.' },
  { macro: '{$BCM.ALARM.LLD.INTERVAL}', value: '1m', description: 'Interval of the discovery of active alarms (the polled backup of the alarm traps).' },
  { macro: '{$BCM.ALARM.LIFETIME}', value: '1d', description: 'How long the items of an alarm that cleared or was purged are kept.' },
  { macro: '{$BCM.ALARM.TRAP.WINDOW}', value: '1d', description: 'A polled alarm is a problem only when no trap raising it arrived within this period.' },
  { macro: '{$BCM.HISTORY}', value: '7d', description: 'History storage period.' },
  { macro: '{$BCM.TRENDS}', value: '365d', description: 'Trend storage period of numeric items.' },
] as const;

/** A UUIDv4-shaped identifier (32 hex digits, Zabbix's export form) derived from an entity path. */
export function stableUuid(entityPath: string): string {
  const h = createHash('sha256').update(`bcmgmt-zabbix:${entityPath}`).digest('hex').slice(0, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16], 16) & 3];
  return h.join('');
}

/** Item key of an attribute: bcm.node.height (scalar) or bcm.node.height[{#SNMPINDEX}] (prototype). */
export function itemKey(cls: ObjectClass, attr: Attribute, prototype: boolean): string {
  return `bcm.${cls.name}.${attr.name}${prototype ? '[{#SNMPINDEX}]' : ''}`;
}

export function discoveryKey(cls: ObjectClass): string { return `bcm.${cls.name}.discovery`; }

/** State attributes of a class that give an item, with their item shape. */
export function itemAttributes(ix: ModelIndex, cls: ObjectClass): { attr: Attribute; shape: ItemShape }[] {
  return mibAttributes(cls)
    .filter((a) => a.access === 'state' && ix.mibAccess(cls, a) !== 'not-accessible')
    .map((attr) => ({ attr, shape: itemShape(attr) }))
    .filter((x): x is { attr: Attribute; shape: ItemShape } => x.shape !== undefined);
}

/**
 * Tables with a discovery rule: those of the managed chains (clauses 7.1 and 7.3), and those of the bridge's
 * own functions (clause 7.2) that count or measure without being a bounded record list (notification and
 * log targets, PM monitored resources); alarms arrive as traps, records and histories are not polled.
 */
export function discoveredTables(ix: ModelIndex): ObjectClass[] {
  return ix.model.classes.filter((c) => {
    if (ix.mibRendering(c) !== 'table' || itemAttributes(ix, c).length === 0) return false;
    if (!c.clause.startsWith('7.2')) return true;
    return !c.bound && mibAttributes(c).some((a) => a.access === 'state' && (a.type.base === 'counter64' || a.type.base === 'milli'));
  });
}

const GRAPH_COLORS = ['1A7C11', 'F63100', '2774A4', 'A54F10', 'FC6EA3', '6C59DC', 'AC8C14', '611F27'];

type Yaml = Record<string, unknown>;

function item(ix: ModelIndex, cls: ObjectClass, attr: Attribute, shape: ItemShape, prototype: boolean, label: string): Yaml {
  const key = itemKey(cls, attr, prototype);
  const oid = `${ix.attributeOid(cls, attr)}.${prototype ? '{#SNMPINDEX}' : '0'}`;
  return {
    uuid: stableUuid(`item/${key}`),
    name: `${label}: ${words(attr.name)}`,
    type: 'SNMP_AGENT',
    snmp_oid: oid,
    key,
    delay: shape.text ? '{$BCM.TEXT.INTERVAL}' : '{$BCM.INTERVAL}',
    history: '{$BCM.HISTORY}',
    trends: shape.text ? '0' : '{$BCM.TRENDS}',
    ...(shape.valueType === 'UNSIGNED' ? {} : { value_type: shape.valueType }),
    ...(shape.units ? { units: shape.units } : {}),
    description: `${ix.mibDescriptor(cls, attr)}: ${attr.description}`,
    ...(shape.valuemap ? { valuemap: { name: shape.valuemap } } : {}),
    ...(shape.preprocessing.length ? { preprocessing: shape.preprocessing.map((p) => ({ type: p.type, parameters: [...p.parameters] })) } : {}),
    tags: [{ tag: 'component', value: cls.name }],
  };
}

/** Graph prototypes of a table: one per unit of its numeric, non-enumerated item prototypes. */
function graphs(cls: ObjectClass, items: { attr: Attribute; shape: ItemShape }[], label: string): Yaml[] {
  const groups = new Map<string, Attribute[]>();
  for (const { attr, shape } of items) {
    if (shape.valueType === 'CHAR' || shape.valuemap) continue;
    groups.set(shape.units, [...(groups.get(shape.units) ?? []), attr]);
  }
  return [...groups].map(([units, attrs]) => ({
    uuid: stableUuid(`graph/${cls.name}/${units}`),
    name: `${label}: ${attrs.map((a) => words(a.name)).join(', ')}`,
    graph_items: attrs.map((a, i) => ({
      ...(i ? { sortorder: String(i) } : {}),
      color: GRAPH_COLORS[i % GRAPH_COLORS.length],
      item: { host: ZABBIX_TEMPLATE_NAME, key: itemKey(cls, a, true) },
    })),
  }));
}

function discoveryRule(ix: ModelIndex, cls: ObjectClass): Yaml {
  const label = `${classLabel(cls.name)} ${instanceLabel(ix, cls)}`;
  const items = itemAttributes(ix, cls);
  // The first readable column enumerates the rows (configured values first in most tables).
  const walked = mibAttributes(cls).find((a) => ix.mibAccess(cls, a) !== 'not-accessible') ?? items[0].attr;
  const graphList = graphs(cls, items, label);
  return {
    uuid: stableUuid(`discovery/${cls.name}`),
    name: `${classLabel(cls.name)} discovery`,
    type: 'SNMP_AGENT',
    snmp_oid: `discovery[{#${upperSnake(cls.name)}.ROW},${ix.attributeOid(cls, walked)}]`,
    key: discoveryKey(cls),
    delay: '{$BCM.LLD.INTERVAL}',
    lifetime: '{$BCM.LLD.LIFETIME}',
    description: `Rows of ${ix.tableDescriptor(cls)}: ${cls.description}`,
    item_prototypes: items.map(({ attr, shape }) => item(ix, cls, attr, shape, true, label)),
    ...(graphList.length ? { graph_prototypes: graphList } : {}),
    preprocessing: [{ type: 'JAVASCRIPT', parameters: [indexDecoderScript(ix, cls)] }],
  };
}

function valueMaps(ix: ModelIndex, used: ReadonlySet<string>): Yaml[] {
  const maps = new Map<string, { value: string; newvalue: string }[]>();
  for (const c of ix.model.classes) {
    for (const a of c.attributes) {
      const name = enumMapName(a.type);
      if (name && used.has(name) && a.type.base === 'enum' && !maps.has(name)) {
        maps.set(name, a.type.values.map((v) => ({ value: String(v.value), newvalue: v.name })));
      }
    }
  }
  if (used.has(TRUTH_VALUE_MAP.name)) maps.set(TRUTH_VALUE_MAP.name, TRUTH_VALUE_MAP.mappings.map((m) => ({ ...m })));
  return [...maps].sort(([a], [b]) => a.localeCompare(b)).map(([name, mappings]) => ({ uuid: stableUuid(`valuemap/${name}`), name, mappings }));
}

export function renderZabbixTemplate(model: InformationModel): string {
  const ix = new ModelIndex(model);
  const scalarItems: Yaml[] = [];
  const used = new Set<string>();
  for (const c of model.classes) {
    if (ix.mibRendering(c) !== 'scalars') continue;
    for (const { attr, shape } of itemAttributes(ix, c)) {
      scalarItems.push(item(ix, c, attr, shape, false, classLabel(c.name)));
      if (shape.valuemap) used.add(shape.valuemap);
    }
  }
  const tables = discoveredTables(ix);
  for (const c of tables) for (const { shape } of itemAttributes(ix, c)) if (shape.valuemap) used.add(shape.valuemap);
  const trapList = trapItems(ix, ZABBIX_TEMPLATE_NAME);
  used.add('PerceivedSeverity').add(TRUTH_VALUE_MAP.name);
  const traps = trapList.map((t) => ({
    uuid: stableUuid(`item/${t.key}`),
    name: t.name,
    type: 'SNMP_TRAP',
    key: t.key,
    delay: '0',
    history: '{$BCM.HISTORY}',
    trends: '0',
    value_type: 'LOG',
    description: t.description,
    tags: [{ tag: 'component', value: 'alarm' }],
    triggers: [{
      uuid: stableUuid(`trigger/${t.key}`),
      expression: t.trigger.expression,
      recovery_mode: 'RECOVERY_EXPRESSION',
      recovery_expression: t.trigger.recoveryExpression,
      correlation_mode: 'TAG_VALUE',
      correlation_tag: 'resource',
      name: t.trigger.name,
      event_name: t.trigger.eventName,
      priority: t.trigger.priority,
      description: t.trigger.description,
      type: 'MULTIPLE',
      manual_close: 'YES',
      tags: t.trigger.tags,
    }],
  }));
  const fallback = {
    uuid: stableUuid('item/snmptrap.fallback'), name: 'SNMP traps (fallback)', type: 'SNMP_TRAP', key: 'snmptrap.fallback',
    delay: '0', history: '{$BCM.HISTORY}', trends: '0', value_type: 'LOG',
    description: 'Traps of the bridge that no other trap item matched (coldStart, ...).', tags: [{ tag: 'component', value: 'trap' }],
  };
  const doc = {
    zabbix_export: {
      version: '6.0',
      groups: [{ uuid: stableUuid(`group/${ZABBIX_TEMPLATE_GROUP}`), name: ZABBIX_TEMPLATE_GROUP }],
      templates: [{
        uuid: stableUuid(`template/${ZABBIX_TEMPLATE_NAME}`),
        template: ZABBIX_TEMPLATE_NAME,
        name: ZABBIX_TEMPLATE_NAME,
        description: `Generated from the ${model.module.mibName} information model by bcmgmt (npm run generate); do not edit. ` +
          `Polls the bridge's SNMP agent and receives its alarm notifications through snmptrapd (docs/nms.md). ` +
          model.module.rootOidNote,
        groups: [{ name: ZABBIX_TEMPLATE_GROUP }],
        items: [...scalarItems, ...traps, fallback],
        discovery_rules: [...tables.map((c) => discoveryRule(ix, c)), alarmDiscoveryRule(ix, ZABBIX_TEMPLATE_NAME, stableUuid)],
        tags: [{ tag: 'class', value: 'software' }, { tag: 'target', value: 'bcmgmt' }],
        macros: ZABBIX_MACROS.map((m) => ({ macro: m.macro, ...(m.value ? { value: m.value } : {}), ...('type' in m ? { type: m.type } : {}), description: m.description })),
        valuemaps: valueMaps(ix, used),
      }],
    },
  };
  const yaml = new Document(doc);
  // Scripts and other multi-line text as literal blocks, so that the export reads like Zabbix's own.
  visit(yaml, { Scalar(_key, node: Scalar) { if (typeof node.value === 'string' && node.value.includes('\n')) node.type = 'BLOCK_LITERAL'; } });
  return yaml.toString({ lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' });
}
