/**
 * SNMP messages and PDUs: v1/v2c community messages (RFC 1157, RFC 1901) and the v3 message
 * (RFC 3412) with its USM security parameters (RFC 3414). Pure codecs: bytes in, structures out,
 * and back. Decoders throw BerError on anything malformed.
 */
import { BerError, BerReader, BerWriter, Tag, encInt, encOctets, encodeOidContent, intSize, lengthOfLength, tlv, tlvSize, valueSize } from './ber';
import type { SnmpValue } from './ber';
import type { Oid } from './oid';

export interface Varbind { readonly oid: Oid; readonly value: SnmpValue }

export interface Pdu {
  /** PDU tag (Tag.GetRequest ...). */
  readonly type: number;
  readonly requestId: number;
  /** error-status, or non-repeaters of a GetBulkRequest. */
  readonly errorStatus: number;
  /** error-index, or max-repetitions of a GetBulkRequest. */
  readonly errorIndex: number;
  readonly varbinds: readonly Varbind[];
  /** Contents of the variable-bindings SEQUENCE as received (echoed by error responses). */
  readonly varbindBytes: Buffer;
}

export const ErrorStatus = {
  noError: 0, tooBig: 1, noSuchName: 2, badValue: 3, readOnly: 4, genErr: 5, noAccess: 6, wrongType: 7,
  wrongLength: 8, wrongEncoding: 9, wrongValue: 10, noCreation: 11, inconsistentValue: 12,
  resourceUnavailable: 13, commitFailed: 14, undoFailed: 15, authorizationError: 16, notWritable: 17,
  inconsistentName: 18,
} as const;
export type ErrorStatusName = keyof typeof ErrorStatus;

export const V1 = 0;
export const V2C = 1;
export const V3 = 3;

const PDU_TAGS = new Set<number>([Tag.GetRequest, Tag.GetNextRequest, Tag.Response, Tag.SetRequest, Tag.GetBulkRequest,
  Tag.InformRequest, Tag.SNMPv2Trap, Tag.Report]);

export function decodePdu(r: BerReader): Pdu {
  const type = r.peekTag();
  if (!PDU_TAGS.has(type)) throw new BerError(`unsupported PDU type 0x${type.toString(16)}`);
  const outer = r.enter(type);
  const requestId = r.int();
  const errorStatus = r.int();
  const errorIndex = r.int();
  const inPdu = r.enter(Tag.Sequence);
  const start = r.pos;
  let count = 0;
  while (!r.atEnd()) { r.skip(); count++; }
  r.pos = start;
  const varbinds = new Array<Varbind>(count);
  for (let i = 0; i < count; i++) {
    const inList = r.enter(Tag.Sequence);
    const oid = r.oid();
    const value = r.value();
    r.leave(inList, 'a varbind');
    varbinds[i] = { oid, value };
  }
  const end = r.pos;
  r.leave(inPdu, 'the variable bindings');
  r.leave(outer, 'the PDU');
  return new DecodedPdu(type, requestId, errorStatus, errorIndex, varbinds, r.buf, start, end);
}

/** A PDU as decoded: its variable bindings' bytes are a view of the datagram, made when asked for (an error's echo). */
class DecodedPdu implements Pdu {
  constructor(
    readonly type: number, readonly requestId: number, readonly errorStatus: number, readonly errorIndex: number,
    readonly varbinds: readonly Varbind[], private readonly buf: Buffer, private readonly start: number, private readonly end: number,
  ) {}

  get varbindBytes(): Buffer { return this.buf.subarray(this.start, this.end); }
}

/** Size of one varbind's TLV, from its OID content length and value. */
export function varbindSize(oidContentLength: number, value: SnmpValue): number {
  return tlvSize(tlvSize(oidContentLength) + valueSize(value));
}

/** Writes one varbind TLV. */
export function writeVarbind(w: BerWriter, oidContent: Buffer, value: SnmpValue): void {
  writeVarbindHead(w, oidContent.length, value);
  w.bytes(oidContent);
  w.value(value);
}

/** Writes the headers of a varbind TLV and of its OID; the OID's contents (of that length) and the value follow. */
export function writeVarbindHead(w: BerWriter, oidContentLength: number, value: SnmpValue): void {
  w.header(Tag.Sequence, tlvSize(oidContentLength) + valueSize(value));
  w.header(Tag.Oid, oidContentLength);
}

/** The concatenated varbind TLVs (contents of a variable-bindings SEQUENCE). */
export function encodeVarbinds(vbs: readonly Varbind[]): Buffer {
  const w = new BerWriter(256);
  for (const vb of vbs) writeVarbind(w, encodeOidContent(vb.oid), vb.value);
  return w.take();
}

export function encodePdu(type: number, requestId: number, errorStatus: number, errorIndex: number, varbindBytes: Buffer): Buffer {
  const head = [encInt(requestId), encInt(errorStatus), encInt(errorIndex)];
  const headLen = head[0].length + head[1].length + head[2].length;
  const content = headLen + tlvSize(varbindBytes.length);
  const w = new BerWriter(tlvSize(content));
  w.header(type, content);
  for (const h of head) w.bytes(h);
  w.header(Tag.Sequence, varbindBytes.length);
  w.bytes(varbindBytes);
  return w.take();
}

// ---- v1 / v2c ---------------------------------------------------------------------------------------

export interface CommunityMessage {
  readonly version: typeof V1 | typeof V2C;
  readonly community: Buffer;
  readonly pdu: Pdu;
}

export function encodeCommunityMessage(version: number, community: Buffer, pduBytes: Buffer): Buffer {
  return tlv(Tag.Sequence, encInt(version), encOctets(community), pduBytes);
}

/** Size of a community message carrying a PDU with these fields and varbinds of this size. */
export function communityMessageSize(community: Buffer, requestId: number, errorStatus: number, errorIndex: number, varbindsLength: number): number {
  const pdu = tlvSize(2 + intSize(requestId) + 2 + intSize(errorStatus) + 2 + intSize(errorIndex) + tlvSize(varbindsLength));
  return tlvSize(3 + tlvSize(community.length) + pdu);
}

/** A whole community message in one buffer, written once (the agent's hot path). */
export function encodeCommunityPdu(version: number, community: Buffer, type: number, requestId: number, errorStatus: number, errorIndex: number, varbinds: Buffer): Buffer {
  const pduContent = 2 + intSize(requestId) + 2 + intSize(errorStatus) + 2 + intSize(errorIndex) + tlvSize(varbinds.length);
  const msgContent = 3 + tlvSize(community.length) + tlvSize(pduContent);
  const w = new BerWriter(tlvSize(msgContent));
  w.header(Tag.Sequence, msgContent);
  w.int(version);
  w.octets(community);
  w.header(type, pduContent);
  w.int(requestId);
  w.int(errorStatus);
  w.int(errorIndex);
  w.header(Tag.Sequence, varbinds.length);
  w.bytes(varbinds);
  return w.buf.length === w.pos ? w.buf : w.take();
}

// ---- v3 ---------------------------------------------------------------------------------------------

export const MsgFlags = { auth: 1, priv: 2, reportable: 4 } as const;
export const USM_SECURITY_MODEL = 3;

export interface V3Header {
  readonly msgId: number;
  readonly maxSize: number;
  readonly flags: number;
  readonly securityModel: number;
}

export interface UsmParams {
  readonly engineId: Buffer;
  readonly boots: number;
  readonly time: number;
  readonly userName: Buffer;
  readonly authParams: Buffer;
  readonly privParams: Buffer;
}

export interface V3Message {
  readonly version: typeof V3;
  readonly header: V3Header;
  readonly usm: UsmParams;
  /** Offset of the authentication parameters' contents in the message (to zero them before the digest). */
  readonly authOffset: number;
  /** The scopedPDU TLV when not encrypted, else the encrypted octets. */
  readonly data: { readonly plain: Buffer } | { readonly encrypted: Buffer };
}

export interface ScopedPdu {
  readonly contextEngineId: Buffer;
  readonly contextName: Buffer;
  readonly pdu: Pdu;
}

export type Message = CommunityMessage | V3Message;

/** Decodes a whole datagram (any version). The USM parameters of a v3 message are decoded too. */
export function decodeMessage(buf: Buffer): Message {
  const r = new BerReader(buf);
  const outer = r.enter(Tag.Sequence);
  if (outer !== r.end) throw new BerError('trailing data after the message');
  const version = r.int();
  if (version === V1 || version === V2C) {
    const community = r.octets();
    const pdu = decodePdu(r);
    if (!r.atEnd()) throw new BerError('trailing data in the message');
    return { version, community, pdu };
  }
  if (version !== V3) throw new UnknownVersion(version);
  const g = r.sub(Tag.Sequence);
  const msgId = g.int();
  const maxSize = g.int();
  const flagsOctets = g.octets();
  const securityModel = g.int();
  if (!g.atEnd() || flagsOctets.length !== 1) throw new BerError('bad msgGlobalData');
  if (msgId < 0 || maxSize < 484 || securityModel < 1) throw new BerError('msgGlobalData out of range');
  const sp = r.sub(Tag.OctetString);
  const u = sp.sub(Tag.Sequence);
  const engineId = u.octets();
  const boots = u.int();
  const time = u.int();
  const userName = u.octets();
  const authParams = u.octets();
  const privParams = u.octets();
  if (!u.atEnd() || !sp.atEnd()) throw new BerError('bad USM security parameters');
  if (boots < 0 || time < 0 || engineId.length > 32 || userName.length > 32) throw new BerError('USM parameters out of range');
  const authOffset = authParams.byteOffset - buf.byteOffset;
  const tag = r.peekTag();
  let data: V3Message['data'];
  if (tag === Tag.Sequence) data = { plain: r.raw() };
  else data = { encrypted: r.octets() };
  if (!r.atEnd()) throw new BerError('trailing data in the message');
  return { version: V3, header: { msgId, maxSize, flags: flagsOctets[0], securityModel }, usm: { engineId, boots, time, userName, authParams, privParams }, authOffset, data };
}

export class UnknownVersion extends Error {
  constructor(readonly version: number) { super(`unknown SNMP version ${version}`); }
}

export function decodeScopedPdu(buf: Buffer): ScopedPdu {
  // A decrypted scopedPDU may carry padding after the SEQUENCE (DES): read one TLV, ignore the rest.
  const r = new BerReader(buf).sub(Tag.Sequence);
  const contextEngineId = r.octets();
  const contextName = r.octets();
  const pdu = decodePdu(r);
  if (!r.atEnd()) throw new BerError('trailing data in the scopedPDU');
  return { contextEngineId, contextName, pdu };
}

export function encodeScopedPdu(contextEngineId: Buffer, contextName: Buffer, pduBytes: Buffer): Buffer {
  return tlv(Tag.Sequence, encOctets(contextEngineId), encOctets(contextName), pduBytes);
}

/**
 * Encodes a v3 message. data is the scopedPDU TLV, or the encrypted octets when flags has priv.
 * The authentication parameters are authLength zero octets at authOffset, to be replaced by the digest.
 */
export function encodeV3Message(h: V3Header, usm: Omit<UsmParams, 'authParams'> & { readonly authLength: number }, data: Buffer): { msg: Buffer; authOffset: number } {
  const global = tlv(Tag.Sequence, encInt(h.msgId), encInt(h.maxSize), encOctets(Buffer.from([h.flags])), encInt(h.securityModel));
  const parts = [encOctets(usm.engineId), encInt(usm.boots), encInt(usm.time), encOctets(usm.userName)];
  const auth = encOctets(Buffer.alloc(usm.authLength));
  const priv = encOctets(usm.privParams);
  const usmSeq = tlv(Tag.Sequence, ...parts, auth, priv);
  const secParams = tlv(Tag.OctetString, usmSeq);
  const version = encInt(V3);
  const body = (h.flags & MsgFlags.priv) ? encOctets(data) : data;
  const msg = tlv(Tag.Sequence, version, global, secParams, body);
  const hdr = (contentLen: number): number => 1 + lengthOfLength(contentLen);
  let off = hdr(contentLength(msg)) + version.length + global.length + hdr(contentLength(secParams)) + hdr(contentLength(usmSeq));
  for (const p of parts) off += p.length;
  off += hdr(usm.authLength);
  return { msg, authOffset: off };
}

/** Content length of a TLV built by tlv(). */
function contentLength(t: Buffer): number {
  const l = t[1];
  if (l < 0x80) return l;
  let n = 0;
  for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + t[2 + i];
  return n;
}
