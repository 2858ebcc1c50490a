/**
 * BER (X.690) for SNMP: the subset RFC 3416/3417 messages use. Definite lengths only (SNMP forbids the
 * indefinite form), at most four length octets, strict bounds: every read checks it stays inside its
 * enclosing TLV and throws BerError otherwise, so a malformed datagram can only ever produce a BerError.
 */

export const Tag = {
  Integer: 0x02, OctetString: 0x04, Null: 0x05, Oid: 0x06, Sequence: 0x30,
  IpAddress: 0x40, Counter32: 0x41, Gauge32: 0x42, TimeTicks: 0x43, Opaque: 0x44, Counter64: 0x46,
  NoSuchObject: 0x80, NoSuchInstance: 0x81, EndOfMibView: 0x82,
  GetRequest: 0xa0, GetNextRequest: 0xa1, Response: 0xa2, SetRequest: 0xa3, TrapV1: 0xa4,
  GetBulkRequest: 0xa5, InformRequest: 0xa6, SNMPv2Trap: 0xa7, Report: 0xa8,
} as const;

/** A varbind value (RFC 3416 section 3, ObjectSyntax plus the three exceptions). */
export type SnmpValue =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'octets'; readonly value: Buffer }
  | { readonly type: 'null' }
  | { readonly type: 'oid'; readonly value: readonly number[] }
  | { readonly type: 'ipAddress'; readonly value: Buffer }
  | { readonly type: 'counter32' | 'gauge32' | 'timeTicks'; readonly value: number }
  | { readonly type: 'opaque'; readonly value: Buffer }
  | { readonly type: 'counter64'; readonly value: bigint }
  | { readonly type: 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' };

export const NULL: SnmpValue = { type: 'null' };
export const NO_SUCH_OBJECT: SnmpValue = { type: 'noSuchObject' };
export const NO_SUCH_INSTANCE: SnmpValue = { type: 'noSuchInstance' };
export const END_OF_MIB_VIEW: SnmpValue = { type: 'endOfMibView' };

export class BerError extends Error {
  override readonly name = 'BerError';
}

const MAX_OID_LENGTH = 128;
const UINT32_MAX = 0xffffffff;

/** Sequential reader over one TLV's contents. */
export class BerReader {
  pos: number;

  /** End of the TLV being read (moved by enter() and leave()). */
  end: number;

  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    if (end > buf.length || start > end) throw new BerError('bad bounds');
    this.pos = start;
    this.end = end;
  }

  atEnd(): boolean { return this.pos >= this.end; }

  peekTag(): number {
    if (this.pos >= this.end) throw new BerError('unexpected end of data');
    return this.buf[this.pos];
  }

  /** Reads tag and length; returns the tag, leaves pos at the value, sets valueEnd. */
  private valueEnd = 0;
  header(expected?: number): number {
    if (this.pos + 2 > this.end) throw new BerError('truncated TLV');
    const tag = this.buf[this.pos++];
    if ((tag & 0x1f) === 0x1f) throw new BerError('multi-octet tags are not used by SNMP');
    if (expected !== undefined && tag !== expected) throw new BerError(`expected tag 0x${expected.toString(16)}, got 0x${tag.toString(16)}`);
    let len = this.buf[this.pos++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0) throw new BerError('indefinite length');
      if (n > 4) throw new BerError('length too long');
      if (this.pos + n > this.end) throw new BerError('truncated length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[this.pos++];
    }
    if (this.pos + len > this.end) throw new BerError('value beyond the enclosing TLV');
    this.valueEnd = this.pos + len;
    return tag;
  }

  /** A reader over the contents of the next TLV (which must have the tag), advancing past it. */
  sub(tag: number): BerReader {
    this.header(tag);
    const r = new BerReader(this.buf, this.pos, this.valueEnd);
    this.pos = this.valueEnd;
    return r;
  }

  /**
   * Enters the next TLV, which must have the tag: reads go on inside its contents (as sub() would, without a
   * reader of their own). Returns the end to give leave().
   */
  enter(tag: number): number {
    this.header(tag);
    const outer = this.end;
    this.end = this.valueEnd;
    return outer;
  }

  /** Leaves the TLV entered (outer: what enter() returned), which must have been read to its end. */
  leave(outer: number, what: string): void {
    if (this.pos < this.end) throw new BerError(`trailing data in ${what}`);
    this.end = outer;
  }

  /** Reads any TLV; returns its tag and content slice (no copy). */
  any(): { tag: number; content: Buffer; start: number } {
    const start = this.pos;
    const tag = this.header();
    const content = this.buf.subarray(this.pos, this.valueEnd);
    this.pos = this.valueEnd;
    return { tag, content, start };
  }

  /** The raw bytes (header included) of the next TLV, advancing past it. */
  raw(): Buffer {
    const start = this.pos;
    this.header();
    this.pos = this.valueEnd;
    return this.buf.subarray(start, this.pos);
  }

  skip(): void { this.header(); this.pos = this.valueEnd; }

  /** A signed INTEGER that fits 32 bits (Integer32). */
  int(tag: number = Tag.Integer): number {
    this.header(tag);
    const v = this.signed();
    if (v < -0x80000000 || v > 0x7fffffff) throw new BerError('integer out of Integer32 range');
    return v;
  }

  /** An unsigned 32-bit value (Counter32, Gauge32, TimeTicks); encoded as a non-negative INTEGER. */
  uint(tag: number): number {
    this.header(tag);
    const v = this.signed();
    if (v < 0 || v > UINT32_MAX) throw new BerError('value out of Unsigned32 range');
    return v;
  }

  private signed(): number {
    const len = this.valueEnd - this.pos;
    if (len < 1 || len > 5) throw new BerError('bad integer length');
    let v = this.buf[this.pos] & 0x80 ? -1 : 0;
    for (let i = 0; i < len; i++) v = v * 256 + this.buf[this.pos++];
    return v;
  }

  counter64(): bigint {
    this.header(Tag.Counter64);
    const len = this.valueEnd - this.pos;
    if (len < 1 || len > 9) throw new BerError('bad Counter64 length');
    if (this.buf[this.pos] & 0x80) throw new BerError('negative Counter64');
    let v = 0n;
    for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(this.buf[this.pos++]);
    if (v > 0xffffffffffffffffn) throw new BerError('Counter64 out of range');
    return v;
  }

  octets(tag: number = Tag.OctetString): Buffer {
    this.header(tag);
    const b = this.buf.subarray(this.pos, this.valueEnd);
    this.pos = this.valueEnd;
    return b;
  }

  null(): void {
    this.header(Tag.Null);
    if (this.valueEnd !== this.pos) throw new BerError('NULL with contents');
  }

  oid(): number[] {
    this.header(Tag.Oid);
    const out = decodeOidContent(this.buf, this.pos, this.valueEnd);
    this.pos = this.valueEnd;
    return out;
  }

  value(): SnmpValue {
    const tag = this.peekTag();
    switch (tag) {
      case Tag.Integer: return { type: 'integer', value: this.int() };
      case Tag.OctetString: return { type: 'octets', value: this.octets() };
      case Tag.Null: this.null(); return NULL;
      case Tag.Oid: return { type: 'oid', value: this.oid() };
      case Tag.IpAddress: {
        const v = this.octets(Tag.IpAddress);
        if (v.length !== 4) throw new BerError('IpAddress must be 4 octets');
        return { type: 'ipAddress', value: v };
      }
      case Tag.Counter32: return { type: 'counter32', value: this.uint(tag) };
      case Tag.Gauge32: return { type: 'gauge32', value: this.uint(tag) };
      case Tag.TimeTicks: return { type: 'timeTicks', value: this.uint(tag) };
      case Tag.Opaque: return { type: 'opaque', value: this.octets(Tag.Opaque) };
      case Tag.Counter64: return { type: 'counter64', value: this.counter64() };
      case Tag.NoSuchObject: this.header(tag); this.pos = this.valueEnd; return NO_SUCH_OBJECT;
      case Tag.NoSuchInstance: this.header(tag); this.pos = this.valueEnd; return NO_SUCH_INSTANCE;
      case Tag.EndOfMibView: this.header(tag); this.pos = this.valueEnd; return END_OF_MIB_VIEW;
      default: throw new BerError(`unknown value tag 0x${tag.toString(16)}`);
    }
  }
}

export function decodeOidContent(buf: Buffer, start: number, end: number): number[] {
  if (end <= start) throw new BerError('empty OID');
  // sized once: the last octet of each sub-identifier has its top bit clear (the first octet holds two)
  let subs = 1;
  for (let i = start; i < end; i++) if (!(buf[i] & 0x80)) subs++;
  const out: number[] = new Array<number>(Math.min(subs, MAX_OID_LENGTH + 2));
  let n = 0;
  let v = 0;
  let first = true;
  let inSub = false;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (!inSub && b === 0x80) throw new BerError('OID sub-identifier with a leading 0x80');
    v = v * 128 + (b & 0x7f);
    if (v > UINT32_MAX) throw new BerError('OID sub-identifier too large');
    if (b & 0x80) { inSub = true; continue; }
    inSub = false;
    if (first) {
      first = false;
      out[n++] = v < 40 ? 0 : v < 80 ? 1 : 2;
      out[n++] = v < 40 ? v : v < 80 ? v - 40 : v - 80;
    } else out[n++] = v;
    if (n > MAX_OID_LENGTH) throw new BerError('OID longer than 128 sub-identifiers');
    v = 0;
  }
  if (inSub) throw new BerError('truncated OID');
  out.length = n;
  return out;
}

// ---- writing ----------------------------------------------------------------------------------------

export function lengthOfLength(len: number): number {
  return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5;
}

/** Total TLV size of content of the given length. */
export function tlvSize(contentLength: number): number { return 1 + lengthOfLength(contentLength) + contentLength; }

/** Octets of a signed integer's content (two's complement, minimal). */
export function intSize(v: number): number {
  let n = 1;
  while (n < 5 && (v < -(2 ** (8 * n - 1)) || v >= 2 ** (8 * n - 1))) n++;
  return n;
}

export function uint64Size(v: bigint): number {
  const hi = hi32(v);
  // the octets of the value without leading zeros, plus one when the first has its top bit set (a positive INTEGER)
  const bits = hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo32(v));
  return Math.max(1, Math.floor(bits / 8) + 1);
}

const TWO_32 = 4294967296;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The high and the low 32 bits of an unsigned 64-bit value, as numbers. A value up to 2^53 (every counter a
 * chain reports) is read as a number, which makes no BigInt; a larger one takes two BigInt operations.
 */
function hi32(v: bigint): number {
  return v <= SAFE ? Math.floor(Number(v) / TWO_32) : Number((v >> 32n) & 0xffffffffn);
}

function lo32(v: bigint): number {
  return v <= SAFE ? Number(v) % TWO_32 : Number(v & 0xffffffffn);
}

/** Octets of a sub-identifier in BER (base 128), at most 32 bits. */
export function subIdSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Octets of the content of an OID. Throws on OIDs BER cannot carry. */
export function oidContentLength(oid: readonly number[]): number {
  if (oid.length < 2 || oid[0] > 2 || (oid[0] < 2 && oid[1] >= 40)) throw new BerError(`cannot encode OID ${oid.join('.')}`);
  let size = subIdSize(checkedSubId(oid[0] * 40 + oid[1]));
  for (let i = 2; i < oid.length; i++) size += subIdSize(checkedSubId(oid[i]));
  return size;
}

function checkedSubId(s: number): number {
  if (!Number.isInteger(s) || s < 0 || s > UINT32_MAX) throw new BerError(`bad sub-identifier ${s}`);
  return s;
}

/** Writes one sub-identifier (base 128, at most 32 bits) at p; returns the position after it. */
function putSubId(out: Buffer, p: number, v: number): number {
  if (v >= 0x80) for (let k = subIdSize(v) - 1; k > 0; k--) out[p++] = (Math.floor(v / 2 ** (7 * k)) & 0x7f) | 0x80;
  out[p++] = v & 0x7f;
  return p;
}

/** Writes the content of an OID (of oidContentLength) at p; returns the position after it. */
function putOidContent(out: Buffer, p: number, oid: readonly number[]): number {
  p = putSubId(out, p, oid[0] * 40 + oid[1]);
  for (let i = 2; i < oid.length; i++) p = putSubId(out, p, oid[i]);
  return p;
}

/** Content octets of an OID. Throws on OIDs BER cannot carry. */
export function encodeOidContent(oid: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(oidContentLength(oid));
  putOidContent(out, 0, oid);
  return out;
}

/** Size of the TLV of a value. */
export function valueSize(v: SnmpValue): number {
  switch (v.type) {
    case 'integer': return 2 + intSize(v.value);
    case 'counter32': case 'gauge32': case 'timeTicks': return 2 + intSize(v.value);
    case 'counter64': return 2 + uint64Size(v.value);
    case 'octets': case 'ipAddress': case 'opaque': return tlvSize(v.value.length);
    case 'oid': return tlvSize(oidContentLength(v.value));
    case 'null': case 'noSuchObject': case 'noSuchInstance': case 'endOfMibView': return 2;
  }
}

/** A growable forward writer. Callers compute content lengths first (valueSize, tlvSize). */
export class BerWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 1024) { this.buf = Buffer.allocUnsafe(size); }

  reset(): void { this.pos = 0; }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  header(tag: number, len: number): void {
    this.ensure(6);
    const b = this.buf;
    b[this.pos++] = tag;
    if (len < 0x80) b[this.pos++] = len;
    else {
      const n = lengthOfLength(len) - 1;
      b[this.pos++] = 0x80 | n;
      for (let i = n - 1; i >= 0; i--) b[this.pos++] = Math.floor(len / 2 ** (8 * i)) & 0xff;
    }
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  int(v: number, tag: number = Tag.Integer): void {
    const n = intSize(v);
    this.header(tag, n);
    this.ensure(n);
    for (let i = n - 1; i >= 0; i--) this.buf[this.pos++] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  }

  octets(b: Buffer, tag: number = Tag.OctetString): void {
    this.header(tag, b.length);
    this.bytes(b);
  }

  /** An OID's content octets (their number: oidContentLength), encoded here; the caller writes the header. */
  oidContentOf(oid: readonly number[], length: number): void {
    this.ensure(length);
    this.pos = putOidContent(this.buf, this.pos, oid);
  }

  /** Sub-identifiers list[from] up to list[to] (each at most 32 bits), base 128, as part of an OID's contents. */
  subIds(list: ArrayLike<number>, from: number, to: number): void {
    let n = 0;
    for (let i = from; i < to; i++) n += subIdSize(list[i]);
    this.ensure(n);
    let p = this.pos;
    for (let i = from; i < to; i++) p = putSubId(this.buf, p, list[i]);
    this.pos = p;
  }

  value(v: SnmpValue): void {
    switch (v.type) {
      case 'integer': this.int(v.value); return;
      case 'counter32': this.int(v.value, Tag.Counter32); return;
      case 'gauge32': this.int(v.value, Tag.Gauge32); return;
      case 'timeTicks': this.int(v.value, Tag.TimeTicks); return;
      case 'counter64': {
        const n = uint64Size(v.value);
        this.header(Tag.Counter64, n);
        this.ensure(n);
        const hi = hi32(v.value);
        const lo = lo32(v.value);
        for (let i = n - 1; i >= 0; i--) this.buf[this.pos++] = i >= 8 ? 0 : i >= 4 ? (hi >>> (8 * (i - 4))) & 0xff : (lo >>> (8 * i)) & 0xff;
        return;
      }
      case 'octets': this.octets(v.value); return;
      case 'ipAddress': this.octets(v.value, Tag.IpAddress); return;
      case 'opaque': this.octets(v.value, Tag.Opaque); return;
      case 'oid': { const n = oidContentLength(v.value); this.header(Tag.Oid, n); this.oidContentOf(v.value, n); return; }
      case 'null': this.header(Tag.Null, 0); return;
      case 'noSuchObject': this.header(Tag.NoSuchObject, 0); return;
      case 'noSuchInstance': this.header(Tag.NoSuchInstance, 0); return;
      case 'endOfMibView': this.header(Tag.EndOfMibView, 0); return;
    }
  }

  /** Copy of what was written. */
  take(): Buffer { return Buffer.from(this.buf.subarray(0, this.pos)); }
}

/** One TLV around already-encoded parts. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const w = new BerWriter(len + 6);
  w.header(tag, len);
  for (const p of parts) w.bytes(p);
  return w.take();
}

export function encInt(v: number, tag: number = Tag.Integer): Buffer {
  const w = new BerWriter(8);
  w.int(v, tag);
  return w.take();
}

export function encOctets(b: Buffer | string, tag: number = Tag.OctetString): Buffer {
  return tlv(tag, typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
}

export function encValue(v: SnmpValue): Buffer {
  const w = new BerWriter(valueSize(v) + 2);
  w.value(v);
  return w.take();
}
