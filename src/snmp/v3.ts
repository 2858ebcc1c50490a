/**
 * SNMPv3 message processing with the User-based Security Model (RFC 3412 section 7.2, RFC 3414
 * section 3): engine discovery (Report usmStatsUnknownEngineIDs), the user and security level (Reports
 * usmStatsUnknownUserNames, usmStatsUnsupportedSecLevels), authentication (Report usmStatsWrongDigests),
 * the time window (Report usmStatsNotInTimeWindows, authenticated), decryption (counted and dropped,
 * like Net-SNMP's snmpd), and the outgoing side (responses, reports, notifications). Every error is
 * counted; a Report goes back only when the request's reportable flag is set (RFC 3412 section 7.2
 * step 3), and carries nothing but the counter, our engine's ID, boots and time.
 */
import { BerError, Tag } from './ber';
import type { SnmpValue } from './ber';
import type { SnmpEngine } from './engine';
import { MAX_BOOTS } from './engine';
import { MsgFlags, USM_SECURITY_MODEL, decodeScopedPdu, encodePdu, encodeScopedPdu, encodeV3Message, encodeVarbinds } from './message';
import type { ScopedPdu, V3Message } from './message';
import { OIDS } from './oid';
import type { Oid } from './oid';
import type { SnmpCounters } from './system';
import type { UsmUser } from './access';
import { aesDecrypt, aesEncrypt, desDecrypt, desEncrypt, macLength, sign, verify } from './usm';
import type { SaltSource, UsmKeys } from './usm';

/** RFC 3414 section 3.2 step 7: 150 seconds either way. */
const TIME_WINDOW = 150;

export interface V3Context {
  readonly engine: SnmpEngine;
  readonly counters: SnmpCounters;
  readonly salts: SaltSource;
  readonly maxMessageSize: number;
  users(): ReadonlyMap<string, UsmUser>;
}

export interface OutgoingV3 {
  readonly msgId: number;
  readonly maxSize: number;
  /** auth/priv bits (the security level) plus reportable. */
  readonly flags: number;
  readonly engineId: Buffer;
  readonly boots: number;
  readonly time: number;
  readonly userName: Buffer;
  readonly keys?: UsmKeys;
  readonly contextEngineId: Buffer;
  readonly contextName: Buffer;
  readonly pdu: Buffer;
}

/** Encodes (encrypts, signs) a v3 message. */
export function encodeV3(o: OutgoingV3, salts: SaltSource): Buffer {
  const auth = (o.flags & MsgFlags.auth) !== 0;
  const priv = (o.flags & MsgFlags.priv) !== 0;
  const scoped = encodeScopedPdu(o.contextEngineId, o.contextName, o.pdu);
  let data: Buffer = scoped;
  let privParams: Buffer = Buffer.alloc(0);
  if (priv) {
    const k = o.keys;
    if (!k?.privKey) throw new Error('privacy without a privacy key');
    if (k.priv === 'aes') {
      privParams = salts.next();
      data = aesEncrypt(k.privKey, o.boots, o.time, privParams, scoped);
    } else {
      privParams = salts.nextDes(o.boots);
      data = desEncrypt(k.privKey, privParams, scoped);
    }
  }
  const authLength = auth && o.keys ? macLength(o.keys.auth) : 0;
  const { msg, authOffset } = encodeV3Message(
    { msgId: o.msgId, maxSize: o.maxSize, flags: o.flags, securityModel: USM_SECURITY_MODEL },
    { engineId: o.engineId, boots: o.boots, time: o.time, userName: o.userName, authLength, privParams }, data);
  if (auth) {
    if (!o.keys?.authKey || o.keys.auth === 'none') throw new Error('authentication without a key');
    sign(o.keys.auth, o.keys.authKey, msg, authOffset);
  }
  return msg;
}

/** Decrypts the scopedPDU of a message with privacy; undefined on failure. */
export function decryptScoped(m: V3Message, keys: UsmKeys): Buffer | undefined {
  if (!('encrypted' in m.data) || !keys.privKey || m.usm.privParams.length !== 8) return undefined;
  try {
    return keys.priv === 'aes'
      ? aesDecrypt(keys.privKey, m.usm.boots, m.usm.time, m.usm.privParams, m.data.encrypted)
      : desDecrypt(keys.privKey, m.usm.privParams, m.data.encrypted);
  } catch { return undefined; }
}

export type V3Outcome =
  | { readonly kind: 'drop' }
  | { readonly kind: 'send'; readonly msg: Buffer }
  | { readonly kind: 'request'; readonly scoped: ScopedPdu; readonly user: UsmUser; readonly level: number;
      /** Encodes a response PDU (already encoded) in a message of the request's security level. */
      readonly wrap: (pdu: Buffer) => Buffer;
      /** Largest response the requester accepts. */
      readonly maxSize: number };

function requestIdOf(m: V3Message): number {
  if (!('plain' in m.data)) return 0;
  try { return decodeScopedPdu(m.data.plain).pdu.requestId; } catch { return 0; }
}

/** A Report-PDU carrying one usmStats counter. */
function report(ctx: V3Context, m: V3Message, oid: Oid, value: number, user: UsmUser | undefined, level: number): Buffer {
  const vb: SnmpValue = { type: 'counter32', value: value % 0x100000000 };
  const pdu = encodePdu(Tag.Report, requestIdOf(m), 0, 0, encodeVarbinds([{ oid, value: vb }]));
  return encodeV3({
    msgId: m.header.msgId, maxSize: ctx.maxMessageSize, flags: level, engineId: ctx.engine.id,
    boots: ctx.engine.boots, time: ctx.engine.time(), userName: m.usm.userName, keys: user?.keys,
    contextEngineId: ctx.engine.id, contextName: Buffer.alloc(0), pdu,
  }, ctx.salts);
}

/** Processes an incoming v3 message addressed to this (authoritative) engine. */
export function receiveV3(ctx: V3Context, m: V3Message, raw: Buffer): V3Outcome {
  const c = ctx.counters;
  const level = m.header.flags & (MsgFlags.auth | MsgFlags.priv);
  const reportable = (m.header.flags & MsgFlags.reportable) !== 0;
  if (m.header.securityModel !== USM_SECURITY_MODEL) { c.unknownSecurityModels++; return { kind: 'drop' }; }
  if (level === MsgFlags.priv) { c.invalidMsgs++; return { kind: 'drop' }; }
  if (!m.usm.engineId.equals(ctx.engine.id)) {
    c.usmUnknownEngineIDs++;
    return reportable ? { kind: 'send', msg: report(ctx, m, OIDS.usmStatsUnknownEngineIDs, c.usmUnknownEngineIDs, undefined, 0) } : { kind: 'drop' };
  }
  // An unauthenticated Report (noAuthNoPriv) of one usmStats counter, when the sender asked for reports.
  const refuse = (oid: Oid, value: number): V3Outcome =>
    reportable ? { kind: 'send', msg: report(ctx, m, oid, value, undefined, 0) } : { kind: 'drop' };
  const user = ctx.users().get(m.usm.userName.toString('utf8'));
  if (!user) return refuse(OIDS.usmStatsUnknownUserNames, ++c.usmUnknownUserNames);
  // RFC 3414 section 3.2 step 5: a level the user is not configured for. A user with keys is only
  // served at its own level, so a lower one is refused here too (with a Report, not a timeout).
  if (level !== userLevel(user)) return refuse(OIDS.usmStatsUnsupportedSecLevels, ++c.usmUnsupportedSecLevels);
  if (level & MsgFlags.auth) {
    const k = user.keys;
    if (k.auth === 'none' || !k.authKey || !verify(k.auth, k.authKey, raw, m.authOffset, m.usm.authParams)) {
      return refuse(OIDS.usmStatsWrongDigests, ++c.usmWrongDigests);
    }
    const boots = ctx.engine.boots;
    if (boots === MAX_BOOTS || m.usm.boots !== boots || Math.abs(m.usm.time - ctx.engine.time()) > TIME_WINDOW) {
      c.usmNotInTimeWindows++;
      return reportable ? { kind: 'send', msg: report(ctx, m, OIDS.usmStatsNotInTimeWindows, c.usmNotInTimeWindows, user, MsgFlags.auth) } : { kind: 'drop' };
    }
  }
  let plain: Buffer;
  if (level & MsgFlags.priv) {
    const d = decryptScoped(m, user.keys);
    if (!d) { c.usmDecryptionErrors++; return { kind: 'drop' }; }
    plain = d;
  } else {
    if (!('plain' in m.data)) throw new BerError('encrypted data without the privacy flag');
    plain = m.data.plain;
  }
  let scoped: ScopedPdu;
  try { scoped = decodeScopedPdu(plain); } catch (e) {
    // A decryption with a wrong key yields garbage: RFC 3414 counts it as a decryption error.
    if (level & MsgFlags.priv) { c.usmDecryptionErrors++; return { kind: 'drop' }; }
    throw e;
  }
  const maxSize = Math.min(m.header.maxSize, ctx.maxMessageSize);
  const wrap = (pdu: Buffer): Buffer => encodeV3({
    msgId: m.header.msgId, maxSize: ctx.maxMessageSize, flags: level, engineId: ctx.engine.id,
    boots: ctx.engine.boots, time: ctx.engine.time(), userName: m.usm.userName, keys: user.keys,
    contextEngineId: ctx.engine.id, contextName: scoped.contextName, pdu,
  }, ctx.salts);
  return { kind: 'request', scoped, user, level, wrap, maxSize };
}

/** The security level a user is configured for (auth and priv bits). */
export function userLevel(u: UsmUser): number {
  return (u.auth !== 'none' ? MsgFlags.auth : 0) | (u.priv !== 'none' ? MsgFlags.priv : 0);
}

