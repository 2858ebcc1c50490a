/**
 * nms/prometheus/bcmgmt-rules.yml: Prometheus alerting rules, one per alarm type of the model, and
 * nms/prometheus/prometheus.example.yml, a scrape configuration for both sources.
 *
 * Each rule is named Bcm<AlarmType>, carries severity = the alarm type's default severity (X.733 name) and
 * alarm_type, and waits the alarm type's default hold-down (`for`). Where metrics express the condition,
 * the rule evaluates it itself from the default raise level; the expression takes the series of /metrics
 * and of the snmp_exporter module alike (`or`, then aggregated by the instance labels), so the rules
 * work with either source or both, without duplicate alerts. An alarm type whose condition needs
 * configuration that is not a metric (an expected block interval, a quorum) mirrors the bridge's own alarm
 * list instead: the alarm is active in the bridge.
 */
import { Document } from 'yaml';
import type { AlarmType, InformationModel } from '../../src/model';
import { ModelIndex, pascal } from '../../src/model';
import { labelsOf, metricFor } from '../../src/http/metrics-names';
import { SNMP_EXPORTER_MODULE } from './snmp-exporter';

export const RULES_FILE = 'bcmgmt-rules.yml';

/** The series of one attribute from both sources: `(bcm_x or bcmX)`. */
interface Series { readonly expr: string; readonly by: string }

interface Condition {
  /** PromQL that is non-empty while the condition holds. */
  readonly expr: string;
  /** What the rule checks, for the description. */
  readonly text: string;
  /** Label naming the instance in the summary. */
  readonly who: string;
}

interface Names {
  /** Series of cls.attr from both sources, and the labels to aggregate by. */
  series(cls: string, attr: string): Series;
  /** The metric names of cls.attr on /metrics and in the snmp_exporter module. */
  names(cls: string, attr: string): { native: string; snmp: string };
  enumValue(cls: string, attr: string, name: string): number;
}

type ConditionOf = (at: AlarmType, n: Names) => Condition;

/**
 * Conditions of the alarm types that metrics express, from the alarm type's default levels. A name here
 * that is not an alarm type of the model, or an attribute that is not a metric, fails the generator.
 */
const CONDITIONS: Readonly<Record<string, ConditionOf>> = {
  nodeUnreachable: (_at, n) => {
    const r = n.series('node', 'reachability');
    return { expr: `max by (${r.by}) ${r.expr} == ${n.enumValue('node', 'reachability', 'unreachable')}`, text: 'the node\'s reachability is unreachable (its last poll failed)', who: 'node' };
  },
  ledgerSyncLag: (at, n) => {
    const r = n.series('nodeLedgerState', 'lag');
    return { expr: `max by (${r.by}) ${r.expr} >= ${at.levels.defaultRaise}`, text: `the node is ${at.levels.defaultRaise} blocks or more behind the network`, who: 'node' };
  },
  peerCountLow: (at, n) => {
    const r = n.series('node', 'peerCount');
    return { expr: `max by (${r.by}) ${r.expr} < ${at.levels.defaultRaise}`, text: `the node has fewer than ${at.levels.defaultRaise} peers`, who: 'node' };
  },
  forkDetected: (_at, n) => {
    const r = n.series('chainTip', 'status');
    return { expr: `count by (network, ledger) (${r.expr} == ${n.enumValue('chainTip', 'status', 'validFork')}) > 0`, text: 'a chain tip has the status validFork', who: 'ledger' };
  },
  txPoolSaturation: (at, n) => {
    const r = n.series('txPool', 'pending');
    return { expr: `max by (${r.by}) ${r.expr} >= ${at.levels.defaultRaise}`, text: `the pool holds ${at.levels.defaultRaise} pending transactions or more`, who: 'node' };
  },
  contractFailureRate: (at, n) => {
    const rate = (failed: string, calls: string): string => `100 * increase(${failed}[10m]) / increase(${calls}[10m])`;
    const failed = n.names('contract', 'failedCalls');
    const calls = n.names('contract', 'calls');
    return {
      expr: `max by (network, address) (${rate(failed.native, calls.native)} or ${rate(failed.snmp, calls.snmp)}) >= ${at.levels.defaultRaise}`,
      text: `${at.levels.defaultRaise} % or more of the contract's calls in the last 10 minutes reverted`, who: 'address',
    };
  },
  crossChainBacklogStuck: (_at, n) => {
    const r = n.series('crossChainChannel', 'relayerState');
    return { expr: `max by (${r.by}) ${r.expr} == ${n.enumValue('crossChainChannel', 'relayerState', 'stalled')}`, text: 'messages are pending and none was delivered within the channel\'s stuck threshold', who: 'cross_chain_channel' };
  },
  thresholdCrossed: (_at, n) => {
    const r = n.series('threshold', 'crossedCount');
    return { expr: `max by (${r.by}) ${r.expr} > 0`, text: 'a performance threshold is crossed on at least one resource', who: 'threshold' };
  },
};

function ruleFor(idx: ModelIndex, at: AlarmType): Record<string, unknown> {
  const names = (cls: string, attr: string): { native: string; snmp: string } => {
    const c = idx.cls(cls);
    if (idx.mibRendering(c) === 'none') throw new Error(`prometheus rules: ${cls} is not in the MIB`);
    return { native: metricFor(cls, attr).name, snmp: idx.mibDescriptor(c, idx.attr(c, attr)) };
  };
  const n: Names = {
    names,
    series: (cls, attr) => {
      const m = names(cls, attr);
      return { expr: `(${m.native} or ${m.snmp})`, by: labelsOf(cls).join(', ') };
    },
    enumValue: (cls, attr, name) => {
      const t = idx.attr(cls, attr).type;
      const v = t.base === 'enum' ? t.values.find((x) => x.name === name) : undefined;
      if (!v) throw new Error(`prometheus rules: ${cls}.${attr} has no enumeration value ${name}`);
      return v.value;
    },
  };
  const of = CONDITIONS[at.name];
  let cond: Condition;
  if (of) cond = of(at, n);
  else {
    const alarm = idx.cls('alarm');
    const notCleared = idx.attr(alarm, 'isCleared');
    const oid = idx.alarmTypeOid(at);
    cond = {
      expr: `count by (resource) (${metricFor('alarm', notCleared.name).name}{type="${at.name}"} == 0 or ${idx.mibDescriptor(alarm, notCleared)}{type_oid="${oid}"} == 2) > 0`,
      text: 'the bridge\'s alarm list holds an active alarm of this type (its detector needs configuration that is not a metric)', who: 'resource',
    };
  }
  const rule: Record<string, unknown> = { alert: `Bcm${pascal(at.name)}`, expr: cond.expr };
  if (at.levels.defaultHoldDown > 0) rule.for = `${at.levels.defaultHoldDown}s`;
  rule.labels = { severity: at.defaultSeverity, alarm_type: at.name };
  rule.annotations = {
    summary: `${at.specificProblem} ({{ $labels.${cond.who} }})`,
    description: `${at.description} Fires when ${cond.text}.`,
  };
  return rule;
}

export function renderPrometheusRules(model: InformationModel): string {
  const idx = new ModelIndex(model);
  for (const name of Object.keys(CONDITIONS)) if (!model.alarmTypes.some((t) => t.name === name)) throw new Error(`prometheus rules: ${name} is not an alarm type`);
  const doc = new Document({ groups: [{ name: 'bcmgmt-alarm-types', rules: model.alarmTypes.map((t) => ruleFor(idx, t)) }] }, { aliasDuplicateObjects: false });
  return `# Prometheus alerting rules for the bcmgmt bridge, one per alarm type of ${model.module.mibName}.\n` +
    '# Generated from src/model by npm run generate: do not edit; see docs/nms.md (Prometheus).\n' +
    `# The expressions read the bridge's /metrics and the snmp_exporter module "${SNMP_EXPORTER_MODULE}" alike.\n` +
    doc.toString({ lineWidth: 0 });
}

/** A prometheus.yml for both sources: the bridge's /metrics (basic auth) and the exporter's module. */
export function renderPrometheusExample(): string {
  const doc = new Document({
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: [RULES_FILE],
    scrape_configs: [
      {
        job_name: 'bcmgmt-metrics',
        metrics_path: '/metrics',
        basic_auth: { username: 'prometheus', password_file: 'bcmgmt-metrics.password' },
        static_configs: [{ targets: ['127.0.0.1:8080'] }],
      },
      {
        job_name: 'bcmgmt-snmp',
        metrics_path: '/snmp',
        params: { module: [SNMP_EXPORTER_MODULE] },
        static_configs: [{ targets: ['127.0.0.1:1161'] }],
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: 'instance' },
          { target_label: '__address__', replacement: '127.0.0.1:9116' },
        ],
      },
    ],
  }, { aliasDuplicateObjects: false });
  return '# Example prometheus.yml for the bcmgmt bridge (docs/nms.md, Prometheus). Generated by npm run generate.\n' +
    '#   bcmgmt-metrics: the bridge\'s /metrics on its HTTP port (httpPort, default 8080), as a managementUsers user\n' +
    '#     (readOnly is enough) whose password is in bcmgmt-metrics.password beside this file;\n' +
    `#   bcmgmt-snmp: the bridge's SNMP agent (snmpPort, default 1161) through prometheus-snmp-exporter (127.0.0.1:9116) with snmp.yml, module ${SNMP_EXPORTER_MODULE}.\n` +
    '# Scrape one of them, or both: the rules do not alert twice.\n' +
    doc.toString({ lineWidth: 0 });
}
