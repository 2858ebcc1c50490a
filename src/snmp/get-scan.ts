/**
 * A GetRequest read in place, for the SNMP socket thread's cache (get-cache.ts): the datagram's fields as offsets
 * into it, with no object per TLV, per varbind or per OID, so a GET answered on the thread leaves almost nothing
 * for its small young generation to collect. It accepts a strict subset of what decodeMessage (message.ts)
 * accepts: a v1/v2c message whose PDU is a GetRequest and whose every value is an empty NULL, each TLV header read
 * as BerReader.header reads it (definite lengths of at most four octets, every TLV inside the one that holds it,
 * nothing after the last). Anything else is not read here (scan returns false) and goes to the main thread's
 * decoder, which decides. OIDs are not decoded: the cache compares their octets with those of the OIDs it holds
 * (a held OID's octets are its one valid encoding), and an OID not held goes to the main thread anyway.
 */
import { Tag } from './ber';

/** Most varbinds read; a GET with more goes to the main thread. */
export const MAX_SCANNED_VARBINDS = 128;

export class GetScan {
  version = 0;
  requestId = 0;
  /** The community's octets: msg[communityStart, communityEnd). */
  communityStart = 0;
  communityEnd = 0;
  count = 0;
  /** The OID contents of varbind i: msg[oidStart[i], oidEnd[i]). */
  readonly oidStart = new Int32Array(MAX_SCANNED_VARBINDS);
  readonly oidEnd = new Int32Array(MAX_SCANNED_VARBINDS);
  /** The contents of the TLV read last by header(). */
  private start = 0;
  private end = 0;

  /** Reads msg; false when it is not a GetRequest of the subset above (nothing else is then to be read from here). */
  scan(msg: Buffer): boolean {
    const total = msg.length;
    if (!this.header(msg, 0, total, Tag.Sequence) || this.end !== total) return false;
    if (!this.header(msg, this.start, total, Tag.Integer)) return false;
    const version = int32(msg, this.start, this.end);
    if (version !== 0 && version !== 1) return false;
    if (!this.header(msg, this.end, total, Tag.OctetString)) return false;
    this.communityStart = this.start;
    this.communityEnd = this.end;
    if (!this.header(msg, this.end, total, Tag.GetRequest) || this.end !== total) return false;
    if (!this.header(msg, this.start, total, Tag.Integer)) return false;
    const requestId = int32(msg, this.start, this.end);
    if (Number.isNaN(requestId)) return false;
    // error-status and error-index: any Integer32 (a GetRequest's are ignored)
    if (!this.header(msg, this.end, total, Tag.Integer) || Number.isNaN(int32(msg, this.start, this.end))) return false;
    if (!this.header(msg, this.end, total, Tag.Integer) || Number.isNaN(int32(msg, this.start, this.end))) return false;
    if (!this.header(msg, this.end, total, Tag.Sequence) || this.end !== total) return false;
    let p = this.start;
    let n = 0;
    while (p < total) {
      if (n === MAX_SCANNED_VARBINDS || !this.header(msg, p, total, Tag.Sequence)) return false;
      const vbEnd = this.end;
      if (!this.header(msg, this.start, vbEnd, Tag.Oid) || this.end === this.start) return false;
      this.oidStart[n] = this.start;
      this.oidEnd[n] = this.end;
      // the value: an empty NULL, the varbind's last octets
      if (this.end + 2 !== vbEnd || msg[this.end] !== Tag.Null || msg[this.end + 1] !== 0) return false;
      n++;
      p = vbEnd;
    }
    this.version = version;
    this.requestId = requestId;
    this.count = n;
    return true;
  }

  /** The TLV header at p, which must have this tag, as BerReader.header reads it; its contents inside limit. */
  private header(msg: Buffer, p: number, limit: number, tag: number): boolean {
    if (p + 2 > limit || msg[p] !== tag) return false;
    let len = msg[p + 1];
    p += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || p + n > limit) return false;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + msg[p++];
    }
    if (p + len > limit) return false;
    this.start = p;
    this.end = p + len;
    return true;
  }
}

/** An INTEGER's contents as BerReader.int reads them (1 to 5 octets, Integer32); NaN otherwise. */
function int32(msg: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len < 1 || len > 5) return NaN;
  let v = msg[start] & 0x80 ? -1 : 0;
  for (let i = start; i < end; i++) v = v * 256 + msg[i];
  return v < -0x80000000 || v > 0x7fffffff ? NaN : v;
}
