/**
 * Fault pipeline benchmark: alarm state changes per second with 1,000 alarms, end to end
 *   report() -> hold-down state machine -> alarm list (memory + instance tree) -> SQLite (WAL, synchronous=FULL)
 *   -> Bridge 'alarm' notice,
 * measured from the first report to the last notice received.
 *  1. bursts: every alarm changes state in the same event-loop turn (a detector pass after a poll),
 *     so one transaction carries many changes;
 *  2. one at a time: each change waits for its notice before the next is reported (one transaction per
 *     change): the latency of one change, and the rate when changes never share a transaction;
 *  3. severity changes of active alarms (bursts).
 * Run: npm run build && node dist/bench/fault-pipeline.js [alarms] [rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import type { AlarmNotice } from '../src/events';
import { createFaultManager } from '../src/fault';

const ALARMS = Number(process.argv[2] ?? '1000');
const ROUNDS = Number(process.argv[3] ?? '20');

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcmgmt-bench-fault-'));
  const bridge = new Bridge({ dataDir: dir, seed: { fault: { maxStatusChanges: 32 } } });
  await bridge.start();
  const fm = createFaultManager(bridge, { tickMs: 0 });
  await fm.start();
  let received = 0;
  let waiter: { n: number; resolve: () => void } | undefined;
  bridge.on('alarm', (_n: AlarmNotice) => {
    received++;
    if (waiter && received >= waiter.n) { const w = waiter; waiter = undefined; w.resolve(); }
  });
  const until = (n: number): Promise<void> => (received >= n ? Promise.resolve() : new Promise((resolve) => { waiter = { n, resolve }; }));
  const resource = (i: number): string => `network/bench/node/n${i}`;
  const report = (i: number, active: boolean, severity?: 'warning' | 'major'): void => fm.report({
    resource: resource(i), type: 'thresholdCrossed', qualifier: '', active, severity, text: `metric of n${i} ${active ? 'above' : 'below'} its threshold`,
    thresholdInfo: active ? 'value 150 >= 100' : 'value 40 <= 50',
  });
  const cpu0 = process.cpuUsage();

  // 1. bursts
  let t0 = process.hrtime.bigint();
  let expected = received;
  for (let r = 0; r < ROUNDS; r++) {
    const active = r % 2 === 0;
    for (let i = 0; i < ALARMS; i++) report(i, active);
    expected += ALARMS;
    await until(expected);
  }
  let s = Number(process.hrtime.bigint() - t0) / 1e9;
  const burstRate = (ROUNDS * ALARMS) / s;
  const flushes1 = fm.list.stats.flushes;

  // 2. one at a time
  const latencies: number[] = [];
  const ONE = Math.min(2000, ALARMS * 2);
  t0 = process.hrtime.bigint();
  for (let k = 0; k < ONE; k++) {
    const i = k % ALARMS;
    const a = fm.list.find(resource(i), 'thresholdCrossed', '');
    const start = process.hrtime.bigint();
    report(i, a === undefined || a.isCleared);
    expected++;
    await until(expected);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  s = Number(process.hrtime.bigint() - t0) / 1e9;
  const oneRate = ONE / s;
  latencies.sort((a, b) => a - b);

  // 3. severity changes of active alarms
  for (let i = 0; i < ALARMS; i++) report(i, true);
  await new Promise((r) => setImmediate(r));
  expected = received;
  t0 = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < ALARMS; i++) report(i, true, r % 2 === 0 ? 'major' : 'warning');
    expected += ALARMS;
    await until(expected);
  }
  s = Number(process.hrtime.bigint() - t0) / 1e9;
  const sevRate = (ROUNDS * ALARMS) / s;

  const cpu = process.cpuUsage(cpu0);
  const dbBytes = fs.statSync(path.join(dir, 'bcmgmt.db')).size;
  const result = {
    alarms: ALARMS,
    rounds: ROUNDS,
    burstChangesPerSecond: Math.round(burstRate),
    burstTransactions: flushes1,
    oneAtATimeChangesPerSecond: Math.round(oneRate),
    oneAtATimeLatencyMs: { p50: +quantile(latencies, 0.5).toFixed(3), p99: +quantile(latencies, 0.99).toFixed(3), max: +latencies[latencies.length - 1].toFixed(3) },
    severityChangesPerSecond: Math.round(sevRate),
    statusChangesKept: fm.list.all().reduce((n, a) => n + a.statusChanges.length, 0),
    alarmsInList: fm.list.size,
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    dbMiB: +(dbBytes / 1048576).toFixed(2),
    writeErrors: fm.list.stats.writeErrors,
  };
  console.log(JSON.stringify(result, null, 2));
  await fm.stop();
  await bridge.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
