/**
 * The sorted index of the MIB view's object instances (src/snmp/mibview.ts), held per ROW, not per cell: the
 * static objects before the bcm subtree, then each table's columns and its rows sorted by INDEX, then the static
 * objects after. A table's instances are column-major (column k, row r at position k * rows + r), so a position
 * of the whole index is found from the tables' starts, and an OID by binary search over the tables, then the
 * columns, then the rows, comparing sub-identifiers in place. Entries, their OIDs and BER encodings are made when
 * an operation asks for them and are not kept: a walk leaves nothing behind in the index.
 *
 * A ViewIndex does not change once made: the view makes a new one when rows come or go (sharing the packed rows of
 * the tables that did not change), so who holds the previous one keeps a consistent index.
 */
import { encodeOidContent } from './ber';
import type { Column, Row, StaticObject } from './mibview';
import { PackedRow } from './table-rows';
import type { TableRows } from './table-rows';
import { compareOids } from './oid';
import type { Oid } from './oid';

/** One object instance of the view: a cell (row and column) or a static object; made on access. */
export interface Entry {
  readonly row: Row | null;
  readonly col: Column | null;
  readonly fixed: StaticObject | null;
}

/** The instance OID of an entry (a new array). */
export function entryOid(e: Entry): Oid {
  return e.fixed ? e.fixed.oid : [...e.col!.oid, ...e.row!.index];
}

/** BER contents of the instance OID of an entry (a new buffer): the column's encoding, then the INDEX sub-identifiers. */
export function entryOidContent(e: Entry): Buffer {
  if (e.row instanceof PackedRow) return e.row.cellOidContent(e.col!.enc);
  return encodeOidContent(entryOid(e));
}

/** compareOids(column ++ index, oid) without making the concatenation. */
export function compareCell(column: Oid, index: Oid, oid: Oid): number {
  const c = column.length;
  const n = c + index.length;
  const m = n < oid.length ? n : oid.length;
  for (let i = 0; i < m; i++) {
    const d = (i < c ? column[i] : index[i - c]) - oid[i];
    if (d !== 0) return d;
  }
  return n - oid.length;
}

/** One table as the index holds it: its readable columns in OID order and its rows in INDEX order. */
export interface TablePart {
  readonly columns: readonly Column[];
  readonly rows: TableRows;
}

interface Placed { readonly part: TablePart; readonly start: number; readonly size: number }

/** Number of static objects of a sorted list whose OID is at or before oid. */
function staticsUpTo(list: readonly StaticObject[], oid: Oid): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOids(list[mid].oid, oid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ViewIndex {
  /** Number of object instances. */
  readonly length: number;
  /** The tables with rows, in OID order, with their first position. */
  private readonly placed: Placed[] = [];
  private readonly tablesEnd: number;

  /** before and after: sorted static objects (before all tables, after all tables); parts: the tables in OID order. */
  constructor(private readonly before: readonly StaticObject[], parts: readonly TablePart[], private readonly after: readonly StaticObject[]) {
    let at = before.length;
    for (const part of parts) {
      const size = part.columns.length * part.rows.length;
      if (size === 0) continue;
      this.placed.push({ part, start: at, size });
      at += size;
    }
    this.tablesEnd = at;
    this.length = at + after.length;
  }

  /** The entry at position i (a new object); undefined past the end. */
  entry(i: number): Entry | undefined {
    if (i < 0 || i >= this.length) return undefined;
    if (i < this.before.length) return { row: null, col: null, fixed: this.before[i] };
    if (i >= this.tablesEnd) return { row: null, col: null, fixed: this.after[i - this.tablesEnd] };
    const p = this.placed[this.tableAt(i)];
    const local = i - p.start;
    const n = p.part.rows.length;
    const k = Math.floor(local / n);
    return { row: p.part.rows.row(local - k * n), col: p.part.columns[k], fixed: null };
  }

  /** Every entry in order (new objects). */
  *[Symbol.iterator](): IterableIterator<Entry> {
    for (let i = 0; i < this.length; i++) yield this.entry(i)!;
  }

  /** Position of the first entry after oid (the number of entries at or before it). */
  next(oid: Oid): number {
    const a = staticsUpTo(this.after, oid);
    if (a > 0) return this.tablesEnd + a;
    const b = staticsUpTo(this.before, oid);
    if (b < this.before.length) return b;
    // the last table whose first instance is at or before oid: the tables before it are all before oid, those after all after
    let lo = 0;
    let hi = this.placed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const part = this.placed[mid].part;
      if (part.rows.compareCell(0, part.columns[0].oid, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return this.before.length;
    const p = this.placed[lo - 1];
    return p.start + ViewIndex.upTo(p.part, oid);
  }

  /** The entry with exactly this OID. */
  exact(oid: Oid): Entry | undefined {
    const i = this.next(oid) - 1;
    const e = this.entry(i);
    if (!e) return undefined;
    const c = e.fixed ? compareOids(e.fixed.oid, oid) : compareCell(e.col!.oid, e.row!.index, oid);
    return c === 0 ? e : undefined;
  }

  /**
   * What the index holds besides the rows' instances and configuration objects: objects (its own, its tables'
   * arrays, configured rows' paths) and slots (INDEX sub-identifiers, row starts, instance and configuration slots).
   */
  held(): { objects: number; slots: number } {
    let objects = 1 + this.placed.length;
    let slots = this.placed.length;
    for (const p of this.placed) {
      const h = p.part.rows.held();
      objects += h.objects;
      slots += h.slots;
    }
    return { objects, slots };
  }

  /** Number of instances of a table at or before oid (its first instance is). */
  private static upTo(part: TablePart, oid: Oid): number {
    const { columns, rows } = part;
    let lo = 0;
    let hi = columns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows.compareCell(0, columns[mid].oid, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    const col = columns[k].oid;
    lo = 0;
    hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows.compareCell(mid, col, oid) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return k * rows.length + lo;
  }

  /** The table holding position i (between the statics). */
  private tableAt(i: number): number {
    let lo = 0;
    let hi = this.placed.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.placed[mid].start <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
