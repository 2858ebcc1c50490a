/**
 * Notification originator (RFC 3413 section 3.2): SNMPv2-Trap and InformRequest PDUs to the configured
 * notification targets, over v2c (community) or v3 (USM). Traps are sent once. Informs wait for their
 * Response, are retried after the target's timeout up to its retries, and queue per target (bounded:
 * the oldest is dropped and counted). v3 informs first discover the receiver's engine (RFC 3414
 * section 4: the receiver is authoritative) and localise the user's keys to it. Everything here is
 * asynchronous and never blocks the agent: a target that is down only fills its own queue.
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { InstanceTree, PathSeg } from '../state/tree';
import { Tag } from './ber';
import type { TargetConfig, UsmUser } from './access';
import { plainAddress } from './access';
import type { SnmpEngine } from './engine';
import { MsgFlags, V2C, V3, decodeMessage, decodeScopedPdu, encodeCommunityMessage, encodePdu, encodeVarbinds } from './message';
import type { Message, Varbind } from './message';
import { OIDS, compareOids } from './oid';
import { decryptScoped, encodeV3, userLevel } from './v3';
import { userKeys, verify } from './usm';
import type { SaltSource, UsmKeys } from './usm';

/** Informs waiting for a response, per target. */
export const MAX_PENDING = 100;

interface Pending {
  readonly requestId: number;
  /** msgIDs of its v3 transmissions (each retransmission has its own, RFC 3412 section 6.2). */
  readonly msgIds: number[];
  readonly varbinds: Buffer;
  tries: number;
  timer?: NodeJS.Timeout;
  transmitted: boolean;
  /** Sent again at once after a Report (time window, engine change): once only, then the timer's retries. */
  resent?: boolean;
}

interface RemoteEngine { readonly id: Buffer; boots: number; time: number; at: number; readonly keys: UsmKeys }

interface Target {
  readonly cfg: TargetConfig;
  readonly user?: UsmUser;
  sent: bigint;
  acknowledged: bigint;
  dropped: bigint;
  readonly pending: Pending[];
  addr?: { address: string; family: 4 | 6 };
  resolving: boolean;
  remote?: RemoteEngine;
  discovery?: { msgId: number; tries: number; timer?: NodeJS.Timeout };
  closed: boolean;
}

export interface NotifierDeps {
  readonly engine: SnmpEngine;
  readonly salts: SaltSource;
  readonly tree: InstanceTree;
  readonly maxMessageSize: number;
  /** sysUpTime in hundredths of a second. */
  upTime(): number;
  log(line: string): void;
}

function targetPath(name: string): PathSeg[] {
  return [{ cls: 'configuration' }, { cls: 'notificationTarget', keys: [name] }];
}

export class Notifier {
  private targets = new Map<string, Target>();
  private sockets: { 4?: dgram.Socket; 6?: dgram.Socket } = {};
  private nextId = Math.floor(Math.random() * 0x3fffffff) + 1;
  private closed = false;

  constructor(private readonly deps: NotifierDeps) {}

  private id(): number {
    this.nextId = this.nextId >= 0x7ffffffe ? 1 : this.nextId + 1;
    return this.nextId;
  }

  /** Makes the targets exactly the configured ones (kept counters survive an unchanged target). */
  setTargets(configs: readonly TargetConfig[], users: ReadonlyMap<string, UsmUser>): void {
    const next = new Map<string, Target>();
    for (const cfg of configs) {
      const old = this.targets.get(cfg.name);
      const user = cfg.version === 'v3' ? users.get(cfg.user) : undefined;
      if (old && JSON.stringify(old.cfg) === JSON.stringify(cfg) && old.user === user) { next.set(cfg.name, old); continue; }
      if (old) this.closeTarget(old);
      const t: Target = { cfg, user, sent: old?.sent ?? 0n, acknowledged: old?.acknowledged ?? 0n, dropped: old?.dropped ?? 0n, pending: [], resolving: false, closed: false };
      next.set(cfg.name, t);
      this.writeState(t);
    }
    for (const [name, old] of this.targets) {
      if (next.has(name)) continue;
      this.closeTarget(old);
      this.deps.tree.remove(targetPath(name));
    }
    this.targets = next;
  }

  /** Sends a notification (its snmpTrapOID and objects) to every unlocked target. */
  notify(trapOid: readonly number[], objects: readonly Varbind[]): void {
    if (this.closed) return;
    const varbinds = encodeVarbinds([
      { oid: OIDS.sysUpTime0, value: { type: 'timeTicks', value: this.deps.upTime() } },
      { oid: OIDS.snmpTrapOID0, value: { type: 'oid', value: trapOid } },
      ...objects,
    ]);
    for (const t of this.targets.values()) {
      if (t.cfg.locked || !t.cfg.host) continue;
      if (t.cfg.version === 'v3' && !t.user) { t.dropped++; this.writeState(t); continue; }
      const p: Pending = { requestId: this.id(), msgIds: [], varbinds, tries: 0, transmitted: false };
      if (t.cfg.type === 'inform' || !t.addr) {
        t.pending.push(p);
        while (t.pending.length > MAX_PENDING) this.drop(t, t.pending[0]);
      }
      this.transmit(t, p);
      this.writeState(t);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.targets.values()) this.closeTarget(t);
    for (const s of Object.values(this.sockets)) s?.close();
    this.sockets = {};
  }

  /** Counters of a target (tests, bench). */
  stats(name: string): { sent: bigint; acknowledged: bigint; dropped: bigint; queueLength: number } | undefined {
    const t = this.targets.get(name);
    return t && { sent: t.sent, acknowledged: t.acknowledged, dropped: t.dropped, queueLength: t.cfg.type === 'inform' ? t.pending.length : 0 };
  }

  private closeTarget(t: Target): void {
    t.closed = true;
    for (const p of t.pending) clearTimeout(p.timer);
    if (t.discovery) clearTimeout(t.discovery.timer);
  }

  private writeState(t: Target): void {
    if (t.closed) return;
    this.deps.tree.set(targetPath(t.cfg.name), {
      sent: t.sent, acknowledged: t.acknowledged, dropped: t.dropped, queueLength: t.cfg.type === 'inform' ? t.pending.length : 0,
    });
  }

  private drop(t: Target, p: Pending): void {
    clearTimeout(p.timer);
    const i = t.pending.indexOf(p);
    if (i >= 0) t.pending.splice(i, 1);
    t.dropped++;
    this.writeState(t);
  }

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.sockets[family];
    if (!s) {
      s = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
      s.on('message', (msg, rinfo) => { try { this.onMessage(msg, rinfo); } catch { /* not ours, or malformed */ } });
      s.on('error', (e) => this.deps.log(`snmp notifications: ${e.message}`));
      s.unref();
      this.sockets[family] = s;
    }
    return s;
  }

  private send(t: Target, bytes: Buffer): void {
    const a = t.addr!;
    this.socket(a.family).send(bytes, t.cfg.port, a.address, (e) => { if (e) this.deps.log(`snmp notification to ${t.cfg.name}: ${e.message}`); });
  }

  /** Sends (or resends) one notification; resolves the host and discovers the engine first when needed. */
  private transmit(t: Target, p: Pending): void {
    if (t.closed) return;
    if (!t.addr) { this.resolve(t); return; }
    if (t.cfg.type === 'inform' && t.cfg.version === 'v3' && !t.remote) { this.discover(t); return; }
    if (!p.transmitted) { p.transmitted = true; t.sent++; this.writeState(t); }
    const pduType = t.cfg.type === 'inform' ? Tag.InformRequest : Tag.SNMPv2Trap;
    const pdu = encodePdu(pduType, p.requestId, 0, 0, p.varbinds);
    if (t.cfg.version === 'v2c') this.send(t, encodeCommunityMessage(V2C, Buffer.from(t.cfg.community, 'utf8'), pdu));
    else {
      const u = t.user!;
      const inform = t.cfg.type === 'inform';
      const r = inform ? t.remote! : undefined;
      const msgId = this.id();
      if (inform) p.msgIds.push(msgId);
      const e = this.deps.engine;
      this.send(t, encodeV3({
        msgId, maxSize: this.deps.maxMessageSize, flags: userLevel(u) | (inform ? MsgFlags.reportable : 0),
        engineId: r ? r.id : e.id, boots: r ? r.boots : e.boots, time: r ? r.time + Math.floor((Date.now() - r.at) / 1000) : e.time(),
        userName: Buffer.from(u.name, 'utf8'), keys: r ? r.keys : u.keys,
        contextEngineId: r ? r.id : e.id, contextName: Buffer.alloc(0), pdu,
      }, this.deps.salts));
    }
    if (t.cfg.type === 'trap') {
      const i = t.pending.indexOf(p);
      if (i >= 0) t.pending.splice(i, 1);
      return;
    }
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      if (p.tries >= t.cfg.retries) { this.drop(t, p); return; }
      p.tries++;
      this.transmit(t, p);
    }, t.cfg.timeout);
    p.timer.unref();
  }

  private flush(t: Target): void {
    for (const p of [...t.pending]) this.transmit(t, p);
  }

  private resolve(t: Target): void {
    if (t.resolving) return;
    t.resolving = true;
    const host = t.cfg.host;
    const done = (address: string, family: number): void => {
      t.resolving = false;
      if (t.closed) return;
      t.addr = { address, family: family === 6 ? 6 : 4 };
      this.flush(t);
    };
    if (net.isIP(host)) { done(host, net.isIP(host)); return; }
    dns.lookup(host, (err, address, family) => {
      if (err) {
        t.resolving = false;
        this.deps.log(`snmp notification target ${t.cfg.name}: cannot resolve ${host}: ${err.message}`);
        for (const p of [...t.pending]) this.drop(t, p);
        return;
      }
      done(address, family);
    });
  }

  /** Engine discovery of a v3 inform receiver: an unauthenticated, reportable probe (RFC 3414 section 4). */
  private discover(t: Target): void {
    if (t.discovery && t.discovery.timer) return;
    const d = t.discovery ?? { msgId: 0, tries: 0 };
    t.discovery = d;
    d.msgId = this.id();
    const probe = encodeV3({
      msgId: d.msgId, maxSize: this.deps.maxMessageSize, flags: MsgFlags.reportable, engineId: Buffer.alloc(0), boots: 0, time: 0,
      userName: Buffer.alloc(0), contextEngineId: Buffer.alloc(0), contextName: Buffer.alloc(0),
      pdu: encodePdu(Tag.GetRequest, this.id(), 0, 0, Buffer.alloc(0)),
    }, this.deps.salts);
    this.send(t, probe);
    d.timer = setTimeout(() => {
      d.timer = undefined;
      if (t.closed) return;
      if (d.tries >= t.cfg.retries) {
        t.discovery = undefined;
        this.deps.log(`snmp notification target ${t.cfg.name}: no answer to engine discovery`);
        for (const p of [...t.pending]) this.drop(t, p);
        return;
      }
      d.tries++;
      this.discover(t);
    }, t.cfg.timeout);
    d.timer.unref();
  }

  private targetFrom(address: string, port: number): Target[] {
    const a = plainAddress(address);
    return [...this.targets.values()].filter((t) => t.addr && plainAddress(t.addr.address) === a && t.cfg.port === port);
  }

  private acknowledge(t: Target, p: Pending): void {
    clearTimeout(p.timer);
    t.pending.splice(t.pending.indexOf(p), 1);
    t.acknowledged++;
    this.writeState(t);
  }

  private onMessage(raw: Buffer, rinfo: dgram.RemoteInfo): void {
    const m: Message = decodeMessage(raw);
    for (const t of this.targetFrom(rinfo.address, rinfo.port)) {
      if (m.version === V2C && t.cfg.version === 'v2c') {
        if (m.pdu.type !== Tag.Response) continue;
        const p = t.pending.find((x) => x.requestId === m.pdu.requestId && x.transmitted);
        if (p) { this.acknowledge(t, p); return; }
        continue;
      }
      if (m.version !== V3 || t.cfg.version !== 'v3') continue;
      const d = t.discovery;
      if (d && m.header.msgId === d.msgId && 'plain' in m.data) {
        const pdu = decodeScopedPdu(m.data.plain).pdu;
        if (pdu.type !== Tag.Report || m.usm.engineId.length === 0) continue;
        clearTimeout(d.timer);
        t.discovery = undefined;
        const u = t.user!;
        t.remote = { id: Buffer.from(m.usm.engineId), boots: m.usm.boots, time: m.usm.time, at: Date.now(),
          keys: userKeys(u.auth, u.authPass, u.priv, u.privPass, m.usm.engineId) };
        this.flush(t);
        return;
      }
      const p = t.pending.find((x) => x.transmitted && x.msgIds.includes(m.header.msgId));
      const r = t.remote;
      if (!p || !r || !m.usm.engineId.equals(r.id)) continue;
      const k = r.keys;
      if ((m.header.flags & MsgFlags.auth) && (k.auth === 'none' || !k.authKey || !verify(k.auth, k.authKey, raw, m.authOffset, m.usm.authParams))) continue;
      const plain = (m.header.flags & MsgFlags.priv) ? decryptScoped(m, k) : 'plain' in m.data ? m.data.plain : undefined;
      if (!plain) continue;
      const pdu = decodeScopedPdu(plain).pdu;
      if (pdu.type === Tag.Report) {
        if (p.resent) return;
        p.resent = true;
        // notInTimeWindow: take the receiver's clock and send again at once; unknownEngineID: discover again.
        if (pdu.varbinds.some((vb) => compareOids(vb.oid, OIDS.usmStatsNotInTimeWindows) === 0)) {
          r.boots = m.usm.boots; r.time = m.usm.time; r.at = Date.now();
          this.transmit(t, p);
        } else if (pdu.varbinds.some((vb) => compareOids(vb.oid, OIDS.usmStatsUnknownEngineIDs) === 0)) {
          t.remote = undefined;
          this.transmit(t, p);
        }
        return;
      }
      if (pdu.type === Tag.Response && pdu.requestId === p.requestId) { this.acknowledge(t, p); return; }
    }
  }
}
