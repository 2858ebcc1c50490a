/**
 * /metrics benchmark: the Prometheus exposition of a bridge managing 100 nodes with 20 peers each
 * (synthetic instances in the live tree, as bench/netconf-get.ts builds them).
 *
 *   node dist/bench/metrics.js [--iterations N]
 *
 * Reports the size of the exposition (bytes, samples) and median / p99 of
 *   - the render (walk the tree, encode the text), in process;
 *   - a GET /metrics over HTTP on loopback with basic authentication (what a Prometheus scrape costs the bridge).
 * Nothing leaves the loopback interface; the bench stops by itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import type { ConfigObject } from '../src/config/document';
import { renderMetrics } from '../src/http/metrics';
import { createNetconfView } from '../src/netconf';
import { READER, fillSynthetic, httpRequest, usersConfig } from '../test/support/netconf';

const NODES = 100;
const PEERS = 20;

function stats(ms: number[]): { median: number; p99: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: s[0], max: s[s.length - 1] };
}

const fmt = (x: number): string => x.toFixed(2);

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 200;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-bench-metrics-'));
  // one network of 100 nodes, administratively locked so that the collector does not poll the fake endpoints
  const seed: ConfigObject = {
    configuration: usersConfig(),
    networks: [{ name: 'net0', platform: 'ethereum', adminState: 'locked', pollInterval: 5,
      nodes: Array.from({ length: NODES }, (_, i) => ({ name: `node${i}`, endpoint: `http://127.0.0.1:${10000 + i}` })) }],
  };
  const bridge = new Bridge({ dataDir, seed });
  const view = createNetconfView(bridge, { sshPort: 0, httpPort: 0, address: '127.0.0.1' });
  bridge.addView(view);
  await bridge.start();
  fillSynthetic(bridge.tree, 1, NODES, PEERS);

  let text = '';
  for (let i = 0; i < 20; i++) text = renderMetrics(bridge.tree); // warm-up
  const render: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    text = renderMetrics(bridge.tree);
    render.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const bytes = Buffer.byteLength(text);
  const samples = text.split('\n').filter((l) => l && !l.startsWith('#')).length;

  const get: number[] = [];
  for (let i = 0; i < N + 10; i++) {
    const t = process.hrtime.bigint();
    const r = await httpRequest(view.httpPort, { method: 'GET', path: '/metrics', user: READER });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 200 || Buffer.byteLength(r.body) < bytes / 2) throw new Error(`GET /metrics: ${r.status} ${r.body.slice(0, 200)}`);
    if (i >= 10) get.push(ms);
  }
  const cpu = process.cpuUsage();
  const result = {
    tree: { networks: 1, nodes: NODES, peersPerNode: PEERS },
    exposition: { bytes, samples },
    renderMs: { ...stats(render), n: render.length },
    httpGetMs: { ...stats(get), n: get.length },
    processCpuSeconds: (cpu.user + cpu.system) / 1e6,
    node: process.version,
    cpus: os.cpus().length,
  };
  console.log(`/metrics of ${NODES} nodes x ${PEERS} peers: ${(bytes / 1024).toFixed(0)} KiB, ${samples} samples`);
  console.log(`  render in process   median ${fmt(result.renderMs.median)} ms  p99 ${fmt(result.renderMs.p99)} ms  (n=${render.length})`);
  console.log(`  GET over HTTP       median ${fmt(result.httpGetMs.median)} ms  p99 ${fmt(result.httpGetMs.p99)} ms  (n=${get.length}, basic auth, loopback; the client runs in the same process)`);
  console.log(`  rendering for a scrape every 5 s takes ${fmt(result.renderMs.median / 50)} % of one core (median render / 5 s)`);
  console.log(JSON.stringify(result));
  await bridge.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
