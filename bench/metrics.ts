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
import * as os from 'node:os';
import { renderMetrics } from '../src/http/metrics';
import { READER, httpRequest } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const PEERS = 20;

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 200;
  const { bridge, view, stop } = await syntheticBridge(NODES, PEERS);

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
  await stop();
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
