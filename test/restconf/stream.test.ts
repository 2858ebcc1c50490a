/**
 * RESTCONF event streams (src/restconf/streams.ts) on real litecoind regtest nodes: server-sent events of the
 * NETCONF stream in JSON (Node's http) and XML (curl -N), a new-block notification when a block is mined and an
 * ietf-alarms alarm-notification when a node is stopped, the XPath filter, the locations of
 * ietf-restconf-monitoring, refused replay and bad filters, and the bound on clients.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import type { ConfigObject } from '../../src/config/document';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, READER, httpRequest, login, restconfError, startNcclient, usersConfig } from '../support/netconf';
import type { NcRun } from '../support/netconf';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';

const PASSWORD_ENV = 'BCMGMT_RC_STREAM_LTC_PASSWORD';
const STREAM = '/restconf/streams/NETCONF';
const MAX_SESSIONS = 6;

/** An SSE client (Node's http): the data of each event received, joined by lines. */
class SseClient {
  readonly events: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private buf = '';
  private req: http.ClientRequest | undefined;
  readonly opened: Promise<void>;

  constructor(port: number, path: string, user = READER, accept = 'text/event-stream') {
    this.opened = new Promise((resolve, reject) => {
      this.req = http.get({ host: '127.0.0.1', port, path, auth: `${user.name}:${user.password}`, headers: { Accept: accept } }, (res) => {
        this.status = res.statusCode ?? 0;
        this.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (d: string) => { this.buf += d; this.parse(); });
        res.on('error', () => undefined);
        resolve();
      });
      this.req.on('error', reject);
    });
  }

  private parse(): void {
    let end: number;
    while ((end = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
      if (data.length) this.events.push(data.join('\n'));
    }
  }

  json(): Record<string, Record<string, unknown>>[] { return this.events.map((e) => JSON.parse(e) as Record<string, Record<string, unknown>>); }
  close(): void { this.req?.destroy(); }
}

describe('RESTCONF event streams (SSE) on litecoind', function () {
  this.timeout(180_000);
  let ltc: LitecoinNetwork | undefined;
  let tb: TestBridge | undefined;
  let views: Composed;
  const clients: SseClient[] = [];
  const procs: ChildProcess[] = [];
  let nc: NcRun | undefined;
  const port = (): number => views.http.port;
  const open = async (path: string, user = READER, accept?: string): Promise<SseClient> => {
    const c = new SseClient(port(), path, user, accept);
    clients.push(c);
    await c.opened;
    return c;
  };
  /** curl -N on a stream: its output so far. */
  const curlStream = (path: string): { out: () => string } => {
    let out = '';
    const p = spawn('curl', ['-sN', '-u', `${READER.name}:${READER.password}`, '-H', 'Accept: text/event-stream', `http://127.0.0.1:${port()}${path}`]);
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    procs.push(p);
    return { out: () => out };
  };

  before(async function () {
    requireLitecoind(this);
    this.timeout(120_000);
    ltc = await LitecoinNetwork.start({ nodes: 2 });
    await ltc.mine(0, 3);
    await ltc.waitForSameTip();
    const seed: ConfigObject = {
      configuration: { ...usersConfig(), rpcTimeout: 2000, maxSessions: MAX_SESSIONS },
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: ltc.bridgeNodes(PASSWORD_ENV),
      }],
      fault: { alarmPolicies: [{ type: 'blockProductionStalled', enabled: false }, { type: 'peerCountLow', enabled: false }] },
    };
    tb = await startBridge(seed, { setup: (b) => { views = composeBridge(b, { snmpPort: 0, sshPort: 0, httpPort: 0, address: '127.0.0.1' }); } });
    await until('n0 and n1 reachable', () => ['n0', 'n1'].every((x) => tb!.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: [x] }])?.get('reachability') === 'reachable'), 30_000, 100);
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    nc?.kill();
    await tb?.cleanup();
    await ltc?.stopAll();
    delete process.env[PASSWORD_ENV];
  });
  afterEach(() => { for (const c of clients.splice(0)) c.close(); });

  it('a block mined on litecoind arrives as an RFC 8040 6.4 new-block notification, JSON (Node http) and XML (curl -N)', async function () {
    requireTool(this, 'curl', 'curl');
    const json = await open(`${STREAM}/json`);
    expect(json.status).to.equal(200);
    expect(json.headers['content-type']).to.match(/^text\/event-stream/);
    const xml = curlStream(`${STREAM}/xml`);
    await until('curl connected', () => views.http.port > 0 && xml.out().includes(': stream NETCONF') || undefined, 10_000);
    const [hash] = await ltc!.mine(0, 1);
    const newBlock = (): Record<string, unknown> | undefined => json.json().map((e) => e['ietf-restconf:notification']?.['blockchain-mgmt:new-block'] as Record<string, unknown> | undefined)
      .find((b) => b?.hash === hash || b?.hash === `0x${hash}`);
    const nb = await until('new-block of the mined block in JSON', () => newBlock() ?? undefined, 20_000);
    expect(nb).to.include({ network: 'ltc' });
    const event = json.json().find((e) => JSON.stringify(e['ietf-restconf:notification']?.['blockchain-mgmt:new-block']) === JSON.stringify(nb))!;
    expect(event['ietf-restconf:notification'].eventTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await until('the same block in XML at curl', () => xml.out().includes(hash) || undefined, 20_000);
    const line = xml.out().split('\n').find((l) => l.includes(hash))!;
    expect(line).to.match(/^data: <notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1\.0"><eventTime>[^<]+<\/eventTime><new-block xmlns="urn:itu:t:m:immbs:blockchain-mgmt">/);
    for (const p of procs.splice(0)) p.kill('SIGKILL');
  });

  it('a filter selects the notifications: only alarm-notification reaches the filtered client when a node is stopped; an ' +
    'unfiltered client gets the very <notification> a NETCONF subscription (ncclient over SSH) gets', async function () {
    requireNcclient(this);
    const filter = encodeURIComponent('/ietf-alarms:alarm-notification[ietf-alarms:resource=\'network/ltc/node/n1\']');
    const alarms = await open(`${STREAM}/json?filter=${filter}`);
    const all = await open(STREAM, ADMIN, 'application/yang-data+xml');
    expect(alarms.status).to.equal(200);
    let subscribed: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => { subscribed = resolve; });
    nc = startNcclient(views.netconf.sshPort, [login(READER), { op: 'subscribe' }, { op: 'wait', name: 'subscribed' },
      { op: 'notification', contains: '>network/ltc/node/n1<', timeout: 60 }], async () => subscribed());
    await ready;
    await ltc!.mine(0, 1);
    await until('a new-block at the unfiltered client', () => all.events.some((e) => e.includes('<new-block ')) || undefined, 20_000);
    await ltc!.stop(1);
    const alarm = await until('alarm-notification for n1', () => alarms.json().map((e) => e['ietf-restconf:notification']?.['ietf-alarms:alarm-notification'] as Record<string, unknown> | undefined).find(Boolean), 30_000);
    expect(alarm).to.include({ resource: 'network/ltc/node/n1', 'alarm-type-id': 'blockchain-mgmt:node-unreachable' });
    expect(alarm!['perceived-severity']).to.be.a('string');
    expect(alarms.events.every((e) => !e.includes('new-block')), 'the filter lets no new-block through').to.equal(true);
    const xml = await until('the same alarm, in XML, at the unfiltered client', () => all.events.find((e) => e.includes('<alarm-notification xmlns="urn:ietf:params:xml:ns:yang:ietf-alarms">') && e.includes('network/ltc/node/n1')), 10_000);
    const results = await nc.results;
    const got = results[results.length - 1];
    expect(got.ok, JSON.stringify(got)).to.equal(true);
    expect(xml).to.equal(got.xml);
    // the alarm entry by its keys (an identityref in RESTCONF form), and its ietf-alarms action set-operator-state
    const entry = '/restconf/data/ietf-alarms:alarms/alarm-list/alarm=network%2Fltc%2Fnode%2Fn1,blockchain-mgmt:node-unreachable,';
    const ack = await httpRequest(port(), { method: 'POST', path: `${entry}/set-operator-state`, user: ADMIN, headers: { 'Content-Type': 'application/yang-data+json' },
      body: JSON.stringify({ 'ietf-alarms:input': { state: 'ack', text: 'seen over RESTCONF' } }) });
    expect(ack.status, ack.body).to.equal(204);
    const after = await httpRequest(port(), { method: 'GET', path: entry, user: READER });
    expect(after.status, after.body).to.equal(200);
    const row = (JSON.parse(after.body) as { 'ietf-alarms:alarm': Record<string, unknown>[] })['ietf-alarms:alarm'][0];
    expect([row['blockchain-mgmt:operator'], row['blockchain-mgmt:operator-state'], row['blockchain-mgmt:operator-text']], after.body).to.deep.equal(['admin', 'ack', 'seen over RESTCONF']);
    await ltc!.start(1);
  });

  it('ietf-restconf-monitoring lists the stream with a location per encoding; each location serves the stream', async () => {
    const r = await httpRequest(port(), { method: 'GET', path: '/restconf/data/ietf-restconf-monitoring:restconf-state/streams', user: READER });
    expect(r.status, r.body).to.equal(200);
    const streams = JSON.parse(r.body) as { 'ietf-restconf-monitoring:streams': { stream: { name: string; 'replay-support': boolean; access: { encoding: string; location: string }[] }[] } };
    const s = streams['ietf-restconf-monitoring:streams'].stream;
    expect(s.map((x) => x.name)).to.deep.equal(['NETCONF']);
    expect(s[0]['replay-support']).to.equal(false);
    expect(s[0].access).to.deep.equal([
      { encoding: 'json', location: `http://127.0.0.1:${port()}${STREAM}/json` },
      { encoding: 'xml', location: `http://127.0.0.1:${port()}${STREAM}/xml` },
    ]);
    for (const a of s[0].access) {
      const c = await open(new URL(a.location).pathname);
      expect(c.status).to.equal(200);
      expect(c.headers['content-type']).to.match(/^text\/event-stream/);
    }
  });

  it('replay, bad filters, unknown streams and other methods are refused with errors documents; clients are bounded', async () => {
    const err = async (path: string, status: number, tag: string, method = 'GET'): Promise<void> => {
      const r = await httpRequest(port(), { method, path, user: READER, headers: { Accept: 'text/event-stream' } });
      expect(r.status, `${path}: ${r.body}`).to.equal(status);
      expect(restconfError(r)['error-tag']).to.equal(tag);
    };
    await err(`${STREAM}/json?start-time=2026-01-01T00:00:00Z`, 400, 'invalid-value');
    await err(`${STREAM}/json?filter=${encodeURIComponent('/nope:x')}`, 400, 'invalid-value');
    await err(`${STREAM}/json?filter=${encodeURIComponent('/ietf-alarms:alarm-notification[')}`, 400, 'invalid-value');
    await err(`${STREAM}/json?depth=1`, 400, 'invalid-value');
    await err('/restconf/streams/OTHER/json', 404, 'invalid-value');
    await err('/restconf/streams/%zz/json', 404, 'invalid-value');
    await err(`${STREAM}/yaml`, 404, 'invalid-value');
    await err(`${STREAM}/json`, 405, 'operation-not-supported', 'POST');
    const unauth = await httpRequest(port(), { method: 'GET', path: `${STREAM}/json` });
    expect(unauth.status).to.equal(401);
    // the bound: maxSessions clients at once, the next gets 503; a client that leaves frees its place
    // (the clients of the tests before leave asynchronously: a place is retried until it is free)
    for (let i = 0; i < MAX_SESSIONS; i++) await until(`event-stream client ${i + 1}`, async () => ((await open(`${STREAM}/json`)).status === 200) || undefined, 5_000, 100);
    await err(`${STREAM}/json`, 503, 'resource-denied');
    clients.pop()!.close();
    await until('a place is free again', async () => ((await open(`${STREAM}/xml`)).status === 200) || undefined, 5_000, 100);
    // the bridge keeps serving
    expect((await httpRequest(port(), { method: 'GET', path: '/restconf/data/blockchain-mgmt:managed-system/network=ltc/name', user: READER })).status).to.equal(200);
  });
});
