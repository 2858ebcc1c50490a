/**
 * YANG Patch (RFC 8072, src/restconf/yang-patch.ts): an ordered list of edits committed as one edit-config (all or
 * nothing), answered with a yang-patch-status: ok, the errors of the edit that could not be planned (edit-status), or
 * the errors of the commit. Clients: Node's http (JSON) and curl (XML).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { ADMIN, BCM, httpRequest, startNetconfBridge } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { requireTool } from '../support/tools';

const MS = '/restconf/data/blockchain-mgmt:managed-system';
const YP_NS = 'urn:ietf:params:xml:ns:yang:ietf-yang-patch';
const SEED = { networks: [{ name: 'dev', platform: 'ethereum', adminState: 'locked', pollInterval: 5, description: 'seeded' }] };

describe('RESTCONF YANG Patch (src/restconf/yang-patch.ts)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => { nb = await startNetconfBridge(SEED); });
  after(async () => { await nb?.cleanup(); });

  const patch = (p: string, body: unknown): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'PATCH', path: p, user: ADMIN,
    headers: { 'Content-Type': 'application/yang-patch+json' }, body: JSON.stringify(body) });
  const yp = (id: string, edits: unknown[]): unknown => ({ 'ietf-yang-patch:yang-patch': { 'patch-id': id, edit: edits } });
  const status = (r: HttpResult): Record<string, unknown> => (JSON.parse(r.body) as Record<string, Record<string, unknown>>)['ietf-yang-patch:yang-patch-status'];
  const networks = (): Record<string, unknown>[] => (nb.bridge.datastore.get('running').networks ?? []) as Record<string, unknown>[];
  const network = (name: string): Record<string, unknown> | undefined => networks().find((n) => n.name === name);

  it('three edits (create, merge, delete) are applied together: 200 with ok and the new ETag', async () => {
    const r = await patch(MS, yp('p1', [
      { 'edit-id': 'e1', operation: 'create', target: '/network=yp1', value: { 'blockchain-mgmt:network': [{ name: 'yp1', platform: 'bitcoin', 'admin-state': 'locked' }] } },
      { 'edit-id': 'e2', operation: 'merge', target: '/network=dev/poll-interval', value: { 'blockchain-mgmt:poll-interval': 17 } },
      { 'edit-id': 'e3', operation: 'delete', target: '/network=dev/description' },
      { 'edit-id': 'e4', operation: 'create', target: '/network=yp1/node=a', value: { 'blockchain-mgmt:node': [{ name: 'a', endpoint: 'http://127.0.0.1:9' }] } },
    ]));
    expect(r.status, r.body).to.equal(200);
    expect(r.headers['content-type']).to.match(/^application\/yang-data\+json/);
    expect(JSON.parse(r.body)).to.deep.equal({ 'ietf-yang-patch:yang-patch-status': { 'patch-id': 'p1', ok: [null] } });
    expect(r.headers.etag).to.match(/^"[^"]+"$/);
    expect(network('yp1')).to.deep.include({ platform: 'bitcoin', nodes: [{ name: 'a', endpoint: 'http://127.0.0.1:9' }] });
    expect(network('dev')).to.include({ pollInterval: 17 }).and.not.have.property('description');
    expect(nb.bridge.datastore.audit(1)[0]).to.include({ user: ADMIN.name, source: 'restconf' });
  });

  it('an edit that fails at the commit fails the whole patch: nothing applied, the commit errors in the status', async () => {
    const before = JSON.stringify(nb.bridge.datastore.get('running'));
    const r = await patch(`${MS}/network=dev`, yp('p2', [
      { 'edit-id': 'ok', operation: 'merge', target: '/description', value: { 'blockchain-mgmt:description': 'would be set' } },
      { 'edit-id': 'bad', operation: 'replace', target: '/poll-interval', value: { 'blockchain-mgmt:poll-interval': 0 } },
    ]));
    expect(r.status, r.body).to.equal(400);
    const s = status(r);
    expect(s['patch-id']).to.equal('p2');
    const err = (s.errors as { error: Record<string, string>[] }).error[0];
    expect(err).to.include({ 'error-type': 'application', 'error-tag': 'invalid-value', 'error-path': "/blockchain-mgmt:managed-system/network[name='dev']/poll-interval" });
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
  });

  it('an edit that cannot be planned is named in edit-status: unknown target 404, insert 400, data-exists 409', async () => {
    const before = JSON.stringify(nb.bridge.datastore.get('running'));
    const unknown = await patch(MS, yp('p3', [
      { 'edit-id': 'first', operation: 'merge', target: '/network=dev/poll-interval', value: { 'blockchain-mgmt:poll-interval': 20 } },
      { 'edit-id': 'nowhere', operation: 'merge', target: '/no-such-thing', value: { 'blockchain-mgmt:no-such-thing': 1 } },
    ]));
    expect(unknown.status).to.equal(404);
    expect(status(unknown)).to.deep.equal({ 'patch-id': 'p3', 'edit-status': { edit: [{ 'edit-id': 'nowhere', errors: { error: [
      { 'error-type': 'protocol', 'error-tag': 'invalid-value', 'error-message': 'no resource /blockchain-mgmt:managed-system/no-such-thing' }] } }] } });
    const insert = await patch(MS, yp('p4', [{ 'edit-id': 'i', operation: 'insert', target: '/network=z', value: { 'blockchain-mgmt:network': [{ name: 'z', platform: 'ethereum' }] } }]));
    expect(insert.status).to.equal(400);
    expect((status(insert)['edit-status'] as { edit: { 'edit-id': string }[] }).edit[0]['edit-id']).to.equal('i');
    const exists = await patch(MS, yp('p5', [{ 'edit-id': 'again', operation: 'create', target: '/network=yp1', value: { 'blockchain-mgmt:network': [{ name: 'yp1', platform: 'bitcoin' }] } }]));
    expect(exists.status).to.equal(409);
    expect(((status(exists).errors as { error: Record<string, string>[] }).error[0])['error-tag']).to.equal('data-exists');
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
    const notPatch = await patch(MS, { 'blockchain-mgmt:network': [] });
    expect(notPatch.status).to.equal(400);
    expect(JSON.parse(notPatch.body)['ietf-restconf:errors'].error[0]['error-message']).to.equal('the body must be an ietf-yang-patch:yang-patch object');
    const many = await patch(MS, yp('p6', Array.from({ length: 1001 }, (_, i) => ({ 'edit-id': `e${i}`, operation: 'remove', target: `/network=n${i}` }))));
    expect(many.status).to.equal(400);
    expect(JSON.parse(many.body)['ietf-restconf:errors'].error[0]['error-message']).to.equal('yang-patch has more than 1000 edits');
    expect(JSON.stringify(nb.bridge.datastore.get('running'))).to.equal(before);
  });

  it('an XML YANG Patch by curl, answered in XML', async function () {
    requireTool(this, 'curl', 'curl');
    const body = `<yang-patch xmlns="${YP_NS}"><patch-id>x1</patch-id><edit><edit-id>1</edit-id><operation>replace</operation><target>/poll-interval</target>` +
      `<value><poll-interval xmlns="${BCM}">21</poll-interval></value></edit><edit><edit-id>2</edit-id><operation>remove</operation><target>/node=a</target></edit></yang-patch>`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile('curl', ['-sS', '-u', `${ADMIN.name}:${ADMIN.password}`, '-X', 'PATCH', '-H', 'Content-Type: application/yang-patch+xml', '-H', 'Accept: application/yang-data+xml',
        '-w', '\n%{http_code}', '--data-binary', body, `http://127.0.0.1:${nb.httpPort}${MS}/network=yp1`], { encoding: 'utf8', timeout: 30_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    expect(out).to.equal(`<yang-patch-status xmlns="${YP_NS}"><patch-id>x1</patch-id><ok/></yang-patch-status>\n200`);
    expect(network('yp1')).to.include({ pollInterval: 21 }).and.not.have.property('nodes');
  });
});
