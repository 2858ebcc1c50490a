/**
 * SET errors and atomicity with net-snmp's snmpset (issue 12 item 8): a SET refused because a NETCONF
 * session holds a lock (taken with ncclient) is resourceUnavailable; a SET over several instances is all
 * or nothing, also when a writable-state handler fails on the second instance after the first was applied.
 */
import { expect } from 'chai';
import { modelIndex } from '../../src/model';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { registerWritable } from '../../src/snmp/writable';
import type { PathSeg } from '../../src/state/tree';
import { requireNcclient, requireTool } from '../support/tools';
import { MIB, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';
import { ADMIN, login, ncclient, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

const SEED = {
  configuration: { snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }, { name: 'ro', community: 'public' }] },
  networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 9 }, { name: 'net1', platform: 'ethereum', pollInterval: 9 }],
};
const W = ['-v2c', '-c', 'private'];
const poll = (net: string): string => `${MIB}::bcmNetPollInterval."${net}"`;
const pollIntervals = (doc: Record<string, unknown>): number[] => (doc.networks as { pollInterval: number }[]).map((n) => n.pollInterval);

describe('snmp SET with snmpset', function () {
  this.timeout(120000);

  describe('under a NETCONF lock', () => {
    let nb: NetconfBridge | undefined;
    let target = '';
    before(async function () {
      requireTool(this, 'snmpset', 'snmp');
      requireNcclient(this);
      let view: SnmpView | undefined;
      nb = await startNetconfBridge(SEED, {
        setup: (b) => { view = createSnmpView(b, { port: 0, address: '127.0.0.1' }); b.addView(view); },
      });
      nb.bridge.collector.apply([]);
      target = `127.0.0.1:${view!.port}`;
    });
    after(async () => { await nb?.cleanup(); });

    it('answers resourceUnavailable while another session holds the lock, and sets once it is released', async () => {
      let locked: { stderr: string; code: number | null } | undefined;
      const rs = await ncclient(nb!.sshPort, [login(ADMIN, 'a'), { op: 'lock', session: 'a' }, { op: 'wait', name: 'locked' }, { op: 'unlock', session: 'a' }],
        async () => { locked = await snmp('snmpset', target, [...W, '--', poll('net0'), 'u', '21']); });
      expect(rs.filter((r) => r.op === 'lock' || r.op === 'unlock').map((r) => r.ok)).to.deep.equal([true, true]);
      expect(locked!.code).to.not.equal(0);
      expect(locked!.stderr).to.contain('resourceUnavailable');
      expect(locked!.stderr).to.not.contain('inconsistentValue');
      expect(pollIntervals(nb!.bridge.running)).to.deep.equal([9, 9]);
      const after = await snmp('snmpset', target, [...W, '--', poll('net0'), 'u', '21']);
      expect(after.code, after.stderr).to.equal(0);
      expect(pollIntervals(nb!.bridge.running)).to.deep.equal([21, 9]);
    });
  });

  describe('over several instances', () => {
    let a: TestAgent;
    const alarmCls = modelIndex.cls('alarm');
    const opState = (i: number): string => `${modelIndex.attributeOid(alarmCls, modelIndex.attr(alarmCls, 'operatorState'))}.${i}`;
    const alarm = (i: number): PathSeg[] => [{ cls: 'fault' }, { cls: 'alarm', keys: [i] }];
    const state = (i: number): unknown => a.bridge.tree.find(alarm(i))!.get('operatorState');

    before(async function () {
      requireTool(this, 'snmpset', 'snmp');
      a = await startAgent(SEED);
      a.bridge.collector.apply([]);
      for (const i of [7, 8]) a.bridge.tree.set(alarm(i), { resource: 'network/net0', type: 'nodeUnreachable', operatorState: 'none', operatorText: '' });
    });
    after(async () => { await a?.stop(); });

    it('changes nothing when the second row\'s value is refused by validation', async () => {
      const commits = a.bridge.datastore.commitCount;
      const r = await snmp('snmpset', a.target, [...W, '--', poll('net0'), 'u', '12', poll('net1'), 'u', '0']);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.match(/wrongValue|inconsistentValue/);
      expect(r.stderr).to.contain('Failed object: BLOCKCHAIN-MGMT-MIB::bcmNetPollInterval."net1"');
      expect(pollIntervals(a.bridge.running)).to.deep.equal([9, 9]);
      expect(a.bridge.datastore.commitCount).to.equal(commits);
    });

    it('changes nothing when a handler fails on the second instance after the first was applied', async () => {
      // A handler whose storage fails for alarm 8 (as a full disk would): the check passes, apply throws.
      const off = registerWritable('alarm', {
        apply: (inst, values) => {
          if (inst.keys[0] === 8 && values.operatorState !== 'none') throw new Error('cannot store the operator state of alarm 8');
          a.bridge.tree.write(inst, values);
        },
      });
      try {
        const commits = a.bridge.datastore.commitCount;
        const r = await snmp('snmpset', a.target, [...W, '--', poll('net0'), 'u', '13', opState(7), 'i', '2', opState(8), 'i', '2']);
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.contain('commitFailed');
        expect([state(7), state(8)]).to.deep.equal(['none', 'none']);
        expect(pollIntervals(a.bridge.running)).to.deep.equal([9, 9]);
        expect(a.bridge.datastore.commitCount, 'no commit, not a commit and its undo').to.equal(commits);
        // the same request without the failing instance applies all of it
        const ok = await snmp('snmpset', a.target, [...W, '--', poll('net0'), 'u', '13', opState(7), 'i', '2']);
        expect(ok.code, ok.stderr).to.equal(0);
        expect([state(7), state(8)]).to.deep.equal(['ack', 'none']);
        expect(pollIntervals(a.bridge.running)).to.deep.equal([13, 9]);
      } finally { off(); }
    });
  });
});
