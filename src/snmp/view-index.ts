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
import { BerWriter, encodeOidContent } from './ber';
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
  if (e.fixed) return staticOidContent(e.fixed);
  if (e.row instanceof PackedRow) return e.row.cellOidContent(e.col!.enc);
  return encodeOidContent(entryOid(e));
}

/** The BER contents of each static object's OID, made once. */
const staticEncodings = new WeakMap<StaticObject, Buffer>();

function staticOidContent(f: StaticObject): Buffer {
  let enc = staticEncodings.get(f);
  if (!enc) { enc = encodeOidContent(f.oid); staticEncodings.set(f, enc); }
  return enc;
}

/** Octets of the BER contents of an entry's instance OID. */
export function entryOidLength(e: Entry): number {
  if (e.fixed) return staticOidContent(e.fixed).length;
  if (e.row instanceof PackedRow) return e.row.cellOidLength(e.col!.enc);
  return entryOidContent(e).length;
}

/** Writes the BER contents of an entry's instance OID (entryOidLength octets), with nothing made on the way. */
export function writeEntryOid(w: BerWriter, e: Entry): void {
  if (e.fixed) w.bytes(staticOidContent(e.fixed));
  else if (e.row instanceof PackedRow) e.row.writeCellOid(w, e.col!.enc);
  else w.bytes(entryOidContent(e));
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
  /** The entries of the static objects (before and after the tables), made once: an Entry is never changed. */
  private readonly fixedBefore: readonly Entry[];
  private readonly fixedAfter: readonly Entry[];
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
    this.fixedBefore = before.map((fixed) => ({ row: null, col: null, fixed }));
    this.fixedAfter = after.map((fixed) => ({ row: null, col: null, fixed }));
  }

  /** The entry at position i (a new object for a cell); undefined past the end. */
  entry(i: number): Entry | undefined {
    if (i < 0 || i >= this.length) return undefined;
    if (i < this.before.length) return this.fixedBefore[i];
    if (i >= this.tablesEnd) return this.fixedAfter[i - this.tablesEnd];
    return this.cell(i);
  }

  /** The cell at position i (between the statics); with oid, only when its OID is oid (compared in place). */
  private cell(i: number, oid?: Oid): Entry | undefined {
    const p = this.placed[this.tableAt(i)];
    const rows = p.part.rows;
    const local = i - p.start;
    const k = Math.floor(local / rows.length);
    const r = local - k * rows.length;
    const col = p.part.columns[k];
    if (oid && rows.compareCell(r, col.oid, oid) !== 0) return undefined;
    return { row: rows.row(r), col, fixed: null };
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

  /** The entry with exactly this OID (compared in place: a cell's INDEX is not made). */
  exact(oid: Oid): Entry | undefined {
    const i = this.next(oid) - 1;
    if (i < 0) return undefined;
    if (i < this.before.length || i >= this.tablesEnd) {
      const e = this.entry(i)!;
      return compareOids(e.fixed!.oid, oid) === 0 ? e : undefined;
    }
    return this.cell(i, oid);
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
