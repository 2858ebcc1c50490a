/**
 * The answers the SNMP socket thread (socket-thread.ts) gives on its own: a v1/v2c GetRequest whose every OID
 * the main thread has answered before, for the same community, source address and version, and whose value the
 * main thread keeps current here (get-cells.ts: a cell's varbind is written again whenever the tree writes its
 * instance, and dropped when the instance goes). Anything else (GETNEXT, GETBULK, SET, v3, an OID not held, a
 * community not seen, an answer too big) is not answered here: the thread hands the datagram to the main thread,
 * which answers it as before. Pure: no socket, no thread; the values are BER varbind TLVs as the main thread's
 * dispatcher writes them (message.ts encodeVarbinds), so an answer from here is the octets the main thread would send.
 *
 * Bounded: at most MAX_VALUES OIDs and MAX_PRINCIPALS community/source/version triples; past that, nothing new
 * is held (those GETs keep going to the main thread).
 */
import { Tag } from './ber';
import { V1, V2C, communityMessageSize, decodeMessage, encodeCommunityPdu, encodeVarbinds } from './message';
import type { Oid } from './oid';
import { upTime } from './uptime';
import type { CommunityMessage } from './message';

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

/** The varbind TLV of sysUpTime.0. */
function upTimeVarbind(oid: Oid, startedAt: number): Buffer {
  return encodeVarbinds([{ oid, value: { type: 'timeTicks', value: upTime(startedAt) } }]);
}

/** A value held: its varbind TLV, or sysUpTime's OID (the TLV is made at each answer); counter64: not for SNMPv1. */
interface Held { readonly tlv?: Buffer; readonly upTime?: Oid; readonly counter64: boolean }

export class GetCache {
  private readonly values = new Map<string, Held>();
  private readonly principals = new Set<string>();
  private maxSize = 484;

  constructor(private readonly startedAt: number) {}

  get size(): number { return this.values.size; }

  apply(e: CacheEdit): void {
    switch (e.op) {
      case 'put':
        if (!this.values.has(e.oid) && this.values.size >= MAX_VALUES) return;
        if (e.upTime) this.values.set(e.oid, { upTime: e.oid.split('.').map(Number), counter64: false });
        else if (e.varbind) this.values.set(e.oid, { tlv: Buffer.from(e.varbind.buffer, e.varbind.byteOffset, e.varbind.byteLength), counter64: e.counter64 === true });
        return;
      case 'drop': this.values.delete(e.oid); return;
      case 'allow': if (this.principals.size < MAX_PRINCIPALS) this.principals.add(e.principal); return;
      case 'reset': this.values.clear(); this.principals.clear(); this.maxSize = e.maxSize; return;
    }
  }

  /**
   * The answer to a datagram from source when it is a GetRequest this cache holds every value of; undefined
   * otherwise (the main thread answers it). Never throws: a datagram that does not decode is the main thread's.
   */
  answer(msg: Buffer, source: string): Buffer | undefined {
    if (!this.values.size) return undefined;
    let m;
    try { m = decodeMessage(msg); } catch { return undefined; }
    if (m.version !== V1 && m.version !== V2C) return undefined;
    const c = m as CommunityMessage;
    if (c.pdu.type !== Tag.GetRequest || !c.pdu.varbinds.length) return undefined;
    if (!this.principals.has(principalKey(c.version, source, c.community))) return undefined;
    const parts: Buffer[] = [];
    let length = 0;
    for (const vb of c.pdu.varbinds) {
      const held = this.values.get(vb.oid.join('.'));
      if (!held || (held.counter64 && c.version === V1)) return undefined; // SNMPv1 has no Counter64: the main thread says noSuchName
      const tlv = held.tlv ?? upTimeVarbind(held.upTime!, this.startedAt);
      parts.push(tlv);
      length += tlv.length;
    }
    if (communityMessageSize(c.community, c.pdu.requestId, 0, 0, length) > this.maxSize) return undefined;
    return encodeCommunityPdu(c.version, c.community, Tag.Response, c.pdu.requestId, 0, 0, parts.length === 1 ? parts[0] : Buffer.concat(parts, length));
  }
}
