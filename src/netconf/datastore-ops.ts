/**
 * The datastore operations (RFC 6241 section 7): get, get-config, edit-config, copy-config, delete-config
 * and validate. Configuration is read from the bridge's datastore and state from its instance tree; every
 * change is one datastore commit.
 *
 * edit-config applies every edit to a copy of the target document, which is then committed (or validated, for
 * test-only) in one datastore commit. stop-on-error and rollback-on-error: the first error ends the edit and
 * nothing is committed (stop-on-error leaves no partial change behind). continue-on-error: the elements in error
 * are left out, the others are committed (when the result validates as a whole), and the reply carries an
 * rpc-error for each element left out. test-option set still validates (the datastore always does).
 */
import { ConfigError } from '../config/document';
import { keepStoredSecrets } from '../config/secrets';
import type { ConfigObject } from '../config/document';
import type { DatastoreName } from '../config/datastore';
import { hashPassword } from './auth';
import type { ServerContext } from './context';
import type { DNode } from './data';
import { RpcErrors, applyEdit, configErrorToNetconf } from './edit';
import type { DefaultOperation } from './edit';
import { BadElementError, InvalidValueError, MissingElementError, NetconfError, OperationNotSupportedError } from './errors';
import { netconfStateNode, streamsNode, yangLibraryNodes } from './monitoring';
import { NCM_NS, NETMOD_NOTIF_NS, YANGLIB_NS } from './namespaces';
import { applyFilterAsync, checkParams, datastoreParam, filterOf, filterProjection, wants, withDefaultsOf } from './params';
import { topProjection } from './projection';
import type { Filter, WithDefaultsMode } from './params';
import { externalNodes, managedSystemNode, managedSystemNodeAsync } from './render';
import { dataAsync, dataStream, ok } from './reply';
import { managedSystemWrites } from './render-stream';
import { OUR_NS } from './schema';
import type { Handled, Session } from './session';
import { child } from './xml';
import type { XmlElement } from './xml';

// ---- get, get-config ------------------------------------------------------------------------------

/**
 * All of <get>: configuration and state, the alarm list, the YANG library, NETCONF monitoring and the event streams. withDefaults
 * (RFC 6243) applies to the configuration leaves of our module. Of /managed-system, only the part the filter may
 * select or look at is built (filterProjection); `built`: that part already built (by managedSystemNodeAsync).
 */
export function getNodes(ctx: ServerContext, f?: Filter, withDefaults: WithDefaultsMode = 'explicit', built?: DNode): DNode[] {
  const out: DNode[] = [];
  if (wants(f, 'managed-system', OUR_NS)) {
    const proj = topProjection(filterProjection(f), 'managed-system');
    out.push(built ?? managedSystemNode(ctx.bridge.tree.root, ctx.bridge.datastore.read('running'), { state: true, withDefaults }, proj));
  }
  out.push(...otherNodes(ctx, f));
  return out;
}

/** What <get> returns besides /managed-system: the alarm list, the YANG library, NETCONF monitoring and the event streams. */
function otherNodes(ctx: ServerContext, f: Filter | undefined): DNode[] {
  const out: DNode[] = [];
  const al = ctx.catalogue.namespaceOfPrefix('al');
  if (al && wants(f, 'alarms', al)) out.push(...externalNodes(ctx.bridge.tree.root, ctx.nsOf));
  if (wants(f, 'yang-library', YANGLIB_NS) || wants(f, 'modules-state', YANGLIB_NS)) out.push(...yangLibraryNodes(ctx.catalogue));
  if (wants(f, 'netconf-state', NCM_NS)) {
    out.push(netconfStateNode(ctx.catalogue, {
      capabilities: ctx.catalogue.capabilities(), locks: ctx.locks.held, sessions: [...ctx.sessions.values()], stats: ctx.stats,
    }));
  }
  if (wants(f, 'netconf', NETMOD_NOTIF_NS)) out.push(streamsNode());
  return out;
}

/**
 * <get>. Without a filter (the common NMS case) the reply is streamed: /managed-system written straight from the
 * tree and the running configuration as the transport takes it, then the rest (built here, before the first byte).
 * With a filter: /managed-system built as far as the filter may reach, in slices, then filtered and written.
 */
export async function get(ctx: ServerContext, rpc: XmlElement, op: XmlElement): Promise<Handled> {
  checkParams(op, ['filter', 'with-defaults']);
  const f = filterOf(op);
  const wd = withDefaultsOf(op);
  if (!f) {
    const root = ctx.bridge.tree.root;
    const running = ctx.bridge.datastore.read('running');
    return dataStream(rpc, (w) => managedSystemWrites(root, running, { state: true, withDefaults: wd }, w), otherNodes(ctx, undefined));
  }
  // /managed-system, the bulk of a full <get>, is built in slices that give the event loop back
  const built = wants(f, 'managed-system', OUR_NS)
    ? await managedSystemNodeAsync(ctx.bridge.tree.root, ctx.bridge.datastore.read('running'), { state: true, withDefaults: wd }, topProjection(filterProjection(f), 'managed-system'))
    : undefined;
  return dataAsync(rpc, await applyFilterAsync(getNodes(ctx, f, wd, built), f));
}

/** <get-config>: streamed without a filter (as <get>), built, filtered and written with one. */
export async function getConfig(ctx: ServerContext, rpc: XmlElement, op: XmlElement): Promise<Handled> {
  checkParams(op, ['source', 'filter', 'with-defaults']);
  const src = datastoreParam(op, 'source') as DatastoreName;
  const f = filterOf(op);
  const withDefaults = withDefaultsOf(op);
  const doc = ctx.bridge.datastore.read(src);
  if (!f) return dataStream(rpc, (w) => managedSystemWrites(undefined, doc, { state: false, withDefaults }, w), []);
  const proj = topProjection(filterProjection(f), 'managed-system');
  const nodes = [await managedSystemNodeAsync(undefined, doc, { state: false, withDefaults }, proj)].filter((n) => n.children?.length);
  return dataAsync(rpc, await applyFilterAsync(nodes, f));
}

// ---- edit-config, copy-config, delete-config, validate --------------------------------------------------

/** Hashes management user passwords that are new or changed in plain text (the model keeps them hashed). */
function hashNewPasswords(doc: ConfigObject, previous: ConfigObject): void {
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

function commit(ctx: ServerContext, s: Session, target: DatastoreName, doc: ConfigObject): void {
  try {
    ctx.bridge.datastore.commit(target, doc, { user: s.username, source: s.commitSource });
  } catch (e) {
    if (e instanceof ConfigError) throw configErrorToNetconf(e, doc);
    throw e;
  }
}

export function editConfig(ctx: ServerContext, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['target', 'default-operation', 'test-option', 'error-option', 'config', 'url']);
  const target = datastoreParam(op, 'target') as DatastoreName;
  const defOp = (child(op, 'default-operation')?.text.trim() ?? 'merge') as DefaultOperation;
  if (!['merge', 'replace', 'none'].includes(defOp)) throw new InvalidValueError(`default-operation ${defOp} is not one of merge, replace, none`, { info: [{ name: 'bad-element', value: 'default-operation' }] });
  const test = child(op, 'test-option')?.text.trim() ?? 'test-then-set';
  if (!['test-then-set', 'set', 'test-only'].includes(test)) throw new InvalidValueError(`test-option ${test} is not one of test-then-set, set, test-only`, { info: [{ name: 'bad-element', value: 'test-option' }] });
  const errOpt = child(op, 'error-option')?.text.trim() ?? 'stop-on-error';
  if (!['stop-on-error', 'continue-on-error', 'rollback-on-error'].includes(errOpt)) throw new InvalidValueError(`error-option ${errOpt} is not one of stop-on-error, continue-on-error, rollback-on-error`, { info: [{ name: 'bad-element', value: 'error-option' }] });
  if (child(op, 'url')) throw new OperationNotSupportedError(':url is not supported');
  const config = child(op, 'config');
  if (!config) throw new MissingElementError('config', '<edit-config> needs <config>');
  ctx.locks.check(s, target);
  const previous = ctx.bridge.datastore.get(target);
  const doc = structuredClone(previous);
  const errors: NetconfError[] | undefined = errOpt === 'continue-on-error' ? [] : undefined;
  applyEdit(doc, config, defOp, errors);
  keepStoredSecrets(doc, previous);
  hashNewPasswords(doc, previous);
  if (!errors?.length) {
    if (test === 'test-only') validateDoc(ctx, doc); else commit(ctx, s, target, doc);
    return ok(rpc);
  }
  // continue-on-error with elements left out: the rest is applied when it changes anything, and every error is reported
  if (JSON.stringify(doc) !== JSON.stringify(previous)) {
    try {
      if (test === 'test-only') validateDoc(ctx, doc); else commit(ctx, s, target, doc);
    } catch (e) {
      if (!(e instanceof NetconfError)) throw e;
      errors.push(e);
    }
  }
  throw new RpcErrors(errors);
}

function validateDoc(ctx: ServerContext, doc: ConfigObject): void {
  try { ctx.bridge.datastore.validate(doc); } catch (e) {
    if (e instanceof ConfigError) throw configErrorToNetconf(e, doc);
    throw e;
  }
}

/** A <config> given inline as a whole document. */
function inlineDocument(config: XmlElement): ConfigObject {
  const doc: ConfigObject = {};
  applyEdit(doc, config, 'merge');
  return doc;
}

export function copyConfig(ctx: ServerContext, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['target', 'source', 'with-defaults']);
  withDefaultsOf(op); // checked; the copy is of the document as stored, whatever the mode
  const target = datastoreParam(op, 'target');
  if (typeof target !== 'string') throw new BadElementError('target', 'the target of copy-config is a datastore');
  const source = datastoreParam(op, 'source', true);
  // RFC 6241 section 7.3: the same datastore as source and target is invalid-value
  if (source === target) throw new InvalidValueError(`source and target are both the ${target} datastore`, { info: [{ name: 'bad-element', value: 'target' }] });
  ctx.locks.check(s, target);
  const previous = ctx.bridge.datastore.get(target);
  const doc = typeof source === 'string' ? ctx.bridge.datastore.get(source) : inlineDocument(source);
  if (typeof source !== 'string') { keepStoredSecrets(doc, previous); hashNewPasswords(doc, previous); }
  commit(ctx, s, target, doc);
  return ok(rpc);
}

export function deleteConfig(ctx: ServerContext, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['target']);
  const target = datastoreParam(op, 'target') as DatastoreName;
  if (target === 'running') throw new OperationNotSupportedError('the running datastore cannot be deleted (RFC 6241 section 7.4)');
  ctx.locks.check(s, target);
  commit(ctx, s, target, {});
  return ok(rpc);
}

export function validate(ctx: ServerContext, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['source']);
  const source = datastoreParam(op, 'source', true);
  const doc = typeof source === 'string' ? ctx.bridge.datastore.get(source) : inlineDocument(source);
  validateDoc(ctx, doc);
  return ok(rpc);
}
