/**
 * YANG actions over RESTCONF (POST {+restconf}/data/<path>/<action>, RFC 8040 section 3.6) on a real litecoind
 * regtest node: set-network-active with JSON and XML input has the effect NETCONF's <action> has (litecoind's
 * getnetworkinfo says so); a read-only user gets 403 access-denied, a bad input 400 invalid-value, an unknown
 * action or node 404, malformed bodies 400. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import type { ConfigObject } from '../../src/config/document';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, BCM, READER, httpRequest, restconfError, rpc, usersConfig } from '../support/netconf';
import type { HttpResult } from '../support/netconf';
import { requireTool } from '../support/tools';
import { until } from '../support/wait';
import { curl } from '../support/curl';

const PASSWORD_ENV = 'BCMGMT_RC_ACTION_LTC_PASSWORD';
const NODE = '/restconf/data/blockchain-mgmt:managed-system/network=ltc/node=n0';
const JSON_TYPE = { 'Content-Type': 'application/yang-data+json' };

describe('RESTCONF actions on litecoind', function () {
  this.timeout(120_000);
  let ltc: LitecoinNetwork | undefined;
  let tb: TestBridge | undefined;
  let views: Composed;
  const port = (): number => views.http.port;
  const post = (path: string, body: string, user = ADMIN, headers: Record<string, string> = JSON_TYPE): Promise<HttpResult> =>
    httpRequest(port(), { method: 'POST', path, body, user, headers });
  const networkActive = async (): Promise<boolean> => (await ltc!.rpc<{ networkactive: boolean }>(0, 'getnetworkinfo')).networkactive;
  const expectError = (r: HttpResult, status: number, tag: string): void => {
    expect(r.status, r.body).to.equal(status);
    expect(restconfError(r)['error-tag']).to.equal(tag);
  };

  before(async function () {
    requireLitecoind(this);
    this.timeout(120_000);
    ltc = await LitecoinNetwork.start({ nodes: 1 });
    process.env[PASSWORD_ENV] = 'regtest-password';
    const seed: ConfigObject = {
      configuration: usersConfig(),
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: [{ name: 'n0', endpoint: ltc.rpcUrl(0), username: ltc.credentials(0).username ?? '', passwordEnv: PASSWORD_ENV }] }],
    };
    tb = await startBridge(seed, { setup: (b) => { views = composeBridge(b, { snmpPort: 0, sshPort: 0, httpPort: 0, address: '127.0.0.1' }); } });
    await until('n0 reachable', () => tb!.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['n0'] }])?.get('reachability') === 'reachable', 30_000, 100);
  });
  after(async () => {
    await tb?.cleanup();
    await ltc?.stopAll();
    delete process.env[PASSWORD_ENV];
  });

  it('set-network-active over RESTCONF (JSON input by curl, then XML) and over NETCONF has the same effect on litecoind', async function () {
    requireTool(this, 'curl', 'curl');
    expect(await networkActive()).to.equal(true);
    const off = await curl(['-u', `${ADMIN.name}:${ADMIN.password}`, '-X', 'POST', '-H', 'Content-Type: application/yang-data+json',
      '--data-binary', JSON.stringify({ 'blockchain-mgmt:input': { active: false } }), `http://127.0.0.1:${port()}${NODE}/set-network-active`]);
    expect(off.status, off.body).to.equal(204);
    expect(off.body).to.equal('');
    expect(await networkActive()).to.equal(false);
    // NETCONF <action> undoes it: the same handler
    const nc = await httpRequest(port(), { user: ADMIN, body: rpc(1, `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>ltc</name>` +
      '<node><name>n0</name><set-network-active><active>true</active></set-network-active></node></network></managed-system></action>') });
    expect(nc.body).to.include('<ok/>');
    expect(await networkActive()).to.equal(true);
    const xml = await post(`${NODE}/set-network-active`, `<input xmlns="${BCM}"><active>false</active></input>`, ADMIN,
      { 'Content-Type': 'application/yang-data+xml', Accept: 'application/yang-data+xml' });
    expect(xml.status, xml.body).to.equal(204);
    expect(await networkActive()).to.equal(false);
    expect((await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { active: true } }))).status).to.equal(204);
    expect(await networkActive()).to.equal(true);
  });

  it('a read-only user is refused with 403 access-denied and nothing happens', async () => {
    const r = await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { active: false } }), READER);
    expectError(r, 403, 'access-denied');
    expect(await networkActive()).to.equal(true);
    const xml = await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { active: false } }), READER,
      { ...JSON_TYPE, Accept: 'application/yang-data+xml' });
    expect(xml.status).to.equal(403);
    expect(xml.body).to.match(/^<errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf"><error><error-type>[a-z]+<\/error-type><error-tag>access-denied<\/error-tag>/);
  });

  it('bad input is 400 invalid-value (or missing-element), an unknown action or node 404, malformed bodies 400; the bridge keeps serving', async () => {
    expectError(await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { active: 'maybe' } })), 400, 'invalid-value');
    expectError(await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { bogus: 1 } })), 400, 'invalid-value');
    expectError(await post(`${NODE}/set-network-active`, ''), 400, 'missing-element');
    expectError(await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:output': {} })), 400, 'invalid-value');
    expectError(await post(`${NODE}/set-network-active`, '{"blockchain-mgmt:input": '), 400, 'malformed-message');
    expectError(await post(`${NODE}/set-network-active`, '<input', ADMIN, { 'Content-Type': 'application/yang-data+xml' }), 400, 'malformed-message');
    expectError(await post(`${NODE}/no-such-action`, JSON.stringify({ 'blockchain-mgmt:input': {} })), 404, 'invalid-value');
    expectError(await post('/restconf/data/blockchain-mgmt:managed-system/network=ltc/node=nx/set-network-active', JSON.stringify({ 'blockchain-mgmt:input': { active: true } })), 404, 'invalid-value');
    expectError(await post(`${NODE}/set-network-active`, JSON.stringify({ 'blockchain-mgmt:input': { active: true } }), ADMIN, { 'Content-Type': 'text/plain' }), 415, 'invalid-value');
    expect(await networkActive()).to.equal(true);
    expect((await httpRequest(port(), { method: 'GET', path: `${NODE}/name`, user: READER })).status).to.equal(200);
  });
});
