/**
 * The SNMP socket thread (a worker_threads Worker made by socket-thread.ts): it owns the agent's UDP socket,
 * answers from its GetCache the GetRequests the main thread has taught it (get-cache.ts), and hands every other
 * datagram to the main thread, whose answers it sends from the same socket. It loads the BER codec and nothing of
 * the model or the tree, so it stays small; a GET it answers never waits for the main thread, which also writes
 * NETCONF replies and runs the collector.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type * as dgram from 'node:dgram';
import { GetCache } from './get-cache';
import type { CacheEdit } from './get-cache';
import { closeUdp, openUdp } from './udp-socket';

export interface ThreadInit {
  readonly role: 'snmp-socket';
  /** sysUpTime zero, ms since the epoch. */
  readonly startedAt: number;
  /**
   * [0]: datagrams answered here (snmpInPkts counts them with the main thread's); [1]: this thread's id in the
   * operating system (Linux: /proc/thread-self), 0 where there is none, for per-thread figures (bench/snmp-latency.ts).
   */
  readonly counters: SharedArrayBuffer;
}

/** Main thread -> socket thread. */
export type ToThread = CacheEdit
  | { readonly op: 'bind'; readonly address: string; readonly port: number }
  | { readonly op: 'close' }
  | { readonly op: 'send'; readonly msg: Uint8Array; readonly port: number; readonly address: string };

/** Socket thread -> main thread. */
export type FromThread =
  | { readonly op: 'bound'; readonly address: string; readonly port: number }
  /** A failed bind: the system error's fields (listen-error.ts reads code, syscall, address and port). */
  | { readonly op: 'bindFailed'; readonly message: string; readonly code?: string; readonly syscall?: string; readonly address?: string; readonly port?: number }
  | { readonly op: 'closed' }
  | { readonly op: 'datagram'; readonly msg: Uint8Array; readonly rinfo: dgram.RemoteInfo }
  | { readonly op: 'error'; readonly message: string };

/** A copy of a datagram in an ArrayBuffer of its own, to be transferred (not copied again) to the other thread. */
export function own(b: Buffer | Uint8Array): Uint8Array {
  const u = new Uint8Array(b.length);
  u.set(b);
  return u;
}

/** This thread's id in the operating system (the TID of /proc/thread-self on Linux); 0 where it cannot be read. */
function osThreadId(): number {
  try { return Number(fs.readlinkSync('/proc/thread-self').split('/').pop()) || 0; } catch { return 0; }
}

function run(port: NonNullable<typeof parentPort>, init: ThreadInit): void {
  const cache = new GetCache(init.startedAt);
  const shared = new Uint32Array(init.counters);
  Atomics.store(shared, 1, osThreadId());
  let socket: dgram.Socket | undefined;
  const post = (m: FromThread, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    const out = cache.answer(msg, rinfo.address);
    if (out) {
      Atomics.add(shared, 0, 1);
      socket?.send(out, rinfo.port, rinfo.address);
      return;
    }
    const copy = own(msg);
    post({ op: 'datagram', msg: copy, rinfo: { address: rinfo.address, family: rinfo.family, port: rinfo.port, size: rinfo.size } }, [copy.buffer as ArrayBuffer]);
  };
  port.on('message', (m: ToThread) => {
    switch (m.op) {
      case 'bind':
        openUdp(m.address, m.port, onMessage, (e) => post({ op: 'error', message: e.message })).then(
          (b) => { socket = b.socket; post({ op: 'bound', address: b.address, port: b.port }); },
          (e: NodeJS.ErrnoException & { address?: string; port?: number }) =>
            post({ op: 'bindFailed', message: e.message, code: e.code, syscall: e.syscall, address: e.address, port: e.port }));
        return;
      case 'close': {
        const s = socket;
        socket = undefined;
        void (s ? closeUdp(s) : Promise.resolve()).then(() => post({ op: 'closed' }));
        return;
      }
      case 'send':
        socket?.send(m.msg, m.port, m.address);
        return;
      default:
        cache.apply(m);
    }
  });
}

if (parentPort && (workerData as Partial<ThreadInit> | undefined)?.role === 'snmp-socket') run(parentPort, workerData as ThreadInit);
