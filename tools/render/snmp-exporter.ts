/**
 * nms/prometheus/snmp.yml: a module `bcmgmt` for prometheus-snmp-exporter 0.21 (Debian 12), in the format the
 * exporter reads (no generator, no MIB parsing): the tables and scalar groups to walk, one metric per MIB
 * object that /metrics renders as a number (the same selection, src/http/metrics-names.ts), named by its MIB
 * descriptor as the exporter's generator names them (bcmNodeHeight), and labelled with the same label
 * names as /metrics: string INDEX components are decoded as DisplayString (network="ltc", node="n1"),
 * alarm-type indexes are mapped to the alarm type's name, and the resource and alarm-type columns of a
 * row become labels through lookups (resource="network/ltc/node/n1", type_oid: the alarm type's OID).
 *
 * Values are as on the wire: enumerations are their numbers (gauges, as on /metrics), TruthValue is
 * 1 true / 2 false, DateAndTime becomes unix seconds, milliseconds stay milliseconds, BcmMilli and
 * BcmLevel are thousandths, decimal strings are parsed into numbers.
 */
import { Document } from 'yaml';
import type { Attribute, InformationModel, ObjectClass } from '../../src/model';
import { ModelIndex, mibAttributes } from '../../src/model';
import { scalarOf } from '../../src/model/scalars';
import { RECORD_CLASSES, isMetricAttribute, labelName, snake } from '../../src/http/metrics-names';

export const SNMP_EXPORTER_MODULE = 'bcmgmt';

interface IndexDef { labelname: string; type: string; fixed_size?: number; enum_values?: Map<number, string> }
interface LookupDef { labels: string[]; labelname: string; oid: string; type: string }
interface MetricDef {
  name: string; oid: string; type: string; help: string;
  indexes?: IndexDef[]; lookups?: LookupDef[];
  regex_extracts?: Record<string, { regex: string; value: string }[]>;
}

/** The exporter's index type of a key attribute. */
function indexOf(idx: ModelIndex, cls: ObjectClass, attr: Attribute): IndexDef {
  return { labelname: labelName(cls, attr), ...scalarOf(attr.type).prometheus.exporter.index(attr.type, idx) };
}

/**
 * Label of a resource or alarm-type column looked up for a row: as on /metrics, except that the exporter
 * can only give an alarm type's OID (AutonomousType), so that label says so (type_oid).
 */
function lookupLabel(attr: Attribute): string {
  return attr.type.base === 'alarmType' ? `${snake(attr.name)}_oid` : snake(attr.name);
}

function metricType(attr: Attribute): string {
  return scalarOf(attr.type).prometheus.exporter.type;
}

function helpOf(attr: Attribute): string {
  const t = attr.type;
  let help = attr.description + scalarOf(t).prometheus.exporter.help(t);
  if (attr.units && t.base !== 'timestamp') help += ` Units: ${attr.units}.`;
  return help;
}

/** Classes of the module: rendered in the MIB, not records, with at least one metric. */
function exportedClasses(idx: ModelIndex): { cls: ObjectClass; attrs: Attribute[] }[] {
  const out: { cls: ObjectClass; attrs: Attribute[] }[] = [];
  for (const cls of idx.model.classes) {
    if (idx.mibRendering(cls) === 'none' || idx.ancestry(cls).some((c) => RECORD_CLASSES.includes(c.name))) continue;
    const attrs = mibAttributes(cls).filter((a) => isMetricAttribute(cls, a));
    if (attrs.length) out.push({ cls, attrs });
  }
  return out;
}

export function snmpExporterModule(model: InformationModel): { walk: string[]; metrics: MetricDef[] } {
  const idx = new ModelIndex(model);
  const walk: string[] = [];
  const metrics: MetricDef[] = [];
  for (const { cls, attrs } of exportedClasses(idx)) {
    const table = idx.mibRendering(cls) === 'table';
    const indexes = table ? idx.mibIndex(cls).map((k) => indexOf(idx, k.cls, k.attr)) : [];
    const lookups: LookupDef[] = !table ? [] : mibAttributes(cls)
      .filter((a) => (a.type.base === 'resource' || a.type.base === 'alarmType') && !idx.isIndexColumn(cls, a))
      .map((a) => ({ labels: indexes.map((i) => i.labelname), labelname: lookupLabel(a), oid: idx.attributeOid(cls, a), type: 'DisplayString' }));
    // the columns (or scalars) used, not whole tables: text columns (enode ids, hashes) would be most of the traffic
    walk.push(...attrs.map((a) => idx.attributeOid(cls, a)), ...lookups.map((l) => l.oid));
    for (const a of attrs) {
      const m: MetricDef = { name: idx.mibDescriptor(cls, a), oid: idx.attributeOid(cls, a), type: metricType(a), help: helpOf(a) };
      if (indexes.length) m.indexes = indexes;
      if (lookups.length) m.lookups = lookups;
      if (a.type.base === 'bigDecimal') m.regex_extracts = { '': [{ regex: '^([0-9]+(\\.[0-9]+)?)$', value: '$1' }] };
      metrics.push(m);
    }
  }
  return { walk, metrics };
}

/** The text of nms/prometheus/snmp.yml. */
export function renderSnmpExporter(model: InformationModel): string {
  const mod = snmpExporterModule(model);
  const doc = new Document({
    [SNMP_EXPORTER_MODULE]: {
      walk: mod.walk,
      version: 2,
      max_repetitions: 25,
      retries: 3,
      timeout: '5s',
      auth: { community: 'public' },
      metrics: mod.metrics,
    },
  }, { aliasDuplicateObjects: false });
  const header = [
    `# prometheus-snmp-exporter 0.21 module "${SNMP_EXPORTER_MODULE}" for ${model.module.mibName} (the bcmgmt bridge's SNMP agent).`,
    '# Generated from src/model by npm run generate: do not edit; see docs/nms.md (Prometheus).',
    `# ${model.module.rootOidNote}`,
    '# Set auth.community (or version 3 with auth.username, security_level, password...) to the agent\'s.',
  ].join('\n');
  return `${header}\n${doc.toString({ lineWidth: 0 })}`;
}
