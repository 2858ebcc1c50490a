/**
 * The NETCONF RPC layer over plain HTTP: basic authentication, the same operations and errors as over SSH,
 * operations that need a session refused, bounds; and the first-run admin password when no user is configured.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashPassword } from '../../src/netconf';
import { ADMIN, BCM, READER, httpRequest, rpc, startNetconfBridge, unreachableDevSeed } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

describe('NETCONF over HTTP (src/http)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge(unreachableDevSeed());
  });
  after(async () => { await nb?.cleanup(); });
  const post = (body: string, user: { name: string; password: string } | null = ADMIN, headers?: Record<string, string>): ReturnType<typeof httpRequest> =>
    httpRequest(nb.httpPort, { body, user: user ?? undefined, headers });

  it('answers 401 without credentials or with a wrong password', async () => {
    const r = await post(rpc(1, '<get/>'), null);
    expect(r.status).to.equal(401);
    expect(r.headers['www-authenticate']).to.match(/^Basic realm="bcmgmt"/);
    expect((await post(rpc(1, '<get/>'), { name: ADMIN.name, password: 'nope' })).status).to.equal(401);
    expect((await post(rpc(1, '<get/>'), { name: 'nobody', password: 'x' })).status).to.equal(401);
    expect((await httpRequest(nb.httpPort, { method: 'GET', headers: { Authorization: 'Bearer x' } })).status).to.equal(401);
  });

  it('POST /netconf: an <rpc> in, its <rpc-reply> out, attributes echoed', async () => {
    const r = await post(`<rpc message-id="h1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="urn:example" ex:tag="t"><get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval/></network></managed-system></filter></get></rpc>`);
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.match(/^application\/xml/);
    expect(r.body).to.match(/^<\?xml version="1\.0" encoding="UTF-8"\?><rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1\.0" xmlns:ex="urn:example" message-id="h1" ex:tag="t">/);
    expect(r.body).to.include(`<data><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval>5</poll-interval></network></managed-system></data>`);
  });

  it('GET /netconf: the capabilities as a hello', async () => {
    const r = await httpRequest(nb.httpPort, { method: 'GET', user: READER });
    expect(r.status).to.equal(200);
    expect(r.body).to.include('<capability>urn:ietf:params:netconf:base:1.1</capability>');
    expect(r.body).to.match(/<session-id>\d+<\/session-id><\/hello>$/);
  });

  it('edit-config by an admin reaches the collector; a read-only user gets access-denied', async () => {
    const edit = (v: number): string => rpc(2, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval>${v}</poll-interval></network></managed-system></config></edit-config>`);
    expect((await post(edit(11))).body).to.include('<ok/>');
    expect(nb.bridge.collector.networks.get('dev')!.settings.pollInterval).to.equal(11);
    const denied = await post(edit(12), READER);
    expect(denied.status).to.equal(200);
    expect(denied.body).to.include('<error-tag>access-denied</error-tag>');
    expect(nb.bridge.collector.networks.get('dev')!.settings.pollInterval).to.equal(11);
  });

  it('operations that need a session are refused; hostile bodies get rpc-errors', async () => {
    expect((await post(rpc(3, '<lock><target><running/></target></lock>'))).body).to.include('<error-tag>operation-not-supported</error-tag>');
    expect((await post(rpc(4, '<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>'))).body).to.include('<error-tag>operation-not-supported</error-tag>');
    const xxe = await post('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rpc message-id="5" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get>&e;</get></rpc>');
    expect(xxe.body).to.include('<error-tag>malformed-message</error-tag>');
    expect(xxe.body).not.to.include('root:');
    expect((await post('<rpc message-id="6"', ADMIN)).body).to.include('<error-tag>malformed-message</error-tag>');
    expect((await post('{"json": true}', ADMIN, { 'Content-Type': 'application/json' })).status).to.equal(415);
    expect((await httpRequest(nb.httpPort, { method: 'PUT', user: ADMIN, body: '<rpc/>' })).status).to.equal(405);
    expect((await httpRequest(nb.httpPort, { method: 'GET', path: '/other', user: ADMIN })).status).to.equal(404);
  });

  it('passwords: scrypt hashes in the configuration work, plain text too; new ones are stored hashed', async () => {
    const hashed = hashPassword('hashed-secret-9');
    const body = rpc(7, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><configuration>` +
      `<management-user><name>h</name><password>${hashed}</password><role>read-only</role></management-user>` +
      '<management-user><name>p</name><password>plain-secret-9</password><role>read-only</role></management-user></configuration></managed-system></config></edit-config>');
    expect((await post(body)).body).to.include('<ok/>');
    expect((await post(rpc(8, '<get-config><source><running/></source></get-config>'), { name: 'h', password: 'hashed-secret-9' })).status).to.equal(200);
    expect((await post(rpc(8, '<get-config><source><running/></source></get-config>'), { name: 'h', password: hashed })).status).to.equal(401);
    expect((await post(rpc(9, '<get-config><source><running/></source></get-config>'), { name: 'p', password: 'plain-secret-9' })).status).to.equal(200);
    expect(JSON.stringify(nb.bridge.running)).not.to.include('plain-secret-9');
  });
});

describe('NETCONF with no user configured', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  const lines: string[] = [];
  before(async () => {
    nb = await startNetconfBridge({}, { withUsers: false, setup: (b) => b.on('record', (r) => lines.push(r.message)) });
  });
  after(async () => { await nb?.cleanup(); });

  it('generates an admin password into <dataDir>/admin-password (0600), logs the file path but never the password, and accepts it', async () => {
    const file = path.join(nb.dataDir, 'admin-password');
    const st = fs.statSync(file);
    expect(st.mode & 0o777).to.equal(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password.length).to.be.at.least(16);
    expect(lines.join('\n')).to.include(file);
    expect(lines.join('\n')).not.to.include(password);
    const r = await httpRequest(nb.httpPort, { user: { name: 'admin', password }, body: rpc(1, '<get-config><source><running/></source></get-config>') });
    expect(r.status).to.equal(200);
    expect(r.body).to.include('<data');
    expect(nb.view.describe()).to.include('127.0.0.1');
  });
});
