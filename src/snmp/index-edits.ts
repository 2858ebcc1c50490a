/**
 * Row-by-row edits of the MIB view's index (src/snmp/mibview.ts): when a few instances of a table came or went
 * since the last request (a peer connected, a chain tip was replaced, a log record written), their rows are put in
 * or taken out of the table's sorted rows and column-major entries, and of the whole index, by binary search and
 * array splices, instead of rebuilding a table of tens of thousands of rows. Pure over the arrays it is given.
 */
import type { ObjectClass } from '../model';
import type { Instance } from '../state/tree';
import type { Column, Entry, Row } from './mibview';
import { compareOids } from './oid';
import type { Oid } from './oid';

/** At most this many rows added or removed in a table since the last request are applied one by one; more: the table is rebuilt. */
export const ROW_CHANGES_MAX = 32;

/** A table as the index holds it: rows in index order, entries column-major, rows by dotted index. */
export interface TableCache { readonly list: Row[]; readonly entries: Entry[]; readonly rows: Map<string, Row> }

/** An instance added to or removed from the tree. */
export interface RowChange { readonly inst: Instance; readonly added: boolean }

/**
 * Applies rows added and removed to a table (its sorted rows, its column-major entries and, at offset, the whole
 * index): a binary search and a few array splices per row instead of a rebuild of the table. false (nothing
 * changed) when a change touches a row of the configuration too; the table is rebuilt then.
 */
export function editRows(cls: ObjectClass, cols: readonly Column[], cache: TableCache, changes: readonly RowChange[], indexOf: (inst: Instance) => Oid | undefined,
  index: Entry[], offset: number | undefined): boolean {
  const edits: { index: Oid; key: string; inst: Instance; added: boolean }[] = [];
  for (const c of changes) {
    const at = indexOf(c.inst);
    if (!at) continue;
    const key = at.join('.');
    const row = cache.rows.get(key);
    if (row?.doc) return false;
    edits.push({ index: at, key, inst: c.inst, added: c.added });
  }
  const { list, entries, rows } = cache;
  for (const e of edits) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (compareOids(list[mid].index, e.index) < 0) lo = mid + 1; else hi = mid; }
    const n = list.length;
    const present = lo < n && compareOids(list[lo].index, e.index) === 0;
    if (e.added) {
      if (present && list[lo].inst === e.inst) continue;
      const row: Row = { cls, index: e.index, path: e.inst.path(), inst: e.inst };
      if (present) {
        // the same keys again (removed and added before this request): the row now points at the new instance
        list[lo] = row;
        for (let k = 0; k < cols.length; k++) {
          const ent: Entry = { row, col: cols[k], fixed: null, oid: undefined, enc: undefined };
          entries[k * n + lo] = ent;
          if (offset !== undefined) index[offset + k * n + lo] = ent;
        }
      } else {
        list.splice(lo, 0, row);
        for (let k = cols.length - 1; k >= 0; k--) {
          const ent: Entry = { row, col: cols[k], fixed: null, oid: undefined, enc: undefined };
          entries.splice(k * n + lo, 0, ent);
          if (offset !== undefined) index.splice(offset + k * n + lo, 0, ent);
        }
      }
      rows.set(e.key, row);
    } else {
      if (!present || list[lo].inst !== e.inst) continue;
      list.splice(lo, 1);
      for (let k = cols.length - 1; k >= 0; k--) {
        entries.splice(k * n + lo, 1);
        if (offset !== undefined) index.splice(offset + k * n + lo, 1);
      }
      rows.delete(e.key);
    }
  }
  return true;
}
