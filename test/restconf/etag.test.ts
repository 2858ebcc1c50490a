/**
 * RESTCONF entity-tags and modification times (src/restconf/etag.ts): configuration reads (content=config) carry
 * the running datastore's ETag and Last-Modified and answer 304 to If-None-Match / If-Modified-Since; the tag
 * changes at every commit whichever view made it (RESTCONF, NETCONF edit-config, Net-SNMP's snmpset); a write
 * with a stale If-Match, a failed If-Unmodified-Since or a matching If-None-Match gets 412 operation-failed and
 * changes nothing. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { ADMIN, BCM, READER, httpRequest, restconfError, rpc, startNetconfBridge } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { MIB, snmp } from '../support/snmp';
import { requireTool } from '../support/tools';

const DATA = '/restconf/data';
const NET = `${DATA}/blockchain-mgmt:managed-system/network=dev`;
const JSON_TYPE = { 'Content-Type': 'application/yang-data+json' };
const SEED = {
  configuration: { snmpCommunities: [{ name: 'rw', community: 'private', access: 'admin' }, { name: 'ro', community: 'public', access: 'readOnly' }] },
  networks: [{ name: 'dev', platform: 'ethereum', adminState: 'locked', pollInterval: 5 }],
};

describe('RESTCONF ETag, Last-Modified and conditional requests (src/restconf/etag.ts)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let snmpView: SnmpView;
  before(async () => {
    nb = await startNetconfBridge(SEED, { setup: (b) => { snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' }); b.addView(snmpView); } });
  });
  after(async () => { await nb?.cleanup(); });

  const get = (p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> => httpRequest(nb.httpPort, { method, path: p, user: READER, headers });
  const write = (method: string, p: string, body: string | undefined, headers: Record<string, string> = {}): Promise<HttpResult> =>
    httpRequest(nb.httpPort, { method, path: p, user: ADMIN, body, headers: { ...JSON_TYPE, ...headers } });
  const etag = async (): Promise<string> => {
    const r = await get(`${DATA}?content=config`);
    expect(r.status).to.equal(200);
    return String(r.headers.etag);
  };
  const pollInterval = (): unknown => (nb.bridge.datastore.get('running').networks as Record<string, unknown>[])[0].pollInterval;
  const setPoll = (v: number): string => JSON.stringify({ 'blockchain-mgmt:poll-interval': v });

  it('configuration reads carry ETag and Last-Modified (GET and HEAD, datastore and resource); reads with state data do not', async () => {
    const r = await get(`${DATA}?content=config`);
    expect(r.headers.etag).to.match(/^"[0-9a-z]+-[0-9a-z]+"$/);
    expect(new Date(String(r.headers['last-modified'])).getTime()).to.be.closeTo(nb.bridge.datastore.lastSavedCommit()!.time, 1000);
    const res = await get(`${NET}/platform?content=config`);
    expect(res.status).to.equal(200);
    expect(res.headers.etag).to.equal(r.headers.etag);
    const head = await get(`${NET}?content=config`, {}, 'HEAD');
    expect(head.status).to.equal(200);
    expect(head.body).to.equal('');
    expect(head.headers.etag).to.equal(r.headers.etag);
    expect(head.headers['last-modified']).to.equal(r.headers['last-modified']);
    const all = await get(NET);
    expect(all.status).to.equal(200);
    expect(all.headers).to.not.have.property('etag');
    expect(all.headers).to.not.have.property('last-modified');
  });

  it('If-None-Match with the current tag (curl) and If-Modified-Since (Node http) answer 304 Not Modified without a body', async function () {
    requireTool(this, 'curl', 'curl');
    const tag = await etag();
    const out = await new Promise<string>((resolve, reject) => {
      execFile('curl', ['-sS', '-i', '-u', `${READER.name}:${READER.password}`, '-H', `If-None-Match: W/"x", ${tag}`, `http://127.0.0.1:${nb.httpPort}${NET}?content=config`],
        { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    expect(out).to.match(/^HTTP\/1\.1 304 Not Modified\r\n/);
    expect(out).to.include(`ETag: ${tag}`);
    expect(out.split('\r\n\r\n')[1]).to.equal('');
    const lm = String((await get(`${DATA}?content=config`)).headers['last-modified']);
    const r = await get(`${DATA}?content=config`, { 'If-Modified-Since': lm });
    expect(r.status).to.equal(304);
    const older = await get(`${DATA}?content=config`, { 'If-Modified-Since': new Date(Date.parse(lm) - 1000).toUTCString() });
    expect(older.status).to.equal(200);
    expect((await get(`${DATA}?content=config`, { 'If-None-Match': '"other"' })).status).to.equal(200);
  });

  it('the tag changes at every commit, whichever view made it: RESTCONF, NETCONF edit-config, snmpset', async function () {
    const t0 = await etag();
    const w = await write('PATCH', `${NET}/poll-interval`, setPoll(6));
    expect(w.status).to.equal(204);
    const t1 = await etag();
    expect(t1).to.not.equal(t0);
    expect(w.headers.etag).to.equal(t1);
    const nc = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(1, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval>7</poll-interval></network></managed-system></config></edit-config>`) });
    expect(nc.body).to.include('<ok/>');
    const t2 = await etag();
    expect(t2).to.not.equal(t1);
    expect((await get(`${DATA}?content=config`, { 'If-None-Match': t1 })).status).to.equal(200);
    requireTool(this, 'snmpset', 'snmp');
    const s = await snmp('snmpset', `127.0.0.1:${snmpView.port}`, ['-v2c', '-c', 'private', '--', `${MIB}::bcmNetPollInterval."dev"`, 'u', '8']);
    expect(s.code, s.stderr).to.equal(0);
    expect(pollInterval()).to.equal(8);
    expect(await etag()).to.not.equal(t2);
  });

  it('a commit that changes nothing keeps the tag', async () => {
    const t = await etag();
    expect((await write('PATCH', `${NET}/poll-interval`, setPoll(Number(pollInterval())))).status).to.equal(204);
    expect(await etag()).to.equal(t);
  });

  it('a write with a stale If-Match gets 412 operation-failed and changes nothing; with the current tag it is done', async () => {
    const stale = await etag();
    expect((await write('PATCH', `${NET}/poll-interval`, setPoll(9))).status).to.equal(204);
    const current = await etag();
    for (const [method, p, body] of [['PATCH', `${NET}/poll-interval`, setPoll(10)], ['PUT', `${NET}/poll-interval`, setPoll(10)], ['DELETE', `${NET}/poll-interval`, undefined],
      ['POST', `${DATA}/blockchain-mgmt:managed-system`, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'n2', platform: 'ethereum' }] })]] as const) {
      const r = await write(method, p, body, { 'If-Match': stale });
      expect(r.status, `${method} ${r.body}`).to.equal(412);
      expect(restconfError(r)).to.deep.equal({ 'error-type': 'protocol', 'error-tag': 'operation-failed', 'error-message': `precondition failed: If-Match ${stale}: the entity-tag is ${current}` });
    }
    expect(pollInterval()).to.equal(9);
    expect(await etag()).to.equal(current);
    const ok = await write('PATCH', `${NET}/poll-interval`, setPoll(10), { 'If-Match': current });
    expect(ok.status).to.equal(204);
    expect(pollInterval()).to.equal(10);
  });

  it('concurrent writes with the same If-Match: exactly one is done, the others get 412 (the check and the commit are one step)', async () => {
    const tag = await etag();
    const rs = await Promise.all([31, 32, 33, 34, 35].map((v) => write('PATCH', `${NET}/poll-interval`, setPoll(v), { 'If-Match': tag })));
    const statuses = rs.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([204, 412, 412, 412, 412]);
    const done = rs.findIndex((r) => r.status === 204);
    expect(pollInterval()).to.equal(31 + done);
    expect(await etag()).to.equal(rs[done].headers.etag);
    expect((await write('PATCH', `${NET}/poll-interval`, setPoll(10))).status).to.equal(204);
  });

  it('If-None-Match: * makes PUT create-only; If-Match: * needs the resource; If-Unmodified-Since before the last commit is 412', async () => {
    const exists = await write('PUT', `${NET}/poll-interval`, setPoll(11), { 'If-None-Match': '*' });
    expect(exists.status).to.equal(412);
    expect(restconfError(exists)['error-message']).to.equal('precondition failed: If-None-Match *: the resource exists');
    const desc = `${NET}/description`;
    expect((await write('DELETE', desc, undefined, { 'If-Match': '*' })).status).to.equal(412);
    const created = await write('PUT', desc, JSON.stringify({ 'blockchain-mgmt:description': 'made once' }), { 'If-None-Match': '*' });
    expect(created.status).to.equal(201);
    expect((await write('DELETE', desc, undefined, { 'If-Match': '*' })).status).to.equal(204);
    const lm = Date.parse(String((await get(`${DATA}?content=config`)).headers['last-modified']));
    const late = await write('PATCH', `${NET}/poll-interval`, setPoll(12), { 'If-Unmodified-Since': new Date(lm - 60_000).toUTCString() });
    expect(late.status).to.equal(412);
    expect(pollInterval()).to.equal(10);
    expect((await write('PATCH', `${NET}/poll-interval`, setPoll(12), { 'If-Unmodified-Since': new Date(lm).toUTCString() })).status).to.equal(204);
    expect(pollInterval()).to.equal(12);
  });
});
