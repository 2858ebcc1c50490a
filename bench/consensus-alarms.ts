/**
 * Consensus alarms benchmark: the cost of one detector pass (what the fault manager's timer does every
 * second, and after each poll) over a beacon network with N configured validators (default 1,000, the
 * model's bound), against a reference in the same run: the same network with no validator rows.
 * Each round moves the slot on, and one validator in a hundred misses a proposal (one missedProposal event
 * each) and flips between offline and live, so the pass does the work of a live chain, not a still one.
 * Figures: median and p99 pass time, the share of one core at one pass per second, events sent, memo writes.
 * Run: npm run build && node dist/bench/consensus-alarms.js [validators] [rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import { createFaultManager } from '../src/fault';
import type { Path } from '../src/state/tree';

const VALIDATORS = Number(process.argv[2] ?? '1000');
const ROUNDS = Number(process.argv[3] ?? '200');

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Run { p50: number; p99: number; cpuMsPerPass: number; events: number; alarms: number; memoWrites: number }

async function run(validators: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcmgmt-bench-cons-'));
  let t = Date.now();
  const bridge = new Bridge({ dataDir: dir, seed: {} });
  // The network is configured (so the collector makes its rows) but not polled: the bench writes what a poll writes.
  bridge.datastore.commit('running', {
    networks: [{ name: 'pos', platform: 'ethereum', pollInterval: 2, nodes: [{ name: 'bn1', endpoint: 'http://127.0.0.1:9' }] }],
    fault: { alarmPolicies: [{ type: 'blockProductionStalled', enabled: false }, { type: 'peerCountLow', enabled: false }] },
  }, { user: 'bench', source: 'file' });
  const fm = createFaultManager(bridge, { now: () => t, tickMs: 0 });
  await fm.start();
  let events = 0;
  bridge.on('event', (e) => { if (e.name === 'missedProposal') events++; });
  const net: Path = [{ cls: 'network', keys: ['pos'] }];
  const cons: Path = [...net, { cls: 'consensus' }];
  bridge.tree.set(net, { reachableNodeCount: 1 });
  bridge.tree.set([...net, { cls: 'node', keys: ['bn1'] }], { reachability: 'reachable', syncDistance: 0n, syncing: false });
  bridge.tree.set(cons, { slot: 0n, epoch: 0n, windowSize: 100, epochsSinceFinality: 2, finalizedEpoch: 0n, participationRate: 100, validatorCount: validators, activeValidators: validators });
  const missed = new Array<bigint>(validators).fill(0n);
  for (let i = 0; i < validators; i++) {
    bridge.tree.set([...cons, { cls: 'validator', keys: [String(i)] }], { index: i, status: 'activeOngoing', missedSlots: 0n, offlineEpochs: 0, balance: 32000000000n });
  }
  const store = fm.list.persistence;
  let memoWrites = 0;
  const setMeta = store.setMeta.bind(store);
  store.setMeta = (k: string, v: string): void => { memoWrites++; setMeta(k, v); };
  const write = store.write.bind(store);
  store.write = (b): void => { memoWrites += b.meta.size; write(b); };
  fm.tick(); // baselines
  memoWrites = 0;
  const times: number[] = [];
  let cpuUs = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    t += 1000;
    bridge.tree.set(cons, { slot: BigInt(r), epoch: BigInt(Math.floor(r / 8)) });
    for (let i = r % 100; i < validators; i += 100) {
      missed[i]++;
      bridge.tree.set([...cons, { cls: 'validator', keys: [String(i)] }], { missedSlots: missed[i], offlineEpochs: (r / 100) % 2 === 0 ? 0 : 3 });
    }
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    fm.tick();
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await new Promise((r) => setImmediate(r));
  times.sort((a, b) => a - b);
  const out = { p50: quantile(times, 0.5), p99: quantile(times, 0.99), cpuMsPerPass: cpuUs / 1000 / ROUNDS, events, alarms: fm.list.size, memoWrites };
  await fm.stop();
  await bridge.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

async function main(): Promise<void> {
  const ref = await run(0);
  const res = await run(VALIDATORS);
  const ms = (x: number): string => x.toFixed(3);
  console.log(`reference, no validator rows: detector pass p50 ${ms(ref.p50)} ms, p99 ${ms(ref.p99)} ms, CPU ${ms(ref.cpuMsPerPass)} ms per pass`);
  console.log(`${VALIDATORS} validators: detector pass p50 ${ms(res.p50)} ms, p99 ${ms(res.p99)} ms, CPU ${ms(res.cpuMsPerPass)} ms per pass (${ROUNDS} rounds): ` +
    `${(res.cpuMsPerPass / 10).toFixed(2)} % of one core at one pass per second (the wall time includes the synchronous database writes)`);
  console.log(`${VALIDATORS} validators: ${res.events} missedProposal events, ${res.alarms} alarms in the list, ${res.memoWrites} memo writes`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
