/**
 * Helpers of the Prometheus tests: Debian's prometheus, promtool and prometheus-snmp-exporter run on free
 * loopback ports (every process is stopped by its PID), the HTTP API, and a tree holding a value for every
 * metric of the model.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelIndex } from '../../src/model';
import type { ObjectClass, ScalarType } from '../../src/model';
import { classMetrics } from '../../src/http/metrics-names';
import type { InstanceTree, PathSeg, Scalar, Value } from '../../src/state/tree';
import { freePort } from '../support/litecoind';

export interface ToolRun { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** Runs a command to its end (stdin given), without blocking the event loop. */
export function runTool(cmd: string, args: readonly string[], stdin = '', timeoutMs = 60_000): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    p.stdin.end(stdin);
  });
}

/** A server process on a loopback port, with its output; stop() kills it by its PID and waits for the exit. */
export interface Server {
  readonly port: number;
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

export function startServer(cmd: string, args: readonly string[], port: number): Server {
  const p: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => { out = (out + d.toString('utf8')).slice(-20_000); };
  p.stdout!.on('data', keep);
  p.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => p.once('close', () => resolve()));
  return {
    port, pid: p.pid ?? 0, output: () => out,
    stop: async () => {
      if (p.exitCode !== null || p.signalCode !== null) return;
      process.kill(p.pid!, 'SIGTERM');
      const t = setTimeout(() => { if (p.exitCode === null) process.kill(p.pid!, 'SIGKILL'); }, 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export { freePort };

/** GET on 127.0.0.1 (basic auth when user is given). */
export function httpGet(port: number, urlPath: string, user?: { name: string; password: string }): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = user ? { Authorization: `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}` } : {};
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export interface PromSample { readonly metric: Record<string, string>; readonly value: [number, string] }
export interface PromAlert { readonly labels: Record<string, string>; readonly state: string; readonly annotations: Record<string, string> }

/** Prometheus's HTTP API: an instant query's vector. */
export async function promQuery(port: number, query: string): Promise<PromSample[]> {
  const r = await httpGet(port, `/api/v1/query?query=${encodeURIComponent(query)}`);
  const o = JSON.parse(r.body) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
  if (o.status !== 'success' || !o.data) throw new Error(`query ${query}: ${r.body}`);
  return o.data.result;
}

/** Prometheus's HTTP API: the alerts (pending and firing). */
export async function promAlerts(port: number): Promise<PromAlert[]> {
  const r = await httpGet(port, '/api/v1/alerts');
  const o = JSON.parse(r.body) as { status: string; data?: { alerts: PromAlert[] } };
  if (o.status !== 'success' || !o.data) throw new Error(`alerts: ${r.body}`);
  return o.data.alerts;
}

// ---- a tree with every metric -------------------------------------------------------------------------

/** A sample value of a type, different for each n (so that label sets differ). */
function sampleValue(type: ScalarType, n: number): Value {
  switch (type.base) {
    case 'name': return `k${n}`;
    case 'text': case 'uri': case 'resource': return `text ${n} "quoted" \\ back\nslash`;
    case 'hex': return `0x${n.toString(16).padStart(2 * (type.fixedLength ?? 4), '0')}`;
    case 'bigDecimal': return `${1000000000000000000n * BigInt(n)}`;
    case 'boolean': return n % 2 === 0;
    case 'enum': return type.values[n % type.values.length].name;
    case 'timestamp': return Date.UTC(2026, 0, 1) + n * 1000;
    case 'alarmType': return modelIndex.model.alarmTypes[n % modelIndex.model.alarmTypes.length].name;
    case 'counter64': case 'gauge64': return BigInt(n) * 1000n + 7n;
    case 'milli': case 'level': return n + 0.125;
    default: return n + 1;
  }
}

/** The path of an instance of cls with key values from n. */
function pathOf(cls: ObjectClass, n: number): PathSeg[] {
  return modelIndex.ancestry(cls).slice(1).map((c) => (c.kind === 'list'
    ? { cls: c.name, keys: (c.keys ?? []).map((k) => sampleValue(modelIndex.attr(c, k).type, n) as Scalar) }
    : { cls: c.name }));
}

/** Two instances of every class with metrics (one of a keyless container of the root), every metric attribute and identity set. */
export function fillEveryMetric(tree: InstanceTree): void {
  for (const c of classMetrics) {
    for (const n of [1, 2]) {
      const values: Record<string, Value> = {};
      for (const m of c.metrics) values[m.attr.name] = sampleValue(m.attr.type, n);
      for (const id of c.identities) values[id.attr.name] = sampleValue(id.attr.type, n);
      tree.set(pathOf(c.cls, n), values);
    }
  }
}
