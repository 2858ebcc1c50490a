/**
 * The rows of one MIB table as the view's index holds them (src/snmp/view-index.ts), packed: the INDEX
 * sub-identifiers of all rows in one Uint32Array (with each row's start in another), the rows' instances in one
 * array, and the configuration objects of the configured rows. No object per row: a Row (mibview.ts) is made
 * when a request needs one. Sorted by INDEX; never changed once made (an edit makes new arrays), so an index
 * that holds it stays consistent.
 */
import type { ConfigObject } from '../config/document';
import { BerWriter, subIdSize } from './ber';
import type { ObjectClass } from '../model';
import type { Instance, PathSeg } from '../state/tree';
import type { Row } from './mibview';
import type { Oid } from './oid';

/** A row to pack: its INDEX, its instance and/or configuration object (path: where, when it has no instance). */
export interface RowSource {
  readonly index: Oid;
  readonly inst?: Instance;
  readonly doc?: ConfigObject;
  readonly path?: readonly PathSeg[];
}

/** The configuration of a configured row; path only when the row has no instance (else inst.path()). */
interface RowConfig { readonly doc: ConfigObject; readonly path?: readonly PathSeg[] }

/** An instance added to or removed from a table, with its INDEX. */
export interface RowEdit { readonly index: Oid; readonly inst: Instance; readonly added: boolean }

export class TableRows {
  private constructor(
    readonly cls: ObjectClass,
    /** INDEX sub-identifiers of every row, row after row. */
    private readonly subIds: Uint32Array,
    /** Row r's sub-identifiers are subIds[starts[r]] up to subIds[starts[r + 1]]. */
    private readonly starts: Uint32Array,
    private readonly insts: readonly (Instance | undefined)[],
    /** Configuration per row (undefined for a row of the tree only); empty when no row is configured. */
    private readonly configs: readonly (RowConfig | undefined)[],
  ) {}

  /** Packs rows sorted by INDEX. */
  static of(cls: ObjectClass, rows: readonly RowSource[]): TableRows {
    const g = TableRows.inSteps(cls, rows, Infinity);
    for (;;) {
      const r = g.next();
      if (r.done) return r.value;
    }
  }

  /** Packs rows sorted by INDEX, yielding every `per` rows (a point where a build may give the event loop back). */
  static *inSteps(cls: ObjectClass, rows: readonly RowSource[], per: number): Generator<void, TableRows, void> {
    let n = 0;
    for (const r of rows) n += r.index.length;
    const subIds = new Uint32Array(n);
    const starts = new Uint32Array(rows.length + 1);
    const insts = new Array<Instance | undefined>(rows.length);
    const configured = rows.some((r) => r.doc);
    const configs = configured ? new Array<RowConfig | undefined>(rows.length) : [];
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      starts[i] = at;
      subIds.set(r.index, at);
      at += r.index.length;
      insts[i] = r.inst;
      if (configured) configs[i] = r.doc ? (r.inst ? { doc: r.doc } : { doc: r.doc, path: r.path ?? [] }) : undefined;
      if (i % per === per - 1) yield;
    }
    starts[rows.length] = at;
    return new TableRows(cls, subIds, starts, insts, configs);
  }

  get length(): number { return this.insts.length; }

  /** The row at position r (a new object). */
  row(r: number): PackedRow {
    return new PackedRow(this, r);
  }

  /** The instance of row r. */
  instAt(r: number): Instance | undefined { return this.insts[r]; }

  /** The configuration object of row r. */
  docAt(r: number): ConfigObject | undefined { return this.configs[r]?.doc; }

  /** The path of row r when it has no instance. */
  pathAt(r: number): readonly PathSeg[] | undefined { return this.insts[r] ? undefined : this.configs[r]?.path ?? []; }

  /** INDEX sub-identifiers of row r (a new array). */
  index(r: number): number[] {
    const s = this.starts[r];
    const out = new Array<number>(this.starts[r + 1] - s);
    for (let i = 0; i < out.length; i++) out[i] = this.subIds[s + i];
    return out;
  }

  /** The rows with a configuration object, as sources (their paths made now). */
  configured(): RowSource[] {
    const out: RowSource[] = [];
    for (let r = 0; r < this.configs.length; r++) {
      const c = this.configs[r];
      const inst = this.insts[r];
      if (c) out.push({ index: this.index(r), doc: c.doc, path: inst ? inst.path() : c.path });
    }
    return out;
  }

  /** compareOids(column ++ INDEX of row r, oid), in place. */
  compareCell(r: number, column: Oid, oid: Oid): number {
    const c = column.length;
    const m = c < oid.length ? c : oid.length;
    for (let i = 0; i < m; i++) {
      const d = column[i] - oid[i];
      if (d !== 0) return d;
    }
    if (c > oid.length) return 1;
    return this.compareIndex(r, oid, c);
  }

  /** compareOids(INDEX of row r, oid from position from), in place. */
  compareIndex(r: number, oid: Oid, from = 0): number {
    const s = this.starts[r];
    const n = this.starts[r + 1] - s;
    const len = oid.length - from;
    const m = n < len ? n : len;
    for (let i = 0; i < m; i++) {
      const d = this.subIds[s + i] - oid[from + i];
      if (d !== 0) return d;
    }
    return n - len;
  }

  /** Position of the first row whose INDEX is not before index. */
  position(index: Oid): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareIndex(mid, index) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of the row with this INDEX; -1 when none. */
  find(index: Oid): number {
    const at = this.position(index);
    return at < this.length && this.compareIndex(at, index) === 0 ? at : -1;
  }

  /** Octets of the BER contents of the OID of row r's cell in the column whose OID's contents are prefix. */
  cellOidLength(r: number, prefix: Buffer): number {
    let size = prefix.length;
    for (let i = this.starts[r]; i < this.starts[r + 1]; i++) size += subIdSize(this.subIds[i]);
    return size;
  }

  /** Writes the BER contents of the OID of row r's cell in the column whose OID's contents are prefix. */
  writeCellOid(w: BerWriter, r: number, prefix: Buffer): void {
    w.bytes(prefix);
    w.subIds(this.subIds, this.starts[r], this.starts[r + 1]);
  }

  /** BER contents of the OID of row r's cell in the column whose OID's contents are prefix (a new buffer). */
  cellOidContent(r: number, prefix: Buffer): Buffer {
    const w = new BerWriter(this.cellOidLength(r, prefix));
    this.writeCellOid(w, r, prefix);
    return w.buf;
  }

  /**
   * These rows with instances added and removed (in order: the last change of a row wins; the same keys added
   * again point at the new instance); undefined when a change touches a configured row (rebuild the table then).
   */
  edited(edits: readonly RowEdit[]): TableRows | undefined {
    // the final instance of each INDEX touched, in INDEX order, with its place in these rows
    const touched: { index: Oid; at: number; present: boolean; inst: Instance | undefined }[] = [];
    for (const e of edits) {
      let k = 0;
      while (k < touched.length && compareIndexes(touched[k].index, e.index) < 0) k++;
      if (k === touched.length || compareIndexes(touched[k].index, e.index) !== 0) {
        const at = this.position(e.index);
        const present = at < this.length && this.compareIndex(at, e.index) === 0;
        if (present && this.configs[at]) return undefined;
        touched.splice(k, 0, { index: e.index, at, present, inst: present ? this.insts[at] : undefined });
      }
      const t = touched[k];
      if (e.added) t.inst = e.inst;
      else if (t.inst === e.inst) t.inst = undefined;
    }
    // runs of these rows kept as they are, and the rows touched, in order
    let rows = this.length;
    let subs = this.subIds.length;
    for (const t of touched) {
      if (t.present) { rows--; subs -= this.starts[t.at + 1] - this.starts[t.at]; }
      if (t.inst) { rows++; subs += t.index.length; }
    }
    const subIds = new Uint32Array(subs);
    const starts = new Uint32Array(rows + 1);
    const insts = new Array<Instance | undefined>(rows);
    const configs = this.configs.length ? new Array<RowConfig | undefined>(rows) : [];
    let r = 0; // next row of these rows
    let n = 0; // next row of the new rows
    let at = 0; // next sub-identifier of the new rows
    const keep = (to: number): void => {
      if (to <= r) return;
      const from = this.starts[r];
      subIds.set(this.subIds.subarray(from, this.starts[to]), at);
      for (; r < to; r++, n++) {
        starts[n] = at + this.starts[r] - from;
        insts[n] = this.insts[r];
        if (configs.length) configs[n] = this.configs[r];
      }
      at = starts[n - 1] + this.starts[r] - this.starts[r - 1];
    };
    for (const t of touched) {
      keep(t.at);
      if (t.present) r++;
      if (!t.inst) continue;
      starts[n] = at;
      subIds.set(t.index, at);
      at += t.index.length;
      insts[n++] = t.inst;
    }
    keep(this.length);
    starts[rows] = at;
    return new TableRows(this.cls, subIds, starts, insts, configs);
  }

  /** What the rows hold: objects (arrays, configurations) and slots (sub-identifiers, starts, instances, configurations). */
  held(): { objects: number; slots: number } {
    let objects = 4;
    for (const c of this.configs) if (c) objects += 1 + (c.path ? 1 + c.path.length : 0);
    return { objects, slots: this.subIds.length + this.starts.length + this.insts.length + this.configs.length };
  }
}

function compareIndexes(a: Oid, b: Oid): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) { const d = a[i] - b[i]; if (d !== 0) return d; }
  return a.length - b.length;
}

/** A row of packed rows, read through them (made on access: its INDEX array only when asked for). */
export class PackedRow implements Row {
  constructor(private readonly rows: TableRows, private readonly r: number) {}
  get cls(): ObjectClass { return this.rows.cls; }
  get index(): Oid { return this.rows.index(this.r); }
  get inst(): Instance | undefined { return this.rows.instAt(this.r); }
  get doc(): ConfigObject | undefined { return this.rows.docAt(this.r); }
  get path(): readonly PathSeg[] | undefined { return this.rows.pathAt(this.r); }
  /** BER contents of the OID of this row's cell in the column whose OID's contents are prefix. */
  cellOidContent(prefix: Buffer): Buffer { return this.rows.cellOidContent(this.r, prefix); }
  cellOidLength(prefix: Buffer): number { return this.rows.cellOidLength(this.r, prefix); }
  writeCellOid(w: BerWriter, prefix: Buffer): void { this.rows.writeCellOid(w, this.r, prefix); }
}

