/**
 * Bounds of the RESTCONF event streams (src/restconf/streams.ts): a client that stops reading is disconnected
 * once MAX_QUEUED_OCTETS wait for it, with a log line, while a client that reads gets every notification; the
 * bridge keeps serving. The notifications are the bridge's own new-block events on its bus (as the collector
 * emits them), sent faster than any chain would. Client: Node's http.
 */
import { expect } from 'chai';
import * as http from 'node:http';
import { MAX_QUEUED_OCTETS } from '../../src/restconf/streams';
import { READER, httpRequest, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { until } from '../support/wait';

describe('RESTCONF event streams: a client that does not read', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  const lines: string[] = [];
  before(async () => {
    nb = await startNetconfBridge({}, { setup: (b) => b.on('record', (r) => lines.push(r.message)) });
  });
  after(async () => { await nb?.cleanup(); });

  it('is disconnected after MAX_QUEUED_OCTETS; a reading client gets every event; the bridge keeps serving', async () => {
    const open = (): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> => new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: nb.httpPort, path: '/restconf/streams/NETCONF/json', auth: `${READER.name}:${READER.password}`, headers: { Accept: 'text/event-stream' } },
        (res) => resolve({ req, res }));
      req.on('error', reject);
    });
    const slow = await open();
    let slowClosed = false;
    slow.res.socket.on('close', () => { slowClosed = true; }); // the paused response itself ends only once read
    slow.res.on('error', () => undefined);
    slow.res.pause();
    const fast = await open();
    let events = 0;
    let buf = '';
    fast.res.setEncoding('utf8');
    fast.res.on('data', (d: string) => { buf += d; let i: number; while ((i = buf.indexOf('\n\n')) >= 0) { if (buf.startsWith('data: ')) events++; buf = buf.slice(i + 2); } });
    // enough notifications to fill the socket buffers (loopback autotunes them to tens of MB) and then MAX_QUEUED_OCTETS
    const n = 60_000;
    const pad = 'x'.repeat(2048);
    for (let i = 0; i < n; i++) {
      nb.bridge.emit('event', { name: 'newBlock', params: { network: 'net0', ledger: `main-${pad}`, height: BigInt(i), hash: `0x${i.toString(16).padStart(64, '0')}`, time: Date.now(), txCount: 1 }, time: Date.now() });
      if (i % 20 === 0) await new Promise<void>((r) => setImmediate(r)); // as a chain's events come: the reading client drains
    }
    expect(n * pad.length).to.be.above(24 * MAX_QUEUED_OCTETS);
    await until('every event at the reading client', () => events === n || undefined, 20_000);
    await until('the server closed the slow client', () => lines.some((l) => /event stream of reader closed: the client does not read/.test(l)) || undefined, 20_000);
    // the client sees the end once it reads again (a paused socket does not read the FIN): far fewer events than sent
    let slowEvents = 0;
    slow.res.setEncoding('utf8');
    slow.res.on('data', (d: string) => { slowEvents += d.split('\n\ndata: ').length - 1; });
    slow.res.resume();
    await until('the slow client disconnected', () => slowClosed || undefined, 20_000);
    expect(slowEvents).to.be.below(n);
    expect(lines.filter((l) => /event stream of reader closed: the client does not read/.test(l))).to.have.length(1);
    fast.req.destroy();
    expect((await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data/ietf-restconf-monitoring:restconf-state', user: READER })).status).to.equal(200);
  });
});
