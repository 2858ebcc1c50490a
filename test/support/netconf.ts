/**
 * Helpers of the NETCONF and HTTP tests: a bridge with the NETCONF view on free ports, the ncclient step
 * runner (test/support/nc_client.py under /usr/bin/python3), a raw SSH NETCONF channel for hostile input,
 * plain HTTP requests, and synthetic instance trees.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client } from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { composeManagementViews } from '../../src/compose';
import type { NetconfView } from '../../src/netconf';
import type { InstanceTree } from '../../src/state/tree';
import { startBridge } from './bridge';
import type { TestBridge } from './bridge';
import { projectRoot } from './tools';

export const NC = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const BCM = 'urn:itu:t:m:immbs:blockchain-mgmt';
export const ADMIN = { name: 'admin', password: 'admin-secret-1' };
export const READER = { name: 'reader', password: 'reader-secret-1' };

export function usersConfig(): ConfigObject {
  return { managementUsers: [{ name: ADMIN.name, password: ADMIN.password, role: 'admin' }, { name: READER.name, password: READER.password, role: 'readOnly' }] };
}

export interface NetconfBridge extends TestBridge {
  readonly view: NetconfView;
  readonly sshPort: number;
  readonly httpPort: number;
}

/** A bridge on the seed with the NETCONF view on free loopback ports (users admin and reader unless the seed has its own). */
export async function startNetconfBridge(seed: ConfigObject, opts: { withUsers?: boolean; setup?: (b: Bridge) => void } = {}): Promise<NetconfBridge> {
  const withUsers = opts.withUsers ?? true;
  const cfg = { ...(seed.configuration as ConfigObject | undefined ?? {}), ...(withUsers ? usersConfig() : {}) };
  const full: ConfigObject = { ...seed, ...(Object.keys(cfg).length ? { configuration: cfg } : {}) };
  let view: NetconfView | undefined;
  const tb = await startBridge(full, {
    setup: (b) => {
      view = composeManagementViews(b, { sshPort: 0, httpPort: 0, address: '127.0.0.1' }).netconf;
      opts.setup?.(b);
    },
  });
  return { ...tb, view: view!, sshPort: view!.sshPort, httpPort: view!.httpPort };
}

// ---- YANG modules of the server's own data ------------------------------------------------------------

const YUMA = '/usr/share/yuma/modules';
/** Modules of libyuma-base that <get> data needs beside yang/ (NETCONF monitoring, the RFC 5277 streams) and their imports. */
const SERVER_MODULE_FILES = [`${YUMA}/ietf/ietf-netconf-monitoring@2010-10-04.yang`, `${YUMA}/ietf-derived/nc-notifications.yang`,
  `${YUMA}/ietf-derived/notifications.yang`, `${YUMA}/netconfcentral/yuma-ncx.yang`];

/** Copies those modules into dir (a yanglint search path); returns the ones to load for <get> data. */
export function copyServerModules(dir: string): string[] {
  for (const f of SERVER_MODULE_FILES) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  return SERVER_MODULE_FILES.slice(0, 2).map((f) => path.join(dir, path.basename(f)));
}

/** The content of <data> of an rpc-reply, as sent; throws (with the reply's start) when it has none. */
export function dataOf(reply: string): string {
  const a = reply.indexOf('<data>');
  if (a < 0) throw new Error(`no <data> in the reply: ${reply.slice(0, 800)}`);
  return reply.slice(a + '<data>'.length, reply.lastIndexOf('</data>'));
}

// ---- ncclient ---------------------------------------------------------------------------------------

export interface StepResult {
  readonly step: number;
  readonly op: string;
  readonly ok: boolean;
  readonly xml?: string | null;
  readonly data?: string;
  readonly session_id?: string;
  readonly base11?: boolean;
  readonly capabilities?: string[];
  readonly error?: RpcErrorResult & { readonly errors?: RpcErrorResult[] };
  readonly exception?: string;
}

/** An rpc-error as nc_client.py reports it. */
export interface RpcErrorResult { tag: string; type: string; severity: string; message: string; path: string | null; info: string | null; xml: string | null }

export type Step = Record<string, unknown> & { op: string };

/** A running nc_client.py program: its results, and a way to end it (for after() hooks). */
export interface NcRun {
  readonly results: Promise<StepResult[]>;
  kill(): void;
}

/**
 * Starts ncclient steps against the SSH port; onWait runs at each {op: 'wait'} step before the program goes on.
 * results resolves with the results of every step.
 */
export function startNcclient(port: number, steps: readonly Step[], onWait?: (name: string) => Promise<void>, timeoutMs = 120_000): NcRun {
  const script = path.join(projectRoot, 'test', 'support', 'nc_client.py');
  const p = spawn('/usr/bin/python3', [script, JSON.stringify({ host: '127.0.0.1', port, steps })], { stdio: ['pipe', 'pipe', 'pipe'] });
  const kill = (): void => { if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL'); };
  const results = new Promise<StepResult[]>((resolve, reject) => {
    const out: StepResult[] = [];
    let buf = '';
    let stderr = '';
    const timer = setTimeout(() => { kill(); reject(new Error(`ncclient timed out; results so far ${JSON.stringify(out)}; stderr ${stderr}`)); }, timeoutMs);
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const o = JSON.parse(line) as StepResult & { waiting?: string };
        if (o.waiting !== undefined) {
          const go = (): void => { p.stdin.write('\n'); };
          (onWait ? onWait(o.waiting) : Promise.resolve()).then(go, (e: unknown) => { kill(); reject(e); });
          continue;
        }
        out.push(o);
      }
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`nc_client.py exited with ${code ?? signal}: ${stderr}; results so far ${JSON.stringify(out)}`));
      else resolve(out);
    });
  });
  return { results, kill };
}

/** A running nc_client.py program with one {op: 'wait'} step (e.g. after its subscriptions). */
export interface NcRunWithWait extends NcRun {
  /** Resolves when the program reaches its {op: 'wait'} step (it goes on at once); rejects if it ends or fails first. */
  readonly reachedWait: Promise<void>;
}

/** Starts ncclient steps (see startNcclient) and tells when they reach their wait step; results never rejects unhandled. */
export function startNcclientWithWait(port: number, steps: readonly Step[], timeoutMs = 240_000): NcRunWithWait {
  let waited: () => void = () => undefined;
  let failWait: (e: Error) => void = () => undefined;
  const reachedWait = new Promise<void>((resolve, reject) => { waited = resolve; failWait = reject; });
  const run = startNcclient(port, steps, async () => waited(), timeoutMs);
  run.results.then(
    (out) => failWait(new Error(`nc_client.py ended before its wait step; results ${JSON.stringify(out)}`)),
    (e: unknown) => failWait(e instanceof Error ? e : new Error(String(e))));
  run.results.catch(() => undefined); // awaited by the test; never an unhandled rejection if the test failed earlier
  reachedWait.catch(() => undefined);
  return { results: run.results, reachedWait, kill: run.kill };
}

/** Runs ncclient steps to the end (see startNcclient). */
export function ncclient(port: number, steps: readonly Step[], onWait?: (name: string) => Promise<void>, timeoutMs = 120_000): Promise<StepResult[]> {
  return startNcclient(port, steps, onWait, timeoutMs).results;
}

export function login(user: { name: string; password: string }, session = 'a'): Step {
  return { op: 'connect', session, user: user.name, password: user.password };
}

// ---- raw SSH ----------------------------------------------------------------------------------------

export const EOM = ']]>]]>';

/** A NETCONF subsystem channel over SSH that sends exactly the bytes given. */
export class RawNetconf {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;
  private constructor(private readonly client: Client, private readonly ch: ClientChannel, private readonly sock: net.Socket) {
    let done: () => void = () => undefined;
    this.closedPromise = new Promise((r) => { done = r; });
    ch.on('data', (d: Buffer) => { this.buf += d.toString('utf8'); this.wake(); });
    const end = (): void => { this.closed = true; this.wake(); done(); };
    ch.on('close', end);
    client.on('close', end);
    client.on('error', end);
  }

  static connect(port: number, user: { name: string; password?: string; privateKey?: string | Buffer }): Promise<RawNetconf> {
    return new Promise((resolve, reject) => {
      const c = new Client();
      // the TCP connection is the test's own, so that it can stop reading it (pause)
      const sock = net.connect(port, '127.0.0.1');
      c.on('error', reject);
      c.on('ready', () => {
        c.subsys('netconf', (err, ch) => {
          if (err) { reject(err); return; }
          resolve(new RawNetconf(c, ch, sock));
        });
      });
      c.connect({ sock, username: user.name, password: user.password, privateKey: user.privateKey, readyTimeout: 20000 });
    });
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }

  get received(): string { return this.buf; }

  /**
   * Stops reading the connection until resume(): the client sends no window adjustment, so once the channel's
   * window (2 MB) is used up the server holds what it writes.
   */
  pause(): void { this.sock.pause(); }
  resume(): void { this.sock.resume(); }

  write(data: string | Buffer): boolean {
    if (this.closed) return false;
    return this.ch.write(data);
  }

  /** Sends the client hello (base:1.0 only, or with base:1.1). */
  hello(base11: boolean): void {
    const caps = ['urn:ietf:params:netconf:base:1.0', ...(base11 ? ['urn:ietf:params:netconf:base:1.1'] : [])];
    this.write(`<?xml version="1.0"?><hello xmlns="${NC}"><capabilities>${caps.map((c) => `<capability>${c}</capability>`).join('')}</capabilities></hello>${EOM}`);
  }

  /** Resolves when the received text matches, or rejects after timeoutMs (or when the channel closes first). */
  async waitFor(re: RegExp, timeoutMs = 10000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.buf);
      if (m) return m[0];
      if (this.closed) throw new Error(`channel closed before ${re}; received: ${this.buf.slice(-2000)}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}; received: ${this.buf.slice(-2000)}`);
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /** Resolves true when the session ends within timeoutMs. */
  async waitClosed(timeoutMs = 10000): Promise<boolean> {
    return Promise.race([this.closedPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
  }

  close(): void { this.client.end(); }
}

/** One chunked-framed message. */
export function chunk(msg: string): string {
  return `\n#${Buffer.byteLength(msg)}\n${msg}\n##\n`;
}

export function rpc(id: string | number, body: string): string {
  return `<rpc message-id="${id}" xmlns="${NC}">${body}</rpc>`;
}

// ---- HTTP ---------------------------------------------------------------------------------------------

/** The Authorization header of HTTP basic authentication for a user. */
export function basicAuth(user: { name: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`;
}

export interface HttpResult { readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: string }

export function httpRequest(port: number, opts: { method?: string; path?: string; body?: string | Buffer; user?: { name: string; password: string };
  headers?: Record<string, string>; stream?: (req: http.ClientRequest) => void }): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.user) headers.Authorization = basicAuth(opts.user);
    if (opts.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/xml';
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/netconf', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.stream) opts.stream(req);
    else req.end(opts.body);
  });
}

/** The first error of a RESTCONF errors document in JSON: its members by name ('error-tag', 'error-type', 'error-message'...). */
export function restconfError(r: HttpResult): Record<string, string> {
  return (JSON.parse(r.body) as { 'ietf-restconf:errors': { error: Record<string, string>[] } })['ietf-restconf:errors'].error[0];
}

/** The seed of the HTTP and RESTCONF tests: network dev with one node n1 whose endpoint never answers (port 9). */
export function unreachableDevSeed(): ConfigObject {
  return { networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }] };
}

// ---- synthetic data -----------------------------------------------------------------------------------

/** Fills the tree with networks × nodes × peers of plausible values (no collector behind them). */
export function fillSynthetic(tree: InstanceTree, networks: number, nodesPerNetwork: number, peersPerNode: number): void {
  const now = Date.now();
  for (let n = 0; n < networks; n++) {
    const net = `net${n}`;
    tree.set([{ cls: 'network', keys: [net] }], { platform: 'ethereum', chainId: '1337', operState: 'enabled', nodeCount: nodesPerNetwork, reachableNodeCount: nodesPerNetwork, bestHeight: 123456n });
    tree.set([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }], { height: 123456n, headHash: `0x${'ab'.repeat(32)}`, headTime: now });
    for (let i = 0; i < nodesPerNetwork; i++) {
      const node = `node${i}`;
      const np = [{ cls: 'network', keys: [net] }, { cls: 'node', keys: [node] }];
      tree.set(np, {
        endpoint: `http://127.0.0.1:${10000 + i}`, role: 'full', adminState: 'unlocked', operState: 'enabled', reachability: 'reachable', stale: false,
        lastObserved: now, clientVersion: 'Geth/v1.14.0-stable/linux-amd64/go1.22', protocolVersion: '68', networkId: '1337', uptime: 86400n,
        height: 123456n, syncing: false, peerCount: peersPerNode, peerLimit: 50, networkActive: true, blockProduction: false, gasPrice: '1000000000',
        rpcLatency: 3, rpcErrors: 0n, bytesIn: 123456789n, bytesOut: 98765432n,
      }, now);
      tree.set([...np, { cls: 'txPool' }], { pending: 12n, queued: 3n });
      tree.replaceList(np, 'peer', Array.from({ length: peersPerNode }, (_, j) => ({
        keys: [j + 1],
        values: { peerId: `enode://${(i * 1000 + j).toString(16).padStart(128, '0')}`, address: `10.0.${i % 250}.${j + 1}:30303`, direction: j % 2 ? 'inbound' : 'outbound',
          clientVersion: 'Geth/v1.14.0', connectedSince: now - 3600000, pingTime: 1200 + j, bytesIn: 1000n * BigInt(j + 1), bytesOut: 2000n * BigInt(j + 1), peerHeight: 123456n },
      })), now);
    }
  }
}
