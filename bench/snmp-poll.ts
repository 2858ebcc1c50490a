/**
 * GET latency of an SNMP agent with concurrent pollers (our own codec as the client, one UDP socket per
 * poller), for bench/snmp-walk.ts and bench/snmp-latency.ts.
 */
import * as dgram from 'node:dgram';
import { Tag } from '../src/snmp/ber';
import { V2C, decodeMessage, encodeCommunityMessage, encodePdu, encodeVarbinds } from '../src/snmp/message';
import type { CommunityMessage } from '../src/snmp/message';
import { modelIndex } from '../src/model';
import { parseOid } from '../src/snmp/oid';

export interface Latency { p50: number; p99: number; max: number; rate: number; count: number; errors: number;
  /** The pollers' process's CPU over the round, % of one core (the pollers share one event loop). */
  pollerCpu: number;
  /** Times the pollers' threads that ended during the round were put on a CPU (snmp-poll-threads.ts). */
  threadRuns?: number }

/**
 * `pollers` concurrent pollers, each sending one GET after the other (after a pause of pauseMs, when given) for
 * `seconds`; round-trip times in ms. Stops early when stop() of opts returns true. With rate (GETs per second, all
 * pollers together), each poller sends its n-th GET when it is due on that rate's schedule, or when the last was
 * answered if that is later: back to back up to that rate. It waits with a timer for whole milliseconds and turns
 * of the event loop for the rest (the pollers' process then spins: it takes CPU from the agent on this 2-core machine),
 * or, with sleep (a poller alone on its thread, snmp-poll-threads.ts), sleeps for the rest (Atomics.wait).
 */
export async function poll(port: number, oids: readonly string[], seconds: number, pollers = 4,
  opts: { pauseMs?: number; rate?: number; sleep?: boolean; stop?: () => boolean; record?: (pollerPort: number, sentMs: number, answeredMs: number) => void } = {}): Promise<Latency> {
  const asleep = new Int32Array(new SharedArrayBuffer(4));
  const times: number[] = [];
  const vbs = encodeVarbinds(oids.map((o) => ({ oid: parseOid(o), value: { type: 'null' } })));
  const end = Date.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let errors = 0;
  const one = async (k: number): Promise<void> => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const ownPort = s.address().port;
    let id = k * 10000000;
    let waiting: ((m: Buffer) => void) | undefined;
    s.on('message', (m) => waiting?.(m));
    const every = opts.rate ? (pollers * 1000) / opts.rate : 0;
    const due0 = performance.now();
    for (let sent = 0; Date.now() < end && !opts.stop?.(); sent++) {
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
      if (every) {
        const due = due0 + sent * every;
        if (due - performance.now() >= 1) await new Promise((r) => setTimeout(r, Math.floor(due - performance.now())));
        // the rest of a millisecond, which a timer cannot wait: turns of the event loop (it polls the sockets in each)
        if (opts.sleep && due > performance.now()) Atomics.wait(asleep, 0, 0, due - performance.now());
        while (performance.now() < due) await new Promise((r) => setImmediate(r));
      }
      id++;
      const msg = encodeCommunityMessage(V2C, Buffer.from('public'), encodePdu(Tag.GetRequest, id, 0, 0, vbs));
      const t0 = process.hrtime.bigint();
      const reply = await new Promise<Buffer | undefined>((resolve) => {
        const timer = setTimeout(() => { waiting = undefined; resolve(undefined); }, 2000);
        waiting = (m) => {
          const d = decodeMessage(m) as CommunityMessage;
          if (d.pdu.requestId !== id) return;
          clearTimeout(timer);
          waiting = undefined;
          resolve(m);
        };
        s.send(msg, port, '127.0.0.1');
      });
      if (!reply) { errors++; continue; }
      const d = decodeMessage(reply) as CommunityMessage;
      if (d.pdu.errorStatus !== 0 || d.pdu.varbinds.some((v) => v.value.type === 'noSuchObject' || v.value.type === 'noSuchInstance')) errors++;
      const t1 = process.hrtime.bigint();
      times.push(Number(t1 - t0) / 1e6);
      opts.record?.(ownPort, Number(t0) / 1e6, Number(t1) / 1e6);
    }
    s.close();
  };
  await Promise.all(Array.from({ length: pollers }, (_, k) => one(k + 1)));
  const cpu = process.cpuUsage(cpu0);
  const pollerCpu = ((cpu.user + cpu.system) / 1000 / (performance.now() - started)) * 100;
  if (errors) console.log(`  (${errors} GETs failed or timed out on port ${port})`);
  return summary(times, seconds, errors, pollerCpu);
}

/** The Latency of a round from its round-trip times (ms, in any order; sorted here) over seconds. */
export function summary(times: number[] | Float64Array, seconds: number, errors: number, pollerCpu: number): Latency {
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: q(0.5), p99: q(0.99), max: times[times.length - 1], rate: times.length / seconds, count: times.length, errors, pollerCpu };
}

/** The index sub-identifiers of a string key (length, then its octets). */
function strIndex(s: string): string {
  return [s.length, ...Buffer.from(s)].join('.');
}

/**
 * The 3 varbinds of each GET: sysUpTime.0, bcmNodeHeight of a node and bcmPeerBytesIn of a peer of network
 * net0 (ours: a node and a peer in the middle of the tree), and three objects of the same kinds for snmpd.
 */
export function snmpTargets(nodes: number, peers: number): { ours: string[]; snmpd: string[] } {
  const node = `node${Math.floor(nodes / 2)}`;
  const peer = Math.max(1, Math.ceil(peers / 2));
  const root = modelIndex.rootOid;
  return {
    ours: ['1.3.6.1.2.1.1.3.0', `${root}.1.3.1.18.${strIndex('net0')}.${strIndex(node)}`, `${root}.1.4.1.8.${strIndex('net0')}.${strIndex(node)}.${peer}`],
    snmpd: ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.2.1.10.1'],
  };
}
