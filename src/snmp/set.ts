/**
 * SET (RFC 3416 section 4.2.5), all or nothing: every varbind is checked (object, access, type, length,
 * value); the configuration attributes become one candidate document, made from the running one, which
 * is committed once through the datastore (the one validation and commit path of every protocol);
 * writable state attributes go to their class's handler (writable.ts). Any refusal changes nothing.
 */
import { RollbackFailedError, SaveFailedError } from '../config/datastore';
import type { CommitInfo } from '../config/datastore';
import { ConfigError, fieldOf } from '../config/document';
import type { ConfigObject, ConfigScalar } from '../config/document';
import { modelIndex } from '../model';
import type { Instance, PathSeg, Scalar } from '../state/tree';
import type { Varbind } from './message';
import type { ErrorStatusName } from './message';
import type { Column, MibView, Row } from './mibview';
import { fromSnmp } from './values';
import { writableHandler } from './writable';

export interface Committer {
  commit(doc: unknown, info: CommitInfo): unknown;
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

export function processSet(view: MibView, committer: Committer, varbinds: readonly Varbind[], who: CommitInfo): SetOutcome {
  const ops: Op[] = [];
  for (let i = 0; i < varbinds.length; i++) {
    const r = checkVarbind(view, varbinds[i], i);
    if ('status' in r) return r;
    ops.push(r);
  }
  const configOps = ops.filter((o) => o.col.attr.access === 'config');
  const stateOps = ops.filter((o) => o.col.attr.access !== 'config');

  // Writable state: group by instance, ask each handler first.
  const byInst = new Map<Instance, { ops: Op[]; values: Record<string, ConfigScalar> }>();
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

  // Configuration: one candidate document, one commit.
  const previous = view.config;
  let committed = false;
  if (configOps.length) {
    const candidate = structuredClone(previous);
    const wheres: { op: Op; attr: string; row: string }[] = [];
    for (const o of configOps) {
      const { obj, where } = docObjectFor(candidate, o.row.path);
      obj[o.col.attr.name] = o.value;
      wheres.push({ op: o, attr: where ? `${where}.${o.col.attr.name}` : o.col.attr.name, row: where });
    }
    try {
      committer.commit(candidate, who);
      committed = true;
    } catch (e) {
      if (e instanceof RollbackFailedError) return refuse('undoFailed', configOps[0].i, e.message);
      if (!(e instanceof ConfigError) || e instanceof SaveFailedError) return refuse('commitFailed', configOps[0].i, (e as Error).message);
      const exact = wheres.find((w) => w.attr === e.path);
      if (exact) return refuse('wrongValue', exact.op.i, e.message);
      const inRow = wheres.find((w) => w.row !== '' && (e.path === w.row || e.path.startsWith(`${w.row}.`) || e.path.startsWith(`${w.row}[`)));
      return refuse('inconsistentValue', (inRow ?? wheres[0]).op.i, e.message);
    }
  }

  for (const [inst, g] of byInst) {
    try {
      writableHandler(inst.cls.name)!.apply(inst, g.values, who);
    } catch (e) {
      if (committed) {
        try { committer.commit(previous, { ...who, source: `${who.source} (undo)` }); } catch {
          return refuse('undoFailed', g.ops[0].i, (e as Error).message);
        }
      }
      return refuse('commitFailed', g.ops[0].i, (e as Error).message);
    }
  }
  return OK;
}
