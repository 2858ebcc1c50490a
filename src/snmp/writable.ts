/**
 * Writable state: attributes that are not configuration but that an operator may set through SNMP
 * (Attribute.writable, e.g. the operator state and text of an alarm). The management function that
 * owns the class registers a handler; the SNMP agent calls it inside the SET's all-or-nothing
 * processing: check() for every instance first (with the rest of the request: nothing has changed yet),
 * then apply() instance by instance, then the configuration part (if any) is committed. When an apply()
 * or that commit fails, the instances already applied get their previous values back through apply().
 * Without a handler, SET of such an object answers notWritable.
 */
import type { CommitInfo } from '../config/datastore';
import type { ConfigScalar } from '../config/document';
import type { Instance } from '../state/tree';

/** Why a handler refuses values (RFC 3416 error-status). */
export interface WritableRefusal {
  readonly status: 'wrongValue' | 'inconsistentValue' | 'resourceUnavailable' | 'notWritable' | 'noAccess';
  /** The attribute at fault (its varbind gets the error-index); the first of the instance's otherwise. */
  readonly attribute?: string;
  readonly reason: string;
}

export interface WritableHandler {
  /**
   * Checks new values of writable attributes of one instance, in the order of the request's varbinds
   * (values are model values: enum labels, strings, numbers, booleans). Nothing may change here.
   */
  check?(inst: Instance, values: Readonly<Record<string, ConfigScalar>>, who: CommitInfo): WritableRefusal | undefined;
  /**
   * Applies them (also used to put back the previous values when a later part of the request fails).
   * A throw turns the request into commitFailed (undoFailed when putting back fails too).
   */
  apply(inst: Instance, values: Readonly<Record<string, ConfigScalar>>, who: CommitInfo): void;
}

const handlers = new Map<string, WritableHandler>();

/** Registers the handler of a class's writable attributes; returns a function that removes it. */
export function registerWritable(className: string, handler: WritableHandler): () => void {
  handlers.set(className, handler);
  return () => { if (handlers.get(className) === handler) handlers.delete(className); };
}

export function writableHandler(className: string): WritableHandler | undefined {
  return handlers.get(className);
}
