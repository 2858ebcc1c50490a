/**
 * RESTCONF benchmark: a bridge managing 100 nodes with 20 peers each, then one of 1,000 nodes with 20 peers each
 * (synthetic instances in the live tree).
 *
 *   node dist/bench/restconf-get.js [--iterations N]
 *
 * Reports median and p99 of
 *   - server side (the read path the router runs: query, path, build, encode; no HTTP; wall time, and the process's
 *     CPU time per request, which other processes on a busy machine disturb less): GET /restconf/data in JSON
 *     with 100 nodes x 20 peers (issue 15 target: <= 15 ms), and, with 1,000 nodes, GET of one node resource and of
 *     one node with fields (issue 15/16 target: <= 2 ms), against the full JSON GET of the same tree in the same run;
 *   - over loopback HTTP (one keep-alive-less request at a time, client in the same process, so each figure is an
 *     upper bound of the server-side time): GET /restconf/data in JSON and XML, GET of one node, GET with fields;
 *   - PATCH of one leaf (a network's poll-interval: edit-config, validate, apply, persist in SQLite).
 * Nothing leaves the loopback interface; the bench stops by itself.
 */
import { RESTCONF_NS } from '../src/restconf/errors';
import { readData } from '../src/restconf/datastore';
import type { RestconfSource } from '../src/restconf/datastore';
import { Turns } from '../src/turns';
import { writeDatastoreReply, writeResourceReply } from '../src/restconf/encode';
import { TextParts } from '../src/restconf/json-text';
import { parseApiPath } from '../src/restconf/path';
import { parseDataQuery } from '../src/restconf/query';
import { ADMIN, httpRequest } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const BIG_NODES = 1000;
const PEERS = 20;
const MS = '/restconf/data/blockchain-mgmt:managed-system';

async function time(n: number, f: () => Promise<{ status: number; body: string }>, expectStatus: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await f();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== expectStatus) throw new Error(`status ${r.status}: ${r.body.slice(0, 300)}`);
    bytes = r.body.length;
  }
  return { ms, bytes };
}

/** The JSON reply of a GET as the router builds it (src/restconf/router.ts), timed in this process: no HTTP. */
async function serverSide(src: RestconfSource, url: string, n: number): Promise<{ ms: number[]; bytes: number; cpuMs: number }> {
  const moduleOf = (ns: string): string => src.catalogue.modules.find((m) => m.namespace === ns)?.name ?? ns;
  const nsOfModule = (name: string): string | undefined => src.catalogue.modules.find((m) => m.name === name)?.namespace;
  const [p, search = ''] = url.split('?');
  const once = async (): Promise<string> => {
    const q = parseDataQuery(search);
    const steps = parseApiPath(p.slice('/restconf/data'.length), nsOfModule);
    const nodes = await readData(src, steps, q, nsOfModule);
    const body = new TextParts();
    if (steps.length) await writeResourceReply(nodes[0], 'json', moduleOf, body, new Turns());
    else await writeDatastoreReply(nodes, 'json', moduleOf, body, new Turns());
    return body.text();
  };
  for (let i = 0; i < Math.min(3, n); i++) await once(); // warm-up
  const ms: number[] = [];
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const body = await once();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    bytes = body.length;
  }
  const cpu = process.cpuUsage(cpu0);
  if (!bytes || bytes < 10) throw new Error(`empty reply for ${url}`);
  // CPU time of the process per request (all its threads: garbage collection included), less disturbed than the
  // wall time by other processes on a busy machine
  return { ms, bytes, cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

const line = (label: string, r: { ms: number[]; bytes: number; cpuMs?: number }, extra = ''): string =>
  `  ${label.padEnd(34)} ${(r.bytes / 1024).toFixed(1).padStart(7)} KiB  median ${fmt(stats(r.ms).median)} ms  p99 ${fmt(stats(r.ms).p99)} ms` +
  `${r.cpuMs !== undefined ? `  cpu ${fmt(r.cpuMs)} ms` : ''}${extra}`;
const figure = (r: { ms: number[]; bytes: number; cpuMs?: number }): Record<string, number> => ({ ...stats(r.ms), bytes: r.bytes, n: r.ms.length, ...(r.cpuMs !== undefined ? { cpuMs: r.cpuMs } : {}) });

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 30;
  const result: Record<string, unknown> = { restconfNs: RESTCONF_NS };
  const synthetic = await syntheticBridge(NODES, PEERS);
  const port = synthetic.view.httpPort;
  try {
    const get = (path: string, accept: string) => (): Promise<{ status: number; body: string }> => httpRequest(port, { method: 'GET', path, user: ADMIN, headers: { Accept: accept } });
    const json = 'application/yang-data+json';
    const fullServer = await serverSide(synthetic.view.rpc, '/restconf/data', N);
    await time(3, get('/restconf/data', json), 200);
    const full = await time(N, get('/restconf/data', json), 200);
    const fullXml = await time(N, get('/restconf/data', 'application/yang-data+xml'), 200);
    const one = await time(N, get(`${MS}/network=net0/node=node0`, json), 200);
    const fields = await time(N, get(`${MS}/network=net0/node=node0?fields=height;peer-count`, json), 200);
    let v = 5;
    const patch = await time(N, () => httpRequest(port, { method: 'PATCH', path: `${MS}/network=net0/poll-interval`, user: ADMIN,
      headers: { 'Content-Type': json }, body: JSON.stringify({ 'blockchain-mgmt:poll-interval': v = v === 5 ? 6 : 5 }) }), 204);
    console.log(`RESTCONF, ${NODES} nodes x ${PEERS} peers:`);
    console.log(line('GET /restconf/data JSON, server side', fullServer, '  (target <= 15 ms)'));
    console.log('  loopback HTTP round trip (n=' + N + '):');
    console.log(line('GET /restconf/data JSON', full));
    console.log(line('GET /restconf/data XML', fullXml));
    console.log(line('GET one node JSON', one));
    console.log(line('GET one node ?fields=height;peer-count', fields));
    console.log(`  PATCH one leaf                     median ${fmt(stats(patch.ms).median)} ms  p99 ${fmt(stats(patch.ms).p99)} ms`);
    Object.assign(result, { tree: { nodes: NODES, peersPerNode: PEERS }, fullJsonServerMs: figure(fullServer), fullJsonHttpMs: figure(full), fullXmlHttpMs: figure(fullXml),
      oneNodeHttpMs: figure(one), oneNodeFieldsHttpMs: figure(fields), patchHttpMs: figure(patch) });
  } finally {
    await synthetic.stop();
  }

  const big = await syntheticBridge(BIG_NODES, PEERS);
  try {
    const src = big.view.rpc;
    const target = `${MS}/network=net0/node=node${BIG_NODES / 2}`;
    const fullBig = await serverSide(src, '/restconf/data', Math.max(3, Math.min(10, N)));
    const oneBig = await serverSide(src, target, N);
    const fieldsBig = await serverSide(src, `${target}?fields=height;peer-count;peer(address)`, N);
    const dsFieldsBig = await serverSide(src, `/restconf/data?fields=blockchain-mgmt:managed-system/network/node/height`, Math.max(3, Math.min(10, N)));
    const httpOne = await time(N, () => httpRequest(big.view.httpPort, { method: 'GET', path: target, user: ADMIN, headers: { Accept: 'application/yang-data+json' } }), 200);
    const ratio = (r: { ms: number[] }): string => `  (${(stats(fullBig.ms).median / stats(r.ms).median).toFixed(0)}x less than the full GET)`;
    console.log(`RESTCONF, one node of ${BIG_NODES} (x ${PEERS} peers), server side; reference: full JSON GET of the same tree:`);
    console.log(line('full GET /restconf/data JSON', fullBig));
    console.log(line('GET one node resource', oneBig, `${ratio(oneBig)}; target <= 2 ms`));
    console.log(line('GET one node ?fields=…', fieldsBig, `${ratio(fieldsBig)}; target <= 2 ms`));
    console.log(line('GET /restconf/data ?fields=…/height', dsFieldsBig, ratio(dsFieldsBig)));
    console.log(line('GET one node, loopback HTTP', httpOne));
    result.oneNodeOf1000 = { fullJsonServerMs: figure(fullBig), oneNodeServerMs: figure(oneBig), oneNodeFieldsServerMs: figure(fieldsBig),
      datastoreFieldsServerMs: figure(dsFieldsBig), oneNodeHttpMs: figure(httpOne) };
  } finally {
    await big.stop();
  }
  delete result.restconfNs;
  console.log(JSON.stringify(result));
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
