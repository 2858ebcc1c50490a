/**
 * SET (RFC 3416 section 4.2.5), all or nothing: every varbind is checked (object, access, type, length,
 * value) and every writable-state handler checks its values before anything changes; the configuration
 * attributes become one candidate document, made from the running one, which is committed once through
 * the datastore (the one validation and commit path of every protocol; a NETCONF lock refuses it with
 * resourceUnavailable); then writable state attributes go to their class's handler (writable.ts). Any
 * refusal changes nothing; a handler that fails while applying has the instances applied before it set
 * back to their previous values and the configuration commit undone (undoFailed when that fails too).
 */
import { RollbackFailedError, SaveFailedError } from '../config/datastore';
import type { CommitInfo } from '../config/datastore';
import { DatastoreLockedError } from '../config/datastore';
import { ConfigError, fieldOf } from '../config/document';
import type { ConfigObject, ConfigScalar } from '../config/document';
import { modelIndex } from '../model';
import type { Instance, PathSeg, Scalar } from '../state/tree';
import type { Varbind } from './message';
import type { ErrorStatusName } from './message';
import { rowPath } from './mibview';
import type { Column, MibView, Row } from './mibview';
import { fromSnmp } from './values';
import { writableHandler } from './writable';

export interface Committer {
  /** Validates, applies and persists a running configuration; throws ConfigError (DatastoreLockedError when locked). */
  commit(doc: unknown, info: CommitInfo): unknown;
  /** Validates a candidate without applying it (no lock check); throws ConfigError. */
  validate?(doc: unknown): unknown;
}

export interface SetOutcome {
  readonly status: ErrorStatusName;
  /** 1-based index of the varbind at fault; 0 when none. */
  readonly index: number;
  readonly reason?: string;
}

interface Op { readonly i: number; readonly row: Row; readonly col: Column; readonly value: ConfigScalar }

const OK: SetOutcome = { status: 'noError', index: 0 };

function refuse(status: ErrorStatusName, i: number, reason?: string): SetOutcome { return { status, index: i + 1, reason }; }

/** Checks one varbind: the object, its access, and the value. */
function checkVarbind(view: MibView, vb: Varbind, i: number): Op | SetOutcome {
  const e = view.exact(vb.oid);
  if (!e || !e.col || !e.row) {
    const obj = view.objectOf(vb.oid);
    // An instance of a writable column that does not exist: rows are not created by SET.
    if (obj && obj !== 'static' && obj.access === 'read-write') return refuse('noCreation', i, 'no such row');
    return refuse('notWritable', i, 'not a writable object');
  }
  const col = e.col;
  if (col.access !== 'read-write') return refuse('notWritable', i, 'read-only object');
  if (col.attr.access !== 'config' && !writableHandler(col.cls.name)) return refuse('notWritable', i, 'no handler for this state attribute');
  const r = fromSnmp(col.attr.type, vb.value);
  if (!r.ok) return refuse(r.error, i, r.reason);
  return { i, row: e.row, col, value: r.value };
}

function keyMatches(a: unknown, b: Scalar, hex: boolean): boolean {
  const norm = (x: unknown): string => {
    const s = String(x);
    return hex ? s.toLowerCase().replace(/^0x/, '') : s;
  };
  return norm(a) === norm(b);
}

function configScalar(v: Scalar): ConfigScalar {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  return v;
}

/** The object of a row in a document, created (with its keys) when missing; and its path for errors. */
export function docObjectFor(root: ConfigObject, path: readonly PathSeg[]): { obj: ConfigObject; where: string } {
  let obj = root;
  let where = '';
  for (const seg of path) {
    const cls = modelIndex.cls(seg.cls);
    const f = fieldOf(cls);
    if (cls.kind === 'container') {
      const v = obj[f];
      const next = v && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigObject) : {};
      obj[f] = next;
      obj = next;
      where = where ? `${where}.${f}` : f;
      continue;
    }
    let arr = obj[f];
    if (!Array.isArray(arr)) { arr = []; obj[f] = arr; }
    const items = arr as ConfigObject[];
    const keys = cls.keys ?? [];
    const kv = seg.keys ?? [];
    let idx = items.findIndex((item) => keys.every((k, j) => keyMatches(item[k], kv[j], modelIndex.attr(cls, k).type.base === 'hex')));
    if (idx < 0) {
      const item: ConfigObject = {};
      keys.forEach((k, j) => { item[k] = configScalar(kv[j]); });
      items.push(item);
      idx = items.length - 1;
    }
    obj = items[idx];
    where = `${where ? `${where}.` : ''}${f}[${idx}]`;
  }
  return { obj, where };
}

interface Group { readonly ops: Op[]; readonly values: Record<string, ConfigScalar> }

/** Writable state: the operations grouped by instance, each group checked by its class's handler. */
function checkState(stateOps: readonly Op[], who: CommitInfo): Map<Instance, Group> | SetOutcome {
  const byInst = new Map<Instance, Group>();
  for (const o of stateOps) {
    if (!o.row.inst) return refuse('noCreation', o.i, 'the instance has no live state');
    let g = byInst.get(o.row.inst);
    if (!g) { g = { ops: [], values: {} }; byInst.set(o.row.inst, g); }
    g.ops.push(o);
    g.values[o.col.attr.name] = o.value;
  }
  for (const [inst, g] of byInst) {
    const refusal = writableHandler(inst.cls.name)?.check?.(inst, g.values, who);
    if (refusal) {
      const at = g.ops.find((o) => o.col.attr.name === refusal.attribute) ?? g.ops[0];
      return refuse(refusal.status, at.i, refusal.reason);
    }
  }
  return byInst;
}

/** The configuration part: one candidate document, and the varbind each of its paths came from. */
function candidateOf(previous: ConfigObject, configOps: readonly Op[]): { doc: ConfigObject; wheres: Where[] } {
  const doc = structuredClone(previous);
  const wheres: Where[] = [];
  for (const o of configOps) {
    const { obj, where } = docObjectFor(doc, rowPath(o.row));
    obj[o.col.attr.name] = o.value;
    wheres.push({ op: o, attr: where ? `${where}.${o.col.attr.name}` : o.col.attr.name, row: where });
  }
  return { doc, wheres };
}

interface Where { readonly op: Op; readonly attr: string; readonly row: string }

/** The SNMP error of a refused configuration (validation, reference check, lock or apply). */
function configRefusal(e: unknown, wheres: readonly Where[]): SetOutcome {
  // A NETCONF <lock> held by a session: the datastore is busy, the values are not wrong.
  if (e instanceof DatastoreLockedError) return refuse('resourceUnavailable', wheres[0].op.i, e.message);
  if (e instanceof RollbackFailedError) return refuse('undoFailed', wheres[0].op.i, e.message);
  if (!(e instanceof ConfigError) || e instanceof SaveFailedError) return refuse('commitFailed', wheres[0].op.i, (e as Error).message);
  const exact = wheres.find((w) => w.attr === e.path);
  if (exact) return refuse('wrongValue', exact.op.i, e.message);
  const inRow = wheres.find((w) => w.row !== '' && (e.path === w.row || e.path.startsWith(`${w.row}.`) || e.path.startsWith(`${w.row}[`)));
  return refuse('inconsistentValue', (inRow ?? wheres[0]).op.i, e.message);
}

/** Applies writable state instance by instance; on a failure, puts back the instances already applied. */
function applyState(view: MibView, byInst: ReadonlyMap<Instance, Group>, who: CommitInfo): { undo(): boolean } | SetOutcome {
  const applied: { inst: Instance; previous: Record<string, ConfigScalar> }[] = [];
  const undo = (): boolean => {
    let ok = true;
    for (const a of applied.reverse()) {
      try { writableHandler(a.inst.cls.name)!.apply(a.inst, a.previous, { ...who, source: `${who.source} (undo)` }); } catch { ok = false; }
    }
    return ok;
  };
  for (const [inst, g] of byInst) {
    const previous = previousValues(view, g.ops);
    try {
      writableHandler(inst.cls.name)!.apply(inst, g.values, who);
    } catch (e) {
      return refuse(undo() ? 'commitFailed' : 'undoFailed', g.ops[0].i, (e as Error).message);
    }
    applied.push({ inst, previous });
  }
  return { undo };
}

export function processSet(view: MibView, committer: Committer, varbinds: readonly Varbind[], who: CommitInfo): SetOutcome {
  // 1. Every varbind, every handler's check and the whole candidate configuration, before any change.
  const ops: Op[] = [];
  for (let i = 0; i < varbinds.length; i++) {
    const r = checkVarbind(view, varbinds[i], i);
    if ('status' in r) return r;
    ops.push(r);
  }
  const configOps = ops.filter((o) => o.col.attr.access === 'config');
  const byInst = checkState(ops.filter((o) => o.col.attr.access !== 'config'), who);
  if (!(byInst instanceof Map)) return byInst;
  const candidate = configOps.length ? candidateOf(view.config, configOps) : undefined;
  if (candidate && committer.validate) {
    try { committer.validate(candidate.doc); } catch (e) { return configRefusal(e, candidate.wheres); }
  }
  // 2. Writable state, put back if anything after it fails; 3. the configuration in one commit.
  const state = applyState(view, byInst, who);
  if ('status' in state) return state;
  if (candidate) {
    try { committer.commit(candidate.doc, who); } catch (e) {
      const refusal = configRefusal(e, candidate.wheres);
      return state.undo() ? refusal : { ...refusal, status: 'undoFailed' };
    }
  }
  return OK;
}

/** The current values of the attributes a group of operations sets (to put them back). */
function previousValues(view: MibView, ops: readonly Op[]): Record<string, ConfigScalar> {
  const out: Record<string, ConfigScalar> = {};
  for (const o of ops) {
    const v = view.raw(o.row, o.col.attr);
    if (v !== undefined && v !== null && typeof v !== 'object') out[o.col.attr.name] = configScalar(v);
  }
  return out;
}
