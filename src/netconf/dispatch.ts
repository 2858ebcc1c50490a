/**
 * The operation dispatcher: routes the one operation of an <rpc> by namespace and name (RFC 6241, 6022,
 * 5277, 7950) to its module, after the access check (writing operations and actions need the admin role).
 * The session operations close-session and kill-session are here.
 */
import { action } from './action-rpc';
import type { ServerContext } from './context';
import { copyConfig, deleteConfig, editConfig, get, getConfig, validate } from './datastore-ops';
import { AccessDeniedError, InvalidValueError, MissingElementError, OperationNotSupportedError, UnknownElementError, UnknownNamespaceError } from './errors';
import { getSchema } from './get-schema';
import { lock, unlock } from './locks';
import { NC_NS, NCM_NS, NOTIF_NS, YANG1_NS } from './namespaces';
import { checkParams } from './params';
import { ok } from './reply';
import { OUR_NS } from './schema';
import type { Handled, Session } from './session';
import { createSubscription } from './subscriptions';
import { child } from './xml';
import type { XmlElement } from './xml';

const WRITE_OPS = new Set(['edit-config', 'copy-config', 'delete-config', 'lock', 'unlock', 'kill-session']);

/** Runs the operation op of the <rpc> rpc; throws a NetconfError (or anything) to refuse it. */
export async function dispatch(ctx: ServerContext, s: Session, rpc: XmlElement, op: XmlElement): Promise<Handled> {
  const name = op.name;
  if (op.ns === NC_NS) {
    if (WRITE_OPS.has(name)) requireAdmin(s, name);
    switch (name) {
      case 'get': return get(ctx, rpc, op);
      case 'get-config': return getConfig(ctx, rpc, op);
      case 'edit-config': return editConfig(ctx, s, rpc, op);
      case 'copy-config': return copyConfig(ctx, s, rpc, op);
      case 'delete-config': return deleteConfig(ctx, s, rpc, op);
      case 'lock': return lock(ctx.locks, s, rpc, op);
      case 'unlock': return unlock(ctx.locks, s, rpc, op);
      case 'validate': return validate(ctx, rpc, op);
      case 'close-session': return ok(rpc, () => ctx.closeSession(s, 'close-session'));
      case 'kill-session': return killSession(ctx, s, rpc, op);
      case 'commit': case 'discard-changes': case 'cancel-commit': case 'partial-lock': case 'partial-unlock':
        throw new OperationNotSupportedError(`${name} is not supported (no :candidate or :partial-lock capability)`);
      default: throw new UnknownElementError(name, `${name} is not a NETCONF operation`);
    }
  }
  if (op.ns === NCM_NS && name === 'get-schema') return getSchema(ctx.catalogue, rpc, op);
  if (op.ns === NOTIF_NS && name === 'create-subscription') return createSubscription(s, rpc, op);
  if (op.ns === YANG1_NS && name === 'action') {
    requireAdmin(s, 'action');
    return action(ctx.bridge, ctx.catalogue, s, rpc, op);
  }
  if (op.ns === OUR_NS || op.ns === NCM_NS || op.ns === NOTIF_NS || op.ns === YANG1_NS || ctx.catalogue.byNamespace(op.ns)) {
    throw new UnknownElementError(name, `${name} is not an operation of ${op.ns}`);
  }
  throw new UnknownNamespaceError(name, op.ns);
}

function requireAdmin(s: Session, what: string): void {
  if (s.role !== 'admin') throw new AccessDeniedError(`${what} needs the admin role; user ${s.username} is read-only`);
}

function killSession(ctx: ServerContext, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['session-id']);
  const idEl = child(op, 'session-id');
  if (!idEl) throw new MissingElementError('session-id', '<kill-session> needs <session-id>');
  const id = idEl.text.trim();
  if (!/^[0-9]{1,10}$/.test(id)) throw new InvalidValueError(`session-id ${id} is not a session number`, { info: [{ name: 'bad-element', value: 'session-id' }] });
  if (Number(id) === s.id) throw new InvalidValueError('a session cannot kill itself (use close-session)', { info: [{ name: 'bad-element', value: 'session-id' }] });
  const victim = ctx.sessions.get(Number(id));
  if (!victim) throw new InvalidValueError(`no session ${id}`, { info: [{ name: 'bad-element', value: 'session-id' }] });
  ctx.closeSession(victim, `killed by session ${s.id} (${s.username})`, true);
  return ok(rpc);
}
