/**
 * The Prometheus concern of the scalar type table: how a state attribute of each base appears on /metrics
 * (src/http/metrics*.ts) and in the prometheus-snmp-exporter module (tools/render/snmp-exporter.ts): as a
 * counter or a gauge sample, as an identity label of its row, or not at all; the number a tree value
 * stands for; and what the HELP says about the values.
 */
import type { ModelIndex } from '../lookup';
import type { PerBase, ScalarBase, ScalarOf, TreeScalar } from './base';
import { timestampMs } from './base';

/** counter and gauge: a sample of the attribute's own metric; identity: a label of the row's metrics. */
export type MetricRole = 'counter' | 'gauge' | 'identity' | 'none';

/** The exporter's index type of a key of the type (its `indexes` entry, without the label name). */
export interface ExporterIndex { readonly type: string; readonly fixed_size?: number; readonly enum_values?: Map<number, string> }

export interface PrometheusRendering<T> {
  readonly role: MetricRole;
  /** The number a tree value stands for on /metrics (scaled), or undefined when it is not one. */
  value(t: T, v: TreeScalar, scale: number): number | bigint | undefined;
  /** What the HELP of /metrics says about the values ('' for nothing). */
  help(t: T): string;
  readonly exporter: {
    /** The exporter's metric type of an object of the type (its value as on the wire). */
    readonly type: string;
    index(t: T, idx: ModelIndex): ExporterIndex;
    /** What the HELP of the exporter's metric says about the wire values ('' for nothing). */
    help(t: T): string;
  };
}

/** A number of a tree value: numbers, bigints and numeric text, scaled. */
function numeric(_t: unknown, v: TreeScalar, scale: number): number | undefined {
  if (typeof v === 'boolean') return undefined;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(String(v)) ? Number(v) : NaN;
  return Number.isFinite(n) ? n * scale : undefined;
}

/** A 64-bit value: kept exact when it is not scaled. */
function wide(t: unknown, v: TreeScalar, scale: number): number | bigint | undefined {
  return typeof v === 'bigint' && scale === 1 ? v : numeric(t, v, scale);
}

const none = (): string => '';
const gaugeIndex = (): ExporterIndex => ({ type: 'gauge' });
const displayString = (): ExporterIndex => ({ type: 'DisplayString' });
const enumHelp = (t: ScalarOf<'enum'>): string => ` Values: ${t.values.map((v) => `${v.value}=${v.name}`).join(', ')}.`;

/** A number on both sides; thousandths on the wire for milli and level. */
function gauge(exporterHelp = ''): PrometheusRendering<unknown> {
  return { role: 'gauge', value: numeric, help: none, exporter: { type: 'gauge', index: gaugeIndex, help: () => exporterHelp } };
}

/** A string type that is not a metric; a key of it is a DisplayString index. */
const label: PrometheusRendering<unknown> = {
  role: 'none', value: numeric, help: none, exporter: { type: 'gauge', index: displayString, help: none },
};

export const PROMETHEUS_RENDERINGS: PerBase<{ [B in ScalarBase]: PrometheusRendering<ScalarOf<B>> }> = {
  name: label, text: label, uri: label,
  resource: { ...label, role: 'identity' },
  hex: {
    role: 'none', value: numeric, help: none,
    exporter: {
      type: 'gauge', help: none,
      index: (t) => t.fixedLength !== undefined ? { type: 'OctetString', fixed_size: t.fixedLength } : { type: 'OctetString' },
    },
  },
  bigDecimal: { role: 'gauge', value: numeric, help: none, exporter: { type: 'DisplayString', index: displayString, help: none } },
  int32: gauge(), uint32: gauge(), gauge32: gauge(),
  counter64: { role: 'counter', value: wide, help: none, exporter: { type: 'counter', index: gaugeIndex, help: none } },
  gauge64: { role: 'gauge', value: wide, help: none, exporter: { type: 'gauge', index: gaugeIndex, help: none } },
  milli: gauge(' In thousandths.'),
  level: gauge(' In thousandths.'),
  boolean: {
    role: 'gauge',
    value: (_t, v) => v === true || v === 'true' ? 1 : v === false || v === 'false' ? 0 : undefined,
    help: () => ' 1 for true, 0 for false.',
    exporter: { type: 'gauge', index: gaugeIndex, help: () => ' TruthValue: 1 true, 2 false.' },
  },
  enum: {
    role: 'gauge',
    value: (t, v) => typeof v === 'number' ? v : t.values.find((e) => e.name === v)?.value,
    help: enumHelp,
    exporter: { type: 'gauge', index: (t) => ({ type: 'EnumAsInfo', enum_values: new Map(t.values.map((v) => [v.value, v.name])) }), help: enumHelp },
  },
  timestamp: {
    role: 'gauge',
    value: (_t, v) => { const ms = timestampMs(v); return Number.isFinite(ms) ? ms / 1000 : undefined; },
    help: () => ' Unix time in seconds.',
    exporter: { type: 'DateAndTime', index: gaugeIndex, help: () => ' Unix time in seconds.' },
  },
  alarmType: {
    role: 'identity', value: numeric, help: none,
    exporter: {
      type: 'gauge', help: none,
      index: (_t, idx) => ({ type: 'EnumAsInfo', enum_values: new Map(idx.model.alarmTypes.map((a) => [idx.alarmTypeIndex(a), a.name])) }),
    },
  },
};
