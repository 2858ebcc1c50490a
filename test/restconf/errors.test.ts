/**
 * RESTCONF errors (src/restconf/errors.ts): the exact RFC 8040 section 7 ietf-restconf:errors documents and
 * HTTP statuses of 401, 403, 404, 405, 406 and 415, in JSON and XML, and hostile inputs (bad query parameters,
 * unknown resources and modules, deep paths, bad percent-encoding) answered with 400/404 while the bridge keeps
 * serving. Client: Node's http (raw paths, as sent).
 */
import { expect } from 'chai';
import { jsonErrorPath } from '../../src/restconf/errors';
import { ADMIN, READER, httpRequest, startNetconfBridge, unreachableDevSeed } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';

const NS = 'urn:ietf:params:xml:ns:yang:ietf-restconf';
const errors = (type: string, tag: string, message: string): unknown => ({ 'ietf-restconf:errors': { error: [{ 'error-type': type, 'error-tag': tag, 'error-message': message }] } });

describe('RESTCONF errors (src/restconf)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge(unreachableDevSeed());
  });
  after(async () => { await nb?.cleanup(); });
  const req = (method: string, p: string, opts: { user?: { name: string; password: string } | null; headers?: Record<string, string>; body?: string } = {}): Promise<HttpResult> =>
    httpRequest(nb.httpPort, { method, path: p, user: opts.user === null ? undefined : opts.user ?? ADMIN, headers: opts.headers, body: opts.body });
  const expectError = (r: HttpResult, status: number, type: string, tag: string, message: string): void => {
    expect(r.status, r.body).to.equal(status);
    expect(r.headers['content-type']).to.match(/^application\/yang-data\+json/);
    expect(JSON.parse(r.body)).to.deep.equal(errors(type, tag, message));
  };

  it('error-path in JSON (RFC 7951 section 6.11): module names where the module changes and in identity literals, other literals kept', () => {
    const mod = (ns: string): string => ({ 'urn:b': 'blockchain-mgmt', 'urn:al': 'ietf-alarms' } as Record<string, string>)[ns];
    expect(jsonErrorPath("/bcm:managed-system/bcm:network[bcm:name='a/bcm:b']/bcm:poll-interval", { bcm: 'urn:b' }, mod))
      .to.equal("/blockchain-mgmt:managed-system/network[name='a/bcm:b']/poll-interval");
    expect(jsonErrorPath("/al:alarms/al:alarm-list/al:alarm[al:resource=\"x\"]/bcm:extra", { bcm: 'urn:b', al: 'urn:al' }, mod))
      .to.equal('/ietf-alarms:alarms/alarm-list/alarm[resource="x"]/blockchain-mgmt:extra');
    expect(jsonErrorPath("/bcm:managed-system/bcm:fault/bcm:alarm-policy[bcm:type='bcm:peer-count-low']", { bcm: 'urn:b' }, mod))
      .to.equal("/blockchain-mgmt:managed-system/fault/alarm-policy[type='blockchain-mgmt:peer-count-low']");
  });

  it('401 without or with wrong credentials: access-denied, with the Basic challenge', async () => {
    const r = await req('GET', '/restconf/data', { user: null });
    expectError(r, 401, 'protocol', 'access-denied', 'authentication required');
    expect(r.headers['www-authenticate']).to.match(/^Basic realm="bcmgmt"/);
    expectError(await req('GET', '/restconf/data', { user: { name: READER.name, password: 'wrong' } }), 401, 'protocol', 'access-denied', 'authentication required');
  });

  it('the same error in XML when the client accepts XML', async () => {
    const r = await req('GET', '/restconf/data', { user: null, headers: { Accept: 'application/yang-data+xml' } });
    expect(r.status).to.equal(401);
    expect(r.headers['content-type']).to.match(/^application\/yang-data\+xml/);
    expect(r.body).to.equal(`<errors xmlns="${NS}"><error><error-type>protocol</error-type><error-tag>access-denied</error-tag><error-message>authentication required</error-message></error></errors>`);
  });

  it('403 access-denied for a read-only user changing configuration; 415 for a body that is not YANG data; 405 for a write of state data', async () => {
    const body = JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 7 }] });
    const target = '/restconf/data/blockchain-mgmt:managed-system/network=dev';
    expectError(await req('PATCH', target, { user: READER, body, headers: { 'Content-Type': 'application/yang-data+json' } }), 403, 'protocol', 'access-denied',
      'user reader (role readOnly) may not change configuration');
    expectError(await req('PATCH', target, { body, headers: { 'Content-Type': 'text/plain' } }), 415, 'protocol', 'invalid-value',
      'content type text/plain is not application/yang-data+json or application/yang-data+xml');
    const r = await req('PUT', `${target}/oper-state`, { body: JSON.stringify({ 'blockchain-mgmt:oper-state': 'enabled' }), headers: { 'Content-Type': 'application/yang-data+json' } });
    expectError(r, 405, 'protocol', 'operation-not-supported', 'method PUT is not allowed here (allowed: GET, HEAD, OPTIONS)');
    expect(r.headers.allow).to.equal('GET, HEAD, OPTIONS');
    const root = await req('DELETE', '/restconf/data');
    expectError(root, 405, 'protocol', 'operation-not-supported', 'method DELETE is not allowed here (allowed: GET, HEAD, OPTIONS, POST, PUT, PATCH)');
    expect(root.headers.allow).to.equal('GET, HEAD, OPTIONS, POST, PUT, PATCH');
    expect(nb.bridge.collector.networks.get('dev')!.settings.pollInterval).to.equal(5);
  });

  it('404 for an unknown resource, module or list entry; 406 for an Accept the server cannot serve', async () => {
    expectError(await req('GET', '/restconf/nothing'), 404, 'protocol', 'invalid-value', 'no resource /restconf/nothing');
    expectError(await req('GET', '/restconf/data/no-such-module:x'), 404, 'protocol', 'invalid-value', 'no resource of module no-such-module');
    expectError(await req('GET', '/restconf/data/blockchain-mgmt:managed-system/network=nope'), 404, 'protocol', 'invalid-value',
      'no resource /blockchain-mgmt:managed-system/network=nope');
    expectError(await req('GET', '/restconf/data/blockchain-mgmt:managed-system/no-such-leaf'), 404, 'protocol', 'invalid-value',
      'no resource /blockchain-mgmt:managed-system/no-such-leaf');
    expectError(await req('GET', '/restconf/data', { headers: { Accept: 'text/html' } }), 406, 'protocol', 'invalid-value',
      'none of text/html can be served: application/yang-data+json or application/yang-data+xml');
  });

  it('hostile inputs get 400 invalid-value and the bridge keeps serving', async () => {
    const bad = async (p: string, message: string): Promise<void> => expectError(await req('GET', p), 400, 'protocol', 'invalid-value', message);
    await bad('/restconf/data?depth=0', 'depth=0 is not unbounded or 1..65535');
    await bad('/restconf/data?depth=99999999999999999999', 'depth=99999999999999999999 is not unbounded or 1..65535');
    await bad('/restconf/data?content=everything', 'content=everything is not one of config, nonconfig, all');
    await bad('/restconf/data?content=all&content=config', 'query parameter content is given more than once');
    await bad('/restconf/data?with-defaults=report-all-tagged', 'with-defaults=report-all-tagged is not one of explicit, report-all, trim (report-all-tagged is not supported)');
    await bad('/restconf/data?filter=x', 'query parameter filter is not supported here (content, depth, fields, with-defaults)');
    await bad('/restconf/operations?depth=1', 'the operations resource takes no query parameter');
    await bad('/restconf/data/blockchain-mgmt:managed-system/network', '/blockchain-mgmt:managed-system/network is a list: its entry is named with =key');
    await bad('/restconf/data/blockchain-mgmt:managed-system/network=%E0%A4%A', 'bad percent-encoding in "%E0%A4%A"');
    await bad('/restconf/data/managed-system', 'the first step "managed-system" needs its module name (module:managed-system)');
    await bad(`/restconf/data/blockchain-mgmt:managed-system${'/network=a'.repeat(100)}`, 'the resource path has more than 64 steps');
    // a URI past Node's header size limit is refused by the HTTP parser itself
    expect((await req('GET', `/restconf/data/blockchain-mgmt:managed-system${'/network=a'.repeat(5000)}`)).status).to.equal(431);
    await bad('/restconf/data/blockchain-mgmt:managed-system/%3Cx%3E', '"<x>" is not a resource identifier step');
    const ok = await req('GET', '/restconf/data/blockchain-mgmt:managed-system/network=dev/poll-interval', { user: READER });
    expect(JSON.parse(ok.body)).to.deep.equal({ 'blockchain-mgmt:poll-interval': 5 });
  });
});
