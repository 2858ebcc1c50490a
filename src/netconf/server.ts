/**
 * The NETCONF RPC layer, protocol-neutral (SSH and HTTP transports feed it messages): sessions, hello,
 * operations, locks, subscriptions and access control. It owns no data: state is read from the bridge's
 * instance tree, configuration from its datastore, and every configuration change is one datastore commit
 * (the collector applies a new running configuration itself).
 *
 * Operations (RFC 6241, 6022, 5277, 7950): get, get-config, edit-config, copy-config, delete-config, lock,
 * unlock, close-session, kill-session, validate, get-schema, create-subscription, action.
 *
 * edit-config is all or nothing whatever the error-option: every edit is applied to a copy of the target
 * document, which is then committed (or validated, for test-only) in one datastore commit; stop-on-error
 * and continue-on-error behave as rollback-on-error. test-option set still validates (the datastore always
 * does).
 */
import type { Bridge } from '../bridge';
import { ConfigError } from '../config/document';
import type { ConfigObject } from '../config/document';
import { DatastoreLockedError } from '../config/datastore';
import type { DatastoreName } from '../config/datastore';
import type { AlarmNotice, ModelEventNotice } from '../events';
import { modelIndex } from '../model';
import type { Role, User } from './auth';
import { hashPassword } from './auth';
import { actionHandler } from './actions';
import type { ActionRequest } from './actions';
import { nodesToXml } from './data';
import type { DNode } from './data';
import { applyEdit, configErrorToNetconf } from './edit';
import type { DefaultOperation } from './edit';
import {
  AccessDeniedError, BadAttributeError, BadElementError, InUseError, InvalidValueError, LockDeniedError, MalformedMessageError,
  MissingAttributeError, MissingElementError, NetconfError, OperationFailedError, TooBigError, OperationNotSupportedError, UnknownElementError,
  UnknownNamespaceError, asNetconfError,
} from './errors';
import { subtreeFilter } from './filter';
import { ModuleCatalogue } from './modules';
import { netconfStateNode, yangLibraryNodes } from './monitoring';
import type { SessionInfo, Statistics } from './monitoring';
import { CAP, NC_NS, NCM_NS, NOTIF_NS, YANG1_NS, YANGLIB_NS } from './namespaces';
import { alarmNode, eventNode, notificationXml } from './notifications';
import { externalNodes, managedSystemNode } from './render';
import { EXTERNAL_LIST_KEYS, OUR_NS, OUR_PREFIX } from './schema';
import { XmlParseError, attr, child, escapeAttr, escapeText, parseXml, resolveQName } from './xml';
import type { XmlElement } from './xml';
import { XPathError, parseXPath, xpathFilter } from './xpath';

export type Transport = 'ssh' | 'http';

/** How the RPC layer reaches a client: the transport frames and sends, and ends the session. */
export interface SessionSink {
  send(message: string): void;
  close(reason: string): void;
}

interface Filter {
  readonly kind: 'subtree' | 'xpath';
  readonly el: XmlElement;
  readonly select?: string;
}

export class Session implements SessionInfo {
  inRpcs = 0;
  inBadRpcs = 0;
  outRpcErrors = 0;
  outNotifications = 0;
  lastActivity = Date.now();
  /** base:1.1 negotiated (chunked framing; malformed-message may be sent). */
  base11 = false;
  subscription: { readonly filter?: Filter; active: boolean } | undefined;
  closed = false;
  readonly loginTime = Date.now();

  constructor(readonly id: number, readonly user: User, readonly transport: Transport, readonly sourceHost: string, readonly sink: SessionSink) {}

  get username(): string { return this.user.name; }
  get role(): Role { return this.user.role; }
}

/** What handling one message produced: the reply, and what to do once it is sent. */
export interface Handled {
  readonly reply?: string;
  /** Runs after the reply was handed to the transport (activate a subscription, close the session). */
  readonly after?: () => void;
}

const WRITE_OPS = new Set(['edit-config', 'copy-config', 'delete-config', 'lock', 'unlock', 'kill-session']);

export interface NetconfServerOptions {
  readonly catalogue?: ModuleCatalogue;
  /** Largest message accepted, octets (read on each message). */
  readonly maxRequestSize?: () => number;
}

export class NetconfServer {
  readonly catalogue: ModuleCatalogue;
  readonly sessions = new Map<number, Session>();
  private readonly locks = new Map<DatastoreName, { session: number; time: number }>();
  private nextId = 1;
  private readonly stats = { startTime: Date.now(), inBadHellos: 0, inSessions: 0, droppedSessions: 0, inRpcs: 0, inBadRpcs: 0, outRpcErrors: 0, outNotifications: 0 };
  private readonly onEvent = (e: ModelEventNotice): void => this.publish(() => { const n = eventNode(e); return n ? [n] : undefined; }, e.time);
  private readonly onAlarm = (a: AlarmNotice): void => this.publish(() => [alarmNode(a, this.nsOf)], a.time);
  private listening = false;
  private removeGuard: (() => void) | undefined;

  constructor(readonly bridge: Bridge, private readonly opts: NetconfServerOptions = {}) {
    this.catalogue = opts.catalogue ?? new ModuleCatalogue();
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
    this.removeGuard = this.bridge.datastore.addGuard((target, info) => {
      const l = this.locks.get(target);
      if (l && info.source !== 'netconf') throw new DatastoreLockedError(target, `NETCONF session ${l.session}`);
    });
  }

  stop(): void {
    this.listening = false;
    this.bridge.off('event', this.onEvent);
    this.bridge.off('alarm', this.onAlarm);
    this.removeGuard?.();
    for (const s of [...this.sessions.values()]) this.closeSession(s, 'server stopping');
  }

  get statistics(): Statistics { return { ...this.stats }; }

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
    for (const [ds, l] of this.locks) if (l.session === s.id) this.locks.delete(ds);
    s.subscription = undefined;
    if (dropped) this.stats.droppedSessions++;
    try { s.sink.close(reason); } catch { /* transport already gone */ }
  }

  noteBadHello(): void { this.stats.inBadHellos++; }

  sessionCount(transport: Transport): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.transport === transport) n++;
    return n;
  }

  // ---- hello ----------------------------------------------------------------------------------------

  serverHello(s: Session): string {
    const caps = this.catalogue.capabilities().map((c) => `<capability>${escapeText(c)}</capability>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NC_NS}"><capabilities>${caps}</capabilities><session-id>${s.id}</session-id></hello>`;
  }

  /**
   * Checks the client's hello; returns whether base:1.1 is negotiated. Throws (the session must then be
   * closed) when it is not a valid client hello.
   */
  clientHello(s: Session, text: string): boolean {
    let el: XmlElement;
    try {
      el = parseXml(text);
    } catch (e) {
      this.stats.inBadHellos++;
      throw new MalformedMessageError(`hello is not well-formed XML: ${(e as Error).message}`);
    }
    if (el.name !== 'hello' || el.ns !== NC_NS) { this.stats.inBadHellos++; throw new MalformedMessageError('the first message must be a <hello>'); }
    if (child(el, 'session-id', NC_NS)) { this.stats.inBadHellos++; throw new MalformedMessageError('a client hello must not carry a session-id'); }
    const caps = child(el, 'capabilities', NC_NS)?.children.filter((c) => c.name === 'capability').map((c) => c.text.trim()) ?? [];
    const b10 = caps.includes(CAP.base10);
    const b11 = caps.includes(CAP.base11);
    if (!b10 && !b11) { this.stats.inBadHellos++; throw new MalformedMessageError('the client supports no base capability of this server'); }
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
      el = parseXml(text);
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
      return await this.operation(s, el, ops[0]);
    } catch (e) {
      return this.errorReply(s, el, asNetconfError(e));
    }
  }

  private bad(s: Session): void { s.inBadRpcs++; this.stats.inBadRpcs++; }

  private replyOpen(rpc: XmlElement | undefined): string {
    if (!rpc) return `<rpc-reply xmlns="${NC_NS}">`;
    // the reply carries every attribute of the rpc (RFC 6241 section 4.2)
    const decls = new Map<string, string>();
    const attrs = rpc.attrs.map((a) => {
      if (!a.ns) return ` ${a.name}="${escapeAttr(a.value)}"`;
      decls.set(a.prefix, a.ns);
      return ` ${a.prefix}:${a.name}="${escapeAttr(a.value)}"`;
    }).join('');
    const d = [...decls].filter(([p]) => p !== 'xml').map(([p, u]) => ` xmlns:${p}="${escapeAttr(u)}"`).join('');
    return `<rpc-reply xmlns="${NC_NS}"${d}${attrs}>`;
  }

  private errorReply(s: Session, rpc: XmlElement | undefined, e: NetconfError): Handled {
    s.outRpcErrors++;
    this.stats.outRpcErrors++;
    return { reply: `${this.replyOpen(rpc)}${e.toXml()}</rpc-reply>` };
  }

  private ok(rpc: XmlElement, after?: () => void): Handled {
    return { reply: `${this.replyOpen(rpc)}<ok/></rpc-reply>`, after };
  }

  private data(rpc: XmlElement, nodes: readonly DNode[]): Handled {
    return { reply: `${this.replyOpen(rpc)}<data>${nodesToXml(nodes, NC_NS)}</data></rpc-reply>` };
  }

  private async operation(s: Session, rpc: XmlElement, op: XmlElement): Promise<Handled> {
    const name = op.name;
    if (op.ns === NC_NS) {
      if (WRITE_OPS.has(name)) this.requireAdmin(s, name);
      switch (name) {
        case 'get': return this.get(rpc, op);
        case 'get-config': return this.getConfig(rpc, op);
        case 'edit-config': return this.editConfig(s, rpc, op);
        case 'copy-config': return this.copyConfig(s, rpc, op);
        case 'delete-config': return this.deleteConfig(s, rpc, op);
        case 'lock': return this.lock(s, rpc, op);
        case 'unlock': return this.unlock(s, rpc, op);
        case 'validate': return this.validate(rpc, op);
        case 'close-session': return this.ok(rpc, () => this.closeSession(s, 'close-session'));
        case 'kill-session': return this.killSession(s, rpc, op);
        case 'commit': case 'discard-changes': case 'cancel-commit': case 'partial-lock': case 'partial-unlock':
          throw new OperationNotSupportedError(`${name} is not supported (no :candidate or :partial-lock capability)`);
        default: throw new UnknownElementError(name, `${name} is not a NETCONF operation`);
      }
    }
    if (op.ns === NCM_NS && name === 'get-schema') return this.getSchema(rpc, op);
    if (op.ns === NOTIF_NS && name === 'create-subscription') return this.createSubscription(s, rpc, op);
    if (op.ns === YANG1_NS && name === 'action') {
      this.requireAdmin(s, 'action');
      return this.action(s, rpc, op);
    }
    if (op.ns === OUR_NS || op.ns === NCM_NS || op.ns === NOTIF_NS || op.ns === YANG1_NS || this.catalogue.byNamespace(op.ns)) {
      throw new UnknownElementError(name, `${name} is not an operation of ${op.ns}`);
    }
    throw new UnknownNamespaceError(name, op.ns);
  }

  private requireAdmin(s: Session, what: string): void {
    if (s.role !== 'admin') throw new AccessDeniedError(`${what} needs the admin role; user ${s.username} is read-only`);
  }

  // ---- parameters -------------------------------------------------------------------------------------

  private checkParams(op: XmlElement, allowed: readonly string[]): void {
    for (const c of op.children) {
      // Unqualified parameters are taken as NETCONF's: ncclient users often pass a bare <config> string.
      if (c.ns !== NC_NS && c.ns !== '' && !(op.ns !== NC_NS && c.ns === op.ns)) throw new UnknownNamespaceError(c.name, c.ns);
      if (!allowed.includes(c.name)) throw new UnknownElementError(c.name, `<${op.name}> has no parameter <${c.name}>`);
    }
  }

  private datastore(op: XmlElement, param: 'source' | 'target', allowConfig = false): DatastoreName | XmlElement {
    const p = child(op, param, op.ns === NC_NS ? NC_NS : undefined);
    if (!p) throw new MissingElementError(param, `<${op.name}> needs <${param}>`);
    if (p.children.length !== 1) throw new BadElementError(param, `<${param}> names exactly one datastore`);
    const d = p.children[0];
    if (d.name === 'config' && allowConfig) return d;
    if (d.name === 'running' || d.name === 'startup') return d.name;
    if (d.name === 'candidate') throw new OperationNotSupportedError('there is no candidate datastore (:candidate is not supported)');
    if (d.name === 'url') throw new OperationNotSupportedError(':url is not supported');
    throw new BadElementError(param, `unknown datastore ${d.name}`);
  }

  private filterOf(op: XmlElement): Filter | undefined {
    const f = child(op, 'filter');
    if (!f) return undefined;
    const type = attr(f, 'type') ?? 'subtree';
    if (type === 'subtree') return { kind: 'subtree', el: f };
    if (type === 'xpath') {
      const select = attr(f, 'select');
      if (select === undefined) throw new MissingAttributeError('select', 'filter');
      try { parseXPath(select); } catch (e) {
        throw new InvalidValueError(`XPath filter: ${(e as Error).message}`, { info: [{ name: 'bad-attribute', value: 'select' }, { name: 'bad-element', value: 'filter' }] });
      }
      return { kind: 'xpath', el: f, select };
    }
    throw new BadAttributeError('type', 'filter', `filter type ${type} is not one of subtree, xpath`);
  }

  private applyFilter(nodes: readonly DNode[], f: Filter | undefined): DNode[] {
    if (!f) return [...nodes];
    if (f.kind === 'subtree') return subtreeFilter(nodes, f.el);
    try {
      return xpathFilter(nodes, f.select!, (p) => f.el.scope.get(p));
    } catch (e) {
      if (e instanceof XPathError) throw new InvalidValueError(`XPath filter: ${e.message}`, { info: [{ name: 'bad-attribute', value: 'select' }, { name: 'bad-element', value: 'filter' }] });
      throw e;
    }
  }

  /** Whether a top-level node may be selected by the filter (saves building data nobody asked for). */
  private wants(f: Filter | undefined, name: string, ns: string): boolean {
    if (!f) return true;
    if (f.kind === 'xpath') {
      if (f.select!.includes('|')) return true;
      const steps = /^\s*\/([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/[]|$)/.exec(f.select!);
      if (!steps) return true;
      const prefix = steps[1]?.slice(0, -1);
      return steps[2] === name && (!prefix || f.el.scope.get(prefix) === ns);
    }
    return f.el.children.some((c) => c.name === name && (c.ns === '' || c.ns === ns));
  }

  // ---- get, get-config ------------------------------------------------------------------------------

  /** All of <get>: configuration and state, the alarm list, the YANG library and NETCONF monitoring. */
  getNodes(f?: Filter): DNode[] {
    const out: DNode[] = [];
    if (this.wants(f, 'managed-system', OUR_NS)) out.push(managedSystemNode(this.bridge.tree.root, this.bridge.datastore.get('running'), { state: true }));
    const al = this.catalogue.namespaceOfPrefix('al');
    if (al && this.wants(f, 'alarms', al)) out.push(...externalNodes(this.bridge.tree.root, this.nsOf));
    if (this.wants(f, 'yang-library', YANGLIB_NS) || this.wants(f, 'modules-state', YANGLIB_NS)) out.push(...yangLibraryNodes(this.catalogue));
    if (this.wants(f, 'netconf-state', NCM_NS)) {
      out.push(netconfStateNode(this.catalogue, {
        capabilities: this.catalogue.capabilities(), locks: this.locks, sessions: [...this.sessions.values()], stats: this.stats,
      }));
    }
    return out;
  }

  private get(rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['filter']);
    const f = this.filterOf(op);
    return this.data(rpc, this.applyFilter(this.getNodes(f), f));
  }

  private getConfig(rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['source', 'filter']);
    const src = this.datastore(op, 'source') as DatastoreName;
    const f = this.filterOf(op);
    const doc = this.bridge.datastore.get(src);
    const nodes = [managedSystemNode(undefined, doc, { state: false })].filter((n) => n.children?.length);
    return this.data(rpc, this.applyFilter(nodes, f));
  }

  // ---- edit-config, copy-config, delete-config, validate --------------------------------------------------

  private checkLock(s: Session, ds: DatastoreName): void {
    const l = this.locks.get(ds);
    if (l && l.session !== s.id) {
      throw new InUseError(`the ${ds} datastore is locked by session ${l.session}`, { info: [{ name: 'session-id', value: String(l.session) }] });
    }
  }

  /** Hashes management user passwords that are new or changed in plain text (the model keeps them hashed). */
  private hashNewPasswords(doc: ConfigObject, previous: ConfigObject): void {
    const users = (o: ConfigObject): ConfigObject[] => {
      const c = o.configuration as ConfigObject | undefined;
      return Array.isArray(c?.managementUsers) ? (c!.managementUsers as ConfigObject[]) : [];
    };
    const before = new Map(users(previous).map((u) => [String(u.name), u.password]));
    for (const u of users(doc)) {
      const p = u.password;
      if (typeof p === 'string' && !p.startsWith('scrypt$') && before.get(String(u.name)) !== p) u.password = hashPassword(p);
    }
  }

  private commit(s: Session, target: DatastoreName, doc: ConfigObject): void {
    try {
      this.bridge.datastore.commit(target, doc, { user: s.username, source: 'netconf' });
    } catch (e) {
      if (e instanceof ConfigError) throw configErrorToNetconf(e, doc);
      throw e;
    }
  }

  private editConfig(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['target', 'default-operation', 'test-option', 'error-option', 'config', 'url']);
    const target = this.datastore(op, 'target') as DatastoreName;
    const defOp = (child(op, 'default-operation')?.text.trim() ?? 'merge') as DefaultOperation;
    if (!['merge', 'replace', 'none'].includes(defOp)) throw new InvalidValueError(`default-operation ${defOp} is not one of merge, replace, none`, { info: [{ name: 'bad-element', value: 'default-operation' }] });
    const test = child(op, 'test-option')?.text.trim() ?? 'test-then-set';
    if (!['test-then-set', 'set', 'test-only'].includes(test)) throw new InvalidValueError(`test-option ${test} is not one of test-then-set, set, test-only`, { info: [{ name: 'bad-element', value: 'test-option' }] });
    const errOpt = child(op, 'error-option')?.text.trim() ?? 'stop-on-error';
    if (!['stop-on-error', 'continue-on-error', 'rollback-on-error'].includes(errOpt)) throw new InvalidValueError(`error-option ${errOpt} is not one of stop-on-error, continue-on-error, rollback-on-error`, { info: [{ name: 'bad-element', value: 'error-option' }] });
    if (child(op, 'url')) throw new OperationNotSupportedError(':url is not supported');
    const config = child(op, 'config');
    if (!config) throw new MissingElementError('config', '<edit-config> needs <config>');
    this.checkLock(s, target);
    const previous = this.bridge.datastore.get(target);
    const doc = structuredClone(previous);
    applyEdit(doc, config, defOp);
    this.hashNewPasswords(doc, previous);
    if (test === 'test-only') {
      try { this.bridge.datastore.validate(doc); } catch (e) {
        if (e instanceof ConfigError) throw configErrorToNetconf(e, doc);
        throw e;
      }
      return this.ok(rpc);
    }
    this.commit(s, target, doc);
    return this.ok(rpc);
  }

  /** A <config> given inline as a whole document. */
  private inlineDocument(config: XmlElement): ConfigObject {
    const doc: ConfigObject = {};
    applyEdit(doc, config, 'merge');
    return doc;
  }

  private copyConfig(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['target', 'source', 'with-defaults']);
    const target = this.datastore(op, 'target');
    if (typeof target !== 'string') throw new BadElementError('target', 'the target of copy-config is a datastore');
    const source = this.datastore(op, 'source', true);
    this.checkLock(s, target);
    const previous = this.bridge.datastore.get(target);
    const doc = typeof source === 'string' ? this.bridge.datastore.get(source) : this.inlineDocument(source);
    if (typeof source === 'string' && source === target) return this.ok(rpc);
    if (typeof source !== 'string') this.hashNewPasswords(doc, previous);
    this.commit(s, target, doc);
    return this.ok(rpc);
  }

  private deleteConfig(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['target']);
    const target = this.datastore(op, 'target') as DatastoreName;
    if (target === 'running') throw new OperationNotSupportedError('the running datastore cannot be deleted (RFC 6241 section 7.4)');
    this.checkLock(s, target);
    this.commit(s, target, {});
    return this.ok(rpc);
  }

  private validate(rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['source']);
    const source = this.datastore(op, 'source', true);
    const doc = typeof source === 'string' ? this.bridge.datastore.get(source) : this.inlineDocument(source);
    try { this.bridge.datastore.validate(doc); } catch (e) {
      if (e instanceof ConfigError) throw configErrorToNetconf(e, doc);
      throw e;
    }
    return this.ok(rpc);
  }

  // ---- locks, sessions ----------------------------------------------------------------------------------

  private lock(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['target']);
    const target = this.datastore(op, 'target') as DatastoreName;
    if (s.transport === 'http') throw new OperationNotSupportedError('locks need a NETCONF session: use NETCONF over SSH');
    const l = this.locks.get(target);
    if (l) throw new LockDeniedError(l.session, `the ${target} datastore is already locked by session ${l.session}`);
    this.locks.set(target, { session: s.id, time: Date.now() });
    return this.ok(rpc);
  }

  private unlock(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['target']);
    const target = this.datastore(op, 'target') as DatastoreName;
    const l = this.locks.get(target);
    if (!l) throw new OperationFailedError(`the ${target} datastore is not locked`);
    if (l.session !== s.id) throw new OperationFailedError(`the ${target} datastore is locked by session ${l.session}, not this one`, { info: [{ name: 'session-id', value: String(l.session) }] });
    this.locks.delete(target);
    return this.ok(rpc);
  }

  private killSession(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['session-id']);
    const idEl = child(op, 'session-id');
    if (!idEl) throw new MissingElementError('session-id', '<kill-session> needs <session-id>');
    const id = idEl.text.trim();
    if (!/^[0-9]{1,10}$/.test(id)) throw new InvalidValueError(`session-id ${id} is not a session number`, { info: [{ name: 'bad-element', value: 'session-id' }] });
    if (Number(id) === s.id) throw new InvalidValueError('a session cannot kill itself (use close-session)', { info: [{ name: 'bad-element', value: 'session-id' }] });
    const victim = this.sessions.get(Number(id));
    if (!victim) throw new InvalidValueError(`no session ${id}`, { info: [{ name: 'bad-element', value: 'session-id' }] });
    this.closeSession(victim, `killed by session ${s.id} (${s.username})`, true);
    return this.ok(rpc);
  }

  // ---- get-schema ------------------------------------------------------------------------------------

  private getSchema(rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['identifier', 'version', 'format']);
    const id = child(op, 'identifier')?.text.trim();
    if (!id) throw new MissingElementError('identifier', '<get-schema> needs <identifier>');
    const version = child(op, 'version')?.text.trim() || undefined;
    const fmtEl = child(op, 'format');
    if (fmtEl) {
      const q = resolveQName(fmtEl, fmtEl.text);
      if (!q || q.name !== 'yang' || (q.ns !== NCM_NS && q.ns !== '')) throw new InvalidValueError(`format ${fmtEl.text.trim()} is not supported (yang only)`, { info: [{ name: 'bad-element', value: 'format' }] });
    }
    const found = this.catalogue.schemaText(id, version);
    if (!found) throw new InvalidValueError(`no schema ${id}${version ? `@${version}` : ''} is available`, { info: [{ name: 'bad-element', value: 'identifier' }] });
    return { reply: `${this.replyOpen(rpc)}<data xmlns="${NCM_NS}">${escapeText(found.text.toString('utf8'))}</data></rpc-reply>` };
  }

  // ---- notifications --------------------------------------------------------------------------------

  private createSubscription(s: Session, rpc: XmlElement, op: XmlElement): Handled {
    this.checkParams(op, ['stream', 'filter', 'startTime', 'stopTime']);
    if (s.transport === 'http') throw new OperationNotSupportedError('notifications need a NETCONF session: use NETCONF over SSH');
    if (s.subscription) throw new InUseError('this session already has a subscription (RFC 5277 allows one per session)');
    const stream = child(op, 'stream')?.text.trim() ?? 'NETCONF';
    if (stream !== 'NETCONF') throw new InvalidValueError(`stream ${stream} does not exist (the server has the NETCONF stream)`, { info: [{ name: 'bad-element', value: 'stream' }] });
    const start = child(op, 'startTime');
    const stop = child(op, 'stopTime');
    if (stop && !start) throw new MissingElementError('startTime', 'stopTime needs startTime');
    if (start) throw new OperationFailedError('replay is not supported (the :replay capability is not offered): omit startTime', { info: [{ name: 'bad-element', value: 'startTime' }] });
    const f = this.filterOf(op);
    const sub: { readonly filter?: Filter; active: boolean } = { filter: f, active: false };
    s.subscription = sub;
    return this.ok(rpc, () => { if (s.subscription === sub) sub.active = true; });
  }

  private publish(content: () => DNode[] | undefined, time: number): void {
    let nodes: DNode[] | undefined;
    let plain: string | undefined;
    for (const s of this.sessions.values()) {
      if (!s.subscription?.active) continue;
      nodes ??= content();
      if (!nodes) return;
      let xml: string;
      if (s.subscription.filter) {
        let sel: DNode[];
        try { sel = this.applyFilter(nodes, s.subscription.filter); } catch { continue; }
        if (!sel.length) continue;
        xml = notificationXml(sel, time);
      } else xml = plain ??= notificationXml(nodes, time);
      s.outNotifications++;
      this.stats.outNotifications++;
      try { s.sink.send(xml); } catch { this.closeSession(s, 'transport failed', true); }
    }
  }

  // ---- actions ----------------------------------------------------------------------------------------------

  private prefixOf(ns: string): string | undefined {
    if (ns === OUR_NS) return OUR_PREFIX;
    return this.catalogue.byNamespace(ns)?.prefix;
  }

  /** A key value with an identityref-like "prefix:name" rewritten to the defining module's own prefix. */
  private canonicalValue(el: XmlElement): string {
    const t = el.text.trim();
    const m = /^([A-Za-z_][\w.-]*):([^\s:]+)$/.exec(t);
    if (!m) return el.text;
    const ns = el.scope.get(m[1]);
    const p = ns === undefined ? undefined : this.prefixOf(ns);
    return p ? `${p}:${m[2]}` : el.text;
  }

  private async action(s: Session, rpc: XmlElement, op: XmlElement): Promise<Handled> {
    if (op.children.length !== 1) throw new BadElementError('action', '<action> holds exactly one data node path');
    let el = op.children[0];
    let schemaPath = '';
    let instancePath = '';
    const pathNs: Record<string, string> = {};
    const keys: { list: string; values: Record<string, string> }[] = [];
    for (let depth = 0; depth < 64; depth++) {
      const prefix = this.prefixOf(el.ns);
      if (!prefix) throw new UnknownNamespaceError(el.name, el.ns);
      pathNs[prefix] = el.ns;
      const step = `${prefix}:${el.name}`;
      const here = `${schemaPath}/${step}`;
      const handler = actionHandler(here, this.bridge);
      if (handler) {
        const input: Record<string, string> = {};
        const collect = (parent: XmlElement, depth: number): void => {
          for (const c of parent.children) {
            if (c.children.length) {
              if (depth >= 8) throw new BadElementError(c.name, 'action input nested too deep');
              collect(c, depth + 1);
              continue;
            }
            if (input[c.name] !== undefined) throw new BadElementError(c.name, `input ${c.name} given twice`);
            input[c.name] = this.canonicalValue(c);
          }
        };
        collect(el, 0);
        const req: ActionRequest = { path: here, keys, input, user: s.username, role: s.role, sessionId: s.id, bridge: this.bridge,
          instancePath, pathNamespaces: pathNs };
        const out = await handler(req);
        if (!out || !Object.keys(out).length) return this.ok(rpc);
        const leaves = Object.entries(out).map(([k, v]) => `<${k} xmlns="${escapeAttr(el.ns)}">${escapeText(v)}</${k}>`).join('');
        return { reply: `${this.replyOpen(rpc)}${leaves}</rpc-reply>` };
      }
      // descend: the key leaves of a list entry, and one node below
      const keyNames = this.keyNamesAt(here);
      const values: Record<string, string> = {};
      let next: XmlElement | undefined;
      for (const c of el.children) {
        const cp = this.prefixOf(c.ns);
        const q = `${cp ?? '?'}:${c.name}`;
        if (keyNames.includes(q) && !c.children.length) { values[q] = this.canonicalValue(c); continue; }
        if (next) throw new BadElementError(c.name, `<action> selects one node; ${el.name} has more than one child besides its keys`);
        next = c;
      }
      if (!next) throw new MissingElementError(el.name, `no action found below ${here}`, { path: instancePath || here, pathNamespaces: pathNs });
      schemaPath = here;
      if (keyNames.length) {
        for (const k of keyNames) if (values[k] === undefined) throw new MissingElementError(k.split(':')[1], `${el.name} needs its key ${k}`, { path: here, pathNamespaces: pathNs });
        keys.push({ list: here, values });
        instancePath += `/${step}${keyNames.map((k) => `[${k}=${quote(values[k])}]`).join('')}`;
      } else instancePath += `/${step}`;
      el = next;
    }
    throw new BadElementError(el.name, 'the action path is too deep');
  }

  /** Key leaves (prefixed) of the list at a schema path, or [] for a container / unknown node. */
  private keyNamesAt(schemaPath: string): string[] {
    const ext = EXTERNAL_LIST_KEYS[schemaPath];
    if (ext) return [...ext];
    const cls = modelIndex.model.classes.find((c) => !c.yangExternal && modelIndex.yangPath(c) === schemaPath);
    if (!cls) {
      if (this.isKnownPrefixPath(schemaPath)) return [];
      throw new UnknownElementError(schemaPath.split('/').pop()!.split(':')[1] ?? schemaPath, `${schemaPath} is not a data node with actions`);
    }
    return (cls.keys ?? []).map((k) => `${OUR_PREFIX}:${modelIndex.yangLeafName(modelIndex.attr(cls, k))}`);
  }

  private isKnownPrefixPath(schemaPath: string): boolean {
    // containers on the way to the standard lists (/al:alarms, /al:alarms/al:alarm-list)
    return Object.keys(EXTERNAL_LIST_KEYS).some((p) => p.startsWith(`${schemaPath}/`));
  }
}

function quote(v: string): string {
  if (!v.includes('\'')) return `'${v}'`;
  return `"${v}"`;
}

class TooBig extends Error { constructor(readonly max: number) { super(`message over ${max} octets`); } }
