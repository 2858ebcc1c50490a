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
import type { SnmpValue } from './ber';
import { encodeOidContent } from './ber';
import { compareOids, parseOid } from './oid';
import type { Oid } from './oid';
import { ROW_CHANGES_MAX, editRows } from './index-edits';
import type { RowChange } from './index-edits';
import { TableRows } from './table-rows';
import type { RowSource } from './table-rows';
import { columnValue, indexSubIds, indexValue } from './values';
import { Turns } from '../turns';
import { ViewIndex } from './view-index';
import type { Entry } from './view-index';

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
  /** BER contents of oid: the start of the encoding of each of its instances' OIDs. */
  readonly enc: Buffer;
  readonly access: MaxAccess;
  readonly scalar: boolean;
}

/** One row of a table (or the one instance of a scalar group). */
export interface Row {
  readonly cls: ObjectClass;
  /** INDEX sub-identifiers; [0] for a scalar group. */
  readonly index: Oid;
  readonly inst?: Instance;
  readonly doc?: ConfigObject;
  /** The row's place in the configuration document when it has no instance (else inst.path(), made when asked: rowPath). */
  readonly path?: readonly PathSeg[];
}

/** Instance path of a row in the tree, which is also its place in the configuration document. */
export function rowPath(row: Row): readonly PathSeg[] {
  return row.inst ? row.inst.path() : row.path ?? [];
}

/** A MIB object outside the model (SNMPv2-MIB, SNMP-FRAMEWORK-MIB, ...): one instance, value read when asked. */
export interface StaticObject {
  /** Instance OID (with .0 for a scalar). */
  readonly oid: Oid;
  readonly get: () => SnmpValue | undefined;
  /** What the socket thread may hold of it (get-cells.ts): its value ('constant') or sysUpTime's; absent: nothing. */
  readonly cache?: 'constant' | 'upTime';
}

export type { Entry } from './view-index';
export { entryOid, entryOidContent } from './view-index';

interface Table { readonly cls: ObjectClass; readonly scalar: boolean; readonly columns: readonly Column[]; readonly arc: number }

function buildTables(): Table[] {
  const out: Table[] = [];
  for (const cls of modelIndex.model.classes) {
    const r = modelIndex.mibRendering(cls);
    if (r === 'none') continue;
    const columns = mibAttributes(cls).slice().sort((a, b) => a.arc - b.arc)
      .map((attr) => {
        const oid = parseOid(modelIndex.attributeOid(cls, attr));
        return { cls, attr, oid, enc: encodeOidContent(oid), access: mibAccess(cls, attr), scalar: r === 'scalars' };
      })
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

/** Rows sorted or merged between two points where a build may give the event loop back. */
const ROWS_PER_STEP = 512;

/**
 * Instances indexed, entries of configuration walked or rows packed between two such points: indexing a row
 * takes 10-50 us (a node's INDEX holds two strings), so 512 of them held the loop up to 26 ms at 1,000 nodes.
 */
const INSTANCES_PER_STEP = 64;

/**
 * Sorts items into out (appended), in steps: runs of ROWS_PER_STEP sorted one per step, then merged pairwise,
 * ROWS_PER_STEP items per step. Stable, like Array.prototype.sort.
 */
export function* sortInSteps<T>(items: T[], cmp: (a: T, b: T) => number, out: T[]): Generator<void, void, void> {
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STEP) {
    runs.push(items.slice(i, i + ROWS_PER_STEP).sort(cmp));
    if (items.length > ROWS_PER_STEP) yield;
  }
  while (runs.length > 1) {
    const next: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) { next.push(a); continue; }
      const m = new Array<T>(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length || j < b.length) {
        m[k++] = j >= b.length || (i < a.length && cmp(a[i], b[j]) <= 0) ? a[i++] : b[j++];
        if (k % ROWS_PER_STEP === 0) yield;
      }
      next.push(m);
    }
    runs = next;
  }
  for (const x of runs[0] ?? []) out.push(x);
}

export class MibView {
  private readonly tables = buildTables();
  private readonly rootOid = parseOid(modelIndex.rootOid);
  /** Object types (columns and scalars), by dotted OID: tells noSuchInstance from noSuchObject. */
  private readonly objects = new Map<string, Column | 'static'>();
  /** The current index; a new one when rows came or went. */
  private current: ViewIndex;
  /** Per table: its rows in INDEX order, packed (replaced, never changed, when the table changes). */
  private readonly rows = new Map<string, TableRows>();
  /** Instances added or removed per class since the index was built (at most ROW_CHANGES_MAX + 1 kept). */
  private readonly changes = new Map<string, { inst: Instance; added: boolean }[]>();
  /** Classes whose instances were added or removed since their table was built. */
  private readonly dirty = new Set<string>();
  private allDirty = true;
  private builtStructure = -1;
  /** The build round under way (advance() runs it over turns), if any. */
  private build: Generator<void, void, void> | undefined;
  /** Whether a build round has finished since the view was made. */
  private built = false;
  /** Inside serving(): index() returns the index last built, unless the configuration changed since (setConfig). */
  private pinned = false;
  private pinnedEpoch = 0;
  private configEpoch = 0;
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
    this.current = new ViewIndex(this.before, [], this.after);
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
    this.configEpoch++;
  }

  get config(): ConfigObject { return this.doc; }

  /**
   * The current index. When the tree's structure changed, the tables of the classes whose instances were added
   * or removed are rebuilt, or edited row by row when few rows changed (all of them after a configuration
   * change); the others are kept, so a busy table (log records, peers) does not make the whole index be rebuilt.
   * A build that advance() began over turns is finished here at once. Inside serving(), the index last built is
   * returned as it is (the agent answers the requests that waited for a build from that build).
   */
  index(): ViewIndex {
    if (this.pinned && this.built && this.pinnedEpoch === this.configEpoch) return this.current;
    if (!this.build && !this.stale()) return this.current;
    this.build ??= this.rebuildSteps();
    while (!this.build.next().done) { /* to the end */ }
    this.build = undefined;
    this.built = true;
    return this.current;
  }

  /**
   * Advances the build of the index, if one is needed, until the slice of turns is used up: true when the index
   * is current or a build round just finished (requests may be answered now, inside serving()); false when work is
   * left (call again on a later turn). A full build of a large table (21,000 peer rows at 1,000 nodes) takes
   * hundreds of milliseconds: it runs in steps of about a millisecond, never holding the event loop.
   */
  advance(turns?: Turns): boolean {
    if (!this.build) {
      if (!this.stale()) return true;
      this.build = this.rebuildSteps();
    }
    turns ??= new Turns();
    for (;;) {
      if (this.build.next().done) { this.build = undefined; this.built = true; return true; }
      if (turns.due()) return false;
    }
  }

  /** Whether a build round is under way (begun by advance(), not finished yet). */
  get building(): boolean { return this.build !== undefined; }

  /**
   * Runs fn with the index last built (see index()): requests that waited for a build round are answered from
   * it even if instances came or went during the round's turns (the next request edits them in). A commit
   * inside fn (an SNMP SET) ends this: the index is then rebuilt at once for what follows.
   */
  serving<T>(fn: () => T): T {
    const was = this.pinned;
    const epoch = this.pinnedEpoch;
    this.pinned = true;
    this.pinnedEpoch = this.configEpoch;
    try { return fn(); } finally { this.pinned = was; this.pinnedEpoch = epoch; }
  }

  /** Whether instances came or went, or the configuration changed, since the index was built. */
  private stale(): boolean {
    return this.builtStructure !== this.tree.structureVersion || this.allDirty || this.dirty.size > 0;
  }

  /**
   * One build round, in steps (each yield is a point where advance() may give the event loop back). The instances
   * of every table to build are taken when the round begins (a table edited row by row needs none; one whose edit
   * fails, because a configured row was touched, is built from its instances as they are then), and the changes
   * noted until then are consumed (edits are idempotent: one already in the rows changes nothing): an
   * instance that comes or goes while the round runs is noted for the next round, which edits it in. The new
   * rows are installed together at the end: until then the index and rows in use stay as they were.
   */
  private *rebuildSteps(): Generator<void, void, void> {
    this.builtStructure = this.tree.structureVersion;
    const all = this.allDirty || this.rows.size === 0;
    const dirty = new Set(this.dirty);
    const changes = new Map(this.changes);
    const doc = this.doc;
    this.allDirty = false;
    this.dirty.clear();
    this.changes.clear();
    // A table with a few rows added or removed (a peer connects, a log record is written) is edited in a copy of
    // its rows, without its instances; the instances of the tables to build are taken here, in one step.
    const plan: { t: Table; cached: TableRows | undefined; edits: readonly RowChange[] | undefined; insts: readonly Instance[] | undefined }[] = [];
    for (const t of this.tables) {
      const cached = this.rows.get(t.cls.name);
      if (!all && cached && !dirty.has(t.cls.name)) continue;
      const tableChanges = changes.get(t.cls.name);
      const edits = !all && cached && tableChanges && tableChanges.length <= ROW_CHANGES_MAX && !t.scalar ? tableChanges : undefined;
      plan.push({ t, cached, edits, insts: edits ? undefined : this.tree.instances(t.cls.name) });
    }
    let docRows: Map<string, { path: PathSeg[]; doc: ConfigObject }[]> | undefined;
    if (all) { yield; docRows = yield* this.docObjects(doc); }
    const made = new Map<string, TableRows>();
    for (const { t, cached, edits, insts } of plan) {
      if (edits) {
        const edited = editRows(cached!, edits, (inst) => instanceIndex(t.cls, inst.path()));
        if (edited) { made.set(t.cls.name, edited); continue; }
      }
      const fromDoc = docRows ? docRows.get(t.cls.name) ?? [] : (cached ? cached.configured().map((r) => ({ path: [...(r.path ?? [])], doc: r.doc! })) : []);
      const rows: RowSource[] = [];
      // a table whose edit failed (a configured row touched) is built from its instances as they are now
      yield* this.rowsOf(t, insts ?? this.tree.instances(t.cls.name), fromDoc, rows);
      made.set(t.cls.name, yield* TableRows.inSteps(t.cls, rows, INSTANCES_PER_STEP));
      yield;
    }
    for (const [name, rows] of made) this.rows.set(name, rows);
    this.current = new ViewIndex(this.before, this.tables.map((t) => ({ columns: t.columns, rows: this.rows.get(t.cls.name)! })), this.after);
  }

  /** Records an instance added or removed: its table is edited row by row at the next request, when few changed. */
  private note(inst: Instance, added: boolean): void {
    const name = inst.cls.name;
    this.dirty.add(name);
    let l = this.changes.get(name);
    if (!l) { l = []; this.changes.set(name, l); }
    if (l.length <= ROW_CHANGES_MAX) l.push({ inst, added });
  }

  /**
   * Rows of a table (into out): the given instances and the configuration's entries, merged by index, sorted.
   * Yields every INSTANCES_PER_STEP instances or entries of configuration, and between the sorted runs it merges.
   */
  private *rowsOf(t: Table, insts: readonly Instance[], fromDoc: readonly { path: PathSeg[]; doc: ConfigObject }[], out: RowSource[]): Generator<void, void, void> {
    if (t.scalar) {
      const inst = insts[0];
      const doc = fromDoc[0]?.doc;
      const hasConfigAttr = t.cls.attributes.some((a) => a.access === 'config');
      if (!inst && !doc && !hasConfigAttr) return;
      out.push(inst ? { index: [0], inst, doc } : { index: [0], doc, path: fromDoc[0]?.path ?? [] });
      return;
    }
    const byIndex = new Map<string, { index: number[]; path?: readonly PathSeg[]; inst?: Instance; doc?: ConfigObject }>();
    const key = (path: readonly PathSeg[]): number[] | undefined => instanceIndex(t.cls, path);
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i];
      const index = key(inst.path());
      if (index) byIndex.set(index.join('.'), { index, inst });
      if (i % INSTANCES_PER_STEP === INSTANCES_PER_STEP - 1) yield;
    }
    for (let i = 0; i < fromDoc.length; i++) {
      const d = fromDoc[i];
      if (i % INSTANCES_PER_STEP === INSTANCES_PER_STEP - 1) yield;
      const index = key(d.path);
      if (!index) continue;
      const hit = byIndex.get(index.join('.'));
      if (hit) hit.doc = d.doc;
      else byIndex.set(index.join('.'), { index, path: d.path, doc: d.doc });
    }
    const unsorted = [...byIndex.values()];
    byIndex.clear();
    yield* sortInSteps(unsorted, (a, b) => compareOids(a.index, b.index), out);
  }

  /**
   * Objects of the running configuration by class, with their instance paths. A container of
   * configuration exists wherever its parent exists (its attributes have defaults).
   */
  private *docObjects(doc: ConfigObject): Generator<void, Map<string, { path: PathSeg[]; doc: ConfigObject }[]>, void> {
    const out = new Map<string, { path: PathSeg[]; doc: ConfigObject }[]>();
    let n = 0;
    const add = (cls: ObjectClass, path: PathSeg[], obj: ConfigObject): boolean => {
      let l = out.get(cls.name);
      if (!l) { l = []; out.set(cls.name, l); }
      l.push({ path, doc: obj });
      return ++n % INSTANCES_PER_STEP === 0;
    };
    function* walk(cls: ObjectClass, obj: ConfigObject, path: PathSeg[]): Generator<void, void, void> {
      for (const child of modelIndex.childrenOf(cls)) {
        if (!hasConfig(child)) continue;
        const v = obj[fieldOf(child)];
        if (child.kind === 'container') {
          const o = v && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigObject) : {};
          const p = [...path, { cls: child.name }];
          if (add(child, p, o)) yield;
          yield* walk(child, o, p);
          continue;
        }
        if (!Array.isArray(v)) continue;
        for (const item of v as ConfigObject[]) {
          const keys = (child.keys ?? []).map((k) => item[k] as ConfigScalar);
          if (keys.some((k) => k === undefined)) continue;
          const p = [...path, { cls: child.name, keys }];
          if (add(child, p, item)) yield;
          yield* walk(child, item, p);
        }
      }
    }
    yield* walk(modelIndex.root, doc, []);
    return out;
  }

  /** Position of the first entry after oid (binary search over tables, columns, rows). */
  nextIndex(oid: Oid): number {
    return this.index().next(oid);
  }

  /** The entry with exactly this OID. */
  exact(oid: Oid): Entry | undefined {
    return this.index().exact(oid);
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
    const rows = this.rows.get(cls.name);
    const at = rows ? rows.find(index) : -1;
    return rows && at >= 0 ? rows.row(at) : undefined;
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
