/**
 * The RESTCONF API resources besides data (src/restconf): the operations resource and an RPC by POST
 * (ietf-netconf-monitoring get-schema, JSON and XML, the same text as NETCONF <get-schema>), and the server's
 * own data under /data: ietf-restconf-monitoring (capabilities with the query parameters supported, the streams)
 * and ietf-yang-library, whose JSON replies validate with yanglint against the modules. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { curl } from '../support/curl';
import { ADMIN, READER, httpRequest, restconfError, rpc, startNetconfBridge, unreachableDevSeed } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { projectRoot, requireTool } from '../support/tools';

const YANG = path.join(projectRoot, 'yang');
const LIBYANG = '/usr/share/yang/modules/libyang';
const MONITORING = path.join(YANG, 'rfc8040', 'ietf-restconf-monitoring@2017-01-26.yang');

describe('RESTCONF operations, ietf-restconf-monitoring and ietf-yang-library (src/restconf)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let tmp = '';
  before(async () => {
    nb = await startNetconfBridge(unreachableDevSeed());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-rcops-'));
  });
  after(async () => { await nb?.cleanup(); if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });
  const url = (p: string): string => `http://127.0.0.1:${nb.httpPort}${p}`;
  const get = (p: string, headers: Record<string, string> = {}): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'GET', path: p, user: READER, headers });
  /** yanglint -t data of a JSON document (the members of a datastore) with these modules: its output ('' when valid). */
  const lint = (doc: unknown, modules: string[]): string => {
    const file = path.join(tmp, `d${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    const r = spawnSync('yanglint', ['-p', YANG, '-p', LIBYANG, '-t', 'data', ...modules, file], { encoding: 'utf8', cwd: tmp });
    return `${r.stdout}${r.stderr}${r.status === 0 ? '' : `exit ${String(r.status)}`}`;
  };

  it('the operations resource lists get-schema; POST runs it for a read-only user, JSON and XML, with NETCONF\'s text (curl)', async function () {
    requireTool(this, 'curl', 'curl');
    expect(JSON.parse((await get('/restconf/operations')).body)).to.deep.equal({ 'ietf-restconf:operations': { 'ietf-netconf-monitoring:get-schema': [null] } });
    const r = await curl(['-u', `${READER.name}:${READER.password}`, '-X', 'POST', '-H', 'Content-Type: application/yang-data+json',
      '--data-binary', JSON.stringify({ 'ietf-netconf-monitoring:input': { identifier: 'ietf-alarms', version: '2019-09-11' } }),
      url('/restconf/operations/ietf-netconf-monitoring:get-schema')]);
    expect(r.status, r.body).to.equal(200);
    expect(r.headers).to.match(/content-type: application\/yang-data\+json/i);
    const text = (JSON.parse(r.body) as { 'ietf-netconf-monitoring:output': { data: string } })['ietf-netconf-monitoring:output'].data;
    expect(text).to.equal(fs.readFileSync(path.join(YANG, 'ietf-alarms@2019-09-11.yang'), 'utf8'));
    const nc = await httpRequest(nb.httpPort, { user: READER, body: rpc(1, '<get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><identifier>ietf-alarms</identifier></get-schema>') });
    expect(nc.body).to.include('module ietf-alarms {');
    const xml = await httpRequest(nb.httpPort, { method: 'POST', path: '/restconf/operations/ietf-netconf-monitoring:get-schema', user: READER,
      headers: { 'Content-Type': 'application/yang-data+xml', Accept: 'application/yang-data+xml' },
      body: '<input xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><identifier>ietf-alarms</identifier></input>' });
    expect(xml.status).to.equal(200);
    expect(xml.body).to.match(/^<output xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><data>module ietf-alarms \{/);
  });

  it('an unknown RPC is 404, an unknown schema 400 invalid-value, a bad body 400', async () => {
    const post = (p: string, body: string): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'POST', path: p, user: ADMIN, body, headers: { 'Content-Type': 'application/yang-data+json' } });
    const tag = (r: HttpResult): string => restconfError(r)['error-tag'];
    const unknown = await post('/restconf/operations/ietf-netconf:get-config', '');
    expect([unknown.status, tag(unknown)]).to.deep.equal([404, 'invalid-value']);
    const noSchema = await post('/restconf/operations/ietf-netconf-monitoring:get-schema', JSON.stringify({ 'ietf-netconf-monitoring:input': { identifier: 'no-such-module' } }));
    expect([noSchema.status, tag(noSchema)]).to.deep.equal([400, 'invalid-value']);
    const bad = await post('/restconf/operations/ietf-netconf-monitoring:get-schema', JSON.stringify({ 'ietf-netconf-monitoring:identifier': 'x' }));
    expect(bad.status).to.equal(400);
  });

  it('ietf-restconf-monitoring: capabilities (defaults, depth, with-defaults, fields, filter) and the NETCONF stream; the JSON validates with yanglint (curl)', async function () {
    requireTool(this, 'curl', 'curl');
    requireTool(this, 'yanglint', 'libyang2-tools');
    const r = await curl(['-u', `${READER.name}:${READER.password}`, url('/restconf/data/ietf-restconf-monitoring:restconf-state')]);
    expect(r.status, r.body).to.equal(200);
    const doc = JSON.parse(r.body) as { 'ietf-restconf-monitoring:restconf-state': { capabilities: { capability: string[] }; streams: { stream: { name: string }[] } } };
    const state = doc['ietf-restconf-monitoring:restconf-state'];
    expect(state.capabilities.capability).to.deep.equal([
      'urn:ietf:params:restconf:capability:defaults:1.0?basic-mode=explicit', 'urn:ietf:params:restconf:capability:depth:1.0',
      'urn:ietf:params:restconf:capability:with-defaults:1.0', 'urn:ietf:params:restconf:capability:fields:1.0',
      'urn:ietf:params:restconf:capability:filter:1.0', 'urn:ietf:params:restconf:capability:yang-patch:1.0']);
    expect(state.streams.stream.map((s) => s.name)).to.deep.equal(['NETCONF']);
    expect(lint(doc, [MONITORING])).to.equal('');
    // in the XML of the whole datastore too
    const all = await get('/restconf/data', { Accept: 'application/yang-data+xml' });
    expect(all.body).to.include('<restconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"><capabilities><capability>');
    // absent from content=config (state only)
    expect((await get('/restconf/data?content=config')).body).not.to.include('restconf-state');
  });

  it('ietf-yang-library: /yang-library lists the implemented modules (ietf-restconf-monitoring among them) and validates with yanglint', async function () {
    requireTool(this, 'yanglint', 'libyang2-tools');
    const r = await get('/restconf/data/ietf-yang-library:yang-library');
    expect(r.status, r.body).to.equal(200);
    const doc = JSON.parse(r.body) as { 'ietf-yang-library:yang-library': { 'module-set': { module: { name: string }[] }[]; 'content-id': string } };
    const lib = doc['ietf-yang-library:yang-library'];
    expect(lib['module-set'][0].module.map((m) => m.name)).to.include.members(['blockchain-mgmt', 'ietf-alarms', 'ietf-restconf-monitoring']);
    expect(lib['content-id']).to.match(/^[0-9a-f]{16}$/);
    const state = await get('/restconf/data/ietf-yang-library:modules-state');
    expect(state.status).to.equal(200);
    // both top nodes of the module together (libyang wants the deprecated /modules-state's mandatory module-set-id)
    expect(lint({ ...doc, ...(JSON.parse(state.body) as object) }, [path.join(LIBYANG, 'ietf-yang-library@2019-01-04.yang'), path.join(LIBYANG, 'ietf-datastores@2018-02-14.yang')])).to.equal('');
    expect((JSON.parse(state.body) as { 'ietf-yang-library:modules-state': { 'module-set-id': string } })['ietf-yang-library:modules-state']['module-set-id']).to.equal(lib['content-id']);
  });
});
