/**
 * SNMPv3 errors are Reports, not silence (issue 12 item 6; RFC 3412 section 7.2, RFC 3414 section 3.2):
 * an unknown user, a wrong digest and an unsupported security level each get a Report of their usmStats
 * counter when the request is reportable, so that Net-SNMP's snmpget and pysnmp say what is wrong at
 * once instead of waiting for their time-out. The counters count; a non-reportable request gets nothing;
 * a Report carries nothing but its counter.
 */
import { expect } from 'chai';
import { Tag } from '../../src/snmp/ber';
import { MsgFlags, decodeMessage, decodeScopedPdu, encodePdu, encodeVarbinds } from '../../src/snmp/message';
import type { V3Message } from '../../src/snmp/message';
import { OIDS, parseOid } from '../../src/snmp/oid';
import { SaltSource, userKeys } from '../../src/snmp/usm';
import { encodeV3 } from '../../src/snmp/v3';
import { requirePysnmp, requireTool } from '../support/tools';
import { pysnmp, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

const SEED = {
  configuration: {
    snmpCommunities: [{ name: 'ro', community: 'public' }],
    snmpUsers: [
      { name: 'admin3', authProtocol: 'sha256', authKey: 'auth-pass-256', privProtocol: 'aes', privKey: 'priv-pass-aes', access: 'admin' },
      { name: 'authonly', authProtocol: 'sha', authKey: 'auth-pass-sha', privProtocol: 'none' },
    ],
  },
};
const ADMIN3 = ['-v3', '-l', 'authPriv', '-u', 'admin3', '-a', 'SHA-256', '-A', 'auth-pass-256', '-x', 'AES', '-X', 'priv-pass-aes'];
/** Client time-out 5 s, no retry: an answer within 2 s is a Report, not a time-out. */
const ONCE = ['-t', '5', '-r', '0'];

interface V3Answer { readonly errorIndication: string | null; readonly errorStatus: number; readonly seconds: number; readonly values: string[] }

describe('snmp v3 error reports', function () {
  this.timeout(120000);
  let a: TestAgent;
  let host: string;
  let port: string;

  const counter = async (oid: readonly number[]): Promise<number> => {
    const r = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--', oid.join('.')]);
    expect(r.code, r.stderr).to.equal(0);
    return Number(r.stdout.trim());
  };

  before(async function () {
    requireTool(this, 'snmpget', 'snmp');
    a = await startAgent(SEED);
    [host, port] = a.target.split(':');
  });
  after(async () => { await a?.stop(); });

  const cases: { title: string; args: string[]; pysnmp: string[]; oid: readonly number[]; netsnmp: RegExp; pysnmpSays: RegExp }[] = [
    {
      title: 'an unknown user: usmStatsUnknownUserNames',
      args: ['-v3', '-l', 'noAuthNoPriv', '-u', 'nosuchuser'],
      pysnmp: ['nosuchuser', 'noAuthNoPriv', 'none', '', 'none', ''],
      oid: OIDS.usmStatsUnknownUserNames, netsnmp: /Unknown user name/, pysnmpSays: /^Unknown USM user$/,
    },
    {
      title: 'a wrong authentication key: usmStatsWrongDigests',
      args: ADMIN3.map((x) => (x === 'auth-pass-256' ? 'wrong-pass-256' : x)),
      pysnmp: ['admin3', 'authPriv', 'sha256', 'wrong-pass-256', 'aes', 'priv-pass-aes'],
      oid: OIDS.usmStatsWrongDigests, netsnmp: /Authentication failure \(incorrect password, community or key\)/, pysnmpSays: /^Wrong SNMP PDU digest$/,
    },
    {
      title: 'authPriv for a user without privacy: usmStatsUnsupportedSecLevels',
      args: ['-v3', '-l', 'authPriv', '-u', 'authonly', '-a', 'SHA', '-A', 'auth-pass-sha', '-x', 'AES', '-X', 'any-priv-pass'],
      pysnmp: ['authonly', 'authPriv', 'sha', 'auth-pass-sha', 'aes', 'any-priv-pass'],
      oid: OIDS.usmStatsUnsupportedSecLevels, netsnmp: /Unsupported security level/, pysnmpSays: /^Unsupported SNMP security level$/,
    },
    {
      title: 'noAuthNoPriv for a user with keys: usmStatsUnsupportedSecLevels',
      args: ['-v3', '-l', 'noAuthNoPriv', '-u', 'admin3'],
      pysnmp: ['admin3', 'noAuthNoPriv', 'none', '', 'none', ''],
      oid: OIDS.usmStatsUnsupportedSecLevels, netsnmp: /Unsupported security level/, pysnmpSays: /^Unsupported SNMP security level$/,
    },
  ];

  for (const c of cases) {
    it(`net-snmp snmpget is told at once: ${c.title}`, async () => {
      const before = await counter(c.oid);
      const r = await snmp('snmpget', a.target, [...c.args, ...ONCE, '--', 'sysName.0']);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.match(c.netsnmp);
      expect(r.stderr).to.not.contain('Timeout');
      expect(r.ms).to.be.below(2000);
      expect(await counter(c.oid)).to.equal(before + 1);
    });
    it(`pysnmp is told at once: ${c.title}`, async function () {
      requirePysnmp(this);
      const before = await counter(c.oid);
      const r = await pysnmp<V3Answer>(['v3get', host, port, ...c.pysnmp, '5', '1.3.6.1.2.1.1.5.0']);
      expect(r.errorIndication).to.match(c.pysnmpSays);
      expect(r.seconds).to.be.below(2);
      expect(await counter(c.oid)).to.be.above(before);
    });
  }

  it('the right credentials still work, with both clients', async function () {
    const r = await snmp('snmpget', a.target, [...ADMIN3, ...ONCE, '-Oqv', '--', 'sysName.0']);
    expect(r.code, r.stderr).to.equal(0);
    requirePysnmp(this);
    const p = await pysnmp<V3Answer>(['v3get', host, port, 'admin3', 'authPriv', 'sha256', 'auth-pass-256', 'aes', 'priv-pass-aes', '5', '1.3.6.1.2.1.1.5.0']);
    expect(p.errorIndication).to.equal(null);
    expect(p.values).to.have.length(1);
  });

  describe('on the wire', () => {
    const salts = new SaltSource();
    /** A GET for sysName.0 signed (authNoPriv, SHA) with a wrong key (or the given one), or unsigned, with the given flags. */
    const request = (flags: number, userName: string, authKey: Buffer = Buffer.alloc(20, 7), boots = a.view.agent.engine.boots): Buffer => encodeV3({
      msgId: 4242, maxSize: 65507, flags, engineId: a.view.agent.engine.id, boots, time: a.view.agent.engine.time(),
      userName: Buffer.from(userName), keys: { auth: 'sha', authKey, priv: 'none' },
      contextEngineId: a.view.agent.engine.id, contextName: Buffer.alloc(0),
      pdu: encodePdu(Tag.GetRequest, 77, 0, 0, encodeVarbinds([{ oid: parseOid('1.3.6.1.2.1.1.5.0'), value: { type: 'null' } }])),
    }, salts);

    it('a wrong-digest Report is unauthenticated and carries only the counter', () => {
      const before = a.view.agent.counters.usmWrongDigests;
      const out = a.view.agent.handle(request(MsgFlags.auth | MsgFlags.reportable, 'authonly'), '127.0.0.1');
      expect(out).to.not.equal(undefined);
      const m = decodeMessage(out!) as V3Message;
      expect(m.header.msgId).to.equal(4242);
      expect(m.header.flags & (MsgFlags.auth | MsgFlags.priv)).to.equal(0);
      expect(m.usm.authParams.length).to.equal(0);
      expect(m.usm.privParams.length).to.equal(0);
      expect('plain' in m.data).to.equal(true);
      const scoped = decodeScopedPdu((m.data as { plain: Buffer }).plain);
      expect(scoped.contextName.length).to.equal(0);
      expect(scoped.pdu.type).to.equal(Tag.Report);
      expect(scoped.pdu.varbinds).to.have.length(1);
      expect(scoped.pdu.varbinds[0].oid).to.deep.equal(OIDS.usmStatsWrongDigests);
      expect(scoped.pdu.varbinds[0].value).to.deep.equal({ type: 'counter32', value: before + 1 });
    });

    it('unknown engine IDs and time windows were Reports already: usmStatsNotInTimeWindows is authenticated', () => {
      const key = userKeys('sha', 'auth-pass-sha', 'none', undefined, a.view.agent.engine.id).authKey!;
      const out = a.view.agent.handle(request(MsgFlags.auth | MsgFlags.reportable, 'authonly', key, a.view.agent.engine.boots + 1), '127.0.0.1');
      const m = decodeMessage(out!) as V3Message;
      expect(m.header.flags & MsgFlags.auth).to.equal(MsgFlags.auth);
      const pdu = decodeScopedPdu((m.data as { plain: Buffer }).plain).pdu;
      expect(pdu.type).to.equal(Tag.Report);
      expect(pdu.varbinds[0].oid).to.deep.equal(OIDS.usmStatsNotInTimeWindows);
      const ok = a.view.agent.handle(request(MsgFlags.auth | MsgFlags.reportable, 'authonly', key), '127.0.0.1');
      expect(decodeScopedPdu(((decodeMessage(ok!) as V3Message).data as { plain: Buffer }).plain).pdu.type).to.equal(Tag.Response);
    });

    it('a request without the reportable flag gets no Report, and is still counted', () => {
      const c = a.view.agent.counters;
      const [digests, users, levels] = [c.usmWrongDigests, c.usmUnknownUserNames, c.usmUnsupportedSecLevels];
      expect(a.view.agent.handle(request(MsgFlags.auth, 'authonly'), '127.0.0.1')).to.equal(undefined);
      expect(a.view.agent.handle(request(MsgFlags.auth, 'nosuchuser'), '127.0.0.1')).to.equal(undefined);
      expect(a.view.agent.handle(request(0, 'admin3'), '127.0.0.1')).to.equal(undefined);
      expect([c.usmWrongDigests, c.usmUnknownUserNames, c.usmUnsupportedSecLevels]).to.deep.equal([digests + 1, users + 1, levels + 1]);
    });
  });
});
