/**
 * /metrics benchmark: the Prometheus exposition of a bridge managing 100 nodes with 20 peers each
 * (synthetic instances in the live tree, as bench/netconf-get.ts builds them).
 *
 *   node dist/bench/metrics.js [--iterations N]
 *
 * Reports the size of the exposition (bytes, samples) and median / p99 of
 *   - the render (walk the tree, encode the text), in process;
 *   - a GET /metrics over HTTP on loopback with basic authentication (what a Prometheus scrape costs the bridge);
 *   - when Debian's prometheus-snmp-exporter is installed, a scrape of the same tree through it with the
 *     generated module (nms/prometheus/snmp.yml), for comparison: the exporter's walks of the SNMP agent.
 * Nothing leaves the loopback interface; the bench stops by itself.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderMetrics } from '../src/http/metrics';
import { freePort, waitFor } from '../test/support/litecoind';
import { READER, httpRequest } from '../test/support/netconf';
import { haveCommand, projectRoot } from '../test/support/tools';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const PEERS = 20;

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 200;
  const { bridge, view, snmp, stop } = await syntheticBridge(NODES, PEERS, { snmp: true });

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
  const exporter = await exporterScrapes(snmp!.port, 10);
  const cpu = process.cpuUsage();
  const result = {
    tree: { networks: 1, nodes: NODES, peersPerNode: PEERS },
    exposition: { bytes, samples },
    renderMs: { ...stats(render), n: render.length },
    httpGetMs: { ...stats(get), n: get.length },
    ...(exporter ? { snmpExporterScrapeMs: { ...stats(exporter.ms), n: exporter.ms.length, bytes: exporter.bytes } } : {}),
    processCpuSeconds: (cpu.user + cpu.system) / 1e6,
    node: process.version,
    cpus: os.cpus().length,
  };
  console.log(`/metrics of ${NODES} nodes x ${PEERS} peers: ${(bytes / 1024).toFixed(0)} KiB, ${samples} samples`);
  console.log(`  render in process   median ${fmt(result.renderMs.median)} ms  p99 ${fmt(result.renderMs.p99)} ms  (n=${render.length})`);
  console.log(`  GET over HTTP       median ${fmt(result.httpGetMs.median)} ms  p99 ${fmt(result.httpGetMs.p99)} ms  (n=${get.length}, basic auth, loopback; the client runs in the same process)`);
  console.log(`  rendering for a scrape every 5 s takes ${fmt(result.renderMs.median / 50)} % of one core (median render / 5 s)`);
  if (exporter) console.log(`  snmp_exporter scrape median ${fmt(stats(exporter.ms).median)} ms  (n=${exporter.ms.length}, ${(exporter.bytes / 1024).toFixed(0)} KiB, module bcmgmt over SNMPv2c)`);
  else console.log('  (prometheus-snmp-exporter not installed: no SNMP comparison)');
  console.log(JSON.stringify(result));
  await stop();
}

/** Scrapes of the SNMP agent through prometheus-snmp-exporter with the generated module, or undefined without the exporter. */
async function exporterScrapes(snmpPort: number, n: number): Promise<{ ms: number[]; bytes: number } | undefined> {
  if (!haveCommand('prometheus-snmp-exporter')) return undefined;
  const port = await freePort();
  const p = spawn('prometheus-snmp-exporter', [`--config.file=${path.join(projectRoot, 'nms', 'prometheus', 'snmp.yml')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    await waitFor('snmp_exporter listening', async () => (await httpRequest(port, { method: 'GET', path: '/' })).status === 200, 20_000, 200);
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < n + 1; i++) {
      const t = process.hrtime.bigint();
      const r = await httpRequest(port, { method: 'GET', path: `/snmp?module=bcmgmt&target=127.0.0.1:${snmpPort}` });
      if (r.status !== 200 || !r.body.includes('bcmPeerPingTime{')) throw new Error(`snmp_exporter: ${r.status} ${r.body.slice(0, 300)}`);
      if (i > 0) ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      bytes = Buffer.byteLength(r.body);
    }
    return { ms, bytes };
  } finally {
    p.kill('SIGTERM');
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
