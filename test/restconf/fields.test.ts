/**
 * RESTCONF reads that build only what they return: the "fields" query parameter (RFC 8040 section 4.8.3) and GETs
 * of one resource. Each answer is checked against the same resource fetched whole (no fields), cut down here in
 * the test: the fields asked for, list entries with their keys. A datastore-level fields answer validates with
 * yanglint; bad expressions (syntax, unknown modules, names that are no child of their parent) get 400 invalid-value and the bridge keeps serving. Clients: Node's http and curl.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADMIN, READER, fillSynthetic, httpRequest, restconfError, startNetconfBridge } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { projectRoot, requireTool } from '../support/tools';

/** curl -sS -D - (run without blocking: the bridge answers from this process). */
function curl(args: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-D', '-', ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => {
      if (err) { reject(err); return; }
      const split = stdout.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(stdout.slice(0, split))?.[1]), body: stdout.slice(split + 4) });
    });
  });
}

const DATA = '/restconf/data';
const MS = `${DATA}/blockchain-mgmt:managed-system`;
const NET0 = `${MS}/network=net0`;

type Obj = Record<string, unknown>;

/** Only the members named (and for each, a function that cuts its value further), in the order of obj. */
function pick(obj: Obj, want: Record<string, true | ((v: unknown) => unknown)>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    const w = want[k.includes(':') ? k.slice(k.indexOf(':') + 1) : k];
    if (w === undefined) continue;
    out[k] = w === true ? v : w(v);
  }
  return out;
}
const each = (want: Record<string, true | ((v: unknown) => unknown)>) => (v: unknown): unknown => (v as Obj[]).map((e) => pick(e, want));

describe('RESTCONF fields and one-resource reads (src/restconf/fields.ts, datastore.ts)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let tmp = '';
  before(async () => {
    nb = await startNetconfBridge({ networks: [{ name: 'dev', platform: 'ethereum', adminState: 'locked', pollInterval: 5, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }] });
    fillSynthetic(nb.bridge.tree, 2, 6, 3);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-fields-'));
  });
  after(async () => { await nb?.cleanup(); if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });
  const get = (p: string, accept = 'application/yang-data+json'): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'GET', path: p, user: READER, headers: { Accept: accept } });
  const json = async (p: string): Promise<Obj> => {
    const r = await get(p);
    expect(r.status, `${p}: ${r.body.slice(0, 300)}`).to.equal(200);
    return JSON.parse(r.body) as Obj;
  };
  const q = (s: string): string => encodeURIComponent(s);

  it('fields of a list entry: leaves, a nested list with a sub-selection, a path through a container', async () => {
    const whole = ((await json(NET0))['blockchain-mgmt:network'] as Obj[])[0];
    const got = await json(`${NET0}?fields=${q('chain-id;node(name;height;peer(address));ledger/height')}`);
    const expected = pick(whole, {
      name: true, 'chain-id': true,
      node: each({ name: true, height: true, peer: each({ index: true, address: true }) }),
      ledger: each({ name: true, height: true }),
    });
    expect(got).to.deep.equal({ 'blockchain-mgmt:network': [expected] });
    expect(JSON.stringify(got)).to.include('"height":"123456"').and.include('10.0.1.2:30303');
  });

  it('fields with a module prefix, nested parentheses, and with depth; XML too', async () => {
    const node = `${NET0}/node=node2`;
    const whole = ((await json(node))['blockchain-mgmt:node'] as Obj[])[0];
    const got = await json(`${node}?fields=${q('blockchain-mgmt:tx-pool(pending);peer(peer-id;direction)')}`);
    expect(got).to.deep.equal({ 'blockchain-mgmt:node': [pick(whole, {
      name: true, 'tx-pool': (v) => pick(v as Obj, { pending: true }), peer: each({ index: true, 'peer-id': true, direction: true }),
    })] });
    const shallow = await json(`${node}?fields=${q('peer(direction);tx-pool')}&depth=2`);
    expect(shallow).to.deep.equal({ 'blockchain-mgmt:node': [{ name: 'node2', 'tx-pool': {}, peer: [{}, {}, {}] }] });
    const x = await get(`${node}?fields=${q('height;peer(address)')}`, 'application/yang-data+xml');
    expect(x.status).to.equal(200);
    expect(x.body).to.match(/^<node xmlns="urn:itu:t:m:immbs:blockchain-mgmt"><name>node2<\/name><height>123456<\/height><peer><index>1<\/index><address>10\.0\.2\.1:30303<\/address><\/peer>/);
    expect(x.body).not.to.match(/peer-id|tx-pool|syncing/);
  });

  it('fields at the datastore level: top-level names need their module; the answer validates with yanglint as <get> data (curl)', async function () {
    requireTool(this, 'curl', 'curl');
    requireTool(this, 'yanglint', 'libyang2-tools');
    const r = await curl(['-u', `${READER.name}:${READER.password}`, '-H', 'Accept: application/yang-data+json',
      `http://127.0.0.1:${nb.httpPort}${DATA}?fields=${q('blockchain-mgmt:managed-system/network(platform;node(height;peer/address))')}`]);
    expect(r.status, r.body).to.equal(200);
    const data = (JSON.parse(r.body) as Record<string, Obj>)['ietf-restconf:data'];
    expect(Object.keys(data)).to.deep.equal(['blockchain-mgmt:managed-system']);
    const nets = (data['blockchain-mgmt:managed-system'] as Obj).network as Obj[];
    expect(nets.map((n) => n.name)).to.deep.equal(['dev', 'net0', 'net1']);
    expect(nets[1]).to.have.keys('name', 'platform', 'node');
    expect((nets[1].node as Obj[])[0]).to.have.keys('name', 'height', 'peer');
    expect(((nets[1].node as Obj[])[0].peer as Obj[])[0]).to.have.keys('index', 'address');
    const file = path.join(tmp, 'fields.json');
    fs.writeFileSync(file, JSON.stringify(data));
    const yangDir = path.join(projectRoot, 'yang');
    const modules = fs.readdirSync(yangDir).filter((f) => /^(blockchain-mgmt|ietf-alarms)@/.test(f)).map((f) => path.join(yangDir, f));
    const lint = spawnSync('yanglint', ['-p', yangDir, '-t', 'get', ...modules, file], { encoding: 'utf8', cwd: tmp });
    expect(`${lint.stdout}${lint.stderr}`).to.equal('');
    expect(lint.status).to.equal(0);
    const lib = await json(`${DATA}?fields=${q('ietf-yang-library:yang-library/module-set/module(name)')}`);
    const mods = (((lib['ietf-restconf:data'] as Obj)['ietf-yang-library:yang-library'] as Obj)['module-set'] as Obj[])[0].module as Obj[];
    expect(mods.map((m) => Object.keys(m))).to.deep.include(['name']);
    expect(mods.map((m) => m.name)).to.include('blockchain-mgmt');
  });

  it('a GET of one node, one peer and one leaf equals that part of the whole resource', async () => {
    const whole = ((await json(NET0))['blockchain-mgmt:network'] as Obj[])[0];
    const node3 = (whole.node as Obj[]).find((n) => n.name === 'node3');
    expect(await json(`${NET0}/node=node3`)).to.deep.equal({ 'blockchain-mgmt:node': [node3] });
    expect(await json(`${NET0}/node=node3/peer=2`)).to.deep.equal({ 'blockchain-mgmt:peer': [(node3!.peer as Obj[])[1]] });
    expect(await json(`${NET0}/node=node3/tx-pool/queued`)).to.deep.equal({ 'blockchain-mgmt:queued': (node3!['tx-pool'] as Obj).queued });
    // depth=2: the node's leaves, its containers and list entries empty
    const cut = Object.fromEntries(Object.entries(node3!).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null ? {} : x)) : typeof v === 'object' && v !== null ? {} : v]));
    expect(await json(`${NET0}/node=node3?depth=2`)).to.deep.equal({ 'blockchain-mgmt:node': [cut] });
    expect(await json(`${NET0}/node=node3?content=nonconfig&depth=1`)).to.deep.equal({ 'blockchain-mgmt:node': [{}] });
    expect((await get(`${NET0}/node=node99`)).status).to.equal(404);
    expect((await get(`${NET0}/node=node3/peer=9`)).status).to.equal(404);
  });

  it('bad fields expressions are 400 invalid-value, and the bridge keeps serving', async () => {
    const bad = async (fields: string, message: RegExp, base = NET0): Promise<void> => {
      const r = await httpRequest(nb.httpPort, { method: 'GET', path: `${base}?fields=${q(fields)}`, user: ADMIN, headers: { Accept: 'application/yang-data+json' } });
      expect(r.status, `${fields}: ${r.body}`).to.equal(400);
      const e = restconfError(r);
      expect(e['error-tag']).to.equal('invalid-value');
      expect(e['error-type']).to.equal('protocol');
      expect(String(e['error-message'])).to.match(message);
    };
    await bad('node(name', /expected "\)"/);
    await bad('node;;name', /expected a node name/);
    await bad('node)', /unexpected "\)"/);
    await bad('', /fields is empty/);
    await bad('nomodule:node', /unknown module nomodule/);
    await bad('managed-system/network', /needs its module/, DATA);
    await bad(`${'a('.repeat(20)}b${')'.repeat(20)}`, /nested deeper than 16/);
    await bad('x'.repeat(5000), /longer than 4096/);
    await bad('node(bogus)', /node has no child node bogus/);
    await bad('chain-id(x)', /chain-id is a leaf of network, with nothing below it/);
    await bad('blockchain-mgmt:managed-system/network/nodes', /network has no child node nodes/, DATA);
    const r = await httpRequest(nb.httpPort, { method: 'GET', path: `${NET0}?fields=chain-id&fields=name`, user: ADMIN });
    expect(r.status).to.equal(400);
    expect(await json(`${NET0}?fields=name`)).to.deep.equal({ 'blockchain-mgmt:network': [{ name: 'net0' }] });
  });
});
