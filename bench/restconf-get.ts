/**
 * RESTCONF benchmark: a bridge managing 100 nodes with 20 peers each (synthetic instances in the live tree).
 *
 *   node dist/bench/restconf-get.js [--iterations N]
 *
 * Reports median and p99 over loopback HTTP (one keep-alive-less request at a time, client in the same process,
 * so each figure is an upper bound of the server-side time) of
 *   - GET /restconf/data in JSON (RFC 7951) and in XML;
 *   - GET of one node resource (…/network=net0/node=node0) in JSON;
 *   - PATCH of one leaf (a network's poll-interval: edit-config, validate, apply, persist in SQLite).
 * Nothing leaves the loopback interface; the bench stops by itself.
 */
import { ADMIN, httpRequest } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const PEERS = 20;

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

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 30;
  const synthetic = await syntheticBridge(NODES, PEERS);
  const port = synthetic.view.httpPort;
  try {
    const get = (path: string, accept: string) => (): Promise<{ status: number; body: string }> => httpRequest(port, { method: 'GET', path, user: ADMIN, headers: { Accept: accept } });
    const json = 'application/yang-data+json';
    await time(3, get('/restconf/data', json), 200);
    const full = await time(N, get('/restconf/data', json), 200);
    const fullXml = await time(N, get('/restconf/data', 'application/yang-data+xml'), 200);
    const one = await time(N, get('/restconf/data/blockchain-mgmt:managed-system/network=net0/node=node0', json), 200);
    let v = 5;
    const patch = await time(N, () => httpRequest(port, { method: 'PATCH', path: '/restconf/data/blockchain-mgmt:managed-system/network=net0/poll-interval', user: ADMIN,
      headers: { 'Content-Type': json }, body: JSON.stringify({ 'blockchain-mgmt:poll-interval': v = v === 5 ? 6 : 5 }) }), 204);
    console.log(`RESTCONF, ${NODES} nodes x ${PEERS} peers, loopback HTTP round trip (n=${N}):`);
    console.log(`  GET /restconf/data JSON  ${(full.bytes / 1024).toFixed(0)} KiB  median ${fmt(stats(full.ms).median)} ms  p99 ${fmt(stats(full.ms).p99)} ms`);
    console.log(`  GET /restconf/data XML   ${(fullXml.bytes / 1024).toFixed(0)} KiB  median ${fmt(stats(fullXml.ms).median)} ms  p99 ${fmt(stats(fullXml.ms).p99)} ms`);
    console.log(`  GET one node JSON        ${(one.bytes / 1024).toFixed(1)} KiB  median ${fmt(stats(one.ms).median)} ms  p99 ${fmt(stats(one.ms).p99)} ms`);
    console.log(`  PATCH one leaf           median ${fmt(stats(patch.ms).median)} ms  p99 ${fmt(stats(patch.ms).p99)} ms`);
  } finally {
    await synthetic.stop();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
