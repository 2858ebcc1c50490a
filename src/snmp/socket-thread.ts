/**
 * Where the SNMP agent's socket lives. SocketThread: on a thread of its own (socket-worker.ts), which answers the
 * GETs it has been taught (get-cache.ts, kept current by get-cells.ts) without the main thread and hands it the
 * rest; MainThreadSocket: on the main thread, every datagram answered there (BCMGMT_SNMP_THREAD=off, or when the
 * thread cannot run). The agent (agent.ts) sees one interface either way.
 */
import * as path from 'node:path';
import type * as dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import type { CacheEdit } from './get-cache';
import type { FromThread, ThreadInit, ToThread } from './socket-worker';
import { own } from './socket-worker';
import { closeUdp, openUdp } from './udp-socket';

export type DatagramHandler = (msg: Buffer, rinfo: dgram.RemoteInfo) => void;

export interface AgentSocket {
  /** Binds the socket (after close(), again); resolves with the address and port bound. */
  bind(address: string, port: number): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  send(msg: Buffer, port: number, address: string): void;
  /** Edits the socket thread's GET cache; undefined when every datagram is answered on the main thread. */
  readonly edit: ((e: CacheEdit) => void) | undefined;
  /** Datagrams answered without the main thread so far. */
  answeredElsewhere(): number;
  /** The socket thread's id in the operating system (Linux), for per-thread figures; undefined: none, or not known. */
  threadId(): number | undefined;
  /** Releases the thread, if any (after close()). */
  end(): Promise<void>;
}

export class MainThreadSocket implements AgentSocket {
  private socket: dgram.Socket | undefined;
  readonly edit = undefined;

  constructor(private readonly onDatagram: DatagramHandler, private readonly onError: (message: string) => void) {}

  async bind(address: string, port: number): Promise<{ address: string; port: number }> {
    const b = await openUdp(address, port, this.onDatagram, (e) => this.onError(e.message));
    this.socket = b.socket;
    return { address: b.address, port: b.port };
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await closeUdp(s);
  }

  send(msg: Buffer, port: number, address: string): void { this.socket?.send(msg, port, address); }
  answeredElsewhere(): number { return 0; }
  threadId(): undefined { return undefined; }
  async end(): Promise<void> { await this.close(); }
}

/** The socket thread's heap: its code, the codec and at most MAX_VALUES varbinds (get-cache.ts). */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 48 };

export class SocketThread implements AgentSocket {
  private readonly worker: Worker;
  private readonly counters = new SharedArrayBuffer(8);
  /** [0]: datagrams the thread answered; [1]: its id in the operating system (socket-worker.ts ThreadInit). */
  private readonly shared = new Uint32Array(this.counters);
  /** The answer awaited to a bind or a close (one at a time: the agent awaits each). */
  private waiting: ((m: FromThread) => void) | undefined;
  private ended = false;
  private bound = false;

  /** onExit: the thread ended without end() (its socket is gone with it). */
  constructor(startedAt: number, onDatagram: DatagramHandler, onError: (message: string) => void, onExit: (why: string) => void) {
    const init: ThreadInit = { role: 'snmp-socket', startedAt, counters: this.counters };
    this.worker = new Worker(path.join(__dirname, 'socket-worker.js'), { workerData: init, resourceLimits: THREAD_LIMITS });
    this.worker.on('message', (m: FromThread) => {
      if (m.op === 'datagram') { onDatagram(Buffer.from(m.msg.buffer, m.msg.byteOffset, m.msg.byteLength), m.rinfo); return; }
      if (m.op === 'error') { onError(m.message); return; }
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m);
    });
    let why = '';
    this.worker.on('error', (e) => { why = e.message; });
    this.worker.on('exit', (code) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.({ op: 'bindFailed', message: `the SNMP socket thread ended (${why || `exit code ${code}`})` });
      if (!this.ended) onExit(why || `exit code ${code}`);
    });
  }

  private post(m: ToThread, transfer?: ArrayBuffer[]): void { this.worker.postMessage(m, transfer); }

  private ask(m: ToThread): Promise<FromThread> {
    return new Promise((resolve) => { this.waiting = resolve; this.post(m); });
  }

  async bind(address: string, port: number): Promise<{ address: string; port: number }> {
    const r = await this.ask({ op: 'bind', address, port });
    if (r.op === 'bound') { this.bound = true; return { address: r.address, port: r.port }; }
    // the thread's system error again, with the fields of one (listen-error.ts)
    const e: NodeJS.ErrnoException & { address?: string; port?: number } = new Error(r.op === 'bindFailed' ? r.message : 'unexpected answer of the SNMP socket thread');
    if (r.op === 'bindFailed') Object.assign(e, { code: r.code, syscall: r.syscall, address: r.address, port: r.port });
    throw e;
  }

  async close(): Promise<void> {
    if (!this.bound || this.ended) return;
    this.bound = false;
    await this.ask({ op: 'close' });
  }

  send(msg: Buffer, port: number, address: string): void {
    const copy = own(msg);
    this.post({ op: 'send', msg: copy, port, address }, [copy.buffer as ArrayBuffer]);
  }

  readonly edit = (e: CacheEdit): void => {
    if (e.op === 'put' && e.varbind) { const v = own(e.varbind); this.post({ ...e, varbind: v }, [v.buffer as ArrayBuffer]); return; }
    this.post(e);
  };

  answeredElsewhere(): number { return Atomics.load(this.shared, 0); }
  threadId(): number | undefined { return Atomics.load(this.shared, 1) || undefined; }

  async end(): Promise<void> {
    await this.close();
    this.ended = true;
    await this.worker.terminate();
  }
}

/** The agent's socket: on its own thread unless BCMGMT_SNMP_THREAD=off. */
export function socketThreadWanted(): boolean {
  return process.env.BCMGMT_SNMP_THREAD !== 'off';
}
