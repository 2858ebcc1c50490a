import { expect } from 'chai';
import { BerError, BerReader, BerWriter, Tag, decodeOidContent, encValue, encodeOidContent, oidContentLength, valueSize } from '../../src/snmp/ber';
import type { SnmpValue } from '../../src/snmp/ber';
import {
  MsgFlags, V2C, V3, decodeMessage, decodePdu, decodeScopedPdu, encodeCommunityMessage, encodePdu, encodeVarbinds,
} from '../../src/snmp/message';
import type { CommunityMessage, V3Message } from '../../src/snmp/message';
import { compareOids, formatOid, parseOid } from '../../src/snmp/oid';
import { SaltSource, aesDecrypt, aesEncrypt, desDecrypt, desEncrypt, localizeKey, passwordToKey, userKeys, verify } from '../../src/snmp/usm';
import { SnmpEngine } from '../../src/snmp/engine';
import { decryptScoped, encodeV3 } from '../../src/snmp/v3';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

function roundTrip(v: SnmpValue): SnmpValue {
  const b = encValue(v);
  expect(b.length).to.equal(valueSize(v));
  const r = new BerReader(b);
  const out = r.value();
  expect(r.atEnd()).to.equal(true);
  return out;
}

describe('snmp codec: BER', () => {
  it('round-trips every value type, with edge values', () => {
    const cases: SnmpValue[] = [
      { type: 'integer', value: 0 }, { type: 'integer', value: -1 }, { type: 'integer', value: 127 }, { type: 'integer', value: 128 },
      { type: 'integer', value: -128 }, { type: 'integer', value: -129 }, { type: 'integer', value: 2147483647 }, { type: 'integer', value: -2147483648 },
      { type: 'gauge32', value: 4294967295 }, { type: 'counter32', value: 2147483648 }, { type: 'timeTicks', value: 0 },
      { type: 'counter64', value: 0n }, { type: 'counter64', value: 0xffffffffffffffffn }, { type: 'counter64', value: 0x8000000000000000n },
      { type: 'octets', value: Buffer.alloc(0) }, { type: 'octets', value: Buffer.alloc(300, 0x61) }, { type: 'octets', value: Buffer.alloc(70000, 1) },
      { type: 'oid', value: [1, 3, 6, 1, 4, 1, 4294967295, 0] }, { type: 'oid', value: [2, 999, 3] }, { type: 'oid', value: [0, 0] },
      { type: 'ipAddress', value: Buffer.from([127, 0, 0, 1]) }, { type: 'opaque', value: Buffer.from('x') },
      { type: 'null' }, { type: 'noSuchObject' }, { type: 'noSuchInstance' }, { type: 'endOfMibView' },
    ];
    for (const c of cases) expect(roundTrip(c)).to.deep.equal(c);
  });

  it('encodes known vectors (X.690 examples)', () => {
    expect(encValue({ type: 'integer', value: 128 }).toString('hex')).to.equal('02020080');
    expect(encValue({ type: 'integer', value: -129 }).toString('hex')).to.equal('0202ff7f');
    expect(encValue({ type: 'gauge32', value: 4294967295 }).toString('hex')).to.equal('420500ffffffff');
    // Counter64 around the 32-bit halves and the sign octet
    expect(encValue({ type: 'counter64', value: 127n }).toString('hex')).to.equal('46017f');
    expect(encValue({ type: 'counter64', value: 128n }).toString('hex')).to.equal('46020080');
    expect(encValue({ type: 'counter64', value: 0x80000000n }).toString('hex')).to.equal('46050080000000');
    expect(encValue({ type: 'counter64', value: 0x100000000n }).toString('hex')).to.equal('46050100000000');
    expect(encValue({ type: 'counter64', value: 0x123456789abcdefn }).toString('hex')).to.equal('46080123456789abcdef');
    expect(encValue({ type: 'counter64', value: 0x8000000000000001n }).toString('hex')).to.equal('4609008000000000000001');
    // around 2^53, where the encoder stops reading the value as a number
    expect(encValue({ type: 'counter64', value: 0x1fffffffffffffn }).toString('hex')).to.equal('46071fffffffffffff');
    expect(encValue({ type: 'counter64', value: 0x20000000000000n }).toString('hex')).to.equal('460720000000000000');
    expect(encValue({ type: 'counter64', value: 0x20000000000001n }).toString('hex')).to.equal('460720000000000001');
    expect(encValue({ type: 'oid', value: parseOid('1.3.6.1.2.1.1.1.0') }).toString('hex')).to.equal('06082b06010201010100');
    expect(encodeOidContent([1, 3, 6, 1, 4, 1, 2680]).toString('hex')).to.equal('2b060104019478');
  });

  it('refuses malformed input with BerError only', () => {
    const bad = [
      '', '30', '3080', '3085ffffffffff', '0200', '02060000000000ff', '0603', '06022b', '060180', '0602ff80',
      '4403ffff', '4202ff', '460a01ffffffffffffffffff', '1f0100', '0402ab', '30030201',
    ];
    for (const h of bad) {
      const r = new BerReader(hex(h));
      expect(() => r.value(), h).to.throw(BerError);
    }
    expect(() => decodeOidContent(hex('2b8080808080808001'), 0, 9)).to.throw(BerError);
  });

  it('writes an OID straight into a writer as encodeOidContent encodes it', () => {
    let seed = 7;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const sizes = [0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000, 0xffffffff];
    for (let k = 0; k < 500; k++) {
      const oid = [rnd(3), 0];
      oid[1] = oid[0] < 2 ? rnd(40) : rnd(1000);
      for (let i = rnd(30); i > 0; i--) oid.push(rnd(4) ? rnd(300) : sizes[rnd(sizes.length)]);
      const enc = encodeOidContent(oid);
      expect(oidContentLength(oid), oid.join('.')).to.equal(enc.length);
      const w = new BerWriter(1);
      w.int(k);
      const at = w.pos;
      w.oidContentOf(oid, enc.length);
      expect(w.buf.subarray(at, w.pos).toString('hex'), oid.join('.')).to.equal(enc.toString('hex'));
      // the sub-identifiers after the first two, as an INDEX is written after its column's encoding
      const tail = new BerWriter(1);
      tail.subIds(Uint32Array.from(oid), 2, oid.length);
      expect(tail.buf.subarray(0, tail.pos).toString('hex')).to.equal(enc.subarray(encodeOidContent(oid.slice(0, 2)).length).toString('hex'));
    }
    expect(() => oidContentLength([1, 40])).to.throw(BerError);
    expect(() => oidContentLength([1, 3, 2 ** 32])).to.throw(BerError);
  });

  it('orders OIDs lexicographically', () => {
    expect(compareOids([1, 3], [1, 3, 0])).to.be.below(0);
    expect(compareOids([1, 3, 6], [1, 3, 10])).to.be.below(0);
    expect(compareOids([1, 4], [1, 3, 10])).to.be.above(0);
    expect(formatOid(parseOid('.1.3.6.1'))).to.equal('1.3.6.1');
  });

  it('grows the writer as needed', () => {
    const w = new BerWriter(4);
    for (let i = 0; i < 1000; i++) w.int(i);
    const r = new BerReader(w.take());
    for (let i = 0; i < 1000; i++) expect(r.int()).to.equal(i);
  });
});

describe('snmp codec: messages', () => {
  const vbs = [
    { oid: parseOid('1.3.6.1.2.1.1.1.0'), value: { type: 'octets', value: Buffer.from('hello') } as SnmpValue },
    { oid: parseOid('1.3.6.1.2.1.1.3.0'), value: { type: 'timeTicks', value: 12345 } as SnmpValue },
  ];

  it('round-trips a v2c message', () => {
    const pdu = encodePdu(Tag.GetBulkRequest, 0x7fffffff, 1, 50, encodeVarbinds(vbs));
    const m = decodeMessage(encodeCommunityMessage(V2C, Buffer.from('public'), pdu)) as CommunityMessage;
    expect(m.version).to.equal(V2C);
    expect(m.community.toString()).to.equal('public');
    expect(m.pdu).to.include({ type: Tag.GetBulkRequest, requestId: 0x7fffffff, errorStatus: 1, errorIndex: 50 });
    expect(m.pdu.varbinds).to.deep.equal(vbs);
  });

  it('decodes a message sent by Net-SNMP (snmpget -v2c -c public sysDescr.0)', () => {
    const m = decodeMessage(hex('302902010104067075626c6963a01c02045e797b73020100020100300e300c06082b060102010101000500')) as CommunityMessage;
    expect(m.pdu.type).to.equal(Tag.GetRequest);
    expect(m.pdu.requestId).to.equal(0x5e797b73);
    expect(m.pdu.varbinds[0]).to.deep.equal({ oid: parseOid('1.3.6.1.2.1.1.1.0'), value: { type: 'null' } });
  });

  it('refuses trailing data and bad PDUs', () => {
    const good = encodeCommunityMessage(V2C, Buffer.from('public'), encodePdu(Tag.GetRequest, 1, 0, 0, encodeVarbinds(vbs)));
    expect(() => decodeMessage(Buffer.concat([good, Buffer.from([0])]))).to.throw(BerError);
    expect(() => decodePdu(new BerReader(hex('a403020101')))).to.throw(BerError);
    // trailing data in a varbind (a NULL after the value), after the varbinds, in the PDU
    const vb = hex('300e06082b06010201010100050005 00'.replace(/ /g, ''));
    const list = (content: Buffer): Buffer => Buffer.concat([Buffer.from([0x30, content.length]), content]);
    const pdu = (inner: Buffer): Buffer => Buffer.concat([Buffer.from([0xa0, inner.length]), inner]);
    const head = hex('020101020100020100');
    expect(() => decodePdu(new BerReader(pdu(Buffer.concat([head, list(vb)]))))).to.throw(BerError, 'trailing data in a varbind');
    const ok = hex('300c06082b060102010101000500');
    expect(decodePdu(new BerReader(pdu(Buffer.concat([head, list(ok)])))).varbinds).to.have.length(1);
    expect(() => decodePdu(new BerReader(pdu(Buffer.concat([head, list(ok), hex('0500')]))))).to.throw(BerError, 'trailing data in the PDU');
    // a varbind whose OID runs past the varbind (inside the list) is refused
    expect(() => decodePdu(new BerReader(pdu(Buffer.concat([head, list(hex('300306082b0601020101010005000500'))]))))).to.throw(BerError);
    // an error response echoes the request's varbinds as received
    const m = decodeMessage(good) as CommunityMessage;
    expect(m.pdu.varbindBytes.toString('hex')).to.equal(encodeVarbinds(vbs).toString('hex'));
  });

  it('round-trips a v3 message with authentication and privacy (every protocol)', () => {
    const engine = hex('80000000050102030405060708');
    const salts = new SaltSource();
    for (const [auth, priv] of [['md5', 'des'], ['sha', 'aes'], ['sha224', 'aes'], ['sha256', 'aes'], ['sha384', 'des'], ['sha512', 'aes'], ['sha', 'none']] as const) {
      const keys = userKeys(auth, 'authpassword', priv, 'privpassword', engine);
      const flags = MsgFlags.auth | (priv === 'none' ? 0 : MsgFlags.priv) | MsgFlags.reportable;
      const pdu = encodePdu(Tag.GetRequest, 42, 0, 0, encodeVarbinds(vbs));
      const raw = encodeV3({ msgId: 7, maxSize: 65507, flags, engineId: engine, boots: 3, time: 1234, userName: Buffer.from('user'), keys,
        contextEngineId: engine, contextName: Buffer.alloc(0), pdu }, salts);
      const m = decodeMessage(raw) as V3Message;
      expect(m.version).to.equal(V3);
      expect(m.header).to.deep.equal({ msgId: 7, maxSize: 65507, flags, securityModel: 3 });
      expect(m.usm).to.include({ boots: 3, time: 1234 });
      expect(verify(auth, keys.authKey!, raw, m.authOffset, m.usm.authParams), `${auth}`).to.equal(true);
      const tampered = Buffer.from(raw);
      tampered[tampered.length - 1] ^= 1;
      expect(verify(auth, keys.authKey!, tampered, m.authOffset, m.usm.authParams)).to.equal(false);
      const plain = priv === 'none' ? (m.data as { plain: Buffer }).plain : decryptScoped(m, keys)!;
      const s = decodeScopedPdu(plain);
      expect(s.pdu.requestId).to.equal(42);
      expect(s.pdu.varbinds).to.deep.equal(vbs);
    }
  });
});

describe('snmp codec: USM keys and ciphers', () => {
  // RFC 3414 appendix A.3.1 and A.3.2: pass phrase "maplesyrup", engine ID 00..02.
  const engineId = hex('000000000000000000000002');
  it('localises MD5 keys as RFC 3414 A.3.1', () => {
    const ku = passwordToKey('md5', 'maplesyrup');
    expect(ku.toString('hex')).to.equal('9faf3283884e92834ebc9847d8edd963');
    expect(localizeKey('md5', ku, engineId).toString('hex')).to.equal('526f5eed9fcce26f8964c2930787d82b');
  });
  it('localises SHA keys as RFC 3414 A.3.2', () => {
    const ku = passwordToKey('sha', 'maplesyrup');
    expect(ku.toString('hex')).to.equal('9fb5cc0381497b3793528939ff788d5d79145211');
    expect(localizeKey('sha', ku, engineId).toString('hex')).to.equal('6695febc9288e36282235fc7151f128497b38f3f');
  });
  it('localises SHA-2 keys with the same algorithm (RFC 7860 section 9.3)', () => {
    expect(localizeKey('sha256', passwordToKey('sha256', 'maplesyrup'), engineId)).to.have.length(32);
    expect(localizeKey('sha512', passwordToKey('sha512', 'maplesyrup'), engineId)).to.have.length(64);
  });
  it('AES-128-CFB and DES-CBC round trips, and salts that do not repeat', () => {
    const key = hex('00112233445566778899aabbccddeeff');
    const s = new SaltSource();
    const a = s.next();
    const b = s.next();
    expect(a.equals(b)).to.equal(false);
    const plain = Buffer.from('a scoped PDU of any length');
    expect(aesDecrypt(key, 1, 2, a, aesEncrypt(key, 1, 2, a, plain)).equals(plain)).to.equal(true);
    const d = desEncrypt(key, s.nextDes(5), plain);
    expect(d.length % 8).to.equal(0);
  });
  it('DES-CBC matches single DES (FIPS 81 test vector through the 3-key reduction)', () => {
    // Key 0123456789abcdef, IV 1234567890abcdef, "Now is the time for all " → e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6
    const key = Buffer.concat([hex('0123456789abcdef'), hex('1234567890abcdef')]);
    const c = desEncrypt(key, Buffer.alloc(8), Buffer.from('Now is the time for all '));
    expect(c.toString('hex')).to.equal('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    expect(desDecrypt(key, Buffer.alloc(8), c).toString()).to.equal('Now is the time for all ');
  });
  it('keeps the engine ID and counts boots in the data dir', () => {
    const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'bcm-engine-')) as string;
    const a = SnmpEngine.boot(dir);
    const b = SnmpEngine.boot(dir);
    expect(b.id.equals(a.id)).to.equal(true);
    expect(b.boots).to.equal(a.boots + 1);
    expect(a.id[0]).to.equal(0x80);
  });
});
