import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mibAttributes, modelIndex } from '../../src/model';
import { Tag, encValue } from '../../src/snmp/ber';
import type { SnmpValue } from '../../src/snmp/ber';
import { Dispatcher } from '../../src/snmp/dispatch';
import { ErrorStatus, V1, V2C, decodeMessage, encodeCommunityMessage, encodePdu, encodeVarbinds } from '../../src/snmp/message';
import type { CommunityMessage, Varbind } from '../../src/snmp/message';
import { entryOid, instanceIndex, instanceKeys, mibAccess } from '../../src/snmp/mibview';
import { until } from '../support/wait';
import { compareOids, parseOid } from '../../src/snmp/oid';
import { columnValue, dateAndTime, fromSnmp, indexSubIds, indexValue, parseDateAndTime, toSnmp } from '../../src/snmp/values';
import { registerWritable } from '../../src/snmp/writable';
import { ourMibDir } from '../support/tools';
import { fillTree, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

const ROOT = modelIndex.rootOid;

describe('snmp values (model types as SMIv2)', () => {
  const T = <B extends string>(base: B, extra: object = {}) => ({ base, ...extra }) as never;
  it('renders tree values as the MIB says', () => {
    expect(toSnmp(T('uint32'), 7)).to.deep.equal({ type: 'gauge32', value: 7 });
    expect(toSnmp(T('gauge64'), 12n)).to.deep.equal({ type: 'counter64', value: 12n });
    expect(toSnmp(T('milli'), 1.5)).to.deep.equal({ type: 'counter64', value: 1500n });
    expect(toSnmp(T('boolean'), false)).to.deep.equal({ type: 'integer', value: 2 });
    expect(toSnmp(T('hex', { fixedLength: 4 }), '0xa9059cbb')).to.deep.equal({ type: 'octets', value: Buffer.from('a9059cbb', 'hex') });
    expect(toSnmp(T('hex'), 'abc')).to.deep.equal({ type: 'octets', value: Buffer.from('0abc', 'hex') });
    expect(toSnmp(T('bigDecimal'), 10n ** 30n)).to.deep.equal({ type: 'octets', value: Buffer.from('1000000000000000000000000000000') });
    expect(toSnmp(T('alarmType'), 'nodeUnreachable')).to.deep.equal({ type: 'oid', value: parseOid(`${ROOT}.3.1`) });
    expect(toSnmp(T('gauge32'), -5)).to.deep.equal({ type: 'gauge32', value: 0 });
  });
  it('DateAndTime is 11 octets in UTC and reads back (8 or 11 octets)', () => {
    const ms = Date.UTC(2024, 1, 29, 23, 59, 58, 700);
    const b = dateAndTime(ms);
    expect([...b]).to.deep.equal([0x07, 0xe8, 2, 29, 23, 59, 58, 7, 0x2b, 0, 0]);
    expect(parseDateAndTime(b)).to.equal(ms);
    expect(parseDateAndTime(b.subarray(0, 8))).to.equal(ms);
    expect(parseDateAndTime(Buffer.from([0x07, 0xe8, 2, 29, 23, 59, 58, 7, 0x2d, 1, 30]))).to.equal(ms + 90 * 60000);
    expect(parseDateAndTime(Buffer.from([0x07, 0xe8, 13, 1, 0, 0, 0, 0]))).to.equal(undefined);
  });
  it('encodes index values as RFC 2578 section 7.7 prescribes', () => {
    expect(indexSubIds(T('name'), 'dev')).to.deep.equal([3, 100, 101, 118]);
    expect(indexSubIds(T('hex', { fixedLength: 2 }), '0xa9ff')).to.deep.equal([0xa9, 0xff]);
    expect(indexSubIds(T('hex', { fixedLength: 2 }), '0xa9')).to.equal(undefined);
    expect(indexSubIds(T('hex'), 'a9')).to.deep.equal([1, 0xa9]);
    expect(indexSubIds(T('uint32'), 4294967295)).to.deep.equal([4294967295]);
    // An alarm type is one sub-identifier: its arc under bcmAlarmTypes (BcmAlarmTypeIndex), not its OID.
    expect(indexSubIds(T('alarmType'), 'forkDetected')).to.deep.equal([5]);
    expect(`${ROOT}.3.5`).to.equal(modelIndex.alarmTypeOid(modelIndex.alarmTypeOfIndex(5)!));
    expect(indexSubIds(T('alarmType'), 'noSuchType')).to.equal(undefined);
    expect(indexSubIds(T('counter64'), 1)).to.equal(undefined);
  });
  it('decodes index values back (the inverse of indexSubIds)', () => {
    expect(indexValue(T('alarmType'), [5, 99])).to.deep.equal({ value: 'forkDetected', length: 1 });
    expect(indexValue(T('alarmType'), [0])).to.equal(undefined);
    expect(indexValue(T('alarmType'), [])).to.equal(undefined);
    expect(indexValue(T('name'), [3, 100, 101, 118, 7])).to.deep.equal({ value: 'dev', length: 4 });
    expect(indexValue(T('name'), [3, 100, 101])).to.equal(undefined);
    expect(indexValue(T('hex', { fixedLength: 2 }), [0xa9, 0xff])).to.deep.equal({ value: '0xa9ff', length: 2 });
    expect(indexValue(T('uint32'), [4294967295])).to.deep.equal({ value: 4294967295, length: 1 });
    const pol = modelIndex.cls('alarmPolicy');
    for (const t of modelIndex.model.alarmTypes) {
      const path = [{ cls: 'fault' }, { cls: 'alarmPolicy', keys: [t.name] }];
      const index = instanceIndex(pol, path)!;
      expect(index, t.name).to.deep.equal([modelIndex.alarmTypeIndex(t)]);
      expect(instanceKeys(pol, index), t.name).to.deep.equal([t.name]);
    }
    expect(instanceKeys(pol, [1, 1])).to.equal(undefined);
    const peer = modelIndex.cls('peer');
    const ppath = [{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['n1'] }, { cls: 'peer', keys: [3] }];
    expect(instanceKeys(peer, instanceIndex(peer, ppath)!)).to.deep.equal(['net0', 'n1', 3]);
  });
  it('gives an alarmType INDEX column its BcmAlarmTypeIndex value, other alarmType columns their OID', () => {
    const pol = modelIndex.cls('alarmPolicy');
    const alarm = modelIndex.cls('alarm');
    expect(columnValue(pol, modelIndex.attr(pol, 'type'), 'ledgerSyncLag')).to.deep.equal({ type: 'gauge32', value: 2 });
    expect(columnValue(alarm, modelIndex.attr(alarm, 'type'), 'ledgerSyncLag')).to.deep.equal({ type: 'oid', value: parseOid(`${ROOT}.3.2`) });
  });
  it('checks SET values with the RFC 3416 error each deserves', () => {
    const g = (value: number): SnmpValue => ({ type: 'gauge32', value });
    expect(fromSnmp(T('uint32', { min: 1, max: 3600 }), g(7))).to.deep.equal({ ok: true, value: 7 });
    expect(fromSnmp(T('uint32', { min: 1, max: 3600 }), g(0))).to.include({ ok: false, error: 'wrongValue' });
    expect(fromSnmp(T('uint32'), { type: 'integer', value: 5 })).to.include({ error: 'wrongType' });
    expect(fromSnmp(T('name'), { type: 'octets', value: Buffer.alloc(33, 0x61) })).to.include({ error: 'wrongLength' });
    expect(fromSnmp(T('name'), { type: 'octets', value: Buffer.from('a b') })).to.include({ error: 'wrongValue' });
    expect(fromSnmp(T('text', { maxLength: 4 }), { type: 'octets', value: Buffer.from([0xff]) })).to.include({ error: 'wrongValue' });
    expect(fromSnmp(T('boolean'), { type: 'integer', value: 3 })).to.include({ error: 'wrongValue' });
    expect(fromSnmp(T('level'), g(2500))).to.deep.equal({ ok: true, value: 2.5 });
    expect(fromSnmp(T('hex', { fixedLength: 4 }), { type: 'octets', value: Buffer.alloc(3) })).to.include({ error: 'wrongLength' });
    expect(fromSnmp(T('alarmType'), { type: 'oid', value: parseOid(`${ROOT}.3.2`) })).to.deep.equal({ ok: true, value: 'ledgerSyncLag' });
    expect(fromSnmp(T('counter64'), { type: 'counter64', value: 1n })).to.include({ error: 'notWritable' });
  });
});

describe('snmp MIB view', () => {
  it('gives every object the MAX-ACCESS of the generated MIB', () => {
    const text = fs.readFileSync(path.join(ourMibDir, 'BLOCKCHAIN-MGMT-MIB.txt'), 'utf8');
    const access = new Map<string, string>();
    for (const m of text.matchAll(/^(\w+) OBJECT-TYPE[\s\S]*?MAX-ACCESS\s+([\w-]+)/gm)) access.set(m[1], m[2]);
    let n = 0;
    for (const cls of modelIndex.model.classes) {
      if (modelIndex.mibRendering(cls) === 'none') continue;
      for (const a of mibAttributes(cls)) {
        const d = modelIndex.mibDescriptor(cls, a);
        expect(access.get(d), d).to.equal(mibAccess(cls, a));
        n++;
      }
    }
    expect(n).to.be.above(100);
  });

  describe('over a tree filled by hand', () => {
    let a: TestAgent;
    before(async () => {
      a = await startAgent({
        configuration: { snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }, { name: 'ro', community: 'public' }] },
        networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 5 }],
      });
      a.bridge.collector.apply([]); // no polling: the tree is ours
      fillTree(a.bridge.tree, 2, 3, 4);
    });
    after(() => a.stop());

    const ask = (community: string, type: number, vbs: readonly Varbind[], version = V2C, nr = 0, mr = 0): CommunityMessage => {
      const pdu = encodePdu(type, 99, nr, mr, encodeVarbinds(vbs));
      const out = a.view.agent.handle(encodeCommunityMessage(version, Buffer.from(community), pdu), '127.0.0.1');
      if (!out) throw new Error('no answer');
      return decodeMessage(out) as CommunityMessage;
    };
    const NULL: SnmpValue = { type: 'null' };
    const q = (oid: string): Varbind => ({ oid: parseOid(oid), value: NULL });

    it('keeps its index strictly ordered, and rebuilds it only when the structure changes', () => {
      const v = a.view.agent.view;
      const e = v.index();
      for (let i = 1; i < e.length; i++) expect(compareOids(entryOid(e.entry(i - 1)!), entryOid(e.entry(i)!)), entryOid(e.entry(i)!).join('.')).to.be.below(0);
      a.bridge.tree.set([{ cls: 'network', keys: ['net0'] }], { bestHeight: 5000n });
      expect(v.index()).to.equal(e);
      a.bridge.tree.set([{ cls: 'network', keys: ['net9'] }], { chainId: '9' });
      expect(v.index()).to.not.equal(e);
      a.bridge.tree.remove([{ cls: 'network', keys: ['net9'] }]);
    });

    it('reads values live, and leaves absent values out of walks', () => {
      const height = `${ROOT}.1.3.1.18.4.110.101.116.48.5.110.111.100.101.48`;
      const m1 = ask('public', Tag.GetRequest, [q(height)]);
      expect(m1.pdu.varbinds[0].value).to.deep.equal({ type: 'counter64', value: 123456n });
      a.bridge.tree.set([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node0'] }], { height: 123999n });
      expect(ask('public', Tag.GetRequest, [q(height)]).pdu.varbinds[0].value).to.deep.equal({ type: 'counter64', value: 123999n });
      // uptime (arc 17) is absent: GET says noSuchInstance, GETNEXT goes past it
      const uptime = `${ROOT}.1.3.1.17.4.110.101.116.48.5.110.111.100.101.48`;
      expect(ask('public', Tag.GetRequest, [q(uptime)]).pdu.varbinds[0].value.type).to.equal('noSuchInstance');
      expect(ask('public', Tag.GetRequest, [q(`${ROOT}.1.3.1.99.1`)]).pdu.varbinds[0].value.type).to.equal('noSuchObject');
      const next = ask('public', Tag.GetNextRequest, [q(`${ROOT}.1.3.1.17`)]).pdu.varbinds[0];
      expect(next.oid.slice(0, 10).join('.')).to.equal(`${ROOT}.1.3.1.18`);
    });

    it('applies SNMPv1 rules: noSuchName, no Counter64', () => {
      const height = `${ROOT}.1.3.1.18.4.110.101.116.48.5.110.111.100.101.48`;
      const m = ask('public', Tag.GetRequest, [q('1.3.6.1.2.1.1.5.0'), q(height)], V1);
      expect(m.pdu).to.include({ errorStatus: ErrorStatus.noSuchName, errorIndex: 2 });
      const n = ask('public', Tag.GetNextRequest, [q(`${ROOT}.1.3.1.17`)], V1);
      expect(n.pdu.varbinds[0].oid.slice(0, 10).join('.')).to.equal(`${ROOT}.1.3.1.19`);
      expect(ask('public', Tag.GetNextRequest, [q('2.0')], V1).pdu.errorStatus).to.equal(ErrorStatus.noSuchName);
    });

    it('GETBULK: N non-repeaters, M x R repetitions, endOfMibView per varbind', () => {
      const m = ask('public', Tag.GetBulkRequest, [q('1.3.6.1.2.1.1.1'), q('1.3.6.1.2.1.1.9'), q('1.3.6.1.6.3.15.1.1.5')], V2C, 1, 4);
      expect(m.pdu.varbinds).to.have.length(1 + 2 * 4);
      expect(m.pdu.varbinds[0].oid.join('.')).to.equal('1.3.6.1.2.1.1.1.0');
      expect(m.pdu.varbinds[1].oid.join('.')).to.equal('1.3.6.1.2.1.1.9.1.2.1');
      expect(m.pdu.varbinds[2].oid.join('.')).to.equal('1.3.6.1.6.3.15.1.1.5.0');
      expect(m.pdu.varbinds[3].oid.join('.')).to.equal('1.3.6.1.2.1.1.9.1.3.1');
      expect(m.pdu.varbinds[4].oid.join('.')).to.equal('1.3.6.1.6.3.15.1.1.6.0');
      expect(m.pdu.varbinds[6].value.type).to.equal('endOfMibView');
      expect(m.pdu.varbinds[6].oid.join('.')).to.equal('1.3.6.1.6.3.15.1.1.6.0');
      expect(m.pdu.varbinds[8].value.type).to.equal('endOfMibView');
      // every repeater at the end: the response stops after that repetition
      const end = ask('public', Tag.GetBulkRequest, [q('1.3.6.1.6.3.15.1.1.6.0')], V2C, 0, 10);
      expect(end.pdu.varbinds).to.have.length(1);
    });

    it('GETBULK cuts the response to the budget, and says tooBig only when no varbind fits', () => {
      const d = new Dispatcher(a.view.agent.view, a.bridge);
      const bulk = (budget: number) => d.process({ type: Tag.GetBulkRequest, requestId: 1, errorStatus: 0, errorIndex: 100000,
        varbinds: [q('1.3.6.1.2.1.1')], varbindBytes: Buffer.alloc(0) }, { name: 'x', access: 'readOnly', version: 1 }, budget, 100000);
      const small = bulk(1000);
      expect(small.status).to.equal(0);
      expect(small.varbinds.length).to.be.at.most(1000).and.above(900);
      expect(bulk(10).status).to.equal(ErrorStatus.tooBig);
      const big = bulk(65000);
      expect(big.varbinds.length).to.be.above(10000);
    });

    it('SET: all or nothing, with the error and index of the varbind at fault', () => {
      const poll = `${ROOT}.1.2.1.5.4.110.101.116.48`;
      const desc = `${ROOT}.1.2.1.3.4.110.101.116.48`;
      const g = (n: number): SnmpValue => ({ type: 'gauge32', value: n });
      const s = (t: string): SnmpValue => ({ type: 'octets', value: Buffer.from(t) });
      let m = ask('private', Tag.SetRequest, [{ oid: parseOid(desc), value: s('edited') }, { oid: parseOid(poll), value: g(0) }]);
      expect(m.pdu).to.include({ errorStatus: ErrorStatus.wrongValue, errorIndex: 2 });
      m = ask('private', Tag.SetRequest, [{ oid: parseOid(desc), value: s('edited') }, { oid: parseOid(poll), value: { type: 'integer', value: 3 } }]);
      expect(m.pdu).to.include({ errorStatus: ErrorStatus.wrongType, errorIndex: 2 });
      expect(a.bridge.running.networks).to.deep.equal([{ name: 'net0', platform: 'ethereum', pollInterval: 5 }]);
      m = ask('private', Tag.SetRequest, [{ oid: parseOid(desc), value: s('edited') }, { oid: parseOid(poll), value: g(9) }]);
      expect(m.pdu).to.include({ errorStatus: 0, errorIndex: 0 });
      expect(m.pdu.varbinds[1].value).to.deep.equal(g(9));
      expect(a.bridge.running.networks).to.deep.equal([{ name: 'net0', platform: 'ethereum', pollInterval: 9, description: 'edited' }]);
      expect(ask('public', Tag.GetRequest, [q(poll)]).pdu.varbinds[0].value).to.deep.equal(g(9));
      // read-only object, unknown row, read-only community, v1 mapping
      expect(ask('private', Tag.SetRequest, [{ oid: parseOid(`${ROOT}.1.2.1.8.4.110.101.116.48`), value: s('1') }]).pdu.errorStatus).to.equal(ErrorStatus.notWritable);
      expect(ask('private', Tag.SetRequest, [{ oid: parseOid(`${ROOT}.1.2.1.5.1.120`), value: g(5) }]).pdu.errorStatus).to.equal(ErrorStatus.noCreation);
      expect(ask('public', Tag.SetRequest, [{ oid: parseOid(poll), value: g(5) }]).pdu).to.include({ errorStatus: ErrorStatus.noAccess, errorIndex: 1 });
      expect(ask('public', Tag.SetRequest, [{ oid: parseOid(poll), value: g(5) }], V1).pdu).to.include({ errorStatus: ErrorStatus.noSuchName, errorIndex: 1 });
      expect(ask('private', Tag.SetRequest, [{ oid: parseOid(poll), value: g(0) }], V1).pdu).to.include({ errorStatus: ErrorStatus.badValue, errorIndex: 1 });
    });

    it('SET of writable state goes through the registered handler, all or nothing with configuration', () => {
      const tree = a.bridge.tree;
      tree.set([{ cls: 'fault' }, { cls: 'alarm', keys: [7] }], { resource: 'network/net0', type: 'nodeUnreachable', operatorState: 'none' });
      const opState = parseOid(`${ROOT}.1.31.1.15.7`);
      const opText = parseOid(`${ROOT}.1.31.1.17.7`);
      const poll = parseOid(`${ROOT}.1.2.1.5.4.110.101.116.48`);
      const int = (n: number): SnmpValue => ({ type: 'integer', value: n });
      expect(ask('private', Tag.SetRequest, [{ oid: opState, value: int(2) }]).pdu.errorStatus).to.equal(ErrorStatus.notWritable);
      const seen: Record<string, unknown>[] = [];
      const off = registerWritable('alarm', {
        check: (_inst, values) => (values.operatorState === 'closed' ? { status: 'inconsistentValue', attribute: 'operatorState', reason: 'not yet' } : undefined),
        apply: (inst, values, who) => { seen.push({ ...values, user: who.user }); tree.write(inst, values); },
      });
      try {
        let m = ask('private', Tag.SetRequest, [{ oid: poll, value: { type: 'gauge32', value: 11 } }, { oid: opText, value: { type: 'octets', value: Buffer.from('looking') } }, { oid: opState, value: int(3) }]);
        expect(m.pdu).to.include({ errorStatus: ErrorStatus.inconsistentValue, errorIndex: 3 });
        expect((a.bridge.running.networks as { pollInterval: number }[])[0].pollInterval).to.equal(9);
        m = ask('private', Tag.SetRequest, [{ oid: poll, value: { type: 'gauge32', value: 11 } }, { oid: opText, value: { type: 'octets', value: Buffer.from('looking') } }, { oid: opState, value: int(2) }]);
        expect(m.pdu.errorStatus).to.equal(0);
        expect(seen).to.deep.equal([{ operatorText: 'looking', operatorState: 'ack', user: 'ops' }]);
        expect(tree.find([{ cls: 'fault' }, { cls: 'alarm', keys: [7] }])!.get('operatorState')).to.equal('ack');
        expect((a.bridge.running.networks as { pollInterval: number }[])[0].pollInterval).to.equal(11);
      } finally { off(); }
    });

    it('counts and drops what it cannot parse, and bad communities', async () => {
      const c = a.view.agent.counters;
      const before = { ...c };
      expect(a.view.agent.handle(encodeCommunityMessage(V2C, Buffer.from('nope'), encodePdu(Tag.GetRequest, 1, 0, 0, encodeVarbinds([q('1.3.6.1.2.1.1.5.0')]))), '127.0.0.1')).to.equal(undefined);
      expect(a.view.agent.handle(encodeCommunityMessage(V2C, Buffer.from('public'), encodePdu(Tag.GetRequest, 1, 0, 0, encodeVarbinds([q('1.3.6.1.2.1.1.5.0')]))), '10.1.1.1')).to.equal(undefined);
      expect(c.inBadCommunityNames).to.equal(before.inBadCommunityNames + 2);
      a.view.agent.onDatagram(Buffer.from('30030201', 'hex'), { address: '127.0.0.1', port: 9, family: 'IPv4', size: 4 });
      a.view.agent.onDatagram(encValue({ type: 'octets', value: Buffer.alloc(65000, 0x30) }), { address: '127.0.0.1', port: 9, family: 'IPv4', size: 65000 });
      // a datagram is processed at once, or after the MIB index is brought up to date over turns (it waits in order)
      await until('the two datagrams processed', () => c.inASNParseErrs >= before.inASNParseErrs + 2, 5000, 5);
      expect(c.inASNParseErrs).to.equal(before.inASNParseErrs + 2);
      a.view.agent.onDatagram(Buffer.from('300602010204017a', 'hex'), { address: '127.0.0.1', port: 9, family: 'IPv4', size: 8 });
      await until('the datagram processed', () => c.inBadVersions >= before.inBadVersions + 1, 5000, 5);
      expect(c.inBadVersions).to.equal(before.inBadVersions + 1);
    });
  });
});
