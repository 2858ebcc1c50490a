/**
 * The answers the SNMP socket thread (socket-thread.ts) gives on its own: a v1/v2c GetRequest whose every OID
 * the main thread has answered before, for the same community, source address and version, and whose value the
 * main thread keeps current here (get-cells.ts: a cell's varbind is written again whenever the tree writes its
 * instance, and dropped when the instance goes). Anything else (GETNEXT, GETBULK, SET, v3, an OID not held, a
 * community not seen, an answer too big) is not answered here: the thread hands the datagram to the main thread,
 * which answers it as before. Pure: no socket, no thread; the values are BER varbind TLVs as the main thread's
 * dispatcher writes them (message.ts encodeVarbinds), and the answer is written as encodeCommunityPdu writes it, so
 * an answer from here is the octets the main thread would send. The request is read in place (get-scan.ts) and the
 * answer written once into its own buffer: per GET, the strings of its principal and OID keys and that buffer.
 *
 * Bounded: at most MAX_VALUES OIDs and MAX_PRINCIPALS community/source/version triples; past that, nothing new
 * is held (those GETs keep going to the main thread).
 */
import { Tag, encodeOidContent, intSize, lengthOfLength, tlvSize } from './ber';
import { V1 } from './message';
import { GetScan } from './get-scan';
import { upTime } from './uptime';

export const MAX_VALUES = 16384;
export const MAX_PRINCIPALS = 256;

/** What the main thread tells the cache (posted to the socket thread in this shape). */
export type CacheEdit =
  /** A varbind TLV for an OID (dotted); upTime: the value is sysUpTime, made at each answer. */
  | { readonly op: 'put'; readonly oid: string; readonly varbind?: Uint8Array; readonly upTime?: boolean; readonly counter64?: boolean }
  | { readonly op: 'drop'; readonly oid: string }
  /** Requests with this community from this source in this version are answered by the main thread's rules. */
  | { readonly op: 'allow'; readonly principal: string }
  /** The configuration changed: forget everything; maxSize is the largest answer allowed from now on. */
  | { readonly op: 'reset'; readonly maxSize: number };

/** The key of a community, source address and version. */
export function principalKey(version: number, source: string, community: Buffer): string {
  return `${version}|${source}|${community.toString('latin1')}`;
}

/** The key of an OID (dotted) in the cache: its BER contents as latin1, the octets a request carries. */
function oidKey(dotted: string): string {
  return encodeOidContent(dotted.split('.').map(Number)).toString('latin1');
}

/**
 * A value held: its varbind TLV; or, for sysUpTime, its OID's contents (the TLV is made at each answer);
 * counter64: not for SNMPv1.
 */
interface Held { readonly tlv?: Buffer; readonly upTimeOid?: Buffer; readonly counter64: boolean }

/** Writes a TLV header as BerWriter.header does; returns the position after it. */
function putHeader(out: Buffer, p: number, tag: number, len: number): number {
  out[p++] = tag;
  if (len < 0x80) out[p++] = len;
  else {
    const n = lengthOfLength(len) - 1;
    out[p++] = 0x80 | n;
    for (let i = n - 1; i >= 0; i--) out[p++] = Math.floor(len / 2 ** (8 * i)) & 0xff;
  }
  return p;
}

/** Writes an integer's n content octets as BerWriter.int does (two's complement, minimal n = intSize(v)). */
function putInt(out: Buffer, p: number, v: number, n: number): number {
  for (let i = n - 1; i >= 0; i--) out[p++] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  return p;
}

/** Size of sysUpTime's varbind TLV with an OID of oidLength content octets and ticks. */
function upTimeSize(oidLength: number, ticks: number): number {
  return tlvSize(tlvSize(oidLength) + 2 + intSize(ticks));
}

export class GetCache {
  private readonly values = new Map<string, Held>();
  private readonly principals = new Set<string>();
  private readonly scan = new GetScan();
  /** The values of the GET being answered, in request order. */
  private readonly hits: Held[] = [];
  private maxSize = 484;
  /** Answers given here. */
  answered = 0;

  constructor(private readonly startedAt: number) {}

  get size(): number { return this.values.size; }

  apply(e: CacheEdit): void {
    switch (e.op) {
      case 'put': {
        const key = oidKey(e.oid);
        if (!this.values.has(key) && this.values.size >= MAX_VALUES) return;
        if (e.upTime) this.values.set(key, { upTimeOid: Buffer.from(key, 'latin1'), counter64: false });
        else if (e.varbind) this.values.set(key, { tlv: Buffer.from(e.varbind.buffer, e.varbind.byteOffset, e.varbind.byteLength), counter64: e.counter64 === true });
        return;
      }
      case 'drop': this.values.delete(oidKey(e.oid)); return;
      case 'allow': if (this.principals.size < MAX_PRINCIPALS) this.principals.add(e.principal); return;
      case 'reset': this.values.clear(); this.principals.clear(); this.maxSize = e.maxSize; return;
    }
  }

  /**
   * The answer to a datagram from source when it is a GetRequest this cache holds every value of; undefined
   * otherwise (the main thread answers it). Never throws: a datagram get-scan.ts does not read is the main thread's.
   */
  answer(msg: Buffer, source: string): Buffer | undefined {
    if (!this.values.size) return undefined;
    const s = this.scan;
    if (!s.scan(msg) || s.count === 0) return undefined;
    if (!this.principals.has(`${s.version}|${source}|${msg.toString('latin1', s.communityStart, s.communityEnd)}`)) return undefined;
    const ticks = upTime(this.startedAt);
    const hits = this.hits;
    hits.length = 0;
    let length = 0;
    for (let i = 0; i < s.count; i++) {
      const held = this.values.get(msg.toString('latin1', s.oidStart[i], s.oidEnd[i]));
      if (!held || (held.counter64 && s.version === V1)) return undefined; // SNMPv1 has no Counter64: the main thread says noSuchName
      hits.push(held);
      length += held.tlv ? held.tlv.length : upTimeSize(held.upTimeOid!.length, ticks);
    }
    // the message encodeCommunityPdu writes: version, community, Response-PDU (request-id, 0, 0, varbinds)
    const communityLength = s.communityEnd - s.communityStart;
    const idSize = intSize(s.requestId);
    const pduContent = 2 + idSize + 3 + 3 + tlvSize(length);
    const msgContent = 3 + tlvSize(communityLength) + tlvSize(pduContent);
    const size = tlvSize(msgContent);
    if (size > this.maxSize) return undefined;
    const out = Buffer.allocUnsafe(size);
    let p = putHeader(out, 0, Tag.Sequence, msgContent);
    out[p++] = Tag.Integer; out[p++] = 1; out[p++] = s.version;
    p = putHeader(out, p, Tag.OctetString, communityLength);
    p += msg.copy(out, p, s.communityStart, s.communityEnd);
    p = putHeader(out, p, Tag.Response, pduContent);
    out[p++] = Tag.Integer; out[p++] = idSize;
    p = putInt(out, p, s.requestId, idSize);
    out[p++] = Tag.Integer; out[p++] = 1; out[p++] = 0;
    out[p++] = Tag.Integer; out[p++] = 1; out[p++] = 0;
    p = putHeader(out, p, Tag.Sequence, length);
    for (const held of hits) {
      if (held.tlv) { p += held.tlv.copy(out, p); continue; }
      const oid = held.upTimeOid!;
      const n = intSize(ticks);
      p = putHeader(out, p, Tag.Sequence, tlvSize(oid.length) + 2 + n);
      p = putHeader(out, p, Tag.Oid, oid.length);
      p += oid.copy(out, p);
      out[p++] = Tag.TimeTicks; out[p++] = n;
      p = putInt(out, p, ticks, n);
    }
    hits.length = 0;
    this.answered++;
    return out;
  }
}
