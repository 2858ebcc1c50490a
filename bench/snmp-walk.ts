/**
 * SNMP agent benchmark (issue: SNMP view), against Debian's snmpd in the same run:
 * 1. snmpbulkwalk -Cr50 of >= 20,000 varbinds: our agent over a tree of 100 nodes x 20 peers (synthetic
 *    instances), snmpd walked in full (repeated until >= 20,000 varbinds): varbinds/s and the ratio.
 * 2. GET latency p50/p99 with 4 concurrent pollers (3 varbinds per GET).
 * 3. RSS of each agent process.
 * Each agent runs in its own process; the clients run here.
 * Run: npm run build && node dist/bench/snmp-walk.js [seconds of polling, default 5]
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { modelIndex } from '../src/model';
import { run, runSyntheticAgent, startSnmpd } from '../test/support/snmp';
import { poll } from './snmp-poll';

const NETWORKS = 5;
const NODES_PER_NETWORK = 20;
const PEERS = 24;


function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface WalkResult { varbinds: number; walks: number; seconds: number }

/** snmpbulkwalk -Cr50 of root, repeated until at least min varbinds were returned. */
async function walk(port: number, root: string, min: number): Promise<WalkResult> {
  let varbinds = 0;
  let walks = 0;
  let ms = 0;
  while (varbinds < min) {
    const r = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-m', '', '-On', '-Oq', '-Cr50', '-t', '5', `127.0.0.1:${port}`, root], { timeoutMs: 300000 });
    if (r.code !== 0) throw new Error(`snmpbulkwalk failed: ${r.stderr}`);
    const n = r.stdout.split('\n').filter((l) => l.startsWith('.')).length;
    if (n === 0) throw new Error('empty walk');
    varbinds += n;
    walks++;
    ms += r.ms;
  }
  return { varbinds, walks, seconds: ms / 1000 };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '5');
  const child = fork(__filename, ['--agent'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const info = await new Promise<{ port: number; pid: number }>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { port: number; pid: number })));
  process.on('exit', () => child.kill('SIGTERM'));
  const snmpd = await startSnmpd('public');
  const snmpdPid = snmpd.pid;
  try {
    // warm-up (JIT, caches) on both
    await walk(info.port, modelIndex.rootOid, 1);
    await walk(snmpd.port, '.1.3.6.1.2.1.1', 1);
    // three rounds, interleaved; the median round of each agent is reported
    const oursRuns: WalkResult[] = [];
    const theirRuns: WalkResult[] = [];
    for (let i = 0; i < 3; i++) {
      oursRuns.push(await walk(info.port, '.1', 20000));
      theirRuns.push(await walk(snmpd.port, '.1', 20000));
    }
    const median = (runs: WalkResult[]): WalkResult => runs.slice().sort((x, y) => x.varbinds / x.seconds - y.varbinds / y.seconds)[1];
    const ours = median(oursRuns);
    const theirs = median(theirRuns);
    // what one run of the client costs besides the walk itself (process start, one request)
    const startup = (await run('snmpget', ['-v2c', '-c', 'public', '-m', '', `127.0.0.1:${snmpd.port}`, '1.3.6.1.2.1.1.3.0'])).ms;
    const root = modelIndex.rootOid;
    const height = `${root}.1.3.1.18.4.110.101.116.48.5.110.111.100.101.55`; // bcmNodeHeight."net0"."node7"
    const bytesIn = `${root}.1.4.1.8.4.110.101.116.51.6.110.111.100.101.49.50.17`; // bcmPeerBytesIn."net3"."node12".17
    const ourLat = await poll(info.port, ['1.3.6.1.2.1.1.3.0', height, bytesIn], seconds);
    const theirLat = await poll(snmpd.port, ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.2.1.10.1'], seconds);
    const ourRss = rssMb(info.pid);
    const theirRss = Number.isFinite(snmpdPid) ? rssMb(snmpdPid) : NaN;
    const rate = (w: WalkResult): number => w.varbinds / w.seconds;
    const f = (n: number, d = 0): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    const rows = [
      ['agent', 'walk varbinds', 'walks', 'seconds', 'varbinds/s', 'GET p50 ms', 'GET p99 ms', 'GETs/s (4 pollers)', 'RSS MB'],
      ['bcmgmt', String(ours.varbinds), String(ours.walks), f(ours.seconds, 2), f(rate(ours)), f(ourLat.p50, 3), f(ourLat.p99, 3), f(ourLat.rate), f(ourRss, 1)],
      ['snmpd (Debian)', String(theirs.varbinds), String(theirs.walks), f(theirs.seconds, 2), f(rate(theirs)), f(theirLat.p50, 3), f(theirLat.p99, 3), f(theirLat.rate), f(theirRss, 1)],
      ['ratio ours/snmpd', '', '', '', f(rate(ours) / rate(theirs), 2), f(ourLat.p50 / theirLat.p50, 2), f(ourLat.p99 / theirLat.p99, 2), f(ourLat.rate / theirLat.rate, 2), f(ourRss / theirRss, 2)],
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    console.log(`SNMP walk and GET benchmark: our tree ${NETWORKS * NODES_PER_NETWORK} nodes x ${PEERS} peers (synthetic); snmpbulkwalk -Cr50, v2c, loopback`);
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    console.log(`walks: median of 3 rounds; snmpd's MIB is smaller than 20,000 varbinds, so it is walked ${theirs.walks} times per round ` +
      `(one client process start costs about ${startup} ms, included in its seconds)`);
  } finally {
    child.kill('SIGTERM');
    await snmpd.stop();
  }
}

if (process.argv.includes('--agent')) void runSyntheticAgent(NETWORKS, NODES_PER_NETWORK, PEERS);
else main().catch((e: Error) => { console.error(e.stack); process.exit(1); });
