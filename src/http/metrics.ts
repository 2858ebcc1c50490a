/**
 * GET /metrics: the live instance tree in the Prometheus text exposition format (0.0.4), every metric
 * of src/http/metrics-names.ts (derived from the model) with the instances that have a value. Absent values
 * are absent; nothing is cached (a render of 100 nodes x 20 peers is measured by bench/metrics.ts). The reply is written
 * family by family as it is rendered, in slices that give the event loop back (writeMetrics).
 */
import express from 'express';
import type { ScalarType } from '../model';
import { scalarOf } from '../model/scalars';
import type { Instance, InstanceTree, Scalar, Value } from '../state/tree';
import { ChunkedReply, ReplyAbortedError } from './chunked-reply';
import { EXPOSITION_CONTENT_TYPE, encodeFamilies, familyHead, labelSet, sampleLine } from './metrics-encoder';
import { Turns } from '../turns';
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

interface Row { readonly inst: Instance; readonly labels: string }

/** The rows of one class: each instance with its label set (keys of its path, then identities). */
function rowOf(c: (typeof classMetrics)[number], inst: Instance): Row {
  const keys = keyValues(inst);
  const pairs: [string, string][] = c.keys.map((k, i) => [k.label, keys[i] ?? '']);
  for (const id of c.identities) pairs.push([id.label, String(inst.get(id.attr.name) ?? '')]);
  return { inst, labels: labelSet(pairs) };
}

/** The families of the tree, in model order. */
export function metricFamilies(tree: InstanceTree): Family[] {
  const families: Family[] = [];
  for (const c of classMetrics) {
    const rows = tree.instances(c.cls.name).map((inst) => rowOf(c, inst));
    for (const m of c.metrics) families.push({ name: m.name, type: m.type, help: m.help, samples: samples(m, rows) });
  }
  return families;
}

function samples(m: MetricSpec, rows: readonly Row[]): Sample[] {
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

/**
 * The /metrics text written in slices into a reply (the same text as renderMetrics): family by family, giving the
 * event loop back between slices (at a thousand nodes with twenty peers each the exposition is megabytes).
 */
export async function writeMetrics(tree: InstanceTree, body: ChunkedReply, turns: Turns): Promise<void> {
  for (const c of classMetrics) {
    const rows: Row[] = [];
    for (const inst of tree.instances(c.cls.name)) {
      if (turns.due()) await turns.next();
      rows.push(rowOf(c, inst));
    }
    for (const m of c.metrics) {
      // the lines of one family straight into the reply (encodeFamily's text, without its samples array)
      let head: string | undefined = familyHead({ name: m.name, type: m.type, help: m.help });
      for (let i = 0; i < rows.length; i++) {
        const value = metricValue(m.attr.type, rows[i].inst.get(m.attr.name), m.scale);
        if (value === undefined) continue;
        if (head !== undefined) { body.push(head); head = undefined; }
        body.push(sampleLine(m.name, rows[i].labels, value));
        if ((i & 255) === 255) {
          if (body.full) await body.flush();
          if (turns.due()) await turns.next();
        }
      }
      if (body.full) await body.flush();
    }
  }
}

/** Mounts GET /metrics on the HTTP server: any authenticated user may read it. */
export function mountMetrics(host: HttpHost, tree: InstanceTree): void {
  const router = express.Router();
  router.get('/metrics', host.auth, (_req, res, next) => {
    res.status(200).set('Content-Type', EXPOSITION_CONTENT_TYPE);
    const body = new ChunkedReply(res);
    writeMetrics(tree, body, new Turns()).then(() => body.end()).catch((e: unknown) => {
      if (e instanceof ReplyAbortedError) return; // the scraper went away
      next(e);
    });
  });
  router.all('/metrics', (_req, res) => { res.status(405).set('Allow', 'GET').type('text/plain').send('use GET\n'); });
  host.mount(router);
}
