/**
 * The MIB view: every object of BLOCKCHAIN-MGMT-MIB, derived from the model, over the live instance
 * tree (and, for configuration attributes, the running configuration with the model's defaults). No
 * value is copied: the view is a sorted index of instance OIDs, each pointing at a row and a column,
 * and values are read when a request asks for them. The index is rebuilt lazily when the tree's
 * structure or the running configuration changes.
 */
import { fieldOf, hasConfig } from '../config/document';
import type { ConfigObject, ConfigScalar } from '../config/document';
import { mibAttributes, modelIndex } from '../model';
import type { Attribute, MibAccess, ObjectClass } from '../model';
import type { Instance, InstanceTree, PathSeg, Scalar, Value } from '../state/tree';
import { encodeOidContent } from './ber';
import type { SnmpValue } from './ber';
import { compareOids, parseOid } from './oid';
import type { Oid } from './oid';
import { ROW_CHANGES_MAX, editRows } from './index-edits';
import type { TableCache } from './index-edits';
import { columnValue, indexSubIds, indexValue } from './values';

export type MaxAccess = MibAccess;

/** MAX-ACCESS of an attribute's MIB object: the model's rule (ModelIndex.mibAccess), which the MIB generator also follows. */
export function mibAccess(cls: ObjectClass, attr: Attribute): MaxAccess {
  return modelIndex.mibAccess(cls, attr);
}

export interface Column {
  readonly cls: ObjectClass;
  readonly attr: Attribute;
  /** OID of the object type (column or scalar), without instance. */
  readonly oid: Oid;
  readonly access: MaxAccess;
  readonly scalar: boolean;
}

/** One row of a table (or the one instance of a scalar group). */
export interface Row {
  readonly cls: ObjectClass;
  /** INDEX sub-identifiers; [0] for a scalar group. */
  readonly index: Oid;
  /** Instance path in the tree (also the row's place in the configuration document). */
  readonly path: readonly PathSeg[];
  readonly inst?: Instance;
  readonly doc?: ConfigObject;
}

/** A MIB object outside the model (SNMPv2-MIB, SNMP-FRAMEWORK-MIB, ...): one instance, value read when asked. */
export interface StaticObject {
  /** Instance OID (with .0 for a scalar). */
  readonly oid: Oid;
  readonly get: () => SnmpValue | undefined;
}

export interface Entry {
  readonly row: Row | null;
  readonly col: Column | null;
  readonly fixed: StaticObject | null;
  /** The instance OID, made when first needed (binary search compares column and index in place). */
  oid: Oid | undefined;
  /** Cached BER contents of the OID. */
  enc: Buffer | undefined;
}

export function entryOid(e: Entry): Oid {
  return e.oid ??= e.fixed ? e.fixed.oid : [...e.col!.oid, ...e.row!.index];
}

export function entryOidContent(e: Entry): Buffer {
  return e.enc ??= encodeOidContent(entryOid(e));
}

/** compareOids(entryOid(e), oid) without making the entry's OID. */
export function compareEntry(e: Entry, oid: Oid): number {
  if (e.oid || e.fixed) return compareOids(entryOid(e), oid);
  const c = e.col!.oid;
  const idx = e.row!.index;
  const n = c.length + idx.length;
  const m = n < oid.length ? n : oid.length;
  for (let i = 0; i < m; i++) {
    const d = (i < c.length ? c[i] : idx[i - c.length]) - oid[i];
    if (d !== 0) return d;
  }
  return n - oid.length;
}

interface Table { readonly cls: ObjectClass; readonly scalar: boolean; readonly columns: readonly Column[]; readonly arc: number }

function buildTables(): Table[] {
  const out: Table[] = [];
  for (const cls of modelIndex.model.classes) {
    const r = modelIndex.mibRendering(cls);
    if (r === 'none') continue;
    const columns = mibAttributes(cls).slice().sort((a, b) => a.arc - b.arc)
      .map((attr) => ({ cls, attr, oid: parseOid(modelIndex.attributeOid(cls, attr)), access: mibAccess(cls, attr), scalar: r === 'scalars' }))
      .filter((c) => c.access !== 'not-accessible');
    out.push({ cls, scalar: r === 'scalars', columns, arc: cls.arc });
  }
  return out.sort((a, b) => a.arc - b.arc);
}

/** INDEX sub-identifiers of the instance at path (keys of the enclosing lists, outermost first). */
export function instanceIndex(cls: ObjectClass, path: readonly PathSeg[]): number[] | undefined {
  const keys = modelIndex.mibIndex(cls);
  const values: Scalar[] = [];
  for (const seg of path) for (const k of seg.keys ?? []) values.push(k);
  if (values.length !== keys.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const s = indexSubIds(keys[i].attr.type, values[i]);
    if (!s) return undefined;
    out.push(...s);
  }
  return out;
}

/** The key values an INDEX stands for (the inverse of instanceIndex), outermost first; undefined when it is not one. */
export function instanceKeys(cls: ObjectClass, index: readonly number[]): Scalar[] | undefined {
  const out: Scalar[] = [];
  let at = 0;
  for (const k of modelIndex.mibIndex(cls)) {
    const v = indexValue(k.attr.type, index.slice(at));
    if (!v) return undefined;
    out.push(v.value);
    at += v.length;
  }
  return at === index.length ? out : undefined;
}

/** Tables of at most this many entries are replaced in place in the index when they change. */
const SPLICE_MAX = 20_000;


export class MibView {
  private readonly tables = buildTables();
  private readonly rootOid = parseOid(modelIndex.rootOid);
  /** Object types (columns and scalars), by dotted OID: tells noSuchInstance from noSuchObject. */
  private readonly objects = new Map<string, Column | 'static'>();
  private entries: Entry[] = [];
  /** Per table: its entries (column-major, rows in index order) and rows by index; rebuilt only when dirty. */
  private readonly caches = new Map<string, TableCache>();
  /** Instances added or removed per class since the index was built (at most ROW_CHANGES_MAX + 1 kept). */
  private readonly changes = new Map<string, { inst: Instance; added: boolean }[]>();
  /** Classes whose instances were added or removed since their table was built. */
  private readonly dirty = new Set<string>();
  private allDirty = true;
  private builtStructure = -1;
  private doc: ConfigObject = {};
  private readonly before: StaticObject[];
  private readonly after: StaticObject[];
  private readonly onAdded = (inst: Instance): void => this.note(inst, true);
  private readonly onRemoved = (inst: Instance): void => this.note(inst, false);

  constructor(private readonly tree: InstanceTree, statics: readonly StaticObject[] = []) {
    for (const t of this.tables) for (const c of t.columns) this.objects.set(c.oid.join('.'), c);
    const sorted = statics.slice().sort((a, b) => compareOids(a.oid, b.oid));
    for (const s of sorted) this.objects.set(s.oid.slice(0, -1).join('.'), 'static');
    this.before = sorted.filter((s) => compareOids(s.oid, this.rootOid) < 0);
    this.after = sorted.filter((s) => compareOids(s.oid, this.rootOid) > 0);
    tree.on('added', this.onAdded);
    tree.on('removed', this.onRemoved);
  }

  /** Stops following the tree. */
  close(): void {
    this.tree.off('added', this.onAdded);
    this.tree.off('removed', this.onRemoved);
  }

  /** The running configuration the view shows (set at start and on every commit). */
  setConfig(doc: ConfigObject): void {
    this.doc = doc;
    this.allDirty = true;
  }

  get config(): ConfigObject { return this.doc; }

  /**
   * The current sorted entries. When the tree's structure changed, the tables of the classes whose
   * instances were added or removed are rebuilt (all of them after a configuration change); the
   * others are kept, so a busy table (log records, peers) does not make the whole index be rebuilt.
   */
  index(): readonly Entry[] {
    if (this.builtStructure === this.tree.structureVersion && !this.allDirty && this.dirty.size === 0) return this.entries;
    this.rebuild();
    return this.entries;
  }

  private rebuild(): void {
    this.builtStructure = this.tree.structureVersion;
    const all = this.allDirty || this.caches.size === 0;
    const docRows = all ? this.docObjects() : undefined;
    // where each table's entries start in this.entries as it is (before this rebuild)
    const offsets = new Map<string, number>();
    let at = this.before.length;
    for (const t of this.tables) { offsets.set(t.cls.name, at); at += this.caches.get(t.cls.name)?.entries.length ?? 0; }
    // Last table first, so that the offsets of the tables before stay right while the copy of this.entries is edited
    // (a copy of the pointers, a fraction of a millisecond: who holds the previous index keeps it unchanged).
    let concat = all;
    if (!all) this.entries = this.entries.slice();
    for (const t of [...this.tables].reverse()) {
      const cached = this.caches.get(t.cls.name);
      if (!all && cached && !this.dirty.has(t.cls.name)) continue;
      const changes = this.changes.get(t.cls.name);
      // A few rows added or removed (a peer connects, a log record is written): edited in place.
      if (!all && cached && changes && changes.length <= ROW_CHANGES_MAX && !t.scalar
        && editRows(t.cls, t.columns, cached, changes, (inst) => instanceIndex(t.cls, inst.path()), this.entries, concat ? undefined : offsets.get(t.cls.name)!)) continue;
      const fromDoc = docRows ? docRows.get(t.cls.name) ?? [] : (cached ? [...cached.rows.values()].filter((r) => r.doc).map((r) => ({ path: [...r.path], doc: r.doc! })) : []);
      const list = this.rowsOf(t, fromDoc);
      const rows = new Map<string, Row>();
      for (const r of list) rows.set(r.index.join('.'), r);
      const entries: Entry[] = [];
      for (const col of t.columns) for (const row of list) entries.push({ row, col, fixed: null, oid: undefined, enc: undefined });
      this.caches.set(t.cls.name, { list, entries, rows });
      // a small table's run of entries is replaced in place; a large one makes the whole index be concatenated again
      if (!concat && cached && entries.length <= SPLICE_MAX && cached.entries.length <= SPLICE_MAX) this.entries.splice(offsets.get(t.cls.name)!, cached.entries.length, ...entries);
      else concat = true;
    }
    this.allDirty = false;
    this.dirty.clear();
    this.changes.clear();
    if (!concat) return;
    const out: Entry[] = [];
    for (const s of this.before) out.push({ oid: s.oid, enc: undefined, row: null, col: null, fixed: s });
    for (const t of this.tables) for (const e of this.caches.get(t.cls.name)!.entries) out.push(e);
    for (const s of this.after) out.push({ oid: s.oid, enc: undefined, row: null, col: null, fixed: s });
    this.entries = out;
  }

  /** Records an instance added or removed: its table is edited row by row at the next request, when few changed. */
  private note(inst: Instance, added: boolean): void {
    const name = inst.cls.name;
    this.dirty.add(name);
    let l = this.changes.get(name);
    if (!l) { l = []; this.changes.set(name, l); }
    if (l.length <= ROW_CHANGES_MAX) l.push({ inst, added });
  }

  /** Rows of a table: the tree's instances and the configuration's entries, merged by index, sorted. */
  private rowsOf(t: Table, fromDoc: readonly { path: PathSeg[]; doc: ConfigObject }[]): Row[] {
    const byIndex = new Map<string, { index: number[]; path: readonly PathSeg[]; inst?: Instance; doc?: ConfigObject }>();
    if (t.scalar) {
      const inst = this.tree.instances(t.cls.name)[0];
      const doc = fromDoc[0]?.doc;
      const hasConfigAttr = t.cls.attributes.some((a) => a.access === 'config');
      if (!inst && !doc && !hasConfigAttr) return [];
      return [{ cls: t.cls, index: [0], path: inst ? inst.path() : fromDoc[0]?.path ?? [], inst, doc }];
    }
    const key = (path: readonly PathSeg[]): number[] | undefined => instanceIndex(t.cls, path);
    for (const inst of this.tree.instances(t.cls.name)) {
      const path = inst.path();
      const index = key(path);
      if (index) byIndex.set(index.join('.'), { index, path, inst });
    }
    for (const d of fromDoc) {
      const index = key(d.path);
      if (!index) continue;
      const hit = byIndex.get(index.join('.'));
      if (hit) hit.doc = d.doc;
      else byIndex.set(index.join('.'), { index, path: d.path, doc: d.doc });
    }
    const out = [...byIndex.values()].map((r) => ({ cls: t.cls, ...r }));
    out.sort((a, b) => compareOids(a.index, b.index));
    return out;
  }

  /**
   * Objects of the running configuration by class, with their instance paths. A container of
   * configuration exists wherever its parent exists (its attributes have defaults).
   */
  private docObjects(): Map<string, { path: PathSeg[]; doc: ConfigObject }[]> {
    const out = new Map<string, { path: PathSeg[]; doc: ConfigObject }[]>();
    const add = (cls: ObjectClass, path: PathSeg[], doc: ConfigObject): void => {
      let l = out.get(cls.name);
      if (!l) { l = []; out.set(cls.name, l); }
      l.push({ path, doc });
    };
    const walk = (cls: ObjectClass, obj: ConfigObject, path: PathSeg[]): void => {
      for (const child of modelIndex.childrenOf(cls)) {
        if (!hasConfig(child)) continue;
        const v = obj[fieldOf(child)];
        if (child.kind === 'container') {
          const o = v && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigObject) : {};
          const p = [...path, { cls: child.name }];
          add(child, p, o);
          walk(child, o, p);
          continue;
        }
        if (!Array.isArray(v)) continue;
        for (const item of v as ConfigObject[]) {
          const keys = (child.keys ?? []).map((k) => item[k] as ConfigScalar);
          if (keys.some((k) => k === undefined)) continue;
          const p = [...path, { cls: child.name, keys }];
          add(child, p, item);
          walk(child, item, p);
        }
      }
    };
    walk(modelIndex.root, this.doc, []);
    return out;
  }

  /** Position of the first entry after oid (binary search). */
  nextIndex(oid: Oid): number {
    const e = this.index();
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntry(e[mid], oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry with exactly this OID. */
  exact(oid: Oid): Entry | undefined {
    const e = this.index();
    const i = this.nextIndex(oid) - 1;
    return i >= 0 && compareEntry(e[i], oid) === 0 ? e[i] : undefined;
  }

  /** The object type an instance OID belongs to, if any. */
  objectOf(oid: Oid): Column | 'static' | undefined {
    // From the OID itself (an object type named without instance) to its shortest prefix.
    for (let n = oid.length; n > 0; n--) {
      const o = this.objects.get(oid.slice(0, n).join('.'));
      if (o) return o;
    }
    return undefined;
  }

  /** The row of a table with the given index. */
  row(cls: ObjectClass, index: Oid): Row | undefined {
    this.index();
    return this.caches.get(cls.name)?.rows.get(index.join('.'));
  }

  /** The current value of an entry; undefined when absent (then not in a walk). */
  value(e: Entry): SnmpValue | undefined {
    if (e.fixed) return e.fixed.get();
    return this.cellValue(e.row!, e.col!.attr);
  }

  cellValue(row: Row, attr: Attribute): SnmpValue | undefined {
    const v = this.raw(row, attr);
    return v === undefined ? undefined : columnValue(row.cls, attr, v);
  }

  /** The model value of a cell: state from the tree; configuration from the running document, else the tree, else the default. */
  raw(row: Row, attr: Attribute): Value | undefined {
    if (attr.access === 'config') {
      const d = row.doc?.[attr.name];
      if (d !== undefined && !Array.isArray(d) && typeof d !== 'object') return d;
      return row.inst?.get(attr.name) ?? attr.default;
    }
    return row.inst?.get(attr.name);
  }
}
