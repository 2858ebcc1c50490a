/**
 * SNMP tail latency under load (issue 16 target 3) and event-loop delay (target 5): GET p50/p99/max with 4
 * concurrent pollers (3 varbinds per GET, back to back) against the bridge and against Debian's snmpd
 * (started here on a free port with a temp config), in interleaved rounds (which agent goes first alternates from one
 * round to the next, so that neither has the same place in every pair: snmpd against itself, --control, the one
 * polled first had the lower paced p99 in two runs of three), while the bridge carries the load of
 * bench/scale-load.ts: 1,000 synthetic nodes x 20 peers in the tree, 1,000 nodes polled by the collector every
 * 10 s, and a NETCONF client fetching the full tree every second, with the pollers back to back and paced. The bridge's event-loop delay
 * (perf_hooks.monitorEventLoopDelay) is sampled over the same rounds.
 * CPU per GET (Linux, /proc): snmpd's CPU over its rounds per GET it answered; the bridge's, what it used over our
 * rounds beyond what it used, per ms, over snmpd's (when its collector and the NETCONF client are its only load), per GET.
 * Times on a CPU per GET (Linux, /proc/PID/task/TID/schedstat), counted the same way, for the agents and for the
 * pollers' process: about one per GET when a side sleeps between datagrams and is woken for each (a wake-up costs
 * more on a virtual machine), far fewer when it runs through a burst of them.
 *
 *   node dist/bench/snmp-latency.js [--seconds S per round, default 10] [--rounds R, default 4] [--nodes N]
 *     [--peers N] [--polled N] [--node-url URL] [--get-every S, default 1]
 *     [--source recorded|devchain: what answers the polled nodes, default recorded-response nodes] [--warmup S, default 20]
 *     [--poller-threads: each poller on a worker thread of its own (snmp-poll-threads.ts) instead of all 4 on one event loop]
 *     [--node-flags "FLAGS": the bridge's Node.js flags, "none" for Node's defaults; default the product's, src/runtime-flags.ts]
 *     [--bridge-env "K=V ...": environment variables of the bridge alone, over the product's (src/runtime-flags.ts)]
 *     [--control: our rounds poll a second snmpd instead of the bridge (which still carries its load): the ratio is then
 *      snmpd's against its own, the swing of the comparison itself on this machine when nothing differs]
 *     [--pause-ms LIST: the pollers' pacing, one set of rounds each, default "0,1,snmpd": 0 back to back (each sends its
 *      next GET when the last is answered: a faster agent gets more GETs, so more load on this 2-core machine), 1 paced
 *      (a 1 ms timer after each answer: both agents get about the same rate of GETs), snmpd: back to back, snmpd's
 *      round first, then ours held to the rate snmpd answered in it (snmp-poll.ts rate: the same GETs per second, so
 *      the same load, at the most snmpd answers)]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { parseNodeFlags } from '../src/runtime-flags';
import { startSnmpd } from '../test/support/snmp';
import { startLoad } from './scale-load';
import type { BridgeSample, NetconfSample } from './scale-load';
import type { LoopDelay } from './loop-delay';
import { poll, snmpTargets } from './snmp-poll';
import { pollThreads } from './snmp-poll-threads';
import type { Latency } from './snmp-poll';
import { arg } from './args';
import { schedstat } from './schedstat';

const f = (n: number, d = 3): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

/** Clock ticks per second of /proc/PID/stat's times. */
const clkTck = ((): number => { try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; } })();

/** CPU time a process (/proc/PID/stat) or a thread (/proc/PID/task/TID/stat) has used so far, ms, in user and system mode; NaN where absent. */
function cpuSplit(statFile: string): { user: number; sys: number } {
  try {
    const st = fs.readFileSync(statFile, 'latin1');
    const x = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return { user: (Number(x[11]) * 1000) / clkTck, sys: (Number(x[12]) * 1000) / clkTck };
  } catch {
    return { user: NaN, sys: NaN };
  }
}

/** CPU time (user + system) a process has used so far, ms; NaN where /proc is not there. */
function cpuMs(pid: number): number {
  const c = cpuSplit(`/proc/${pid}/stat`);
  return c.user + c.sys;
}

/**
 * How many times the threads of a process have been put on a CPU so far (/proc/PID/task/TID/schedstat, its third
 * field): each time one woke up or was preempted and ran again. NaN where /proc is not there.
 */
function slices(pid: number): number {
  try {
    let n = 0;
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      const r = schedstat(`/proc/${pid}/task/${t}/schedstat`).runs;
      if (!Number.isNaN(r)) n += r; // NaN: the thread ended
    }
    return n;
  } catch {
    return NaN;
  }
}

/** CPU time of the whole machine, ms: busy, idle and stolen (by the hypervisor). */
interface MachineCpu { busy: number; idle: number; steal: number }

/** The machine's CPU time so far (/proc/stat, all CPUs); NaN where absent. */
function machineMs(): MachineCpu {
  try {
    const x = fs.readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const ms = (n: number): number => (n * 1000) / clkTck;
    return { busy: ms(x[0] + x[1] + x[2] + x[5] + x[6]), idle: ms(x[3] + x[4]), steal: ms(x[7] ?? 0) };
  } catch {
    return { busy: NaN, idle: NaN, steal: NaN };
  }
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '10'));
  const rounds = Number(arg('rounds', '4'));
  const nodes = Number(arg('nodes', '1000'));
  const peers = Number(arg('peers', '20'));
  const polled = Number(arg('polled', '1000'));
  const warmup = Number(arg('warmup', '20'));
  const nodeUrl = process.argv.includes('--node-url') ? arg('node-url', '') : undefined;
  const getEvery = Number(arg('get-every', '1'));
  const modes = arg('pause-ms', '0,1,snmpd').split(',');
  const source = arg('source', 'recorded') as 'recorded' | 'devchain';
  // the 4 pollers on one event loop (default), or each on a thread of its own (snmp-poll-threads.ts)
  const threads = process.argv.includes('--poller-threads');
  const pollers = threads ? pollThreads : poll;
  const pollersAre = threads ? 'each on a thread of its own' : 'one event loop';
  const nodeFlags = process.argv.includes('--node-flags') ? parseNodeFlags(arg('node-flags', '')) : undefined;
  const control = process.argv.includes('--control');
  const bridgeEnv = process.argv.includes('--bridge-env')
    ? Object.fromEntries(arg('bridge-env', '').split(/\s+/).filter(Boolean).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--bridge-env: "${kv}" is not NAME=VALUE`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    })) : undefined;
  const load = await startLoad({ nodes, peers, polled, nodeUrl, getEvery, source, nodeFlags, bridgeEnv });
  const snmpd = await startSnmpd('public');
  // --control: a second snmpd answers "our" rounds, with snmpd's OIDs (the bridge carries its load all the same)
  const second = control ? await startSnmpd('public') : undefined;
  try {
    const targets = snmpTargets(nodes, peers);
    const ourPort = second ? second.port : load.snmpPort;
    const ourOids = second ? targets.snmpd : targets.ours;
    const ourName = second ? 'snmpd (a second)' : 'bcmgmt';
    console.log(`SNMP GET latency under load: tree ${nodes} synthetic nodes x ${peers} peers + ${polled} polled nodes at 10 s ` +
      `(${load.chainLabel}); NETCONF full <get> every second; 4 pollers (${pollersAre}), 3 varbinds per GET, v2c, loopback; ${rounds} rounds of ${seconds} s each agent; ` +
      `bridge Node.js flags: ${load.nodeFlags.join(' ') || 'none'}` + (bridgeEnv ? `; bridge environment: ${arg('bridge-env', '')}` : ''));
    if (second) console.log('CONTROL (--control): the rounds marked "ours" poll a second Debian snmpd, not the bridge; the ratios are snmpd against itself');
    // warm-up: the collector's first cycles, JIT of both sides
    await poll(ourPort, ourOids, Math.min(2, warmup));
    await poll(snmpd.port, targets.snmpd, 1);
    await new Promise((r) => setTimeout(r, Math.max(0, warmup - 3) * 1000));
    await load.sample(); // reset the bridge's counters
    const med = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      const m = Math.floor(s.length / 2);
      return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
    };
    const sum = (l: Latency[]): { p50: number; p99: number; max: number; rate: number; errors: number; pollerCpu: number } => ({
      p50: med(l.map((x) => x.p50)), p99: med(l.map((x) => x.p99)), max: Math.max(...l.map((x) => x.max)), rate: med(l.map((x) => x.rate)),
      errors: l.reduce((a, x) => a + x.errors, 0), pollerCpu: l.reduce((a, x) => a + x.pollerCpu, 0) / l.length,
    });
    const results: Record<string, unknown>[] = [];
    const loop: BridgeSample[] = [];
    const idle: LoopDelay[] = [];
    const gets: NetconfSample[] = [];
    for (const mode of modes) {
      const matched = mode === 'snmpd';
      const pauseMs = matched ? 0 : Number(mode);
      const ours: Latency[] = [];
      const theirs: Latency[] = [];
      // CPU per GET: snmpd's is its CPU over its rounds; the bridge's, what it used over ours beyond what it used over
      // snmpd's (the collector and the NETCONF client load it in both), per ms of each round
      const use = { bridgeOurs: 0, bridgeTheirs: 0, snmpd: 0, second: 0, msOurs: 0, msTheirs: 0, onThread: 0 };
      // the bridge's SNMP socket thread alone over our rounds (no need to subtract a load: it does nothing else)
      const socketThread = { cpuNs: 0, runs: 0, userMs: 0, sysMs: 0 };
      // snmpd's CPU over its rounds in user and in system mode (the kernel's part: the datagrams and the wake-ups)
      const snmpdSplit = { userMs: 0, sysMs: 0 };
      const threadDir = `/proc/${load.bridgePid}/task/${load.snmpTid ?? NaN}`;
      // per round, for the swings within a run: each agent's p99, and our socket thread's CPU per GET
      const perRound = { ours: [] as number[], snmpd: [] as number[], threadUs: [] as number[] };
      const socketSched = (): { cpuNs: number; runs: number } => schedstat(`${threadDir}/schedstat`);
      // times on a CPU (wake-ups, mostly) of the agents' threads and of the pollers' process, counted like CPU time
      const runs = { bridgeOurs: 0, bridgeTheirs: 0, snmpd: 0, second: 0, pollersOurs: 0, pollersTheirs: 0 };
      // the machine over each agent's rounds: busy, idle and stolen CPU time
      const machine: { ours: MachineCpu; theirs: MachineCpu } = { ours: { busy: 0, idle: 0, steal: 0 }, theirs: { busy: 0, idle: 0, steal: 0 } };
      const addMachine = (to: MachineCpu, from: MachineCpu): void => {
        const now = machineMs();
        to.busy += now.busy - from.busy; to.idle += now.idle - from.idle; to.steal += now.steal - from.steal;
      };
      const ourRound = async (rate?: number): Promise<void> => {
        const b = cpuMs(load.bridgePid);
        const s2 = second ? cpuMs(second.pid) : NaN;
        const r = [slices(load.bridgePid), slices(process.pid), second ? slices(second.pid) : NaN];
        const th = socketSched();
        const thSplit = cpuSplit(`${threadDir}/stat`);
        const m = machineMs();
        const t0 = performance.now();
        const l = await pollers(ourPort, ourOids, seconds, 4, { pauseMs, rate });
        ours.push(l);
        addMachine(machine.ours, m);
        runs.bridgeOurs += slices(load.bridgePid) - r[0];
        runs.pollersOurs += slices(process.pid) - r[1] + (l.threadRuns ?? 0);
        use.bridgeOurs += cpuMs(load.bridgePid) - b;
        if (second) { use.second += cpuMs(second.pid) - s2; runs.second += slices(second.pid) - r[2]; }
        use.msOurs += performance.now() - t0;
        const th1 = socketSched();
        socketThread.cpuNs += th1.cpuNs - th.cpuNs;
        socketThread.runs += th1.runs - th.runs;
        const thSplit1 = cpuSplit(`${threadDir}/stat`);
        socketThread.userMs += thSplit1.user - thSplit.user;
        socketThread.sysMs += thSplit1.sys - thSplit.sys;
        perRound.ours.push(l.p99);
        if (!second) perRound.threadUs.push((th1.cpuNs - th.cpuNs) / 1000 / l.count);
        const s = await load.sample();
        loop.push(s.bridge);
        use.onThread += s.bridge.snmpOnThread;
        idle.push(s.idle);
        gets.push(s.netconf);
      };
      const theirRound = async (): Promise<Latency> => {
        const b = cpuMs(load.bridgePid);
        const dSplit = cpuSplit(`/proc/${snmpd.pid}/stat`);
        const r = [slices(load.bridgePid), slices(snmpd.pid), slices(process.pid)];
        const m = machineMs();
        const t0 = performance.now();
        const l = await pollers(snmpd.port, targets.snmpd, seconds, 4, { pauseMs });
        addMachine(machine.theirs, m);
        runs.bridgeTheirs += slices(load.bridgePid) - r[0];
        runs.snmpd += slices(snmpd.pid) - r[1];
        runs.pollersTheirs += slices(process.pid) - r[2] + (l.threadRuns ?? 0);
        theirs.push(l);
        use.bridgeTheirs += cpuMs(load.bridgePid) - b;
        const dSplit1 = cpuSplit(`/proc/${snmpd.pid}/stat`);
        use.snmpd += dSplit1.user + dSplit1.sys - (dSplit.user + dSplit.sys);
        snmpdSplit.userMs += dSplit1.user - dSplit.user;
        snmpdSplit.sysMs += dSplit1.sys - dSplit.sys;
        perRound.snmpd.push(l.p99);
        use.msTheirs += performance.now() - t0;
        return l;
      };
      for (let i = 0; i < rounds; i++) {
        // held to snmpd's rate: snmpd's round first, for its rate; else each agent first in every other round
        if (matched) await ourRound((await theirRound()).rate);
        else if (i % 2 === 0) { await ourRound(); await theirRound(); }
        else { await theirRound(); await ourRound(); }
      }
      const count = (l: Latency[]): number => l.reduce((a, x) => a + x.count, 0);
      // what the bridge used over our rounds beyond what it used, per ms, over snmpd's (its own load)
      const beyondLoad = (ours: number, theirs: number): number => ours - (theirs * use.msOurs) / use.msTheirs;
      const cpuOurs = ((second ? use.second : beyondLoad(use.bridgeOurs, use.bridgeTheirs)) * 1000) / count(ours);
      const cpuTheirs = (use.snmpd * 1000) / count(theirs);
      const wake = {
        ours: (second ? runs.second : beyondLoad(runs.bridgeOurs, runs.bridgeTheirs)) / count(ours), snmpd: runs.snmpd / count(theirs),
        pollersOurs: runs.pollersOurs / count(ours), pollersTheirs: runs.pollersTheirs / count(theirs),
      };
      const thread = {
        cpuUsPerGet: socketThread.cpuNs / 1000 / count(ours), runsPerGet: socketThread.runs / count(ours),
        userUsPerGet: (socketThread.userMs * 1000) / count(ours), sysUsPerGet: (socketThread.sysMs * 1000) / count(ours),
      };
      const snmpdUs = { user: (snmpdSplit.userMs * 1000) / count(theirs), sys: (snmpdSplit.sysMs * 1000) / count(theirs) };
      const o = sum(ours);
      const t = sum(theirs);
      console.log(matched ? 'pollers back to back, ours held to the rate snmpd answered back to back in the round just before (the same load on the machine)'
        : pauseMs ? `pollers paced: each waits ${pauseMs} ms (a timer) after each answer, so both agents get about the same rate of GETs`
          : 'pollers back to back: each sends its next GET as soon as the last one is answered (a faster agent gets more GETs)');
      const rows = [
        ['agent', 'GET p50 ms', 'GET p99 ms', 'GET max ms', 'GETs/s', 'errors', 'CPU us/GET'],
        [ourName, f(o.p50), f(o.p99), f(o.max), f(o.rate, 0), String(o.errors), f(cpuOurs, 0)],
        ['snmpd (Debian)', f(t.p50), f(t.p99), f(t.max), f(t.rate, 0), String(t.errors), f(cpuTheirs, 0)],
        ['ratio ours/snmpd', f(o.p50 / t.p50, 2), f(o.p99 / t.p99, 2), f(o.max / t.max, 2), f(o.rate / t.rate, 2), '', f(cpuOurs / cpuTheirs, 2)],
      ];
      const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
      const onThread = use.onThread / count(ours);
      console.log(`  the pollers' process (${pollersAre}) used ${f(o.pollerCpu, 0)}% of a core over our rounds, ${f(t.pollerCpu, 0)}% over snmpd's`);
      const pct = (x: MachineCpu): string => {
        const all = x.busy + x.idle + x.steal;
        return `busy ${f((x.busy / all) * 100, 1)}%, idle ${f((x.idle / all) * 100, 1)}%, stolen by the hypervisor ${f((x.steal / all) * 100, 1)}%`;
      };
      console.log(`  the machine's CPUs over our rounds: ${pct(machine.ours)}; over snmpd's: ${pct(machine.theirs)}`);
      console.log(`  times on a CPU per GET (/proc/*/schedstat; each a wake-up or a preemption): the agent's threads ${f(wake.ours, 2)} ours ` +
        `${second ? '(the second snmpd)' : "(beyond the bridge's own, as for CPU)"}, ${f(wake.snmpd, 2)} snmpd; the pollers' process ${f(wake.pollersOurs, 2)} over our rounds, ${f(wake.pollersTheirs, 2)} over snmpd's`);
      if (!second) console.log(`  ${f(onThread * 100, 2)}% of our GETs answered on the agent's socket thread (src/snmp/socket-thread.ts; BCMGMT_SNMP_THREAD=off: none)` +
        (load.snmpTid ? `; that thread alone, per GET: ${f(thread.cpuUsPerGet, 1)} us of CPU (user ${f(thread.userUsPerGet, 0)}, system ${f(thread.sysUsPerGet, 0)}), ` +
          `on a CPU ${f(thread.runsPerGet, 2)} times (snmpd: ${f(cpuTheirs, 1)} us, user ${f(snmpdUs.user, 0)}, system ${f(snmpdUs.sys, 0)}; ${f(wake.snmpd, 2)} times)` : ''));
      const ms = (xs: number[]): string => xs.map((x) => f(x)).join(' ');
      console.log(`  each round: p99 ms ours ${ms(perRound.ours)}, snmpd's ${ms(perRound.snmpd)}` +
        (load.snmpTid && !second ? `; our socket thread's CPU per GET, us: ${perRound.threadUs.map((x) => f(x, 1)).join(' ')}` : ''));
      results.push({ pauseMs, matched, pollerThreads: threads, control, machine, ours: o, snmpd: t, p99Ratio: o.p99 / t.p99, cpuUsPerGet: { ours: cpuOurs, snmpd: cpuTheirs }, onThread, runsPerGet: wake, socketThread: load.snmpTid && !second ? thread : undefined, snmpdCpuUs: snmpdUs, perRound });
    }
    const eldMax = Math.max(...loop.map((l) => l.eldMaxMs));
    const eldP99 = Math.max(...loop.map((l) => l.eldP99Ms));
    const idleMax = Math.max(...idle.map((l) => l.maxMs));
    const held = loop.some((l) => l.stalls) ? Math.max(...loop.map((l) => l.stalls?.heldMaxMs ?? 0)) : NaN;
    const rss = Math.max(...loop.map((l) => l.rssMb));
    const getMax = Math.max(...gets.map((g) => g.maxMs));
    const cpu = loop.reduce((a, l) => a + l.cpuPercent, 0) / loop.length;
    const polls = loop.reduce((a, l) => a + l.polls, 0);
    const gcCount = loop.reduce((a, l) => a + l.gc.count, 0);
    const gcMs = loop.reduce((a, l) => a + l.gc.totalMs, 0);
    const gcLong = loop.reduce((a, l) => a + l.gc.over4Ms, 0);
    const gcMax = Math.max(...loop.map((l) => l.gc.maxMs));
    const failed = loop.reduce((a, l) => a + l.failedPolls, 0);
    console.log(`p99: median of ${rounds} rounds each; bridge during our rounds: event loop delay max ${f(eldMax, 1)} ms, p99 ${f(eldP99, 1)} ms, ` +
      `the most the main thread ran in one stall ${f(held, 1)} ms ` +
      `(an idle Node.js process in the same rounds: max ${f(idleMax, 1)} ms); ` +
      `RSS ${f(rss, 1)} MB; CPU ${f(cpu, 0)}% of a core; ${polls} collector polls (${failed} failed), ${loop[loop.length - 1].liveNodesReachable} polled nodes reachable; ` +
      `${gets.reduce((a, g) => a + g.gets, 0)} full <get>s (max ${f(getMax, 0)} ms, ${f(gets[0].bytes / Math.max(1, gets[0].gets) / 1048576, 1)} MB each); ` +
      `bridge GC over our rounds and snmpd's: ${gcCount} pauses, ${f(gcMs, 0)} ms in all, ${gcLong} of 4 ms or more, longest ${f(gcMax, 1)} ms`);
    console.log(JSON.stringify({ results, eventLoopMaxMs: eldMax, eventLoopP99Ms: eldP99, heldMaxMs: Number.isNaN(held) ? undefined : held, idleLoopMaxMs: idleMax, rssMb: rss, cpuPercent: cpu, nodeFlags: load.nodeFlags, polls, failedPolls: failed, fullGetMaxMs: getMax, gc: { count: gcCount, totalMs: gcMs, over4Ms: gcLong, maxMs: gcMax } }));
  } finally {
    await second?.stop();
    await snmpd.stop();
    await load.stop();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
