/**
 * Timelines for bench/snmp-tail.ts, on one clock across processes: process.hrtime is CLOCK_MONOTONIC, the same in
 * the pollers' process, the bench bridge and the NETCONF client. Times are milliseconds of that clock.
 *   - AgentRecorder, in the bench bridge: for each datagram the SNMP agent handles, its source port, when
 *     onDatagram began and when it returned (the answer is sent before it returns: src/snmp/agent.ts), and the
 *     bridge's GC pauses, while recording.
 *   - GetRecorder, in the NETCONF client: when each full <get> was sent and when its reply was in.
 * The arrays are flat (port, in, out, port, in, out, ...) so a 20 s recording of 50,000 GETs is a few arrays of
 * doubles, sent once over IPC at the end.
 */
import type * as dgram from 'node:dgram';
import { PerformanceObserver, performance } from 'node:perf_hooks';

export const clockMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export interface AgentTrace {
  /** Per datagram: source port, onDatagram entered, onDatagram returned. */
  readonly datagrams: readonly number[];
  /** Per GC pause: start, duration. */
  readonly gc: readonly number[];
}

interface DatagramHandler { onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void }

export class AgentRecorder {
  private datagrams: number[] = [];
  private gc: number[] = [];
  private on = false;

  constructor(agent: DatagramHandler) {
    const handle = agent.onDatagram.bind(agent);
    // the agent's socket listener calls this.onDatagram: an own property of the instance takes its place
    agent.onDatagram = (msg, rinfo): void => {
      if (!this.on) { handle(msg, rinfo); return; }
      const t = clockMs();
      handle(msg, rinfo);
      this.datagrams.push(rinfo.port, t, clockMs());
    };
    const offset = clockMs() - performance.now();
    new PerformanceObserver((list) => {
      if (this.on) for (const e of list.getEntries()) this.gc.push(e.startTime + offset, e.duration);
    }).observe({ entryTypes: ['gc'] });
  }

  start(): void {
    this.datagrams = [];
    this.gc = [];
    this.on = true;
  }

  stop(): AgentTrace {
    this.on = false;
    return { datagrams: this.datagrams, gc: this.gc };
  }
}

export class GetRecorder {
  private gets: number[] = [];
  private on = false;

  start(): void { this.gets = []; this.on = true; }

  /** A full <get> sent at start and answered at end (clockMs). */
  add(start: number, end: number): void { if (this.on) this.gets.push(start, end); }

  /** Per <get>: sent, reply in. */
  stop(): readonly number[] { this.on = false; return this.gets; }
}
