/**
 * GET /metrics: the live instance tree in the Prometheus text exposition format (0.0.4), every metric
 * of src/http/metrics-names.ts (derived from the model) with the instances that have a value. Absent values
 * are absent; nothing is cached (a render of 100 nodes x 20 peers is measured by bench/metrics.ts).
 */
import express from 'express';
import type { ScalarType } from '../model';
import { scalarOf } from '../model/scalars';
import type { Instance, InstanceTree, Scalar, Value } from '../state/tree';
import { EXPOSITION_CONTENT_TYPE, encodeFamilies, labelSet } from './metrics-encoder';
import type { Family, Sample } from './metrics-encoder';
import { classMetrics } from './metrics-names';
import type { MetricSpec } from './metrics-names';
import type { HttpHost } from './server';

/** The number a tree value stands for, or undefined when it is not one. */
export function metricValue(type: ScalarType, v: Value | undefined, scale = 1): number | bigint | undefined {
  if (v === undefined || Array.isArray(v)) return undefined;
  return scalarOf(type).prometheus.value(type, v as Scalar, scale);
}

function keyValues(inst: Instance): string[] {
  const out: string[] = [];
  for (const seg of inst.path()) for (const k of seg.keys ?? []) out.push(String(k));
  return out;
}

/** The families of the tree, in model order. */
export function metricFamilies(tree: InstanceTree): Family[] {
  const families: Family[] = [];
  for (const c of classMetrics) {
    const rows = tree.instances(c.cls.name).map((inst) => {
      const keys = keyValues(inst);
      const pairs: [string, string][] = c.keys.map((k, i) => [k.label, keys[i] ?? '']);
      for (const id of c.identities) pairs.push([id.label, String(inst.get(id.attr.name) ?? '')]);
      return { inst, labels: labelSet(pairs) };
    });
    for (const m of c.metrics) families.push({ name: m.name, type: m.type, help: m.help, samples: samples(m, rows) });
  }
  return families;
}

function samples(m: MetricSpec, rows: readonly { inst: Instance; labels: string }[]): Sample[] {
  const out: Sample[] = [];
  for (const r of rows) {
    const value = metricValue(m.attr.type, r.inst.get(m.attr.name), m.scale);
    if (value !== undefined) out.push({ labels: r.labels, value });
  }
  return out;
}

/** The /metrics text of the tree. */
export function renderMetrics(tree: InstanceTree): string {
  return encodeFamilies(metricFamilies(tree));
}

/** Mounts GET /metrics on the HTTP server: any authenticated user may read it. */
export function mountMetrics(host: HttpHost, tree: InstanceTree): void {
  const router = express.Router();
  router.get('/metrics', host.auth, (_req, res) => { res.set('Content-Type', EXPOSITION_CONTENT_TYPE).send(renderMetrics(tree)); });
  router.all('/metrics', (_req, res) => { res.status(405).set('Allow', 'GET').type('text/plain').send('use GET\n'); });
  host.mount(router);
}
