/**
 * RESTCONF writes (src/restconf/write.ts): POST, PUT, PATCH (XML bodies too) and DELETE on configuration, each
 * with its exact status and errors document, seen by Net-SNMP's snmpget and by the audit log with the user; a
 * NETCONF lock (ncclient over SSH) makes every method fail with 409 in-use; a body with one invalid leaf changes
 * nothing; hostile inputs get their error and the bridge keeps serving (a GET and an snmpget). The configuration
 * read back validates with yanglint. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { ADMIN, BCM, READER, httpRequest, login, ncclient, restconfError, startNetconfBridge } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { MIB, snmp } from '../support/snmp';
import { projectRoot, requireNcclient, requireTool } from '../support/tools';

const MS = '/restconf/data/blockchain-mgmt:managed-system';
const JSON_TYPE = { 'Content-Type': 'application/yang-data+json' };
const XML_TYPE = { 'Content-Type': 'application/yang-data+xml' };
const SEED = {
  configuration: { snmpCommunities: [{ name: 'ro', community: 'public', access: 'readOnly' }] },
  networks: [{ name: 'dev', platform: 'ethereum', adminState: 'locked', pollInterval: 5, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }],
  performance: { measurementJobs: [{ name: 'job1', metrics: ['blocks'], resources: ['network/dev'], granularity: 60 }] },
};

describe('RESTCONF writes: POST, PUT, PATCH, DELETE (src/restconf/write.ts)', function () {
  this.timeout(120_000);
  let nb: NetconfBridge;
  let snmpView: SnmpView;
  before(async () => {
    nb = await startNetconfBridge(SEED, { setup: (b) => { snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' }); b.addView(snmpView); } });
  });
  after(async () => { await nb?.cleanup(); });

  const req = (method: string, p: string, body?: string | Buffer, headers: Record<string, string> = JSON_TYPE, user = ADMIN): Promise<HttpResult> =>
    httpRequest(nb.httpPort, { method, path: p, user, body, headers: body === undefined && method !== 'DELETE' ? {} : headers });
  const get = (p: string): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'GET', path: p, user: READER });
  const networks = (): string[] => ((nb.bridge.datastore.get('running').networks ?? []) as { name: string }[]).map((n) => n.name);
  const network = (name: string): Record<string, unknown> | undefined => ((nb.bridge.datastore.get('running').networks ?? []) as Record<string, unknown>[]).find((n) => n.name === name);
  const snmpPoll = async (net: string): Promise<string> => {
    const r = await snmp('snmpget', `127.0.0.1:${snmpView.port}`, ['-v2c', '-c', 'public', '-OqvU', '--', `${MIB}::bcmNetPollInterval."${net}"`]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.trim();
  };
  const curl = (args: readonly string[]): Promise<{ status: string; headers: string }> => new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-D', '-', '-o', '/dev/null', '-u', `${ADMIN.name}:${ADMIN.password}`, ...args], { encoding: 'utf8', timeout: 30_000 },
      (err, stdout) => (err ? reject(err) : resolve({ status: /^HTTP\/[\d.]+ (\d+)/.exec(stdout)?.[1] ?? '', headers: stdout })));
  });

  it('PUT by curl creates a network (201), a second PUT replaces it (204); snmpget sees it and the audit log and bcmCfgLastCommitUser name the user', async function () {
    requireTool(this, 'curl', 'curl');
    requireTool(this, 'snmpget', 'snmp');
    const url = `http://127.0.0.1:${nb.httpPort}${MS}/network=put1`;
    const body = (poll: number, extra: Record<string, unknown> = {}): string => JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'put1', platform: 'bitcoin', 'admin-state': 'locked', 'poll-interval': poll, ...extra }] });
    const created = await curl(['-X', 'PUT', '-H', 'Content-Type: application/yang-data+json', '--data-binary', body(11, { description: 'first' }), url]);
    expect(created.status, created.headers).to.equal('201');
    expect(created.headers).to.match(/^etag: "[^"]+"/im);
    expect(created.headers).to.match(/^last-modified: \w{3}, \d\d \w{3} \d{4} /im);
    expect(network('put1')).to.include({ platform: 'bitcoin', pollInterval: 11, description: 'first' });
    expect(await snmpPoll('put1')).to.equal('11');
    const replaced = await curl(['-X', 'PUT', '-H', 'Content-Type: application/yang-data+json', '--data-binary', body(12), url]);
    expect(replaced.status).to.equal('204');
    // replaced, not merged: the description of the first PUT is gone
    expect(network('put1')).to.include({ pollInterval: 12 }).and.not.have.property('description');
    expect(await snmpPoll('put1')).to.equal('12');
    const audit = nb.bridge.datastore.audit(1)[0];
    expect(audit).to.include({ user: ADMIN.name, source: 'restconf', target: 'running' });
    expect(audit.diff.join(' ')).to.include('put1');
    // the commit's user as the SNMP view reports it
    const user = await snmp('snmpget', `127.0.0.1:${snmpView.port}`, ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmCfgLastCommitUser.0`]);
    expect(user.stdout.trim()).to.equal('admin');
  });

  it('PUT of one leaf, and of a leaf-list entry; PUT with a body that is not the target is 400 and changes nothing', async function () {
    requireTool(this, 'snmpget', 'snmp');
    expect((await req('PUT', `${MS}/network=dev/poll-interval`, JSON.stringify({ 'blockchain-mgmt:poll-interval': 8 }))).status).to.equal(204);
    expect(await snmpPoll('dev')).to.equal('8');
    const entry = `${MS}/performance/measurement-job=job1/resources=${encodeURIComponent('network/put1')}`;
    expect((await req('PUT', entry, JSON.stringify({ 'blockchain-mgmt:resources': ['network/put1'] }))).status).to.equal(201);
    const job = (): unknown => ((nb.bridge.datastore.get('running').performance as { measurementJobs: Record<string, unknown>[] }).measurementJobs[0]).resources;
    expect(job()).to.deep.equal(['network/dev', 'network/put1']);
    const back = await get(entry);
    expect(back.status, back.body).to.equal(200);
    expect(JSON.parse(back.body)).to.deep.equal({ 'blockchain-mgmt:resources': ['network/put1'] });
    const wrong = await req('PUT', `${MS}/network=dev`, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'other', platform: 'ethereum' }] }));
    expect(wrong.status).to.equal(400);
    expect(restconfError(wrong)).to.deep.equal({ 'error-type': 'protocol', 'error-tag': 'invalid-value',
      'error-message': 'the body must be the target resource blockchain-mgmt:network (one entry, with the keys of the path)' });
    expect(networks()).to.not.include('other');
  });

  it('POST creates a child: 201 with its Location; the same POST again is 409 data-exists; a missing parent is 404', async () => {
    const body = JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'new.net_1', platform: 'ethereum', 'admin-state': 'locked' }] });
    const r = await req('POST', MS, body);
    expect(r.status, r.body).to.equal(201);
    expect(r.headers.location).to.equal(`${MS}/network=new.net_1`);
    expect(r.headers.etag).to.match(/^"[^"]+"$/);
    const back = await get(`${r.headers.location}/platform`);
    expect(JSON.parse(back.body)).to.deep.equal({ 'blockchain-mgmt:platform': 'ethereum' });
    const again = await req('POST', MS, body);
    expect(again.status).to.equal(409);
    expect(restconfError(again)).to.include({ 'error-type': 'application', 'error-tag': 'data-exists', 'error-path': "/blockchain-mgmt:managed-system/network[name='new.net_1']" });
    const node = await req('POST', `${MS}/network=dev`, JSON.stringify({ 'blockchain-mgmt:node': [{ name: 'n2', endpoint: 'http://127.0.0.1:10' }] }));
    expect(node.status).to.equal(201);
    expect(node.headers.location).to.equal(`${MS}/network=dev/node=n2`);
    const orphan = await req('POST', `${MS}/network=nope`, JSON.stringify({ 'blockchain-mgmt:node': [{ name: 'n2', endpoint: 'http://127.0.0.1:10' }] }));
    expect(orphan.status).to.equal(404);
    expect(restconfError(orphan)['error-tag']).to.equal('invalid-value');
    const two = await req('POST', MS, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'x1', platform: 'ethereum' }, { name: 'x2', platform: 'ethereum' }] }));
    expect(two.status).to.equal(400);
    expect(networks()).to.not.include('x1');
  });

  it('PATCH and POST with XML bodies', async () => {
    const p = await req('PATCH', `${MS}/network=dev`, `<network xmlns="${BCM}"><name>dev</name><description>from xml</description></network>`, XML_TYPE);
    expect(p.status, p.body).to.equal(204);
    expect(network('dev')).to.include({ description: 'from xml', pollInterval: 8 });
    const c = await req('POST', MS, `<network xmlns="${BCM}"><name>xml1</name><platform>bitcoin</platform><admin-state>locked</admin-state></network>`, XML_TYPE);
    expect(c.status, c.body).to.equal(201);
    expect(c.headers.location).to.equal(`${MS}/network=xml1`);
    const bad = await req('PATCH', `${MS}/network=dev`, '<network xmlns="x"><name>dev</name', XML_TYPE);
    expect(bad.status).to.equal(400);
    expect(restconfError(bad)['error-tag']).to.equal('malformed-message');
    const xmlErr = await httpRequest(nb.httpPort, { method: 'PATCH', path: `${MS}/network=dev`, user: ADMIN, body: `<network xmlns="${BCM}"><name>dev</name><poll-interval>0</poll-interval></network>`,
      headers: { ...XML_TYPE, Accept: 'application/yang-data+xml' } });
    expect(xmlErr.status).to.equal(400);
    expect(xmlErr.body).to.match(/^<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error><error-type>application<\/error-type><error-tag>invalid-value<\/error-tag><error-path xmlns:bcm="urn:itu:t:m:immbs:blockchain-mgmt">\/bcm:managed-system\/bcm:network\[bcm:name='dev'\]\/bcm:poll-interval<\/error-path>/);
  });

  it('DELETE: 204, then 409 data-missing; a leaf and a leaf-list entry; an unknown node is 404', async () => {
    const r = await req('DELETE', `${MS}/network=xml1`);
    expect(r.status, r.body).to.equal(204);
    expect(r.headers.etag).to.match(/^"[^"]+"$/);
    expect(networks()).to.not.include('xml1');
    expect((await get(`${MS}/network=xml1`)).status).to.equal(404);
    const again = await req('DELETE', `${MS}/network=xml1`);
    expect(again.status).to.equal(409);
    expect(restconfError(again)).to.include({ 'error-tag': 'data-missing', 'error-path': "/blockchain-mgmt:managed-system/network[name='xml1']" });
    expect((await req('DELETE', `${MS}/network=dev/description`)).status).to.equal(204);
    expect(network('dev')).to.not.have.property('description');
    expect((await req('DELETE', `${MS}/performance/measurement-job=job1/resources=${encodeURIComponent('network/put1')}`)).status).to.equal(204);
    expect((nb.bridge.datastore.get('running').performance as { measurementJobs: Record<string, unknown>[] }).measurementJobs[0].resources).to.deep.equal(['network/dev']);
    const unknown = await req('DELETE', `${MS}/network=dev/no-such-leaf`);
    expect(unknown.status).to.equal(404);
    expect(restconfError(unknown)).to.deep.equal({ 'error-type': 'protocol', 'error-tag': 'invalid-value', 'error-message': 'no resource /blockchain-mgmt:managed-system/network=dev/no-such-leaf' });
  });

  it('an identity as a list key (alarm-policy=blockchain-mgmt:…): PUT, PATCH, POST in XML (Location in module form), DELETE', async () => {
    const AP = `${MS}/fault/alarm-policy`;
    const policies = (): Record<string, unknown>[] => ((nb.bridge.datastore.get('running').fault as { alarmPolicies?: Record<string, unknown>[] } | undefined)?.alarmPolicies ?? []);
    const put = await req('PUT', `${AP}=blockchain-mgmt:node-unreachable`, JSON.stringify({ 'blockchain-mgmt:alarm-policy': [{ type: 'blockchain-mgmt:node-unreachable', 'raise-level': 3, 'clear-level': 1 }] }));
    expect(put.status, put.body).to.equal(201);
    expect((await req('PATCH', `${AP}=blockchain-mgmt:node-unreachable/raise-level`, JSON.stringify({ 'blockchain-mgmt:raise-level': 4 }))).status).to.equal(204);
    expect(policies()).to.deep.equal([{ type: 'nodeUnreachable', raiseLevel: 4, clearLevel: 1 }]);
    const xml = `<alarm-policy xmlns="${BCM}" xmlns:b="${BCM}"><type>b:peer-count-low</type><raise-level>2</raise-level><clear-level>5</clear-level></alarm-policy>`;
    const post = await req('POST', `${MS}/fault`, xml, XML_TYPE);
    expect(post.status, post.body).to.equal(201);
    expect(post.headers.location).to.equal(`${AP}=blockchain-mgmt%3Apeer-count-low`);
    const again = await req('POST', `${MS}/fault`, xml, XML_TYPE);
    expect(restconfError(again)).to.include({ 'error-tag': 'data-exists', 'error-path': "/blockchain-mgmt:managed-system/fault/alarm-policy[type='blockchain-mgmt:peer-count-low']" });
    expect((await req('DELETE', `${AP}=blockchain-mgmt:node-unreachable`)).status).to.equal(204);
    expect((await req('DELETE', decodeURIComponent(String(post.headers.location)))).status).to.equal(204);
    expect(policies()).to.deep.equal([]);
  });

  it('a NETCONF lock held over SSH (ncclient) makes PUT, POST, PATCH and DELETE fail with 409 in-use; nothing changes', async function () {
    requireNcclient(this);
    const before = JSON.stringify(nb.bridge.datastore.get('running'));
    const during: HttpResult[] = [];
    const steps = await ncclient(nb.sshPort, [login(ADMIN, 'a'), { op: 'lock', session: 'a' }, { op: 'wait', name: 'locked' }, { op: 'unlock', session: 'a' }], async () => {
      during.push(await req('PUT', `${MS}/network=dev/poll-interval`, JSON.stringify({ 'blockchain-mgmt:poll-interval': 30 })));
      during.push(await req('POST', MS, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'locked1', platform: 'ethereum' }] })));
      during.push(await req('PATCH', `${MS}/network=dev`, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 31 }] })));
      during.push(await req('DELETE', `${MS}/network=put1`));
    });
    expect(steps.every((st) => st.ok !== false)).to.equal(true);
    for (const r of during) {
      expect(r.status, r.body).to.equal(409);
      expect(restconfError(r)).to.include({ 'error-type': 'protocol', 'error-tag': 'in-use' });
    }
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
    expect((await req('PUT', `${MS}/network=dev/poll-interval`, JSON.stringify({ 'blockchain-mgmt:poll-interval': 30 }))).status).to.equal(204);
  });

  it('a body with one invalid leaf changes nothing: 400 invalid-value with the error-path in JSON form', async () => {
    const before = JSON.stringify(nb.bridge.datastore.get('running'));
    const r = await req('PUT', `${MS}/network=dev`, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', platform: 'ethereum', description: 'x', 'poll-interval': 99999 }] }));
    expect(r.status, r.body).to.equal(400);
    expect(restconfError(r)).to.include({ 'error-type': 'application', 'error-tag': 'invalid-value', 'error-path': "/blockchain-mgmt:managed-system/network[name='dev']/poll-interval" });
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
  });

  it('hostile inputs: 403, 413, 400, 404, 415; the bridge keeps serving a GET and an snmpget', async function () {
    requireTool(this, 'snmpget', 'snmp');
    const before = JSON.stringify(nb.bridge.datastore.get('running'));
    const ro = await req('DELETE', `${MS}/network=dev`, undefined, JSON_TYPE, READER);
    expect(ro.status).to.equal(403);
    expect(restconfError(ro)).to.deep.equal({ 'error-type': 'protocol', 'error-tag': 'access-denied', 'error-message': 'user reader (role readOnly) may not change configuration' });
    const big = await req('PUT', `${MS}/network=dev`, Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(big.status).to.equal(413);
    expect(restconfError(big)['error-tag']).to.equal('too-big');
    const deep = await req('POST', MS, `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, XML_TYPE);
    expect(deep.status).to.equal(400);
    expect(restconfError(deep)['error-tag']).to.equal('malformed-message');
    const json = await req('PUT', `${MS}/network=dev`, '{"blockchain-mgmt:network": [{"name": "dev",');
    expect(json.status).to.equal(400);
    expect(restconfError(json)['error-tag']).to.equal('malformed-message');
    const query = await req('PUT', `${MS}/network=dev/poll-interval?insert=first`, JSON.stringify({ 'blockchain-mgmt:poll-interval': 6 }));
    expect(query.status).to.equal(400);
    expect(restconfError(query)['error-message']).to.match(/^query parameter insert is not supported on PUT/);
    expect((await req('PUT', `${MS}/no-such-container/x`, '{}')).status).to.equal(404);
    expect((await req('PUT', `${MS}/network=dev`, 'x', { 'Content-Type': 'text/plain' })).status).to.equal(415);
    const other = await req('DELETE', '/restconf/data/ietf-alarms:alarms');
    expect(other.status).to.equal(405);
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
    expect((await get(`${MS}/network=dev/platform`)).body).to.equal('{"blockchain-mgmt:platform":"ethereum"}');
    expect(await snmpPoll('dev')).to.equal('30');
  });

  it('PUT of the whole datastore with what GET content=config gave changes nothing; the users keep their passwords (never sent)', async () => {
    const before = nb.bridge.datastore.get('running');
    const cfg = await get('/restconf/data?content=config');
    expect(cfg.body).to.not.include(ADMIN.password);
    const r = await req('PUT', '/restconf/data', cfg.body);
    expect(r.status, r.body).to.equal(204);
    expect(nb.bridge.datastore.get('running')).to.deep.equal(before);
    expect((await get(`${MS}/network=dev/platform`)).status).to.equal(200);
    expect((await req('PUT', `${MS}/network=dev/poll-interval`, JSON.stringify({ 'blockchain-mgmt:poll-interval': 30 }))).status).to.equal(204);
  });

  it('OPTIONS lists the methods; the configuration read back (content=config) validates with yanglint', async function () {
    const o = await httpRequest(nb.httpPort, { method: 'OPTIONS', path: `${MS}/network=dev`, user: READER });
    expect(o.status).to.equal(200);
    expect(o.headers.allow).to.equal('GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE');
    expect(o.headers['accept-patch']).to.equal('application/yang-data+json, application/yang-data+xml, application/yang-patch+json, application/yang-patch+xml');
    requireTool(this, 'yanglint', 'libyang2-tools');
    const r = await get('/restconf/data?content=config');
    expect(r.status).to.equal(200);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-rcwrite-'));
    try {
      const file = path.join(tmp, 'config.json');
      fs.writeFileSync(file, JSON.stringify((JSON.parse(r.body) as Record<string, unknown>)['ietf-restconf:data']));
      const yangDir = path.join(projectRoot, 'yang');
      const modules = fs.readdirSync(yangDir).filter((f) => /^(blockchain-mgmt|ietf-alarms)@/.test(f)).map((f) => path.join(yangDir, f));
      const lint = spawnSync('yanglint', ['-p', yangDir, '-t', 'config', ...modules, file], { encoding: 'utf8', cwd: tmp });
      expect(`${lint.stdout}${lint.stderr}`).to.equal('');
      expect(lint.status).to.equal(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
