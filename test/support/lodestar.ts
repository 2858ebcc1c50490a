/**
 * A real Ethereum proof-of-stake dev chain for tests: Lodestar 1.5.1 (`lodestar dev`), a test fixture
 * installed with `npm ci --prefix test/fixtures/lodestar` (never a product dependency). One beacon node
 * with interop validators (genesisValidators, those in startValidators run inside it) and, optionally, a
 * separate validator client process for other interop indices that a test can kill and restart while the
 * chain goes on (its data dir, holding the slashing protection, is kept across restarts).
 *
 *   requireLodestar(this);
 *   const chain = await LodestarChain.start({ genesisValidators: 8, startValidators: '0..3', validatorClient: '4..7', peerNode: true });
 *   await chain.waitForSlot(10);
 *   await chain.killValidatorClient(); ... await chain.startValidatorClient();
 *   // peerNode: true, peerConnected: false: the second node stays at genesis (is_syncing) until connectPeer().
 *   await chain.stop();
 *
 * Lodestar ignores SIGTERM: every process is stopped with SIGKILL. Each start uses a fresh temp data dir;
 * an exit hook kills whatever a crashed test left running.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './litecoind';
import { fixtureProgram, requireFixture } from './tools';
import { until } from './wait';

export const LODESTAR = fixtureProgram('lodestar');

/** Skips the calling suite (or fails under CI=true) when the Lodestar fixture is not installed. */
export function requireLodestar(ctx: Mocha.Context): void { requireFixture(ctx, 'lodestar'); }

export interface LodestarOptions {
  /** Interop validators in the genesis state (default 8). */
  readonly genesisValidators?: number;
  /** Interop indices the beacon node runs itself, e.g. '0..5' (default: all of the genesis validators). */
  readonly startValidators?: string;
  /** Interop indices run by a separate validator client process, e.g. '4..7' (default: none). */
  readonly validatorClient?: string;
  /** Seconds from now to genesis (default 15). */
  readonly genesisDelay?: number;
  /** SECONDS_PER_SLOT (default 2). */
  readonly secondsPerSlot?: number;
  /** Timeout of the start-up wait, ms (default 60000). */
  readonly timeoutMs?: number;
  /**
   * Also start a second beacon node without validators on the same genesis, connected to the first as its
   * peer (POST /eth/v1/lodestar/connect_peer with the first node's identity): the first node has one inbound
   * peer, the second one outbound peer. Its Beacon API is peerUrl.
   */
  readonly peerNode?: boolean;
  /**
   * With peerNode: false starts the second node apart (no peer, so its head stays at genesis while the clock
   * moves on: a real node out of sync) until connectPeer() connects it. Default true.
   */
  readonly peerConnected?: boolean;
}

const live = new Set<ChildProcess>();
let hook = false;

function installExitHook(): void {
  if (hook) return;
  hook = true;
  process.once('exit', () => { for (const p of live) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });
}

interface Proc { proc: ChildProcess; exited: Promise<void>; log: string[] }

/** Runs lodestar in cwd: `lodestar dev` writes genesis.ssz into its working directory. */
function run(args: string[], cwd: string): Proc {
  installExitHook();
  fs.mkdirSync(cwd, { recursive: true });
  const proc = spawn(LODESTAR, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  live.add(proc);
  const log: string[] = [];
  const keep = (d: Buffer): void => { log.push(d.toString()); if (log.length > 200) log.splice(0, log.length - 200); };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => proc.once('exit', () => { live.delete(proc); r(); }));
  return { proc, exited, log };
}

async function kill(p: Proc | undefined): Promise<void> {
  if (!p) return;
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await p.exited;
}

/** GET of a Beacon API path: status and parsed JSON body (undefined when not JSON). */
export function beaconGet(base: string, p: string, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(base + p, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown;
        try { body = JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${p}: timed out`)));
    req.on('error', reject);
  });
}

export class LodestarChain {
  private beacon: Proc | undefined;
  private vc: Proc | undefined;
  private peer: Proc | undefined;
  /** REST port of the second beacon node (peerNode), 0 without one. */
  peerRestPort = 0;

  private constructor(
    readonly dir: string,
    readonly restPort: number,
    readonly p2pPort: number,
    readonly genesisTime: number,
    readonly secondsPerSlot: number,
    readonly vcIndexes: string | undefined,
  ) {}

  /** Beacon API base URL, e.g. http://127.0.0.1:PORT. */
  get url(): string { return `http://127.0.0.1:${this.restPort}`; }

  /** Beacon API base URL of the second beacon node (peerNode). */
  get peerUrl(): string { return `http://127.0.0.1:${this.peerRestPort}`; }

  static async start(opts: LodestarOptions = {}): Promise<LodestarChain> {
    const n = opts.genesisValidators ?? 8;
    const sps = opts.secondsPerSlot ?? 2;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-lodestar-'));
    const [rest, p2p] = [await freePort(), await freePort()];
    const genesisTime = Math.floor(Date.now() / 1000) + (opts.genesisDelay ?? 15);
    const c = new LodestarChain(dir, rest, p2p, genesisTime, sps, opts.validatorClient);
    c.beacon = run(['dev', '--genesisValidators', String(n), '--startValidators', opts.startValidators ?? `0..${n - 1}`,
      '--genesisTime', String(genesisTime), '--params.SECONDS_PER_SLOT', String(sps), '--dataDir', path.join(dir, 'beacon'),
      '--rest.port', String(rest), '--rest.namespace', '*', '--server', c.url, '--port', String(p2p),
      '--listenAddress', '127.0.0.1', '--discv5', 'false', '--keymanager', 'false'], path.join(dir, 'cwd'));
    try {
      await until('the Lodestar Beacon API (/eth/v1/node/version)', async () => {
        if (c.beacon!.proc.exitCode !== null) throw new Error(`lodestar dev exited: ${c.beacon!.log.join('').slice(-2000)}`);
        return (await beaconGet(c.url, '/eth/v1/node/version', 2000)).status === 200;
      }, opts.timeoutMs ?? 60_000, 250);
      if (opts.peerNode) await c.startPeerNode(n, opts.peerConnected ?? true);
      if (opts.validatorClient) await c.startValidatorClient();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  private async startPeerNode(n: number, connect: boolean): Promise<void> {
    const [rest, p2p] = [await freePort(), await freePort()];
    this.peerRestPort = rest;
    this.peer = run(['dev', '--genesisValidators', String(n), '--genesisTime', String(this.genesisTime), '--params.SECONDS_PER_SLOT', String(this.secondsPerSlot),
      '--dataDir', path.join(this.dir, 'peer'), '--rest.port', String(rest), '--rest.namespace', '*', '--port', String(p2p),
      '--listenAddress', '127.0.0.1', '--discv5', 'false', '--keymanager', 'false'], path.join(this.dir, 'peer-cwd'));
    await until('the second Lodestar Beacon API', async () => {
      if (this.peer!.proc.exitCode !== null) throw new Error(`lodestar dev (peer) exited: ${this.peer!.log.join('').slice(-2000)}`);
      return (await beaconGet(this.peerUrl, '/eth/v1/node/version', 2000)).status === 200;
    }, 60_000, 250);
    if (connect) await this.connectPeer();
  }

  /** Connects the second beacon node (peerNode) to the first and waits until it has a connected peer. */
  async connectPeer(): Promise<void> {
    if (!this.peer) throw new Error('no peer node started (peerNode)');
    const id = (await this.get('/eth/v1/node/identity')).body as { data: { peer_id: string } };
    await until('the two beacon nodes connected', async () => {
      const r = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${this.peerUrl}/eth/v1/lodestar/connect_peer?peerId=${id.data.peer_id}&multiaddr=${encodeURIComponent(`/ip4/127.0.0.1/tcp/${this.p2pPort}`)}`,
          { method: 'POST' }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', reject);
        req.end();
      });
      if (r !== 200) return false;
      await new Promise((res) => setTimeout(res, 1000));
      const peers = (await beaconGet(this.peerUrl, '/eth/v1/node/peers')).body as { data: { state: string }[] };
      return peers.data.some((p) => p.state === 'connected');
    }, 30_000, 500);
  }

  /** Starts (again) the separate validator client for the indices given at start; its data dir is kept. */
  async startValidatorClient(): Promise<void> {
    if (!this.vcIndexes) throw new Error('no validatorClient indices given at start');
    if (this.vc && this.vc.proc.exitCode === null && this.vc.proc.signalCode === null) return;
    this.vc = run(['validator', '--network', 'dev', '--interopIndexes', this.vcIndexes, '--params.SECONDS_PER_SLOT', String(this.secondsPerSlot),
      '--server', this.url, '--dataDir', path.join(this.dir, 'vc'), '--keymanager', 'false'], path.join(this.dir, 'cwd'));
    await new Promise((r) => setTimeout(r, 500));
    if (this.vc.proc.exitCode !== null) throw new Error(`lodestar validator exited: ${this.vc.log.join('').slice(-2000)}`);
  }

  /** Kills the separate validator client (SIGKILL) and waits until it is gone. */
  async killValidatorClient(): Promise<void> {
    await kill(this.vc);
    this.vc = undefined;
  }

  get validatorClientRunning(): boolean { return !!this.vc && this.vc.proc.exitCode === null && this.vc.proc.signalCode === null; }

  /** The last lines the beacon node (or the validator client) printed, for failure messages. */
  log(which: 'beacon' | 'vc' = 'beacon'): string { return (which === 'beacon' ? this.beacon : this.vc)?.log.join('').slice(-4000) ?? ''; }

  /** GET of a Beacon API path on this node. */
  get(p: string): Promise<{ status: number; body: unknown }> { return beaconGet(this.url, p); }

  /** The current slot by the clock (genesis time and slot length). */
  clockSlot(): number { return Math.max(0, Math.floor((Date.now() / 1000 - this.genesisTime) / this.secondsPerSlot)); }

  /** The head slot the node reports. */
  async headSlot(): Promise<number> {
    const r = await this.get('/eth/v1/beacon/headers/head');
    const d = (r.body as { data?: { header?: { message?: { slot?: string } } } } | undefined)?.data?.header?.message?.slot;
    if (r.status !== 200 || d === undefined) throw new Error(`GET /eth/v1/beacon/headers/head: ${r.status}`);
    return Number(d);
  }

  /** Waits until the node's head reaches slot (timeout scaled by the slots to go). */
  async waitForSlot(slot: number, extraMs = 30_000): Promise<number> {
    const togo = Math.max(0, slot - this.clockSlot());
    return until(`head slot ${slot}`, async () => { const s = await this.headSlot(); return s >= slot ? s : false; },
      togo * this.secondsPerSlot * 1000 + extraMs, 500);
  }

  /** Kills every process (SIGKILL) and removes the data dirs. */
  async stop(): Promise<void> {
    await kill(this.vc);
    await kill(this.peer);
    await kill(this.beacon);
    this.vc = undefined;
    this.peer = undefined;
    this.beacon = undefined;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
