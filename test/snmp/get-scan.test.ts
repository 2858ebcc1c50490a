/**
 * The socket thread's in-place reading of a GetRequest (src/snmp/get-scan.ts) and the answer get-cache.ts writes
 * from it, against the main thread's codec: for GETs built in every encoding BER allows (long-form lengths,
 * integers of more octets than needed, up to 130 varbinds, communities of 0 to 300 octets, request-ids at the
 * Integer32 bounds) and for thousands of corrupted ones (a changed, removed or added octet, a cut), an answer
 * from the cache is exactly what decodeMessage + encodeCommunityPdu give, and the cache answers nothing
 * decodeMessage refuses.
 */
import { expect } from 'chai';
import { Tag, encodeOidContent } from '../../src/snmp/ber';
import { GetCache, principalKey } from '../../src/snmp/get-cache';
import { GetScan, MAX_SCANNED_VARBINDS } from '../../src/snmp/get-scan';
import { V1, V2C, decodeMessage, encodeCommunityPdu, encodeVarbinds } from '../../src/snmp/message';
import type { CommunityMessage } from '../../src/snmp/message';
import { parseOid } from '../../src/snmp/oid';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A TLV; long: its length in the long form of two octets (BER allows it, our encoder never writes it). */
function tlv(tag: number, content: Buffer, long: boolean): Buffer {
  const len = content.length;
  const head = long || len > 0x7f ? Buffer.from([tag, 0x82, len >> 8, len & 0xff]) : Buffer.from([tag, len]);
  return Buffer.concat([head, content]);
}

/** An INTEGER's contents, minimal or with extra leading octets (pad). */
function intContent(v: number, pad: number): Buffer {
  const b: number[] = [];
  let x = v;
  do { b.unshift(x & 0xff); x = Math.floor(x / 256); } while (!(x === 0 && !(b[0] & 0x80)) && !(x === -1 && b[0] & 0x80));
  for (let i = 0; i < pad && b.length < 5; i++) b.unshift(v < 0 ? 0xff : 0);
  return Buffer.from(b);
}

interface Shape { version: number; community: Buffer; requestId: number; oids: string[]; long: boolean; pad: number;
  /** The request-id's contents as given; octets after each varbind's NULL, inside the varbind. */
  idContent?: Buffer; vbExtra?: Buffer }

function build(s: Shape): Buffer {
  const vbs = Buffer.concat(s.oids.map((o) => tlv(Tag.Sequence, Buffer.concat([tlv(Tag.Oid, encodeOidContent(parseOid(o)), s.long), Buffer.from([Tag.Null, 0]), s.vbExtra ?? Buffer.alloc(0)]), s.long)));
  const pdu = tlv(Tag.GetRequest, Buffer.concat([
    tlv(Tag.Integer, s.idContent ?? intContent(s.requestId, s.pad), s.long), tlv(Tag.Integer, intContent(0, s.pad), false), tlv(Tag.Integer, intContent(0, 0), s.long),
    tlv(Tag.Sequence, vbs, s.long)]), s.long);
  return tlv(Tag.Sequence, Buffer.concat([tlv(Tag.Integer, intContent(s.version, s.pad), s.long), tlv(Tag.OctetString, s.community, s.long), pdu]), s.long);
}

const HELD = Array.from({ length: 140 }, (_, i) => `1.3.6.1.4.1.99999.${i % 7}.${i}.${i * 1000}`);
const C64 = '1.3.6.1.4.1.99999.9.0';
const tlvOf = (o: string, i: number): Buffer => encodeVarbinds([{ oid: parseOid(o), value: i % 3 === 0 ? { type: 'octets', value: Buffer.alloc(i, 0x41) } : { type: 'integer', value: i * 7919 - 50000 } }]);
const c64Tlv = encodeVarbinds([{ oid: parseOid(C64), value: { type: 'counter64', value: 2n ** 63n } }]);
const COMMUNITIES = [Buffer.alloc(0), Buffer.from('public'), Buffer.alloc(127, 0x61), Buffer.alloc(128, 0x62), Buffer.alloc(300, 0x63)];

/** The answer as the main thread's codec reads and writes it (what get-cache.ts did before get-scan.ts). */
function reference(msg: Buffer, source: string, principals: Set<string>, maxSize: number): Buffer | undefined {
  let m;
  try { m = decodeMessage(msg); } catch { return undefined; }
  if (m.version !== V1 && m.version !== V2C) return undefined;
  const c = m as CommunityMessage;
  if (c.pdu.type !== Tag.GetRequest || !c.pdu.varbinds.length) return undefined;
  if (!principals.has(principalKey(c.version, source, c.community))) return undefined;
  const parts: Buffer[] = [];
  for (const vb of c.pdu.varbinds) {
    const key = vb.oid.join('.');
    const i = HELD.indexOf(key);
    if (i >= 0) parts.push(tlvOf(key, i));
    else if (key === C64 && c.version === V2C) parts.push(c64Tlv);
    else return undefined;
  }
  const out = encodeCommunityPdu(c.version, c.community, Tag.Response, c.pdu.requestId, 0, 0, Buffer.concat(parts));
  return out.length > maxSize ? undefined : out;
}

describe('snmp get-scan: a GetRequest read in place by the socket thread', () => {
  const maxSize = 4096;
  const principals = new Set<string>();
  const cache = new GetCache(Date.now());
  before(() => {
    cache.apply({ op: 'reset', maxSize });
    HELD.forEach((o, i) => cache.apply({ op: 'put', oid: o, varbind: tlvOf(o, i) }));
    cache.apply({ op: 'put', oid: C64, varbind: c64Tlv, counter64: true });
    for (const v of [V1, V2C]) for (const c of COMMUNITIES) {
      principals.add(principalKey(v, '127.0.0.1', c));
      cache.apply({ op: 'allow', principal: principalKey(v, '127.0.0.1', c) });
    }
  });

  function shapes(seed: number, n: number): Shape[] {
    const r = rng(seed);
    const ids = [0, 1, 127, 128, 255, 256, -1, -128, -129, 0x7fffffff, -0x80000000, 0x12345];
    return Array.from({ length: n }, (_, k) => {
      const count = k % 17 === 0 ? MAX_SCANNED_VARBINDS + (k % 3) : 1 + Math.floor(r() * 12);
      const oids = Array.from({ length: count }, () => (r() < 0.05 ? C64 : HELD[Math.floor(r() * HELD.length)]));
      return {
        version: r() < 0.5 ? V1 : V2C, community: COMMUNITIES[Math.floor(r() * COMMUNITIES.length)],
        requestId: r() < 0.5 ? ids[k % ids.length] : Math.floor(r() * 2 ** 32) - 2 ** 31, oids, long: r() < 0.3, pad: r() < 0.2 ? 1 + Math.floor(r() * 3) : 0,
      };
    });
  }

  it('answers a well-formed GET in any encoding with the octets of the main thread\'s codec', () => {
    let answered = 0;
    for (const s of shapes(1, 600)) {
      const msg = build(s);
      const want = reference(msg, '127.0.0.1', principals, maxSize);
      const got = cache.answer(msg, '127.0.0.1');
      if (s.oids.length > MAX_SCANNED_VARBINDS) { expect(got, 'more varbinds than get-scan reads: the main thread\'s').to.equal(undefined); continue; }
      expect(got?.toString('hex'), JSON.stringify({ ...s, community: s.community.length })).to.equal(want?.toString('hex'));
      if (got) answered++;
    }
    expect(answered, 'most of them answered (v1 and Counter64, or too big, are not)').to.be.greaterThan(300);
  });

  it('answers nothing the main thread\'s decoder refuses, and otherwise what it would answer, for corrupted GETs', () => {
    const r = rng(2);
    let refused = 0;
    let answered = 0;
    for (const s of shapes(3, 300)) {
      const good = build({ ...s, oids: s.oids.slice(0, 6) });
      for (let k = 0; k < 40; k++) {
        const b = Buffer.from(good);
        const at = Math.floor(r() * b.length);
        const how = k % 4;
        const msg = how === 0 ? (b[at] = Math.floor(r() * 256), b)
          : how === 1 ? b.subarray(0, at)
            : how === 2 ? Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)])
              : Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        const want = reference(msg, '127.0.0.1', principals, maxSize);
        const got = cache.answer(msg, '127.0.0.1');
        if (got) { expect(got.toString('hex'), msg.toString('hex')).to.equal(want?.toString('hex')); answered++; } else refused++;
      }
    }
    expect(refused, 'corruptions refused').to.be.greaterThan(5000);
    expect(answered, 'corruptions still a GET of held OIDs (a changed request-id, say)').to.be.greaterThan(50);
  });

  it('reads the fields in place: version, request-id, community and each OID\'s octets', () => {
    const s = new GetScan();
    const msg = build({ version: V2C, community: Buffer.from('public'), requestId: -129, oids: [HELD[3], HELD[5]], long: true, pad: 2 });
    expect(s.scan(msg)).to.equal(true);
    expect([s.version, s.requestId, s.count]).to.deep.equal([V2C, -129, 2]);
    expect(msg.subarray(s.communityStart, s.communityEnd).toString()).to.equal('public');
    expect(msg.subarray(s.oidStart[1], s.oidEnd[1]).equals(encodeOidContent(parseOid(HELD[5])))).to.equal(true);
    // not read here: a value other than an empty NULL, another PDU, v3, trailing octets
    const withValue = Buffer.from(msg);
    withValue[withValue.length - 2] = Tag.Integer; withValue[withValue.length - 1] = 0;
    expect(s.scan(withValue)).to.equal(false);
    expect(s.scan(Buffer.concat([msg, Buffer.from([0])]))).to.equal(false);
    const next = Buffer.from(msg);
    next[next.indexOf(Tag.GetRequest)] = Tag.GetNextRequest;
    expect(s.scan(next)).to.equal(false);
    expect(s.scan(build({ version: 3, community: Buffer.from('public'), requestId: 1, oids: [HELD[0]], long: false, pad: 0 }))).to.equal(false);
    // what decodeMessage refuses, get-scan too: a request-id of six octets or out of Integer32, a NULL with contents
    // or followed by more in its varbind, a length of five octets, the message shorter than its length says
    const base: Shape = { version: V2C, community: Buffer.from('public'), requestId: 1, oids: [HELD[0]], long: false, pad: 0 };
    const bad = [
      build({ ...base, idContent: Buffer.from([0, 0, 0, 0, 0, 1]) }),
      build({ ...base, idContent: Buffer.from([0, 0x80, 0, 0, 0]) }),
      build({ ...base, vbExtra: Buffer.from([Tag.Null, 0]) }),
      Buffer.from(build(base).toString('hex').replace('0500', '050100'), 'hex'),
      Buffer.concat([Buffer.from([Tag.Sequence, 0x85, 0, 0, 0, 0, build(base)[1]]), build(base).subarray(2)]),
      build(base).subarray(0, -1),
    ];
    for (const b of bad) {
      expect(() => decodeMessage(b), b.toString('hex')).to.throw();
      expect(s.scan(b), b.toString('hex')).to.equal(false);
    }
  });

  it('makes sysUpTime at each answer as the main thread encodes it', () => {
    const c = new GetCache(Date.now() - 123456789);
    c.apply({ op: 'reset', maxSize });
    c.apply({ op: 'allow', principal: principalKey(V2C, '127.0.0.1', Buffer.from('public')) });
    c.apply({ op: 'put', oid: '1.3.6.1.2.1.1.3.0', upTime: true });
    c.apply({ op: 'put', oid: HELD[1], varbind: tlvOf(HELD[1], 1) });
    const out = c.answer(build({ version: V2C, community: Buffer.from('public'), requestId: 9, oids: ['1.3.6.1.2.1.1.3.0', HELD[1]], long: false, pad: 0 }), '127.0.0.1');
    const pdu = (decodeMessage(out!) as CommunityMessage).pdu;
    const ticks = pdu.varbinds[0].value;
    expect(ticks.type).to.equal('timeTicks');
    expect(Number((ticks as { value: number }).value)).to.be.within(12345678, 12345678 + 100);
    const want = encodeCommunityPdu(V2C, Buffer.from('public'), Tag.Response, 9, 0, 0, Buffer.concat([encodeVarbinds([{ oid: parseOid('1.3.6.1.2.1.1.3.0'), value: ticks }]), tlvOf(HELD[1], 1)]));
    expect(out!.toString('hex')).to.equal(want.toString('hex'));
  });
});
