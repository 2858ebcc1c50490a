/**
 * Global datastore locks (RFC 6241 section 7.5, 7.6): the lock table, the lock and unlock operations, the
 * in-use check of the writing operations, and the commit guard through which a NETCONF lock also covers
 * every other way in (SNMP SET, file import).
 */
import { DatastoreLockedError } from '../config/datastore';
import type { CommitGuard, DatastoreName } from '../config/datastore';
import { InUseError, LockDeniedError, OperationFailedError, OperationNotSupportedError } from './errors';
import { checkParams, datastoreParam } from './params';
import { ok } from './reply';
import type { Handled, Session } from './session';
import type { XmlElement } from './xml';

export interface HeldLock {
  readonly session: number;
  readonly time: number;
}

export class LockTable {
  /** Held locks by datastore (RFC 6022 /netconf-state/datastores reads them). */
  readonly held = new Map<DatastoreName, HeldLock>();

  /** Refuses, while a lock is held, a commit that does not come from NETCONF (RESTCONF writes are refused before, by check()). */
  readonly commitGuard: CommitGuard = (target, info) => {
    const l = this.held.get(target);
    if (l && info.source !== 'netconf') throw new DatastoreLockedError(target, `NETCONF session ${l.session}`);
  };

  /** Throws in-use when another session holds the lock of a datastore. */
  check(s: Session, ds: DatastoreName): void {
    const l = this.held.get(ds);
    if (l && l.session !== s.id) {
      throw new InUseError(`the ${ds} datastore is locked by session ${l.session}`, { info: [{ name: 'session-id', value: String(l.session) }] });
    }
  }

  /** Releases every lock of a session (it ended). */
  releaseAll(sessionId: number): void {
    for (const [ds, l] of this.held) if (l.session === sessionId) this.held.delete(ds);
  }
}

export function lock(locks: LockTable, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['target']);
  const target = datastoreParam(op, 'target') as DatastoreName;
  if (s.transport === 'http') throw new OperationNotSupportedError('locks need a NETCONF session: use NETCONF over SSH');
  const l = locks.held.get(target);
  if (l) throw new LockDeniedError(l.session, `the ${target} datastore is already locked by session ${l.session}`);
  locks.held.set(target, { session: s.id, time: Date.now() });
  return ok(rpc);
}

export function unlock(locks: LockTable, s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['target']);
  const target = datastoreParam(op, 'target') as DatastoreName;
  const l = locks.held.get(target);
  if (!l) throw new OperationFailedError(`the ${target} datastore is not locked`);
  if (l.session !== s.id) throw new OperationFailedError(`the ${target} datastore is locked by session ${l.session}, not this one`, { info: [{ name: 'session-id', value: String(l.session) }] });
  locks.held.delete(target);
  return ok(rpc);
}
