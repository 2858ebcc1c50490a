/**
 * RESTCONF event streams: time to fan one notification out to C server-sent-event clients (JSON), from the
 * bridge's event to the last client's receipt, against a reference in the same run: a bare Node http SSE server
 * writing the same pre-encoded event to C clients (the floor of the transport). maxSessions is raised to C by a
 * RESTCONF PATCH first.
 *
 *   node dist/bench/restconf-stream.js [clients=16] [events=200]
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN, READER, httpRequest } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

/** Opens c SSE clients on a URL; resolves when all are connected; onEvent counts every event received. */
async function clients(port: number, path: string, c: number, onEvent: () => void): Promise<http.ClientRequest[]> {
  const reqs: http.ClientRequest[] = [];
  await Promise.all(Array.from({ length: c }, () => new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, auth: `${READER.name}:${READER.password}`, headers: { Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) { if (buf.slice(0, i).startsWith('data: ')) onEvent(); buf = buf.slice(i + 2); }
      });
      resolve();
    });
    req.on('error', reject);
    reqs.push(req);
  })));
  return reqs;
}

/** Times events: emit() sends one; the time until c events were counted. */
async function fanOut(c: number, events: number, emit: (i: number) => void, counter: { n: number }): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < events; i++) {
    const target = counter.n + c;
    const t0 = process.hrtime.bigint();
    emit(i);
    while (counter.n < target) await new Promise<void>((r) => setImmediate(r));
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}

async function main(): Promise<void> {
  const c = Number(process.argv[2] ?? 16);
  const events = Number(process.argv[3] ?? 200);
  const sb = await syntheticBridge(1, 0);
  // room for c stream clients (maxSessions bounds them), set as an operator would: a RESTCONF PATCH
  const patch = await httpRequest(sb.view.httpPort, { method: 'PATCH', path: '/restconf/data/blockchain-mgmt:managed-system/configuration', user: ADMIN,
    headers: { 'Content-Type': 'application/yang-data+json' }, body: JSON.stringify({ 'blockchain-mgmt:configuration': { 'max-sessions': Math.max(16, c + 1) } }) });
  if (patch.status !== 204) throw new Error(`PATCH max-sessions: ${patch.status} ${patch.body}`);
  const ours = { n: 0 };
  const reqs = await clients(sb.view.httpPort, '/restconf/streams/NETCONF/json', c, () => { ours.n++; });
  await new Promise((r) => setTimeout(r, 200));
  const params = (i: number): Record<string, string | number | bigint> => ({ network: 'net0', ledger: 'main', height: BigInt(1000 + i), hash: `0x${i.toString(16).padStart(64, '0')}`, time: Date.now(), txCount: 12, producer: '0xabc' });
  const oursMs = await fanOut(c, events, (i) => sb.bridge.emit('event', { name: 'newBlock', params: params(i), time: Date.now() }), ours);

  // reference: the same event text written by a bare SSE server
  const sinks: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => { res.writeHead(200, { 'Content-Type': 'text/event-stream' }); res.flushHeaders(); sinks.push(res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const ref = { n: 0 };
  const refReqs = await clients((server.address() as AddressInfo).port, '/', c, () => { ref.n++; });
  while (sinks.length < c) await new Promise((r) => setTimeout(r, 10));
  const text = JSON.stringify({ 'ietf-restconf:notification': { eventTime: new Date().toISOString(), 'blockchain-mgmt:new-block': { ...params(0), height: '1000' } } });
  const refMs = await fanOut(c, events, () => { for (const s of sinks) s.write(`data: ${text}\n\n`); }, ref);

  for (const r of [...reqs, ...refReqs]) r.destroy();
  server.closeAllConnections();
  server.close();
  await sb.stop();
  const o = stats(oursMs);
  const r = stats(refMs);
  console.log(`clients ${c}, events ${events}: one notification to every client, ms`);
  console.log(`  bcmgmt    median ${fmt(o.median)}  p99 ${fmt(o.p99)}  max ${fmt(o.max)}`);
  console.log(`  bare SSE  median ${fmt(r.median)}  p99 ${fmt(r.p99)}  max ${fmt(r.max)}`);
  console.log(JSON.stringify({ clients: c, events, bcmgmtMedianMs: o.median, bcmgmtP99Ms: o.p99, referenceMedianMs: r.median, referenceP99Ms: r.p99 }));
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
