/**
 * Beacon benchmark (issue 13, performance). The Beacon API is served by a SYNTHETIC server in another
 * process (bench/beacon-api-process.ts: answers shaped like Lodestar 1.5.1's, generated from the clock;
 * mainnet's 32 slots an epoch, 2 s slots, 1,000,000 validators in the state): the Lodestar dev chain has 8
 * validators, too few to configure 1,000.
 * 1. Beacon API calls per poll with 100 configured validators (50 by index, 50 by public key), in steady
 *    state (one poll per new slot), on a chain 100 slots long and on one 10,000,000 slots long: the same.
 * 2. CPU (of one core) and RSS of a collector following 1,000 configured validators (500 + 500) at 2 s
 *    slots with the event stream, over S seconds, against the same collector following none (reference,
 *    same run). Target: under 10 % of one core.
 * 3. Where the Lodestar fixture is installed (test/fixtures/lodestar), the same on the REAL Lodestar dev
 *    chain (8 validators, 2 s slots): 1,000 configured indices, of which the 8 exist (the other 992 are asked
 *    for in every validator query and answered with nothing), against none configured.
 * Run: npm run build && node dist/bench/beacon.js [seconds]
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BeaconAdapter } from '../src/chains/beacon';
import { Collector } from '../src/collector/collector';
import { networkSettings } from '../src/config/settings';
import { InstanceTree } from '../src/state/tree';
import { LODESTAR, LodestarChain } from '../test/support/lodestar';

async function startApi(slotsAgo: number): Promise<{ url: string; stop(): void }> {
  const child = fork(path.join(__dirname, 'beacon-api-process.js'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, GENESIS_SLOTS_AGO: String(slotsAgo) } });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { url: string }).url)));
  return { url, stop: () => child.kill('SIGTERM') };
}

/** n configured ids: half indices, half public keys (the synthetic server's key of index i). */
function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i % 2 ? '0x' + (i * 37).toString(16).padStart(16, '0') + 'ab'.repeat(40) : String(i * 37)));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Calls of each of `polls` polls made one per new slot, after a warm-up poll (which judges the epoch so far). */
async function callsPerPoll(slotsAgo: number, polls: number): Promise<{ head: number; calls: number[] }> {
  const api = await startApi(slotsAgo);
  const a = new BeaconAdapter({ endpoint: api.url, timeoutMs: 5000, validators: ids(100) });
  try {
    let obs = await a.poll();
    await a.poll();
    const calls: number[] = [];
    let last = obs.head.height;
    while (calls.length < polls) {
      await sleep(250);
      const c0 = a.stats().calls;
      obs = await a.poll();
      const made = a.stats().calls - c0;
      if (obs.head.height === last) continue; // same slot: not a steady-state per-slot poll
      // Polls that judged exactly one new slot with a block, within an epoch (an epoch boundary adds the
      // per-epoch calls: duties, committees, liveness; an empty slot between adds its one header call).
      if (obs.head.height === last + 1 && Math.floor(obs.head.height / 32) === Math.floor(last / 32)) calls.push(made);
      last = obs.head.height;
    }
    return { head: obs.head.height, calls };
  } finally {
    await a.close();
    api.stop();
  }
}

async function follow(validators: number, seconds: number, real?: { url: string; ids: string[] }): Promise<{ cpuPercent: number; rssMiB: number; polls: number; rows: number }> {
  const api = real ? { url: real.url, stop: (): void => undefined } : await startApi(1000);
  const tree = new InstanceTree();
  const c = new Collector(tree, { rpcTimeoutMs: 5000 });
  c.apply(networkSettings({ networks: [{ name: 'bench', platform: 'beacon', pollInterval: 2, consensus: { validators: real ? real.ids : ids(validators) }, nodes: [{ name: 'b0', endpoint: api.url }] }] }));
  c.start();
  await sleep(6000); // warm-up: first polls, the epoch so far judged
  const poller = c.networks.get('bench')!.pollers.get('b0')!;
  const p0 = poller.polls;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const polls = poller.polls - p0;
  const rows = tree.find([{ cls: 'network', keys: ['bench'] }, { cls: 'consensus' }])?.list('validator').length ?? 0;
  const rssMiB = process.memoryUsage().rss / 1048576;
  await c.stop();
  api.stop();
  return { cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100, rssMiB, polls, rows };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? '60');
  const polls = seconds < 30 ? 3 : 8;
  const short = await callsPerPoll(100, polls);
  const long = await callsPerPoll(10_000_000, polls);
  console.log(`Beacon API calls per poll (100 validators, one poll per new slot): ${short.calls.join(',')} at slot ${short.head}; ${long.calls.join(',')} at slot ${long.head}`);
  const ref = await follow(0, seconds);
  const big = await follow(1000, seconds);
  console.log(`following 0 validators (reference): ${ref.cpuPercent.toFixed(2)} % of one core, RSS ${ref.rssMiB.toFixed(0)} MiB, ${ref.polls} polls in ${seconds} s`);
  console.log(`following 1000 validators: ${big.cpuPercent.toFixed(2)} % of one core (target < 10 %), RSS ${big.rssMiB.toFixed(0)} MiB, ${big.polls} polls in ${seconds} s, ${big.rows} rows`);
  let lodestar: { cpuPercent1000: number; cpuPercentReference: number } | undefined;
  if (fs.existsSync(LODESTAR)) {
    const chain = await LodestarChain.start({ genesisValidators: 8 });
    try {
      await chain.waitForSlot(2, 60_000);
      const all = Array.from({ length: 1000 }, (_, i) => String(i));
      const r0 = await follow(0, seconds, { url: chain.url, ids: [] });
      const r1 = await follow(1000, seconds, { url: chain.url, ids: all });
      console.log(`following 1000 validators on the real Lodestar dev chain (8 exist): ${r1.cpuPercent.toFixed(2)} % of one core, none: ${r0.cpuPercent.toFixed(2)} %, ${r1.polls} polls in ${seconds} s`);
      lodestar = { cpuPercent1000: Number(r1.cpuPercent.toFixed(2)), cpuPercentReference: Number(r0.cpuPercent.toFixed(2)) };
    } finally {
      await chain.stop();
    }
  } else {
    console.log(`real Lodestar dev chain: skipped (${LODESTAR} not installed)`);
  }
  console.log(JSON.stringify({ lodestar,
    callsPerPollShortChain: Math.max(...short.calls), callsPerPollLongChain: Math.max(...long.calls),
    constant: Math.max(...short.calls) === Math.max(...long.calls) && Math.min(...short.calls) === Math.min(...long.calls),
    cpuPercent1000: Number(big.cpuPercent.toFixed(2)), cpuPercentReference: Number(ref.cpuPercent.toFixed(2)), rssMiB1000: Math.round(big.rssMiB), rows: big.rows,
  }));
  process.exit(0);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
