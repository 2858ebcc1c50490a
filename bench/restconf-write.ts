/**
 * RESTCONF write benchmark: PATCH of one leaf (a network's poll-interval) on a bridge managing 100 nodes with 20
 * peers each (synthetic instances in the live tree), and where its time goes, each layer measured in the same
 * run, in turn (so that a busy moment of a shared machine falls on all alike):
 *
 *   commit         ConfigDatastore.commit of the changed running document (validate, references, diff, SQLite
 *                  without waiting for the fsync, apply, listeners): the floor of any view's write
 *   commit startup the same document committed to startup, which waits for the fsync of SQLite's WAL
 *                  (synchronous=FULL) and is not applied: the reference for the cost of that fsync
 *   edit-config    NetconfServer.editRunning: the RPC layer around the commit (session, parse, access, lock, edit)
 *   PATCH server   the RESTCONF request as the HTTP server runs it, from its arrival to the end of its reply
 *   PATCH http     the loopback round trip of Node's http client (a new connection per request)
 *   NETCONF http   the same change as an <edit-config> POSTed to /netconf, round trip
 *
 *   node dist/bench/restconf-write.js [--iterations N]
 *
 * Each row: median and p99 of the wall time, and the mean CPU time of the process (user + system), in ms; the
 * last line is a JSON object of the medians and of the server's CPU time per PATCH. Target (issue 15): PATCH server
 * <= 5 ms. On a busy machine the wall times grow with every turn of the event loop a request waits for the CPU;
 * the CPU times do not.
 */
import * as http from 'node:http';
import type { ConfigObject } from '../src/config/document';
import { ADMIN, BCM, httpRequest, rpc } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const PEERS = 20;
const PATH = '/restconf/data/blockchain-mgmt:managed-system/network=net0/poll-interval';

interface Sample { wall: number[]; cpu: number[] }

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 100;
  // server-side time of each RESTCONF request, from its arrival to the end of its reply, whichever server the
  // bridge builds: every http.Server of this process reports its 'request' events here
  const served: { wall: number; cpu: number }[] = [];
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (req.url?.startsWith('/restconf/')) {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        res.on('finish', () => { const c = process.cpuUsage(c0); served.push({ wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (c.user + c.system) / 1000 }); });
      }
    }
    return (emit as (this: http.Server, event: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  const synthetic = await syntheticBridge(NODES, PEERS);
  const { bridge, view } = synthetic;
  const port = view.httpPort;
  const user = { name: ADMIN.name, role: 'admin' as const, publicKeys: [] };
  try {
    // every call changes the value (a write of the value in effect commits nothing)
    const flip = (target: 'running' | 'startup' = 'running'): number => {
      const nets = bridge.datastore.get(target).networks as ConfigObject[] | undefined;
      return nets?.[0]?.pollInterval === 5 ? 6 : 5;
    };
    const poll = (): number => flip();
    const config = (): string => `<managed-system xmlns="${BCM}"><network><name>net0</name><poll-interval>${poll()}</poll-interval></network></managed-system>`;
    const commit = (target: 'running' | 'startup'): void => {
      const doc = bridge.datastore.get('running');
      ((doc.networks as ConfigObject[])[0]).pollInterval = flip(target);
      bridge.datastore.commit(target, doc, { user: ADMIN.name, source: 'netconf' });
    };
    const layers: [string, () => Promise<unknown> | unknown][] = [
      ['commit', () => commit('running')],
      ['commit startup', () => commit('startup')],
      ['edit-config', () => view.rpc.editRunning(user, 'http', '', config(), 'merge')],
      ['PATCH http', async () => {
        const r = await httpRequest(port, { method: 'PATCH', path: PATH, user: ADMIN, headers: { 'Content-Type': 'application/yang-data+json' }, body: JSON.stringify({ 'blockchain-mgmt:poll-interval': poll() }) });
        if (r.status !== 204) throw new Error(`PATCH: ${r.status} ${r.body}`);
      }],
      ['NETCONF http', async () => {
        const r = await httpRequest(port, { user: ADMIN, body: rpc(1, `<edit-config><target><running/></target><config>${config()}</config></edit-config>`) });
        if (!r.body.includes('<ok/>')) throw new Error(r.body);
      }],
    ];
    for (let i = 0; i < 10; i++) for (const [, f] of layers) await f(); // warm-up: compile the paths once
    served.length = 0;
    const times = new Map<string, Sample>([...layers.map(([name]): [string, Sample] => [name, { wall: [], cpu: [] }]), ['PATCH server', { wall: [], cpu: [] }]]);
    for (let i = 0; i < N; i++) {
      for (const [name, f] of layers) {
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        await f();
        const c = process.cpuUsage(c0);
        times.get(name)!.wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        times.get(name)!.cpu.push((c.user + c.system) / 1000);
      }
      for (const s of served.splice(0)) { times.get('PATCH server')!.wall.push(s.wall); times.get('PATCH server')!.cpu.push(s.cpu); }
    }
    const order = ['commit', 'commit startup', 'edit-config', 'PATCH server', 'PATCH http', 'NETCONF http'];
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`RESTCONF PATCH of one leaf, ${NODES} nodes x ${PEERS} peers (n=${N}), ms:`);
    for (const name of order) {
      const s = times.get(name)!;
      console.log(`  ${name.padEnd(14)} median ${fmt(stats(s.wall).median).padStart(6)}  p99 ${fmt(stats(s.wall).p99).padStart(6)}  cpu ${fmt(mean(s.cpu)).padStart(6)}`);
    }
    console.log(JSON.stringify({
      ...Object.fromEntries(order.map((name) => [name.replace(' ', '-'), Number(fmt(stats(times.get(name)!.wall).median))])),
      'PATCH-server-cpu': Number(fmt(mean(times.get('PATCH server')!.cpu))),
    }));
  } finally {
    http.Server.prototype.emit = emit;
    await synthetic.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
