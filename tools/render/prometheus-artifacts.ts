/** The Prometheus files of nms/prometheus/, rendered from the model (tools/generate.ts). */
import * as path from 'node:path';
import type { InformationModel } from '../../src/model';
import { RULES_FILE, renderPrometheusExample, renderPrometheusRules } from './prometheus-rules';
import { renderSnmpExporter } from './snmp-exporter';

export const PROMETHEUS_DIR = path.join('nms', 'prometheus');

export function prometheusArtifacts(model: InformationModel): { file: string; text: string }[] {
  return [
    { file: path.join(PROMETHEUS_DIR, 'snmp.yml'), text: renderSnmpExporter(model) },
    { file: path.join(PROMETHEUS_DIR, RULES_FILE), text: renderPrometheusRules(model) },
    { file: path.join(PROMETHEUS_DIR, 'prometheus.example.yml'), text: renderPrometheusExample() },
  ];
}
