/**
 * What one SNMP GET allocates on the agent's path (issue 16, target 3: the young generation's collections that
 * delay GETs come from allocation), in process: the GET of bench/snmp-latency.ts (sysUpTime.0, a node's height and a
 * peer's bytes in, v2c) handed to the agent of a bridge holding 1,000 nodes x 20 peers, the reply sent over UDP to a
 * socket of this process. Bytes per GET from V8's sampling heap profiler (every object, also those the young
 * generation's collections freed), by the function that allocated them; and the process's CPU time per GET without
 * the profiler (the agent's and the receiving socket's: the agent sends each reply before onDatagram returns, or on the
 * next tick). What the receiving socket allocates (the datagram and its 'message' event) is counted apart.
 *
 *   node dist/bench/snmp-get-alloc.js [--gets N, default 100000] [--nodes N] [--peers N]
 */
import * as dgram from 'node:dgram';
import * as inspector from 'node:inspector';
import { Tag } from '../src/snmp/ber';
import { encodeCommunityMessage, encodePdu, encodeVarbinds } from '../src/snmp/message';
import { parseOid } from '../src/snmp/oid';
import { snmpTargets } from './snmp-poll';
import { syntheticBridge } from './synthetic-bridge';
import { arg } from './args';

interface ProfileNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: ProfileNode[] }

function post<T>(s: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params, (e, r) => (e ? reject(e) : resolve(r as T))));
}

async function main(): Promise<void> {
  const gets = Number(arg('gets', '100000'));
  const nodes = Number(arg('nodes', '1000'));
  const peers = Number(arg('peers', '20'));
  const b = await syntheticBridge(nodes, peers, { snmp: true });
  const sink = dgram.createSocket('udp4');
  try {
    const agent = b.snmp!.agent;
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    const vbs = encodeVarbinds(snmpTargets(nodes, peers).ours.map((o) => ({ oid: parseOid(o), value: { type: 'null' } })));
    const msgs = Array.from({ length: 64 }, (_, i) => encodeCommunityMessage(1, Buffer.from('public'), encodePdu(Tag.GetRequest, 1000 + i, 0, 0, vbs)));
    const rinfo = { address: '127.0.0.1', port: sink.address().port, family: 'IPv4' as const, size: msgs[0].length };
    let got = 0;
    let want = 0;
    let wake: (() => void) | undefined;
    sink.on('message', () => { if (++got >= want && wake) { const w = wake; wake = undefined; w(); } });
    // 32 GETs, then wait for their replies (the socket buffers stay far from full: no send fails)
    // returns the process's CPU time per GET (the agent's, the receiving socket's and this loop's)
    const run = async (n: number): Promise<number> => {
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i += 32) {
        want = got + Math.min(32, n - i);
        for (let k = i; k < i + 32 && k < n; k++) agent.onDatagram(msgs[k & 63], rinfo);
        await new Promise<void>((r) => { wake = r; setTimeout(() => { if (wake === r) { wake = undefined; r(); } }, 100); });
      }
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / n;
    };
    await run(20000); // the index's first build and the JIT
    await new Promise((r) => setTimeout(r, 2000));
    await run(20000);
    const usPerGet = await run(gets);
    const s = new inspector.Session();
    s.connect();
    await post(s, 'HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const before = got;
    await run(gets);
    const { profile } = await post<{ profile: { head: ProfileNode } }>(s, 'HeapProfiler.stopSampling');
    s.disconnect();
    const replies = got - before;
    // by allocating function, under the bench's calls of the agent (the agent answers each datagram at once);
    // the rest is the receiving socket's (the datagram made by the runtime, its 'message' event) and the harness's
    const byFn = new Map<string, number>();
    let agentBytes = 0;
    let otherBytes = 0;
    const walk = (n: ProfileNode, inRun: boolean): void => {
      const f = n.callFrame;
      const bench = f.url.includes('/bench/');
      const under = inRun || bench;
      if (n.selfSize) {
        if (under && !bench) {
          agentBytes += n.selfSize;
          const k = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\/dist\//, '')}:${f.lineNumber + 1}`;
          byFn.set(k, (byFn.get(k) ?? 0) + n.selfSize);
        } else otherBytes += n.selfSize;
      }
      for (const c of n.children) walk(c, under);
    };
    walk(profile.head, false);
    console.log(`SNMP GET on the agent's path, in process: ${nodes} nodes x ${peers} peers, 3 varbinds, v2c; ${gets} GETs, ${replies} replies`);
    console.log(`agent: ${(agentBytes / gets).toFixed(0)} bytes allocated per GET (decode, answer, encode, send); CPU ${usPerGet.toFixed(1)} us per GET with the receiving socket's`);
    console.log(`the receiving socket and the harness: ${(otherBytes / gets).toFixed(0)} bytes per GET (not the agent's)`);
    for (const [k, v] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, 15)) console.log(`${(v / gets).toFixed(0).padStart(7)}  ${k}`);
    console.log(JSON.stringify({ bytesPerGet: Math.round(agentBytes / gets), usPerGet, replies, gets }));
  } finally {
    sink.close();
    await b.stop();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
