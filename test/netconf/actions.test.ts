/** The action handler registry through the RPC layer: ietf-alarms actions as the fault module registers them. */
import { expect } from 'chai';
import { registerActionHandler, InvalidValueError } from '../../src/netconf';
import type { ActionRequest } from '../../src/netconf';
import { ADMIN, READER, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

const AL = 'urn:ietf:params:xml:ns:yang:ietf-alarms';
const BCM = 'urn:itu:t:m:immbs:blockchain-mgmt';

describe('NETCONF actions through the handler registry', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  const seen: ActionRequest[] = [];
  const offs: (() => void)[] = [];
  before(async () => {
    nb = await startNetconfBridge({});
    offs.push(registerActionHandler('/al:alarms/al:alarm-list/al:alarm/al:set-operator-state', (req) => {
      seen.push(req);
      if (req.input.state === 'bogus') throw new InvalidValueError('state must be one of none, ack, closed', { path: req.instancePath, pathNamespaces: req.pathNamespaces });
    }, nb.bridge));
    offs.push(registerActionHandler('/al:alarms/al:alarm-list/al:purge-alarms', (req) => { seen.push(req); return { 'purged-alarms': '3' }; }, nb.bridge));
    offs.push(registerActionHandler('/al:alarms/al:alarm-list/al:purge-alarms', () => ({ 'purged-alarms': '999' }), {})); // another bridge's: not used here
  });
  after(async () => { for (const off of offs) off(); await nb?.cleanup(); });

  const action = (body: string, user = ADMIN): ReturnType<typeof httpRequest> =>
    httpRequest(nb.httpPort, { user, body: rpc(1, `<action xmlns="urn:ietf:params:xml:ns:yang:1"><alarms xmlns="${AL}"><alarm-list>${body}</alarm-list></alarms></action>`) });

  it('set-operator-state: list keys with canonical identity prefixes, input, user and instance path reach the handler', async () => {
    const r = await action('<alarm><resource>network/dev/node/n1</resource><alarm-type-id xmlns:x="urn:itu:t:m:immbs:blockchain-mgmt">x:node-unreachable</alarm-type-id>' +
      '<alarm-type-qualifier></alarm-type-qualifier><set-operator-state><state>ack</state><text>on it</text></set-operator-state></alarm>');
    expect(r.body).to.include('<ok/>');
    const req = seen.pop()!;
    expect(req.path).to.equal('/al:alarms/al:alarm-list/al:alarm/al:set-operator-state');
    expect(req.keys).to.deep.equal([{ list: '/al:alarms/al:alarm-list/al:alarm',
      values: { 'al:resource': 'network/dev/node/n1', 'al:alarm-type-id': 'bcm:node-unreachable', 'al:alarm-type-qualifier': '' } }]);
    expect(req.input).to.deep.equal({ state: 'ack', text: 'on it' });
    expect(req.user).to.equal('admin');
    expect(req.instancePath).to.equal("/al:alarms/al:alarm-list/al:alarm[al:resource='network/dev/node/n1'][al:alarm-type-id='bcm:node-unreachable'][al:alarm-type-qualifier='']");
    expect(req.pathNamespaces).to.deep.equal({ al: AL });
  });

  it('a handler\'s NetconfError is the rpc-error; a missing key is missing-element; read-only users are denied', async () => {
    const r = await action('<alarm><resource>r</resource><alarm-type-id xmlns:b="urn:itu:t:m:immbs:blockchain-mgmt">b:node-unreachable</alarm-type-id>' +
      '<alarm-type-qualifier/><set-operator-state><state>bogus</state></set-operator-state></alarm>');
    expect(r.body).to.include('<error-tag>invalid-value</error-tag>');
    expect(r.body).to.include(`<error-path xmlns:al="${AL}">/al:alarms/al:alarm-list/al:alarm[al:resource='r']`);
    const missing = await action('<alarm><resource>r</resource><set-operator-state><state>ack</state></set-operator-state></alarm>');
    expect(missing.body).to.include('<error-tag>missing-element</error-tag>');
    const denied = await action('<purge-alarms><alarm-clearance-status>any</alarm-clearance-status></purge-alarms>', READER);
    expect(denied.body).to.include('<error-tag>access-denied</error-tag>');
  });

  it('purge-alarms: nested input is flattened; the output is rendered in the action\'s namespace; the bridge\'s own handler is used', async () => {
    const r = await action('<purge-alarms><alarm-clearance-status>cleared</alarm-clearance-status><older-than><days>2</days></older-than><severity><below>major</below></severity></purge-alarms>');
    expect(r.body).to.include(`<purged-alarms xmlns="${AL}">3</purged-alarms>`);
    expect(seen.pop()!.input).to.deep.equal({ 'alarm-clearance-status': 'cleared', days: '2', below: 'major' });
  });

  it('a path without a handler is unknown-element; a foreign namespace unknown-namespace', async () => {
    const r = await action('<frobnicate-alarms/>');
    expect(r.body).to.match(/<error-tag>unknown-element<\/error-tag>|<error-tag>missing-element<\/error-tag>/);
    const ns = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(2, '<action xmlns="urn:ietf:params:xml:ns:yang:1"><x xmlns="urn:nope"><y/></x></action>') });
    expect(ns.body).to.include('<error-tag>unknown-namespace</error-tag>');
    const ours = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(3, `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><frob/></managed-system></action>`) });
    expect(ours.body).to.include('<error-tag>unknown-element</error-tag>');
  });
});
