/**
 * A network of litecoind regtest nodes for tests: N nodes on loopback with free ports and temporary
 * data directories, RPC with a user name and password (or the cookie file, per node), connected in a
 * full mesh (node i dials every node j > i once), each with a wallet. Every wait has a timeout and fails
 * with a message saying what it waited for. Nodes are told apart by their user agent comment
 * (subver "/LitecoinCore:x.y.z(nodeI)/").
 *
 *   const net = await LitecoinNetwork.start({ nodes: 3, cookieNodes: [1] });
 *   await net.mine(0, 10); await net.waitForSameTip();
 *   ...
 *   await net.stopAll();
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpStatusError, RpcError, TransportError } from '../../src/chains/errors';
import { RpcHttpClient } from '../../src/chains/rpc-http';
import type { ConfigObject } from '../../src/config/document';
import { requireTool } from './tools';

/** The command checked for: $LITECOIND when set, else litecoind on the PATH (Debian package litecoind). */
export const LITECOIND = process.env.LITECOIND ?? 'litecoind';
/**
 * The program started. Debian's /usr/bin/litecoind is a shell wrapper that first creates ~/.litecoin and a
 * litecoin.conf there (and fails under a read-only home); the daemon it execs is used directly when present.
 */
const DAEMON = process.env.LITECOIND ?? (fs.existsSync('/usr/lib/litecoin/litecoind') ? '/usr/lib/litecoin/litecoind' : 'litecoind');

/** Skips the calling suite (or fails under CI=true) when litecoind is not installed. */
export function requireLitecoind(ctx: Mocha.Context): void {
  requireTool(ctx, LITECOIND, 'litecoind');
}

export interface LitecoinNetworkOptions {
  /** Number of nodes, default 3. */
  readonly nodes?: number;
  /** Nodes that authenticate with their cookie file instead of rpcuser/rpcpassword. */
  readonly cookieNodes?: readonly number[];
  /** Extra litecoind arguments for every node. */
  readonly extraArgs?: readonly string[];
  /** Timeout of each wait, milliseconds (default 30000). */
  readonly timeoutMs?: number;
}

export interface NodeCredentials { readonly username?: string; readonly password?: string; readonly cookieFile?: string }

interface NodeState {
  readonly index: number;
  readonly datadir: string;
  readonly p2pPort: number;
  readonly rpcPort: number;
  readonly cookie: boolean;
  proc?: ChildProcess;
  exited?: Promise<void>;
  stderr: string;
  client?: RpcHttpClient;
  clientKey?: string;
  address?: string;
}

const RPC_USER = 'bcmgmt';
const RPC_PASSWORD = 'regtest-password';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A free TCP port on 127.0.0.1 (bound, read and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Thrown by a waitFor condition to stop waiting at once (other errors are retried until the timeout). */
export class WaitAbort extends Error {}

/** Polls cond until it returns true; fails with "timed out after N ms waiting for WHAT" and the last error. */
export async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 30000, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await cond()) return;
      last = undefined;
    } catch (e) {
      if (e instanceof WaitAbort) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: last error ${(last as Error).message}` : ''}`);
    }
    await sleep(stepMs);
  }
}

export class LitecoinNetwork {
  private readonly nodes: NodeState[];
  readonly timeoutMs: number;

  private constructor(nodes: NodeState[], private readonly extraArgs: readonly string[], timeoutMs: number) {
    this.nodes = nodes;
    this.timeoutMs = timeoutMs;
  }

  /** Starts the nodes, waits for their RPC, creates a wallet on each and connects them in a full mesh. */
  static async start(opts: LitecoinNetworkOptions = {}): Promise<LitecoinNetwork> {
    const n = opts.nodes ?? 3;
    const states: NodeState[] = [];
    for (let i = 0; i < n; i++) {
      states.push({
        index: i, datadir: fs.mkdtempSync(path.join(os.tmpdir(), `bcmgmt-ltc${i}-`)),
        p2pPort: await freePort(), rpcPort: await freePort(), cookie: (opts.cookieNodes ?? []).includes(i), stderr: '',
      });
    }
    const netw = new LitecoinNetwork(states, opts.extraArgs ?? [], opts.timeoutMs ?? 30000);
    try {
      await Promise.all(states.map((s) => netw.start(s.index)));
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) await netw.rpc(i, 'addnode', [netw.p2pAddress(j), 'onetry']);
      await Promise.all(states.map((s) => netw.waitForPeers(s.index, states.filter((o) => o !== s).map((o) => o.index))));
    } catch (e) {
      await netw.stopAll();
      throw e;
    }
    return netw;
  }

  get size(): number { return this.nodes.length; }
  rpcUrl(i: number): string { return `http://127.0.0.1:${this.node(i).rpcPort}`; }
  p2pAddress(i: number): string { return `127.0.0.1:${this.node(i).p2pPort}`; }
  datadir(i: number): string { return this.node(i).datadir; }
  cookieFile(i: number): string { return path.join(this.node(i).datadir, 'regtest', '.cookie'); }
  running(i: number): boolean { return this.node(i).proc !== undefined; }
  /** How an RPC client authenticates to node i. */
  credentials(i: number): NodeCredentials {
    return this.node(i).cookie ? { cookieFile: this.cookieFile(i) } : { username: RPC_USER, password: RPC_PASSWORD };
  }
  /**
   * The bridge's configuration entries of all the nodes, named n0, n1... (or with another prefix), each with rpcuser
   * and the password in the environment variable passwordEnv, which this sets (a configuration holds no password).
   */
  bridgeNodes(passwordEnv: string, prefix = 'n'): ConfigObject[] {
    process.env[passwordEnv] = RPC_PASSWORD;
    return this.nodes.map((s) => ({ name: `${prefix}${s.index}`, endpoint: this.rpcUrl(s.index), username: this.credentials(s.index).username ?? '', passwordEnv }));
  }
  /** The user agent comment that identifies node i in its peers' getpeerinfo subver. */
  static tag(i: number): string { return `node${i}`; }

  private node(i: number): NodeState {
    const s = this.nodes[i];
    if (!s) throw new Error(`no litecoind node ${i}`);
    return s;
  }

  private args(s: NodeState): string[] {
    const a = [
      '-regtest', `-datadir=${s.datadir}`, `-port=${s.p2pPort}`, `-rpcport=${s.rpcPort}`,
      '-listen=1', '-bind=127.0.0.1', '-rpcbind=127.0.0.1', '-rpcallowip=127.0.0.1',
      '-fallbackfee=0.0001', '-txindex=0', '-server=1', '-printtoconsole=0',
      '-keypool=20', '-dnsseed=0', '-discover=0', '-listenonion=0', '-upnp=0', `-uacomment=${LitecoinNetwork.tag(s.index)}`,
    ];
    if (!s.cookie) a.push(`-rpcuser=${RPC_USER}`, `-rpcpassword=${RPC_PASSWORD}`);
    return [...a, ...this.extraArgs];
  }

  /** RPC client of node i with its current credentials (the cookie is read again on every call). */
  private client(s: NodeState): RpcHttpClient {
    let user = RPC_USER;
    let pass = RPC_PASSWORD;
    if (s.cookie) {
      let text: string;
      try { text = fs.readFileSync(this.cookieFile(s.index), 'utf8').trim(); } catch {
        throw new TransportError(`node ${s.index}: no cookie file (not running?)`);
      }
      const c = text.indexOf(':');
      user = text.slice(0, c);
      pass = text.slice(c + 1);
    }
    const key = `${user}:${pass}`;
    if (!s.client || s.clientKey !== key) {
      s.client?.close();
      s.client = new RpcHttpClient({ url: this.rpcUrl(s.index), timeoutMs: this.timeoutMs, jsonrpc: '1.0', username: user, password: pass });
      s.clientKey = key;
    }
    return s.client;
  }

  /** One RPC call to node i (default wallet: each node has exactly one wallet loaded). */
  rpc<T = unknown>(i: number, method: string, params: unknown[] = []): Promise<T> {
    const s = this.node(i);
    return this.client(s).call<T>(method, params);
  }

  /** Starts node i (again), same data directory and ports; waits for RPC and loads or creates its wallet. */
  async start(i: number): Promise<void> {
    const s = this.node(i);
    if (s.proc) throw new Error(`litecoind node ${i} is already running`);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => { for (const p of live) p.kill('SIGKILL'); });
    }
    s.stderr = '';
    const proc = spawn(DAEMON, this.args(s), { stdio: ['ignore', 'ignore', 'pipe'] });
    s.proc = proc;
    live.add(proc);
    proc.stderr?.on('data', (d: Buffer) => { s.stderr = (s.stderr + d.toString()).slice(-4000); });
    let exitCode: number | null | undefined;
    s.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        exitCode = code ?? (signal ? -1 : null);
        live.delete(proc);
        if (s.proc === proc) s.proc = undefined;
        resolve();
      });
      proc.once('error', (e) => {
        s.stderr += `\nspawn error: ${e.message}`;
        exitCode = exitCode ?? -2;
        live.delete(proc);
        if (s.proc === proc) s.proc = undefined;
        resolve();
      });
    });
    await waitFor(`litecoind node ${i} RPC on port ${s.rpcPort}`, async () => {
      if (exitCode !== undefined) {
        throw new WaitAbort(`litecoind node ${i} exited (code ${exitCode}) before its RPC was ready: ${s.stderr.trim()}\n${this.logTail(i)}`);
      }
      try {
        await this.rpc(i, 'getblockchaininfo');
        return true;
      } catch (e) {
        if (e instanceof RpcError && e.code === -28) return false; // warming up
        if (e instanceof TransportError) return false;
        if (e instanceof HttpStatusError && s.cookie) return false; // cookie of an earlier run
        throw e;
      }
    }, this.timeoutMs).catch((e: unknown) => {
      proc.kill('SIGKILL');
      throw e;
    });
    const wallets = await this.rpc<string[]>(i, 'listwallets');
    if (!wallets.includes('w')) {
      const exists = fs.existsSync(path.join(s.datadir, 'regtest', 'wallets', 'w'));
      await this.rpc(i, exists ? 'loadwallet' : 'createwallet', ['w']);
    }
    if (!s.address) s.address = await this.rpc<string>(i, 'getnewaddress');
  }

  /** Last lines of node i's debug.log, for failure messages. */
  logTail(i: number, lines = 20): string {
    try {
      const text = fs.readFileSync(path.join(this.node(i).datadir, 'regtest', 'debug.log'), 'utf8');
      return text.split('\n').slice(-lines).join('\n');
    } catch { return '(no debug.log)'; }
  }

  /** Stops node i (RPC stop, then SIGKILL if it has not exited within the timeout). */
  async stop(i: number): Promise<void> {
    const s = this.node(i);
    const proc = s.proc;
    if (!proc) return;
    // Litecoin Core 0.21 waits for idle kept-alive RPC connections (up to 30 s) before it exits: close ours first,
    // and send stop on a connection of its own.
    this.dropClient(s);
    try { await this.rpc(i, 'stop'); } catch { proc.kill('SIGTERM'); }
    this.dropClient(s);
    const exited = s.exited ?? Promise.resolve();
    const timedOut = await Promise.race([exited.then(() => false), sleep(this.timeoutMs).then(() => true)]);
    if (timedOut) {
      proc.kill('SIGKILL');
      await exited;
    }
  }

  private dropClient(s: NodeState): void {
    s.client?.close();
    s.client = undefined;
    s.clientKey = undefined;
  }

  /** Stops every node and removes the data directories. Safe to call more than once. */
  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((s) => this.stop(s.index).catch(() => s.proc?.kill('SIGKILL'))));
    if (process.env.BCMGMT_KEEP_DATADIRS === '1') return;
    for (const s of this.nodes) fs.rmSync(s.datadir, { recursive: true, force: true });
  }

  /** Wallet address of node i (coinbase payouts of mine(i) go there). */
  address(i: number): string {
    const a = this.node(i).address;
    if (!a) throw new Error(`node ${i} has no wallet address yet`);
    return a;
  }

  /** Mines n blocks on node i at once (generatetoaddress); returns their hashes. */
  mine(i: number, n: number): Promise<string[]> {
    return this.rpc<string[]>(i, 'generatetoaddress', [n, this.address(i)]);
  }

  /** Sends amount coins from node i's wallet to node `to`'s address (default: node i itself); returns the txid. */
  sendTx(i: number, amount: number, to = i): Promise<string> {
    return this.rpc<string>(i, 'sendtoaddress', [this.address(to), amount]);
  }

  /** Peers of node i, as the node indexes their user agents name. */
  async peerNodes(i: number): Promise<number[]> {
    const peers = await this.rpc<{ subver?: string }[]>(i, 'getpeerinfo');
    const out: number[] = [];
    for (const p of peers) {
      const m = /\(node(\d+)\)/.exec(p.subver ?? '');
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }

  /** Waits until node i has completed the handshake with each of the given nodes. */
  async waitForPeers(i: number, others: readonly number[]): Promise<void> {
    await waitFor(`node ${i} to be connected to nodes ${others.join(', ')}`, async () => {
      const have = await this.peerNodes(i);
      return others.every((o) => have.includes(o));
    }, this.timeoutMs);
  }

  /** Cuts node i off the network (setnetworkactive false) and waits until no running node lists it as a peer. */
  async partition(i: number): Promise<void> {
    await this.rpc(i, 'setnetworkactive', [false]);
    await waitFor(`node ${i} to have no peers`, async () => (await this.rpc<number>(i, 'getconnectioncount')) === 0, this.timeoutMs);
    for (const s of this.nodes) {
      if (s.index === i || !s.proc) continue;
      await waitFor(`node ${s.index} to drop node ${i}`, async () => !(await this.peerNodes(s.index)).includes(i), this.timeoutMs);
    }
  }

  /** Reconnects node i: setnetworkactive true, then addnode onetry to every other running node, and waits for the handshakes. */
  async heal(i: number): Promise<void> {
    await this.rpc(i, 'setnetworkactive', [true]);
    await this.connect(i);
  }

  /** Dials every other running node from node i (addnode onetry) and waits until all are its peers. */
  async connect(i: number): Promise<void> {
    const others = this.nodes.filter((s) => s.index !== i && s.proc).map((s) => s.index);
    const have = await this.peerNodes(i);
    for (const o of others) if (!have.includes(o)) await this.rpc(i, 'addnode', [this.p2pAddress(o), 'onetry']);
    await this.waitForPeers(i, others);
  }

  /** Waits until the given nodes (default: all running) have the same best block; returns its hash. */
  async waitForSameTip(nodes?: readonly number[]): Promise<string> {
    const list = nodes ?? this.nodes.filter((s) => s.proc).map((s) => s.index);
    let tip = '';
    await waitFor(`nodes ${list.join(', ')} to reach the same best block`, async () => {
      const tips = await Promise.all(list.map((i) => this.rpc<string>(i, 'getbestblockhash')));
      tip = tips[0];
      return tips.every((t) => t === tip);
    }, this.timeoutMs);
    return tip;
  }
}

/** Starts a litecoind regtest network (see LitecoinNetwork.start). */
export function startLitecoinNetwork(opts: LitecoinNetworkOptions = {}): Promise<LitecoinNetwork> {
  return LitecoinNetwork.start(opts);
}
