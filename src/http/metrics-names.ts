/**
 * The Prometheus rendering of the information model, derived from src/model only (no hand list of
 * attributes): which attributes are metrics, their names, types, units, labels and HELP. The /metrics
 * endpoint (src/http/metrics.ts) and the generated alerting rules (tools/render/prometheus-rules.ts) both
 * use it, so a metric name is computed in one place.
 *
 * Rules (docs/nms.md, "Prometheus"):
 *   - every numeric state attribute of a class is a metric: counters (counter64) are counters named
 *     `..._total`; every other number, boolean (0/1), enumeration and timestamp is a gauge;
 *   - name: bcm_<class>_<attribute>, snake_case (a count is named by its plural: peerCount → peers), then the base unit of Prometheus's conventions: model units
 *     in milliseconds, microseconds and days become `_seconds` (the value is scaled), octets `_bytes`,
 *     wei, gas and hashes per second keep their unit; counts (blocks, transactions, peers...) have no suffix;
 *     timestamps are unix seconds, `..._time_seconds` when the attribute is a time, `..._timestamp_seconds` otherwise;
 *   - enumerations are gauges holding the model's (and the MIB's) enumeration number, listed in the HELP,
 *     so that the same comparison works on /metrics and on the snmp_exporter's series;
 *   - labels: the keys of the instance (network, node, peer...), see labelName; attributes of type resource
 *     and alarmType are identities, rendered as labels of the row's metrics (an alarm says what it is about);
 *   - record and history tables (RECORD_CLASSES) are not rendered: each row is an event with its own
 *     time, which Prometheus keeps as history itself; a series per log record would only churn.
 */
import { modelIndex } from '../model';
import type { Attribute, ObjectClass, ScalarType } from '../model';
import { scalarOf } from '../model/scalars';

export const METRIC_PREFIX = 'bcm';

/** Tables whose rows are records of past events (log records, alarm status changes, closed PM intervals). */
export const RECORD_CLASSES: readonly string[] = ['logRecord', 'alarmStatusChange', 'pmInterval'];

/** Key attribute names that say nothing by themselves: such a key is labelled with its class's name. */
const GENERIC_KEYS = new Set(['name', 'index', 'id', 'number']);
/** Labels Prometheus attaches to every scraped series: a key label of that name is prefixed by its class. */
const RESERVED_LABELS = new Set(['job', 'instance', 'le', 'quantile']);

export type MetricType = 'counter' | 'gauge';

export interface LabelSpec {
  readonly label: string;
  readonly cls: ObjectClass;
  readonly attr: Attribute;
}

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly cls: ObjectClass;
  readonly attr: Attribute;
  /** Multiplier from the tree's value to the exposed value (unit scaling). */
  readonly scale: number;
}

export interface ClassMetrics {
  readonly cls: ObjectClass;
  /** Instance keys, root first. */
  readonly keys: readonly LabelSpec[];
  /** Attributes of the row rendered as labels (resource, alarm type). */
  readonly identities: readonly LabelSpec[];
  readonly metrics: readonly MetricSpec[];
}

/** camelCase → snake_case. */
export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** Whether values of the type are samples (a counter or a gauge) or identities (labels of their row). */
const isNumeric = (t: ScalarType): boolean => ['counter', 'gauge'].includes(scalarOf(t).prometheus.role);
const isIdentity = (t: ScalarType): boolean => scalarOf(t).prometheus.role === 'identity';

/** Model units → Prometheus base unit suffix and scale. Units not listed are counts: no suffix. */
const UNITS: Readonly<Record<string, { suffix: string; scale: number }>> = {
  seconds: { suffix: 'seconds', scale: 1 },
  milliseconds: { suffix: 'seconds', scale: 1e-3 },
  microseconds: { suffix: 'seconds', scale: 1e-6 },
  days: { suffix: 'seconds', scale: 86400 },
  octets: { suffix: 'bytes', scale: 1 },
  wei: { suffix: 'wei', scale: 1 },
  gas: { suffix: 'gas', scale: 1 },
  'hashes per second': { suffix: 'hashes_per_second', scale: 1 },
};

/** Label of a key attribute: the attribute's name, or its class's when the name is generic (index, name...). */
export function labelName(cls: ObjectClass, attr: Attribute): string {
  const own = snake(attr.name);
  if (GENERIC_KEYS.has(attr.name) || RESERVED_LABELS.has(own)) return snake(cls.name);
  return own;
}

/** Whether an attribute of a class is rendered as a metric. */
export function isMetricAttribute(cls: ObjectClass, attr: Attribute): boolean {
  return attr.access === 'state' && !attr.secret && !attr.multi && isNumeric(attr.type) && !(cls.keys ?? []).includes(attr.name);
}

const TYPE_WORDS: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary']);

/**
 * `_count` is reserved for histograms and summaries: a count attribute is named by its plural
 * (peerCount → peers, reachableNodeCount → reachable_nodes; a participle stays: crossedCount → crossed).
 */
function attributePart(attr: Attribute): string {
  // a metric name does not name a metric type (promtool): counterDiscontinuityTime → discontinuity_time
  const s = snake(attr.name).split('_').filter((w) => !TYPE_WORDS.has(w)).join('_');
  const m = /^(.*?)_count$/.exec(s);
  if (!m) return s;
  return /(ed|s)$/.test(m[1]) ? m[1] : `${m[1]}s`;
}

function metricOf(cls: ObjectClass, attr: Attribute): MetricSpec {
  const base = `${METRIC_PREFIX}_${snake(cls.name)}_${attributePart(attr)}`;
  let name = base;
  let scale = 1;
  if (attr.type.base === 'timestamp') name = /_time$/.test(base) ? `${base}_seconds` : `${base}_timestamp_seconds`;
  else {
    const u = attr.units ? UNITS[attr.units] : undefined;
    if (u) {
      scale = u.scale;
      if (!base.split('_').includes(u.suffix.split('_')[0])) name = `${base}_${u.suffix}`;
    }
  }
  const type: MetricType = scalarOf(attr.type).prometheus.role === 'counter' ? 'counter' : 'gauge';
  if (type === 'counter') name += '_total';
  let help = attr.description;
  help += scalarOf(attr.type).prometheus.help(attr.type);
  if (attr.units && !UNITS[attr.units] && attr.type.base !== 'timestamp') help += ` Unit: ${attr.units}.`;
  return { name, type, help, cls, attr, scale };
}

function build(): ClassMetrics[] {
  const out: ClassMetrics[] = [];
  for (const cls of modelIndex.model.classes) {
    if (modelIndex.ancestry(cls).some((c) => RECORD_CLASSES.includes(c.name))) continue;
    const metrics = cls.attributes.filter((a) => isMetricAttribute(cls, a)).map((a) => metricOf(cls, a));
    if (!metrics.length) continue;
    const keys = modelIndex.instanceKeys(cls).map((k) => ({ label: labelName(k.cls, k.attr), cls: k.cls, attr: k.attr }));
    const identities = cls.attributes.filter((a) => isIdentity(a.type) && !a.secret && !(cls.keys ?? []).includes(a.name))
      .map((a) => ({ label: snake(a.name), cls, attr: a }));
    out.push({ cls, keys, identities, metrics });
  }
  return out;
}

/** Every class rendered on /metrics, in model order. */
export const classMetrics: readonly ClassMetrics[] = build();

const byAttr = new Map<string, MetricSpec>();
for (const c of classMetrics) for (const m of c.metrics) byAttr.set(`${c.cls.name}.${m.attr.name}`, m);

/** The metric of cls.attr; throws when the attribute is not a metric (a renamed attribute breaks the generators loudly). */
export function metricFor(cls: string, attr: string): MetricSpec {
  const m = byAttr.get(`${cls}.${attr}`);
  if (!m) throw new Error(`${cls}.${attr} is not a metric of /metrics`);
  return m;
}

/** The labels of cls's metrics (keys, then identities). */
export function labelsOf(cls: string): string[] {
  const c = classMetrics.find((x) => x.cls.name === cls);
  if (!c) throw new Error(`class ${cls} has no metrics`);
  return [...c.keys, ...c.identities].map((l) => l.label);
}
