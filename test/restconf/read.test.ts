/**
 * RESTCONF reads (src/restconf) against a real bridge: root discovery, GET/HEAD of the datastore and of data
 * resources in JSON (validated by libyang's yanglint against the module) and XML, the same data as NETCONF
 * <get>, and the query parameters content, depth and with-defaults. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseXml } from '../../src/netconf/xml';
import { curl } from '../support/curl';
import type { XmlElement } from '../../src/netconf/xml';
import { ADMIN, BCM, READER, fillSynthetic, httpRequest, rpc, startNetconfBridge, unreachableDevSeed } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { projectRoot, requireTool } from '../support/tools';

const DATA = '/restconf/data';
const NET0 = `${DATA}/blockchain-mgmt:managed-system/network=net0`;

/** (path, text) of every leaf of an XML element, in document order. */
function xmlLeaves(e: XmlElement, at = ''): string[] {
  const p = `${at}/${e.name}`;
  if (!e.children.length) return [`${p}=${e.text}`];
  return e.children.flatMap((c) => xmlLeaves(c, p));
}

/** The same of RFC 7951 JSON members (module prefixes dropped from names, identityref modules turned into prefixes). */
function jsonLeaves(name: string, v: unknown, at = ''): string[] {
  const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
  const p = `${at}/${local}`;
  if (Array.isArray(v)) {
    if (v.length === 1 && v[0] === null) return [`${p}=`];
    return v.flatMap((x) => jsonLeaves(name, x, at));
  }
  if (v !== null && typeof v === 'object') return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => jsonLeaves(k, x, p));
  return [`${p}=${String(v).replace(/^blockchain-mgmt:/, 'bcm:')}`];
}

describe('RESTCONF reads (src/restconf)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let tmp = '';
  before(async () => {
    nb = await startNetconfBridge(unreachableDevSeed());
    fillSynthetic(nb.bridge.tree, 1, 2, 2);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-restconf-'));
  });
  after(async () => { await nb?.cleanup(); if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });
  const get = (p: string, headers: Record<string, string> = {}, user = ADMIN): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'GET', path: p, user, headers });
  const url = (p: string): string => `http://127.0.0.1:${nb.httpPort}${p}`;
  const auth = (u = READER): string[] => ['-u', `${u.name}:${u.password}`];

  it('root discovery: /.well-known/host-meta links to the RESTCONF root, which lists data, operations and the library version (curl)', async function () {
    requireTool(this, 'curl', 'curl');
    const hm = await curl([url('/.well-known/host-meta')]);
    expect(hm.status).to.equal(200);
    expect(hm.headers).to.match(/content-type: application\/xrd\+xml/i);
    expect(hm.body).to.include('<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">').and.include('<Link rel="restconf" href="/restconf"/>');
    const root = await curl([...auth(), url('/restconf')]);
    expect(root.status).to.equal(200);
    expect(root.headers).to.match(/content-type: application\/yang-data\+json/i);
    expect(JSON.parse(root.body)).to.deep.equal({ 'ietf-restconf:restconf': { data: {}, operations: {}, 'yang-library-version': '2019-01-04' } });
    expect(JSON.parse((await curl([...auth(), url('/restconf/yang-library-version')])).body)).to.deep.equal({ 'ietf-restconf:yang-library-version': '2019-01-04' });
    const ops = await curl([...auth(), '-H', 'Accept: application/yang-data+xml', url('/restconf/operations')]);
    expect(ops.body).to.equal('<operations xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"/></operations>');
  });

  it('GET of the whole datastore in JSON by a read-only user validates with yanglint against the module (curl)', async function () {
    requireTool(this, 'curl', 'curl');
    requireTool(this, 'yanglint', 'libyang2-tools');
    const r = await curl([...auth(), '-H', 'Accept: application/yang-data+json', url(DATA)]);
    expect(r.status).to.equal(200);
    expect(r.headers).to.match(/content-type: application\/yang-data\+json/i);
    const doc = JSON.parse(r.body) as Record<string, Record<string, unknown>>;
    const data = doc['ietf-restconf:data'];
    expect(Object.keys(data)).to.include.members(['blockchain-mgmt:managed-system', 'ietf-yang-library:yang-library']);
    // what yanglint reads: the members of ietf-restconf:data (yanglint has ietf-yang-library built in)
    const file = path.join(tmp, 'data.json');
    fs.writeFileSync(file, JSON.stringify(data));
    const yangDir = path.join(projectRoot, 'yang');
    const modules = [...fs.readdirSync(yangDir).filter((f) => /^(blockchain-mgmt|ietf-alarms)@/.test(f)).map((f) => path.join(yangDir, f)),
      path.join(yangDir, 'rfc8040', 'ietf-restconf-monitoring@2017-01-26.yang')];
    const libyangDir = '/usr/share/yang/modules/libyang';
    const lint = spawnSync('yanglint', ['-p', yangDir, '-p', libyangDir, '-t', 'data', ...modules, path.join(libyangDir, 'ietf-yang-library@2019-01-04.yang'), path.join(libyangDir, 'ietf-datastores@2018-02-14.yang'), file],
      { encoding: 'utf8', cwd: tmp });
    expect(`${lint.stdout}${lint.stderr}`).to.equal('');
    expect(lint.status).to.equal(0);
    // typed as RFC 7951 says: a uint32 as a number, a uint64 counter as a string, a boolean as a literal
    const net0 = ((data['blockchain-mgmt:managed-system'] as Record<string, unknown>).network as Record<string, unknown>[]).find((n) => n.name === 'net0')!;
    const node0 = (net0.node as Record<string, unknown>[])[0];
    expect(node0['peer-count']).to.equal(2);
    expect(node0['rpc-errors']).to.equal('0');
    expect(node0.syncing).to.equal(false);
  });

  it('the JSON and the XML of a network carry the same leaves and values as NETCONF <get> (Node http)', async () => {
    const nc = await httpRequest(nb.httpPort, { user: READER, body: rpc(1, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>net0</name></network></managed-system></filter></get>`) });
    const ncNetwork = parseXml(nc.body).children[0].children[0].children[0];
    expect(ncNetwork.name).to.equal('network');
    const expected = xmlLeaves(ncNetwork);
    expect(expected.length).to.be.greaterThan(60);

    const j = await get(NET0, { Accept: 'application/yang-data+json' }, READER);
    expect(j.status).to.equal(200);
    const body = JSON.parse(j.body) as Record<string, unknown[]>;
    expect(Object.keys(body)).to.deep.equal(['blockchain-mgmt:network']);
    expect(body['blockchain-mgmt:network']).to.have.length(1);
    expect(jsonLeaves('network', body['blockchain-mgmt:network'][0])).to.deep.equal(expected);

    const x = await get(NET0, { Accept: 'application/yang-data+xml' }, READER);
    expect(x.status).to.equal(200);
    expect(x.headers['content-type']).to.match(/^application\/yang-data\+xml/);
    const xe = parseXml(x.body);
    expect(xe.ns).to.equal(BCM);
    expect(xmlLeaves(xe)).to.deep.equal(expected);
  });

  it('a leaf, a list entry by several keys with percent-encoding, and HEAD', async () => {
    const leafR = await get(`${NET0}/node=node1/peer-count`);
    expect(JSON.parse(leafR.body)).to.deep.equal({ 'blockchain-mgmt:peer-count': 2 });
    const peer = await get(`${NET0}/node=node0/peer=2`);
    expect(peer.status).to.equal(200);
    expect((JSON.parse(peer.body) as Record<string, { address: string }[]>)['blockchain-mgmt:peer'][0].address).to.equal('10.0.0.2:30303');
    const enc = await get(`${DATA}/blockchain-mgmt:managed-system/network=%6Eet0/node=node0/endpoint`);
    expect(JSON.parse(enc.body)).to.deep.equal({ 'blockchain-mgmt:endpoint': 'http://127.0.0.1:10000' });
    const head = await httpRequest(nb.httpPort, { method: 'HEAD', path: NET0, user: READER });
    expect(head.status).to.equal(200);
    expect(head.headers['content-type']).to.match(/^application\/yang-data\+json/);
    expect(head.body).to.equal('');
  });

  it('content=config has no state, content=nonconfig no configuration (keys stay), depth cuts, with-defaults adds defaults', async () => {
    const dev = `${DATA}/blockchain-mgmt:managed-system/network=dev`;
    const cfg = JSON.parse((await get(`${dev}?content=config`)).body) as Record<string, Record<string, unknown>[]>;
    expect(cfg['blockchain-mgmt:network'][0]).to.include({ name: 'dev', platform: 'ethereum', 'poll-interval': 5 });
    expect(JSON.stringify(cfg)).not.to.match(/oper-state|reachability/);
    const state = JSON.parse((await get(`${dev}?content=nonconfig`)).body) as Record<string, Record<string, unknown>[]>;
    expect(state['blockchain-mgmt:network'][0]).to.include({ name: 'dev' });
    expect(state['blockchain-mgmt:network'][0]).not.to.have.any.keys('platform', 'poll-interval');
    expect(Object.keys(state['blockchain-mgmt:network'][0]).length).to.be.greaterThan(1);
    const shallow = JSON.parse((await get(`${NET0}?depth=2`)).body) as Record<string, Record<string, unknown>[]>;
    const n = shallow['blockchain-mgmt:network'][0];
    expect(n).to.include({ name: 'net0', 'oper-state': 'enabled' });
    expect(n.node).to.deep.equal([{}, {}]);
    const explicit = JSON.parse((await get(`${dev}/node=n1?content=config`)).body) as Record<string, Record<string, unknown>[]>;
    const all = JSON.parse((await get(`${dev}/node=n1?content=config&with-defaults=report-all`)).body) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(all['blockchain-mgmt:node'][0]).length).to.be.greaterThan(Object.keys(explicit['blockchain-mgmt:node'][0]).length);
  });
});
