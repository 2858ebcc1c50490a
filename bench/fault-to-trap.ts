/**
 * Fault to trap: the time from a node fault to the bcmAlarmRaised trap printed by Debian's snmptrapd, over
 * N rounds, with the whole product composed (composeBridge) and a poll interval of 1 s.
 *
 * Two ways of making the fault:
 *  - default ("proxy"): the embedded dev chain runs in its own process (dist/bench/devchain-process.js)
 *    behind a tiny TCP proxy in this process; the bridge polls the proxy. The fault is the proxy closing
 *    its listener and resetting its connections (the endpoint refuses connections, as a dead node's
 *    port does); the repair is listening again. The fault moment is exact.
 *  - --litecoind: a litecoind regtest node (test/support/litecoind.ts) stopped and started again. The fault
 *    moment is when the stop RPC is sent; litecoind's own shutdown (RPC server first) is inside the figure.
 *
 * Each round waits a random 0..1 poll interval before the fault and before the repair, so that both fall at
 * every phase of the poll cycle.
 * Times: fault -> alarm (the bridge's 'alarm' notice: detection, which waits for the next poll), alarm ->
 * trap (snmptrapd's line read from its stdout as it arrives: encoding, UDP, snmptrapd), and fault -> trap;
 * then repair -> bcmAlarmCleared at snmptrapd.
 *
 * Run: npx tsc -p . && node dist/bench/fault-to-trap.js [rounds] [--litecoind]
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import { composeBridge } from '../src/compose';
import type { ConfigObject } from '../src/config/document';
import type { AlarmNotice } from '../src/events';
import { LitecoinNetwork } from '../test/support/litecoind';
import { MIB, freeUdpPort, tempDir, toolEnv } from '../test/support/snmp';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => /^[0-9]+$/.test(a)) ?? '10');
const MODE: 'proxy' | 'litecoind' = args.includes('--litecoind') ? 'litecoind' : 'proxy';
const POLL_MS = 1000;
const NET = 'bench';
const NODE = 'n1';
const RESOURCE = `network/${NET}/node/${NODE}`;
const WAIT_MS = 20000;

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- snmptrapd, its lines timestamped as they arrive -------------------------------------------------

interface TrapdLine { readonly at: number; readonly text: string }

class Trapd {
  readonly lines: TrapdLine[] = [];
  private buf = '';
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly p: ChildProcess, readonly port: number) {
    const onData = (d: Buffer): void => {
      const at = now();
      this.buf += d.toString('utf8');
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push({ at, text: this.buf.slice(0, nl) });
        this.buf = this.buf.slice(nl + 1);
      }
      for (const w of [...this.waiters]) w();
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
  }

  static async start(): Promise<Trapd> {
    const dir = tempDir('bcm-bench-trapd-');
    const port = await freeUdpPort();
    // One line per notification: PDU kind and community, then the varbinds (tab-separated).
    fs.writeFileSync(path.join(dir, 'snmptrapd.conf'), 'authCommunity log,execute,net public\nformat2 %P|%v\\n\n');
    const p = spawn('/usr/sbin/snmptrapd', ['-f', '-Lo', '-C', '-c', path.join(dir, 'snmptrapd.conf'), '-m', `${MIB}:SNMPv2-MIB`, `udp:127.0.0.1:${port}`],
      { env: toolEnv({ SNMP_PERSISTENT_DIR: dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    const t = new Trapd(p, port);
    await t.waitLine('snmptrapd start', (l) => l.text.includes('NET-SNMP version'), 0);
    return t;
  }

  /** The first line at or after index from that matches; rejects after WAIT_MS or if snmptrapd exits. */
  waitLine(what: string, pred: (l: TrapdLine) => boolean, from: number): Promise<TrapdLine & { index: number }> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        for (let i = from; i < this.lines.length; i++) {
          if (pred(this.lines[i])) { done(); resolve({ ...this.lines[i], index: i }); return; }
        }
        if (this.p.exitCode !== null) { done(); reject(new Error(`snmptrapd exited waiting for ${what}`)); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what} at snmptrapd`)); }, WAIT_MS);
      const done = (): void => { clearTimeout(timer); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.p.exitCode !== null || this.p.signalCode !== null) { resolve(); return; }
      this.p.once('close', () => resolve());
      this.p.kill('SIGTERM');
    });
  }
}

const isAlarmTrap = (name: 'bcmAlarmRaised' | 'bcmAlarmCleared') => (l: TrapdLine): boolean =>
  l.text.startsWith('TRAP2,') && l.text.includes(`::${name}\t`) && l.text.includes(`= STRING: ${RESOURCE}\t`);

// ---- the faulty endpoint -------------------------------------------------------------------------------

interface FaultyNode {
  readonly endpoint: string;
  readonly what: string;
  /** Makes the fault; resolves when it is made (the round's fault time is taken just before the call). */
  fail(): Promise<void>;
  repair(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy to 127.0.0.1:upstreamPort that can stop listening (connections refused) and start again. */
class RefusingProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly upstreamPort: number) {}

  async listen(): Promise<void> {
    const s = net.createServer((client) => {
      const up = net.connect(this.upstreamPort, '127.0.0.1');
      for (const x of [client, up]) {
        this.sockets.add(x);
        x.on('close', () => this.sockets.delete(x));
        x.on('error', () => undefined);
      }
      client.on('close', () => up.destroy());
      up.on('close', () => client.destroy());
      client.pipe(up);
      up.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => { s.off('error', reject); resolve(); });
    });
    this.port = (s.address() as net.AddressInfo).port;
    this.server = s;
  }

  /** Refuses: no listener any more (ECONNREFUSED) and every open connection reset. */
  refuse(): void {
    this.server?.close();
    this.server = undefined;
    for (const x of this.sockets) x.resetAndDestroy();
    this.sockets.clear();
  }
}

async function devChainBehindProxy(): Promise<FaultyNode> {
  const script = path.join(__dirname, 'devchain-process.js');
  const child = fork(script, [], { env: { ...process.env, BLOCK_INTERVAL_MS: '1000', WORKLOAD: '0' }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('dev chain did not start within 60 s')), 60000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`dev chain exited with ${code}`)); });
  });
  const proxy = new RefusingProxy(Number(new URL(url).port));
  await proxy.listen();
  return {
    endpoint: `http://127.0.0.1:${proxy.port}`,
    what: 'dev chain (own process) behind a TCP proxy; fault = the proxy refuses connections and resets open ones',
    fail: async () => { proxy.refuse(); },
    repair: () => proxy.listen(),
    close: async () => {
      proxy.refuse();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 10000).unref(); });
    },
  };
}

async function litecoindNode(): Promise<FaultyNode & { credentials: { username?: string } }> {
  const ltc = await LitecoinNetwork.start({ nodes: 1 });
  await ltc.mine(0, 5);
  return {
    endpoint: ltc.rpcUrl(0),
    credentials: ltc.credentials(0),
    what: 'litecoind regtest node; fault = RPC stop sent (time includes litecoind\'s shutdown), repair = started again',
    fail: () => ltc.stop(0),
    repair: () => ltc.start(0),
    close: () => ltc.stopAll(),
  };
}

// ---- rounds --------------------------------------------------------------------------------------------

interface Round { detect: number; deliver: number; total: number; clear: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const trapd = await Trapd.start();
  const node = MODE === 'litecoind' ? await litecoindNode() : await devChainBehindProxy();
  const dir = tempDir('bcm-bench-f2t-');
  const passwordEnv = 'BCM_BENCH_LTC_PASSWORD';
  process.env[passwordEnv] = 'regtest-password';
  const creds = 'credentials' in node ? { username: (node as { credentials: { username?: string } }).credentials.username ?? '', passwordEnv } : {};
  const seed: ConfigObject = {
    configuration: {
      rpcTimeout: 2000,
      notificationTargets: [{ name: 'trapd', host: '127.0.0.1', port: trapd.port, community: 'public' }],
    },
    networks: [{ name: NET, platform: MODE === 'litecoind' ? 'bitcoin' : 'ethereum', pollInterval: POLL_MS / 1000, nodes: [{ name: NODE, endpoint: node.endpoint, ...creds }] }],
    fault: { alarmPolicies: [{ type: 'peerCountLow', enabled: false }, { type: 'blockProductionStalled', enabled: false }] },
  };
  const bridge = new Bridge({ dataDir: dir, seed });
  const views = composeBridge(bridge, { snmpPort: 0, sshPort: 0, httpPort: 0 });
  const notices: { change: AlarmNotice['change']; resource: string; at: number }[] = [];
  bridge.on('alarm', (n) => notices.push({ change: n.change, resource: String(n.alarm.get('resource')), at: now() }));
  const rounds: Round[] = [];
  try {
    await bridge.start();
    await trapd.waitLine('coldStart', (l) => l.text.includes('::coldStart'), 0);
    const reachable = (): boolean => bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'node', keys: [NODE] }])?.get('reachability') === 'reachable';
    for (let i = 0; i < 200 && !reachable(); i++) await sleep(100);
    if (!reachable()) throw new Error(`node ${NODE} never reachable`);
    console.log(`fault-to-trap: ${node.what}`);
    console.log(`poll interval ${POLL_MS} ms, ${ROUNDS} rounds, v2c trap to snmptrapd on udp 127.0.0.1:${trapd.port}\n`);
    console.log('round  fault->alarm  alarm->trap  fault->trap  repair->clear trap');
    const noticeAfter = async (change: AlarmNotice['change'], from: number): Promise<number> => {
      const end = now() + WAIT_MS;
      for (;;) {
        const n = notices.slice(from).find((x) => x.change === change && x.resource === RESOURCE);
        if (n) return n.at;
        if (now() > end) throw new Error(`no ${change} notice for ${RESOURCE} within ${WAIT_MS} ms`);
        await sleep(5);
      }
    };
    for (let r = 1; r <= ROUNDS; r++) {
      await sleep(500 + Math.random() * POLL_MS);
      const fromLine = trapd.lines.length;
      const fromNotice = notices.length;
      const tFault = now();
      await node.fail();
      const trap = await trapd.waitLine(`bcmAlarmRaised for ${RESOURCE}`, isAlarmTrap('bcmAlarmRaised'), fromLine);
      const tAlarm = await noticeAfter('raised', fromNotice);
      await sleep(300 + Math.random() * POLL_MS);
      const fromClear = trapd.lines.length;
      const tRepair = now();
      await node.repair();
      const clear = await trapd.waitLine(`bcmAlarmCleared for ${RESOURCE}`, isAlarmTrap('bcmAlarmCleared'), fromClear);
      await noticeAfter('cleared', fromNotice);
      const round = { detect: tAlarm - tFault, deliver: trap.at - tAlarm, total: trap.at - tFault, clear: clear.at - tRepair };
      rounds.push(round);
      console.log(`${String(r).padStart(5)}  ${ms(round.detect)}  ${ms(round.deliver, 11)}  ${ms(round.total, 11)}  ${ms(round.clear, 18)}`);
    }
    const col = (k: keyof Round): number[] => rounds.map((x) => x[k]);
    console.log('-----  ------------  -----------  -----------  ------------------');
    console.log(`  med  ${ms(median(col('detect')))}  ${ms(median(col('deliver')), 11)}  ${ms(median(col('total')), 11)}  ${ms(median(col('clear')), 18)}`);
    console.log(`  max  ${ms(Math.max(...col('detect')))}  ${ms(Math.max(...col('deliver')), 11)}  ${ms(Math.max(...col('total')), 11)}  ${ms(Math.max(...col('clear')), 18)}`);
    const t = views.snmp.agent.notifier.stats('trapd');
    console.log(`\ntraps sent ${t?.sent ?? '?'} (coldStart + ${rounds.length} raises + ${rounds.length} clears), alarm list: ${views.fault.list.size} alarm(s), ${views.fault.list.active} active`);
  } finally {
    await bridge.stop().catch(() => undefined);
    await node.close().catch(() => undefined);
    await trapd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ms(x: number, width = 12): string {
  return `${x.toFixed(0)} ms`.padStart(width);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
