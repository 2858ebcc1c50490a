/**
 * RESTCONF plain PATCH (src/restconf/edit.ts): a merge reaches the collector and NETCONF <get-config> through the
 * NETCONF edit-config path; a body with one invalid leaf changes nothing; malformed JSON, deep nesting and a body
 * past maxRequestSize are refused and the bridge keeps serving. Clients: curl and Node's http.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { ADMIN, BCM, READER, httpRequest, login, ncclient, restconfError, rpc, startNetconfBridge, unreachableDevSeed } from '../support/netconf';
import type { HttpResult, NetconfBridge } from '../support/netconf';
import { requireNcclient, requireTool } from '../support/tools';

const NET = '/restconf/data/blockchain-mgmt:managed-system/network=dev';
const JSON_TYPE = { 'Content-Type': 'application/yang-data+json' };

describe('RESTCONF PATCH (src/restconf)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge(unreachableDevSeed());
  });
  after(async () => { await nb?.cleanup(); });
  const patch = (p: string, body: string | Buffer): Promise<HttpResult> => httpRequest(nb.httpPort, { method: 'PATCH', path: p, user: ADMIN, body, headers: JSON_TYPE });
  const pollInterval = (): number => nb.bridge.collector.networks.get('dev')!.settings.pollInterval;

  it('a merge of one leaf by curl: 204, seen by the collector and by NETCONF <get-config>', async function () {
    requireTool(this, 'curl', 'curl');
    const out = await new Promise<string>((resolve, reject) => {
      execFile('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-u', `${ADMIN.name}:${ADMIN.password}`, '-X', 'PATCH', '-H', 'Content-Type: application/yang-data+json',
        '--data-binary', JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 7 }] }), `http://127.0.0.1:${nb.httpPort}${NET}`],
      { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    expect(out).to.equal('204');
    expect(pollInterval()).to.equal(7);
    const nc = await httpRequest(nb.httpPort, { user: READER, body: rpc(1, `<get-config><source><running/></source><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval/></network></managed-system></filter></get-config>`) });
    expect(nc.body).to.include('<poll-interval>7</poll-interval>');
    const leafUrl = `${NET}/poll-interval`;
    expect((await patch(leafUrl, JSON.stringify({ 'blockchain-mgmt:poll-interval': 9 }))).status).to.equal(204);
    expect(pollInterval()).to.equal(9);
    const audit = nb.bridge.datastore.audit(1)[0];
    expect(audit).to.include({ user: ADMIN.name, target: 'running' });
    expect(JSON.stringify(audit.diff)).to.include('9');
  });

  it('a NETCONF lock held over SSH (ncclient) makes a PATCH fail with 409 in-use; nothing changes', async function () {
    requireNcclient(this);
    const before = pollInterval();
    let during: HttpResult | undefined;
    const steps = await ncclient(nb.sshPort, [login(ADMIN, 'a'), { op: 'lock', session: 'a' }, { op: 'wait', name: 'locked' }, { op: 'unlock', session: 'a' }],
      async () => { during = await patch(NET, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 13 }] })); });
    expect(steps.every((st) => st.ok !== false)).to.equal(true);
    expect(during!.status, during!.body).to.equal(409);
    expect(restconfError(during!)['error-tag']).to.equal('in-use');
    expect(pollInterval()).to.equal(before);
    expect((await patch(NET, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 13 }] }))).status).to.equal(204);
  });

  it('a body with one invalid leaf changes nothing: 400 invalid-value', async () => {
    const before = pollInterval();
    const r = await patch(NET, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'dev', 'poll-interval': 3, description: 'x', platform: 'no-such-platform' }] }));
    expect(r.status, r.body).to.equal(400);
    expect(restconfError(r)['error-tag']).to.equal('invalid-value');
    expect(pollInterval()).to.equal(before);
    const again = await httpRequest(nb.httpPort, { method: 'GET', path: `${NET}/description`, user: READER });
    expect(again.status).to.equal(404);
  });

  it('the body must be the target with the keys of the path', async () => {
    const r = await patch(NET, JSON.stringify({ 'blockchain-mgmt:network': [{ name: 'other', 'poll-interval': 3 }] }));
    expect(r.status).to.equal(400);
    expect(restconfError(r)['error-message']).to.equal('the body must be the target resource blockchain-mgmt:network (one entry, with the keys of the path)');
    expect(pollInterval()).to.not.equal(3);
  });

  it('malformed JSON, deep nesting and a body past maxRequestSize are refused; the bridge keeps serving', async () => {
    const m = await patch(NET, '{"blockchain-mgmt:network": [');
    expect(m.status).to.equal(400);
    expect(restconfError(m)['error-tag']).to.equal('malformed-message');
    const deep = await patch('/restconf/data', `{"blockchain-mgmt:managed-system":${'{"a":'.repeat(10000)}1${'}'.repeat(10001)}`);
    expect(deep.status).to.equal(400);
    expect(restconfError(deep)).to.include({ 'error-tag': 'invalid-value', 'error-message': 'the body is nested deeper than 32 levels' });
    const arrays = await patch(NET, `${'['.repeat(400_000)}${']'.repeat(400_000)}`);
    expect(arrays.status).to.equal(400);
    const big = await patch(NET, Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(big.status).to.equal(413);
    expect(restconfError(big)['error-tag']).to.equal('too-big');
    const ok = await httpRequest(nb.httpPort, { method: 'GET', path: `${NET}/platform`, user: READER });
    expect(JSON.parse(ok.body)).to.deep.equal({ 'blockchain-mgmt:platform': 'ethereum' });
  });
});
