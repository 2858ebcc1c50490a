/** The operator actions as the SNMP agent and the NETCONF server reach them (their registries). */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import { COMPRESS_ALARMS_PATH, PURGE_ALARMS_PATH, SET_OPERATOR_STATE_PATH, alarmTypeFromId, purgeFilterOf } from '../../src/fault/wiring';
import { actionHandler } from '../../src/netconf/actions';
import type { ActionRequest } from '../../src/netconf/actions';
import { NetconfError } from '../../src/netconf/errors';
import { writableHandler } from '../../src/snmp/writable';
import { makeBridge, nextTurn, removeDir, tempDir } from './support';

describe('fault: operator actions through the SNMP and NETCONF registries', () => {
  let dir: string;
  let bridge: Bridge;
  let fm: FaultManager;
  const who = { user: 'alice', source: 'snmp' };

  function req(input: Record<string, string>, keys: Record<string, string> = {}): ActionRequest {
    return {
      path: SET_OPERATOR_STATE_PATH, keys: [{ list: '/al:alarms/al:alarm-list/al:alarm', values: keys }], input,
      user: 'bob', role: 'admin', sessionId: 1, bridge, instancePath: '/al:alarms/al:alarm-list/al:alarm', pathNamespaces: {},
    };
  }

  beforeEach(async () => {
    dir = tempDir('wiring');
    bridge = makeBridge(dir, {});
    fm = createFaultManager(bridge, { tickMs: 0 });
    await fm.start();
    fm.report({ resource: 'network/a/node/n1', type: 'thresholdCrossed', qualifier: 'lat', active: true, text: 'latency high' });
    fm.report({ resource: 'network/a/node/n2', type: 'thresholdCrossed', qualifier: 'lat', active: true, text: 'latency high' });
    await nextTurn();
  });
  afterEach(async () => {
    await fm.stop();
    await bridge.stop();
    removeDir(dir);
  });

  it('SNMP SET of operatorState and operatorText: checked, then applied with the SNMP user as operator', () => {
    const h = writableHandler('alarm')!;
    expect(h).to.not.equal(undefined);
    const inst = fm.list.instance(1)!;
    expect(h.check!(inst, { operatorState: 'shelved' }, who)).to.include({ status: 'wrongValue', attribute: 'operatorState' });
    expect(h.check!(inst, { operatorText: 'x'.repeat(256) }, who)).to.include({ status: 'wrongValue', attribute: 'operatorText' });
    expect(h.check!(inst, { operatorText: 'on it', operatorState: 'ack' }, who)).to.equal(undefined);
    h.apply(inst, { operatorText: 'on it', operatorState: 'ack' }, who);
    expect(fm.list.get(1)).to.include({ operatorState: 'ack', operator: 'alice', operatorText: 'on it' });
    h.apply(inst, { operatorText: 'fixed soon' }, who);
    expect(fm.list.get(1)).to.include({ operatorState: 'ack', operatorText: 'fixed soon' });
    expect(inst.get('operatorText')).to.equal('fixed soon');
  });

  it('NETCONF set-operator-state by the alarm\'s keys (resource, alarm-type-id, qualifier)', async () => {
    const h = actionHandler(SET_OPERATOR_STATE_PATH, bridge)!;
    await h(req({ state: 'closed', text: 'done' }, { 'al:resource': 'network/a/node/n1', 'al:alarm-type-id': 'bcm:threshold-crossed', 'al:alarm-type-qualifier': 'lat' }));
    expect(fm.list.get(1)).to.include({ operatorState: 'closed', operator: 'bob', operatorText: 'done' });
    let err: unknown;
    try { await h(req({ state: 'ack' }, { 'al:resource': 'network/a/node/n9', 'al:alarm-type-id': 'bcm:threshold-crossed', 'al:alarm-type-qualifier': 'lat' })); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(NetconfError);
    expect((err as NetconfError).tag).to.equal('data-missing');
    err = undefined;
    try { await h(req({ state: 'bogus' }, { 'al:resource': 'network/a/node/n1', 'al:alarm-type-id': 'bcm:threshold-crossed', 'al:alarm-type-qualifier': 'lat' })); } catch (e) { err = e; }
    expect((err as NetconfError).tag).to.equal('invalid-value');
  });

  it('NETCONF purge-alarms and compress-alarms', async () => {
    fm.report({ resource: 'network/a/node/n1', type: 'thresholdCrossed', qualifier: 'lat', active: false, text: 'ok' });
    await nextTurn();
    fm.setOperatorState(1, 'closed', 'alice', '');
    // older-than 0 s means changed before now: let the clock move past the last change.
    await new Promise((r) => setTimeout(r, 5));
    const purge = actionHandler(PURGE_ALARMS_PATH, bridge)!;
    expect(await purge(req({ 'alarm-clearance-status': 'not-cleared', state: 'closed' }))).to.deep.equal({ 'purged-alarms': '0' });
    expect(await purge(req({ 'alarm-clearance-status': 'cleared', state: 'closed', seconds: '0' }))).to.deep.equal({ 'purged-alarms': '1' });
    expect(fm.list.size).to.equal(1);
    const compress = actionHandler(COMPRESS_ALARMS_PATH, bridge)!;
    fm.report({ resource: 'network/a/node/n2', type: 'thresholdCrossed', qualifier: 'lat', active: false, text: 'ok' });
    expect(await compress(req({ 'alarm-type-id': 'bcm:threshold-crossed' }))).to.deep.equal({ 'compressed-alarms': '1' });
    expect(fm.list.get(2)!.statusChanges.map((c) => c.severity)).to.deep.equal(['cleared']);
    expect(fm.list.instance(2)!.list('alarmStatusChange')).to.have.length(1);
  });

  it('reads the purge filter of RFC 8632 and refuses bad input', () => {
    const bad = (m: string): Error => new Error(m);
    expect(purgeFilterOf({ 'alarm-clearance-status': 'any', hours: '2', above: 'minor', user: 'alice' }, bad)).to.deep.equal({
      clearance: 'any', olderThanMs: 7200000, severity: { below: undefined, is: undefined, above: 'minor' }, operatorState: undefined, operator: 'alice',
    });
    expect(() => purgeFilterOf({}, bad)).to.throw(/mandatory/);
    expect(() => purgeFilterOf({ 'alarm-clearance-status': 'maybe' }, bad)).to.throw(/any, cleared or not-cleared/);
    expect(() => purgeFilterOf({ 'alarm-clearance-status': 'any', is: 'cleared' }, bad)).to.throw(/is must be/);
    expect(alarmTypeFromId('bcm:ledger-sync-lag')).to.equal('ledgerSyncLag');
    expect(alarmTypeFromId('x:nothing')).to.equal(undefined);
  });

  it('removes its handlers when it stops', async () => {
    await fm.stop();
    expect(writableHandler('alarm')).to.equal(undefined);
    expect(actionHandler(SET_OPERATOR_STATE_PATH, bridge)).to.equal(undefined);
  });
});
