/**
 * The SNMP agent: a UDP socket, the message processing of each version (community check for v1/v2c,
 * USM for v3), the command responder (dispatch.ts) over the MIB view, and the notification originator.
 * The socket lives on a thread of its own (socket-thread.ts), which answers again the v1/v2c GETs answered here
 * before, from varbinds kept current by get-cells.ts, and hands every other datagram to onDatagram.
 * The request path is synchronous from datagram to reply: nothing in it awaits, so one slow
 * notification target or chain never delays an answer. Only while the MIB view's index is being built over
 * turns (a large table after a start or a configuration change: mibview.ts, advance()) do datagrams wait, in
 * order, at most PENDING_MAX_BYTES of them; they are answered when the build round ends. Every datagram is handled inside one try:
 * malformed input is counted and dropped, never fatal.
 */
import type * as dgram from 'node:dgram';
import type { Bridge } from '../bridge';
import { VERSION } from '../bridge';
import type { CommitRecord } from '../config/datastore';
import type { AlarmNotice } from '../events';
import { modelIndex } from '../model';
import { readAgentConfig } from './access';
import type { AgentConfig, Community } from './access';
import { BerError, Tag } from './ber';
import { Dispatcher } from './dispatch';
import { GetCells } from './get-cells';
import type { Reply } from './dispatch';
import { SnmpEngine } from './engine';
import { ErrorStatus, UnknownVersion, V3, communityMessageSize, decodeMessage, encodeCommunityPdu, encodePdu } from './message';
import type { CommunityMessage, V3Message, Varbind } from './message';
import { MibView, instanceIndex } from './mibview';
import { Notifier } from './notify';
import { OIDS, parseOid } from './oid';
import { SnmpCounters, defaultSystemInfo, standardObjects } from './system';
import { upTime } from './uptime';
import type { SystemInfo } from './system';
import { MainThreadSocket, SocketThread, socketThreadWanted } from './socket-thread';
import type { AgentSocket } from './socket-thread';
import { SaltSource } from './usm';
import { Turns } from '../turns';
import { receiveV3 } from './v3';
import type { V3Context } from './v3';

/** Largest UDP payload over IPv4, and our msgMaxSize. */
export const MAX_MESSAGE_SIZE = 65507;
/** Datagrams kept while the index is built over turns (bytes); more are dropped (the manager retries). */
export const PENDING_MAX_BYTES = 1 << 20;
/** Room for length fields that grow when varbinds are added, and DES padding. */
const SLACK = 24;

export interface AgentOptions {
  /** UDP port; 0 picks a free one. Default: configuration snmpPort. */
  readonly port?: number;
  /** Default: configuration snmpAddress. */
  readonly address?: string;
}

export class SnmpAgent {
  readonly counters = new SnmpCounters();
  readonly engine: SnmpEngine;
  readonly view: MibView;
  readonly notifier: Notifier;
  readonly info: SystemInfo;
  private readonly dispatcher: Dispatcher;
  private readonly salts = new SaltSource();
  private readonly v3: V3Context;
  private config: AgentConfig;
  /** The UDP socket, on its own thread unless BCMGMT_SNMP_THREAD=off (socket-thread.ts); made by start(). */
  private socket: AgentSocket | undefined;
  /** What the socket thread is taught to answer on its own (with a SocketThread). */
  private cells: GetCells | undefined;
  private bound: { address: string; port: number } | undefined;
  /** Datagrams dropped because of an exception other than a BER error (bugs): logged, counted as parse errors. */
  internalErrors = 0;
  private rebindTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Datagrams that came while the index was being built, in order of arrival. */
  private pending: { msg: Buffer; rinfo: dgram.RemoteInfo }[] = [];
  private pendingBytes = 0;
  private draining = false;
  /** Datagrams dropped because PENDING_MAX_BYTES were waiting for a build. */
  droppedWhileBuilding = 0;
  private readonly onCommit = (r: CommitRecord): void => { if (r.target === 'running') this.reload(); };
  private readonly onAlarm = (n: AlarmNotice): void => this.alarm(n);

  constructor(private readonly bridge: Bridge, private readonly opts: AgentOptions = {}) {
    this.engine = SnmpEngine.boot(bridge.dataDir);
    this.info = defaultSystemInfo(VERSION, Date.now(), MAX_MESSAGE_SIZE);
    this.view = new MibView(bridge.tree, standardObjects(this.info, this.engine, this.counters));
    this.dispatcher = new Dispatcher(this.view, { commit: (doc, info) => bridge.commit(doc, info), validate: (doc) => bridge.datastore.validate(doc) });
    this.config = readAgentConfig({}, this.engine.id);
    this.v3 = { engine: this.engine, counters: this.counters, salts: this.salts, maxMessageSize: MAX_MESSAGE_SIZE, users: () => this.config.users };
    this.notifier = new Notifier({
      engine: this.engine, salts: this.salts, tree: bridge.tree, maxMessageSize: MAX_MESSAGE_SIZE,
      upTime: () => upTime(this.info.startedAt), log: (l) => bridge.log(l),
    });
  }

  get port(): number { return this.bound?.port ?? 0; }
  get address(): string { return this.bound?.address ?? ''; }
  /** The socket thread's id in the operating system (Linux), for per-thread figures; undefined without one. */
  get socketThreadId(): number | undefined { return this.socket?.threadId(); }

  async start(): Promise<void> {
    this.socket = this.makeSocket(socketThreadWanted());
    this.readConfig();
    try {
      await this.bind();
    } catch (e) {
      // the port is taken, the address not ours: no thread left behind to keep the process alive
      const s = this.socket;
      this.socket = undefined;
      this.cells?.close();
      this.cells = undefined;
      await s.end();
      throw e;
    }
    this.bridge.datastore.on('committed', this.onCommit);
    this.bridge.on('alarm', this.onAlarm);
    this.notifier.notify(OIDS.coldStart, []);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bridge.datastore.off('committed', this.onCommit);
    clearTimeout(this.rebindTimer);
    this.bridge.off('alarm', this.onAlarm);
    this.notifier.close();
    this.view.close();
    this.cells?.close();
    this.cells = undefined;
    this.bound = undefined;
    const s = this.socket;
    this.socket = undefined;
    await s?.end();
  }

  /** The socket, on a thread of its own or on this one; the GET cache's teacher with the thread. */
  private makeSocket(ownThread: boolean): AgentSocket {
    const onDatagram = (msg: Buffer, rinfo: dgram.RemoteInfo): void => this.onDatagram(msg, rinfo);
    const onError = (message: string): void => this.bridge.log(`snmp: ${message}`);
    let thread: AgentSocket | undefined;
    if (ownThread) {
      try {
        thread = new SocketThread(this.info.startedAt, onDatagram, onError, (why) => this.threadEnded(why));
      } catch (e) {
        this.bridge.log(`snmp: no socket thread (${(e as Error).message}): answering on the main thread`);
      }
    }
    const s = thread ?? new MainThreadSocket(onDatagram, onError);
    this.counters.answeredElsewhere = () => s.answeredElsewhere();
    this.cells?.close();
    this.cells = s.edit ? new GetCells(this.bridge.tree, this.view, s.edit) : undefined;
    return s;
  }

  /** The socket thread ended by itself (out of memory, a bug): the socket again on the main thread. */
  private threadEnded(why: string): void {
    if (this.stopped) return;
    this.bridge.log(`snmp: the socket thread ended (${why}): answering on the main thread`);
    const before = this.counters.answeredElsewhere();
    this.socket = this.makeSocket(false);
    this.counters.inPkts += before;
    this.bound = undefined;
    void this.bind().catch((e: Error) => this.bridge.log(`snmp: cannot listen again: ${e.message}`));
  }

  private readConfig(): void {
    const doc = this.bridge.running;
    this.view.setConfig(doc);
    this.config = readAgentConfig(doc, this.engine.id);
    this.cells?.reset(Math.min(this.config.maxMessageSize, MAX_MESSAGE_SIZE));
    this.notifier.setTargets(this.config.targets, this.config.users);
  }

  private reload(): void {
    const before = this.wantedEndpoint();
    this.readConfig();
    const after = this.wantedEndpoint();
    if (this.socket && (before.address !== after.address || before.port !== after.port)) {
      // Later, so that the response to a SET that moved the agent leaves from the old socket first.
      clearTimeout(this.rebindTimer);
      this.rebindTimer = setTimeout(() => {
        if (!this.socket) return;
        void this.unbind().then(() => this.bind()).then(
          () => this.bridge.log(`snmp: now listening on udp ${this.address}:${this.port}`),
          (e: Error) => this.bridge.log(`snmp: cannot listen on ${after.address}:${after.port}: ${e.message}`));
      }, 200);
    }
  }

  private wantedEndpoint(): { address: string; port: number } {
    return { address: this.opts.address ?? this.config.address, port: this.opts.port ?? this.config.port };
  }

  private async bind(): Promise<void> {
    const { address, port } = this.wantedEndpoint();
    const s = this.socket;
    if (!s) return;
    const b = await s.bind(address, port);
    if (this.stopped || s !== this.socket) { await s.close(); return; }
    this.bound = b;
  }

  private async unbind(): Promise<void> {
    this.bound = undefined;
    await this.socket?.close();
  }

  /** Entry point of every datagram. */
  onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.counters.inPkts++;
    let ready = false;
    try {
      ready = !this.pending.length && this.view.advance();
    } catch (e) {
      this.bridge.log(`snmp: building the MIB index failed: ${(e as Error).stack ?? String(e)}`);
      return;
    }
    if (ready) { this.view.serving(() => this.process(msg, rinfo)); return; }
    if (this.pendingBytes + msg.length > PENDING_MAX_BYTES) {
      if (this.droppedWhileBuilding++ === 0) this.bridge.log(`snmp: ${PENDING_MAX_BYTES} bytes of requests wait for the MIB index: dropping more until it is built`);
      return;
    }
    this.pending.push({ msg, rinfo });
    this.pendingBytes += msg.length;
    if (!this.draining) void this.drain();
  }

  /** Builds the index over turns, then answers the datagrams that waited, from that build; again while more came. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      const turns = new Turns();
      while (this.pending.length && !this.stopped) {
        if (!this.view.advance(turns)) { await turns.next(); continue; }
        const batch = this.pending;
        this.pending = [];
        this.pendingBytes = 0;
        this.view.serving(() => { for (const d of batch) this.process(d.msg, d.rinfo); });
      }
    } catch (e) {
      this.bridge.log(`snmp: building the MIB index failed: ${(e as Error).stack ?? String(e)}`);
      this.pending = [];
      this.pendingBytes = 0;
    } finally {
      this.draining = false;
    }
  }

  /** Answers one datagram (the index is current or pinned: serving()). */
  private process(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    try {
      const out = this.handle(msg, rinfo.address);
      if (out && this.bound) this.socket?.send(out, rinfo.port, rinfo.address);
    } catch (e) {
      if (e instanceof UnknownVersion) this.counters.inBadVersions++;
      else {
        this.counters.inASNParseErrs++;
        if (!(e instanceof BerError) && this.internalErrors++ < 10) this.bridge.log(`snmp: dropped a datagram: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  /** Processes one datagram from a source address; returns the datagram to send back, if any. */
  handle(msg: Buffer, source: string): Buffer | undefined {
    const m = decodeMessage(msg);
    return m.version === V3 ? this.handleV3(m, msg) : this.handleCommunity(m, source);
  }

  private handleCommunity(m: CommunityMessage, source: string): Buffer | undefined {
    let comm: Community | undefined;
    for (const c of this.config.communities) if (c.community.equals(m.community) && c.allows(source)) { comm = c; break; }
    if (!comm) { this.counters.inBadCommunityNames++; return undefined; }
    if (!Dispatcher.handles(m.pdu.type, m.version)) {
      if (m.pdu.type === Tag.GetBulkRequest) this.counters.inASNParseErrs++; // not a v1 PDU
      return undefined;
    }
    const pdu = m.pdu;
    // The response's size is bounded by configuration (not by the request: v1/v2c carry no msgMaxSize),
    // so that a small request cannot draw a large answer (a reflection amplifier).
    const maxSize = Math.min(this.config.maxMessageSize, MAX_MESSAGE_SIZE);
    const budget = maxSize - communityMessageSize(m.community, pdu.requestId, 0, 0, 0) - SLACK;
    const reply = this.dispatcher.process(pdu, { name: comm.name, access: comm.access, version: m.version }, budget, this.config.maxRepetitions);
    if (reply.badUse) this.counters.inBadCommunityUses++;
    let { status, index, varbinds } = reply;
    if (communityMessageSize(m.community, reply.requestId, status, index, varbinds.length) > maxSize) {
      status = ErrorStatus.tooBig; index = 0; varbinds = Buffer.alloc(0);
    }
    if (status === ErrorStatus.noError && pdu.type === Tag.GetRequest) this.cells?.learn(m.version, source, m.community, pdu);
    return encodeCommunityPdu(m.version, m.community, Tag.Response, reply.requestId, status, index, varbinds);
  }

  private handleV3(m: V3Message, raw: Buffer): Buffer | undefined {
    const o = receiveV3(this.v3, m, raw);
    if (o.kind === 'drop') return undefined;
    if (o.kind === 'send') return o.msg;
    const pdu = o.scoped.pdu;
    if (o.scoped.contextEngineId.length && !o.scoped.contextEngineId.equals(this.engine.id)) { this.counters.unknownPDUHandlers++; return undefined; }
    if (!Dispatcher.handles(pdu.type, V3)) { this.counters.unknownPDUHandlers++; return undefined; }
    const who = { name: o.user.name, access: o.user.access, version: V3 };
    return this.respond(pdu, who, o.wrap, o.maxSize);
  }

  private respond(pdu: Parameters<Dispatcher['process']>[0], who: Parameters<Dispatcher['process']>[1], wrap: (pdu: Buffer) => Buffer, maxSize: number): Buffer | undefined {
    const overhead = wrap(encodePdu(Tag.Response, pdu.requestId, 0, 0, Buffer.alloc(0))).length;
    const reply: Reply = this.dispatcher.process(pdu, who, maxSize - overhead - SLACK, this.config.maxRepetitions);
    if (reply.badUse) this.counters.inBadCommunityUses++;
    let out = wrap(encodePdu(Tag.Response, reply.requestId, reply.status, reply.index, reply.varbinds));
    if (out.length > maxSize) {
      out = wrap(encodePdu(Tag.Response, reply.requestId, ErrorStatus.tooBig, 0, Buffer.alloc(0)));
      if (out.length > maxSize) { this.counters.silentDrops++; return undefined; }
    }
    return out;
  }

  /** Sends the alarm notification of an alarm state change to every target. */
  private alarm(n: AlarmNotice): void {
    const name = n.change === 'raised' ? 'alarmRaised' : n.change === 'severityChanged' ? 'alarmSeverityChanged' : 'alarmCleared';
    const def = modelIndex.model.notifications.find((d) => d.name === name);
    if (!def) return;
    const cls = modelIndex.cls(def.objectClass);
    const index = instanceIndex(cls, n.alarm.path());
    if (!index) return;
    const objects: Varbind[] = [];
    for (const attrName of def.objects) {
      const attr = modelIndex.attr(cls, attrName);
      const oid = [...parseOid(modelIndex.attributeOid(cls, attr)), ...index];
      const v = this.view.cellValue({ cls, index, inst: n.alarm }, attr);
      if (v) objects.push({ oid, value: v });
      else if (['text', 'resource', 'name'].includes(attr.type.base)) objects.push({ oid, value: { type: 'octets', value: Buffer.alloc(0) } });
    }
    this.notifier.notify(parseOid(modelIndex.notificationOid(def)), objects);
  }

  describe(): string {
    return `SNMP agent on udp ${this.address}:${this.port} (v1/v2c/v3, ${modelIndex.model.module.mibName}; engine ID 0x${this.engine.id.toString('hex')})`;
  }
}
