/**
 * The NETCONF RPC layer, protocol-neutral (SSH and HTTP transports feed it messages): sessions, hello,
 * message checks and error replies, with the operations dispatched to their modules (dispatch.ts). It owns
 * no data: state is read from the bridge's instance tree, configuration from its datastore, and every
 * configuration change is one datastore commit (the collector applies a new running configuration itself).
 *
 * Operations (RFC 6241, 6022, 5277, 7950): get, get-config, edit-config, copy-config, delete-config
 * (datastore-ops.ts), lock, unlock (locks.ts), close-session, kill-session (dispatch.ts), validate,
 * get-schema (get-schema.ts), create-subscription (subscriptions.ts), action (action-rpc.ts).
 */
import type { Bridge } from '../bridge';
import type { AlarmNotice, ModelEventNotice } from '../events';
import { isActionPath } from './actions';
import type { User } from './auth';
import type { Counters, ServerContext } from './context';
import type { DNode } from './data';
import { getNodes } from './datastore-ops';
import { dispatch } from './dispatch';
import type { DefaultOperation } from './edit';
import {
  BadElementError, MalformedMessageError, MissingAttributeError, MissingElementError, NetconfError, OperationFailedError, TooBigError,
  UnknownElementError, UnknownNamespaceError, asNetconfError,
} from './errors';
import { LockTable } from './locks';
import { ModuleCatalogue } from './modules';
import type { Statistics } from './monitoring';
import { NC_NS } from './namespaces';
import { alarmNode, eventNode } from './notifications';
import type { NotificationListener } from './notifications';
import type { Filter, WithDefaultsMode } from './params';
import { errorReplyXml } from './reply';
import { OUR_NS, OUR_PREFIX } from './schema';
import { Session, checkClientHello, replyText, serverHelloXml } from './session';
import type { Handled, SessionSink, Transport } from './session';
import { publish } from './subscriptions';
import { XmlParseError, attr, escapeText, parseXml, parseXmlAsync } from './xml';
import type { XmlElement } from './xml';

export { Session } from './session';
export type { Handled, SessionSink, Transport } from './session';

export interface NetconfServerOptions {
  readonly catalogue?: ModuleCatalogue;
  /** Largest message accepted, octets (read on each message). */
  readonly maxRequestSize?: () => number;
}

export class NetconfServer {
  readonly catalogue: ModuleCatalogue;
  readonly sessions = new Map<number, Session>();
  private readonly locks = new LockTable();
  private nextId = 1;
  private readonly stats: Counters = { startTime: Date.now(), inBadHellos: 0, inSessions: 0, droppedSessions: 0, inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };
  private readonly onEvent = (e: ModelEventNotice): void => this.notify(() => { const n = eventNode(e); return n ? [n] : undefined; }, e.time);
  private readonly onAlarm = (a: AlarmNotice): void => this.notify(() => [alarmNode(a, this.nsOf)], a.time);
  private readonly listeners = new Set<NotificationListener>();
  private listening = false;
  private removeGuard: (() => void) | undefined;
  /** What the operation modules see of this server. */
  private readonly ctx: ServerContext;

  constructor(readonly bridge: Bridge, private readonly opts: NetconfServerOptions = {}) {
    this.catalogue = opts.catalogue ?? new ModuleCatalogue();
    this.ctx = {
      bridge: this.bridge,
      catalogue: this.catalogue,
      sessions: this.sessions,
      locks: this.locks,
      stats: this.stats,
      nsOf: this.nsOf,
      closeSession: (s, reason, dropped) => this.closeSession(s, reason, dropped),
    };
  }

  /** Namespace of a standard module prefix used by the model (al, x733). */
  readonly nsOf = (prefix: string): string => {
    if (prefix === OUR_PREFIX) return OUR_NS;
    const ns = this.catalogue.namespaceOfPrefix(prefix);
    if (!ns) throw new Error(`no YANG module with prefix ${prefix} in ${this.catalogue.yangDir}`);
    return ns;
  };

  start(): void {
    if (this.listening) return;
    this.listening = true;
    this.bridge.on('event', this.onEvent);
    this.bridge.on('alarm', this.onAlarm);
    // A NETCONF lock covers every other way in (SNMP SET, file import): they are refused while it is held.
    this.removeGuard = this.bridge.datastore.addGuard(this.locks.commitGuard);
  }

  stop(): void {
    this.listening = false;
    this.bridge.off('event', this.onEvent);
    this.bridge.off('alarm', this.onAlarm);
    this.removeGuard?.();
    for (const s of [...this.sessions.values()]) this.closeSession(s, 'server stopping');
  }

  get statistics(): Statistics { return { ...this.stats }; }

  // ---- notifications -----------------------------------------------------------------------------------

  /**
   * Listens to the NETCONF stream: every notification the subscribed sessions get, before their filters (other
   * views' event streams, e.g. RESTCONF's). Returns the function that stops listening.
   */
  onNotification(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Sends a notification to the subscribed sessions and the listeners; its content is built once, when needed. */
  private notify(content: () => DNode[] | undefined, time: number): void {
    let built = false;
    let nodes: DNode[] | undefined;
    const once = (): DNode[] | undefined => { if (!built) { built = true; nodes = content(); } return nodes; };
    publish(this.ctx, once, time);
    for (const l of this.listeners) {
      try { l(once, time); } catch (e) { this.bridge.log(`netconf: a notification listener failed: ${(e as Error).message}`, 'netconf'); }
    }
  }

  /** Whether an action with a handler is at this schema path (prefixed: /bcm:managed-system/.../bcm:add-peer). */
  hasAction(schemaPath: string): boolean { return isActionPath(schemaPath, this.bridge); }

  /**
   * Runs one operation (the XML inside <rpc>) in a one-shot session of the user, as NETCONF over HTTP does: other
   * views (RESTCONF) reach the RPC layer so, with the same checks, commit and audit. Returns the <rpc-reply>.
   */
  async oneShot(user: User, operation: string, sourceHost = ''): Promise<string> {
    const s = this.openSession(user, 'http', sourceHost, { send: () => undefined, close: () => undefined });
    try {
      const h = await this.handleMessage(s, `<rpc message-id="1" xmlns="${NC_NS}">${operation}</rpc>`);
      return (await replyText(h)) ?? '';
    } finally {
      this.closeSession(s, 'request done');
    }
  }

  // ---- sessions -----------------------------------------------------------------------------------

  openSession(user: User, transport: Transport, sourceHost: string, sink: SessionSink): Session {
    const s = new Session(this.nextId++, user, transport, sourceHost, sink);
    if (this.nextId > 0xFFFFFFFF) this.nextId = 1;
    this.sessions.set(s.id, s);
    if (transport === 'ssh') this.stats.inSessions++;
    return s;
  }

  /** Ends a session: its locks are released, its subscription ends, the transport is closed. */
  closeSession(s: Session, reason: string, dropped = false): void {
    if (s.closed) return;
    s.closed = true;
    this.sessions.delete(s.id);
    this.locks.releaseAll(s.id);
    s.subscription = undefined;
    if (dropped) this.stats.droppedSessions++;
    try { s.sink.close(reason, dropped); } catch { /* transport already gone */ }
  }

  noteBadHello(): void { this.stats.inBadHellos++; }

  sessionCount(transport: Transport): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.transport === transport) n++;
    return n;
  }

  // ---- hello ----------------------------------------------------------------------------------------

  serverHello(s: Session): string {
    return serverHelloXml(this.catalogue.capabilities(), s.id);
  }

  /**
   * Checks the client's hello; returns whether base:1.1 is negotiated. Throws (the session must then be
   * closed) when it is not a valid client hello.
   */
  clientHello(s: Session, text: string): boolean {
    let b11: boolean;
    try {
      b11 = checkClientHello(text);
    } catch (e) {
      if (e instanceof MalformedMessageError) this.stats.inBadHellos++;
      throw e;
    }
    s.base11 = b11;
    return b11;
  }

  // ---- messages ------------------------------------------------------------------------------------

  /** Handles one framed message of a session: an <rpc>. Never throws. */
  async handleMessage(s: Session, text: string): Promise<Handled> {
    s.lastActivity = Date.now();
    s.inRpcs++;
    this.stats.inRpcs++;
    let el: XmlElement;
    try {
      const max = this.opts.maxRequestSize?.();
      if (max !== undefined && Buffer.byteLength(text) > max) throw new TooBig(max);
      el = await parseXmlAsync(text);
    } catch (e) {
      this.bad(s);
      if (e instanceof TooBig) return this.errorReply(s, undefined, new TooBigError(`the request is larger than ${e.max} octets (configuration maxRequestSize)`));
      const why = e instanceof XmlParseError ? e.message : String(e);
      // malformed-message is new in base:1.1 and must not be sent to base:1.0 clients (RFC 6241 Appendix A)
      const err = s.base11 || s.transport === 'http' ? new MalformedMessageError(`the message is not well-formed XML: ${why}`)
        : new OperationFailedError(`the message is not well-formed XML: ${why}`, { type: 'rpc' });
      return this.errorReply(s, undefined, err);
    }
    if (el.ns !== NC_NS) { this.bad(s); return this.errorReply(s, undefined, new UnknownNamespaceError(el.name, el.ns)); }
    if (el.name !== 'rpc') {
      this.bad(s);
      return this.errorReply(s, undefined, new UnknownElementError(el.name, `expected <rpc>, got <${el.name}>`));
    }
    if (attr(el, 'message-id', '') === undefined) {
      this.bad(s);
      return this.errorReply(s, el, new MissingAttributeError('message-id', 'rpc'));
    }
    const ops = el.children;
    if (ops.length !== 1) {
      this.bad(s);
      return this.errorReply(s, el, ops.length ? new BadElementError(ops[1].name, 'an <rpc> carries exactly one operation')
        : new MissingElementError('rpc', 'the <rpc> carries no operation'));
    }
    try {
      return await dispatch(this.ctx, s, el, ops[0]);
    } catch (e) {
      return this.errorReply(s, el, asNetconfError(e));
    }
  }

  /**
   * One edit-config of running by a one-shot session of user (RESTCONF writes), with access, lock, validation,
   * commit and audit as any edit-config (the audit source reads restconf). Synchronous from the call to the commit
   * (no other commit can come between: RESTCONF checks its preconditions just before the call). Throws the NetconfError.
   */
  async editRunning(user: User, transport: Transport, sourceHost: string, config: string, defaultOperation: DefaultOperation): Promise<void> {
    const s = this.openSession(user, transport, sourceHost, { send: () => undefined, close: () => undefined });
    s.commitSource = 'restconf';
    s.inRpcs++;
    this.stats.inRpcs++;
    try {
      const rpc = parseXml(`<rpc message-id="1" xmlns="${NC_NS}"><edit-config><target><running/></target>` +
        `<default-operation>${escapeText(defaultOperation)}</default-operation><config>${config}</config></edit-config></rpc>`);
      await dispatch(this.ctx, s, rpc, rpc.children[0]);
    } catch (e) {
      s.outRpcErrors++;
      this.stats.outRpcErrors++;
      throw asNetconfError(e);
    } finally {
      this.closeSession(s, 'request done');
    }
  }

  private bad(s: Session): void { s.inBadRpcs++; this.stats.inBadRpcs++; }

  private errorReply(s: Session, rpc: XmlElement | undefined, e: NetconfError): Handled {
    s.outRpcErrors++;
    this.stats.outRpcErrors++;
    return { reply: errorReplyXml(rpc, e) };
  }

  // ---- get ------------------------------------------------------------------------------------------

  /**
   * All of <get>: configuration and state, the alarm list, the YANG library, NETCONF monitoring and the event streams
   * (built: /managed-system already built, e.g. by managedSystemNodeAsync).
   */
  getNodes(f?: Filter, withDefaults?: WithDefaultsMode, built?: DNode): DNode[] {
    return getNodes(this.ctx, f, withDefaults, built);
  }
}

class TooBig extends Error { constructor(readonly max: number) { super(`message over ${max} octets`); } }
