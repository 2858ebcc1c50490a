/**
 * Row-by-row edits of the MIB view's index (src/snmp/mibview.ts): when a few instances of a table came or went
 * since the last request (a peer connected, a chain tip was replaced, a log record written), their rows are put in
 * or taken out of the table's rows (sorted by INDEX) by binary search and an array splice, instead of rebuilding a
 * table of tens of thousands of rows. The index's entries are virtual (src/snmp/view-index.ts): nothing else
 * changes. Pure over the array it is given.
 */
import type { ObjectClass } from '../model';
import type { Instance } from '../state/tree';
import type { Row } from './mibview';
import { compareOids } from './oid';
import type { Oid } from './oid';

/** At most this many rows added or removed in a table since the last request are applied one by one; more: the table is rebuilt. */
export const ROW_CHANGES_MAX = 32;

/** An instance added to or removed from the tree. */
export interface RowChange { readonly inst: Instance; readonly added: boolean }

/** Position of the first row whose INDEX is not before index (rows sorted by INDEX). */
export function rowPosition(rows: readonly Row[], index: Oid): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOids(rows[mid].index, index) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row with this INDEX, if any. */
export function findRow(rows: readonly Row[], index: Oid): Row | undefined {
  const at = rowPosition(rows, index);
  return at < rows.length && compareOids(rows[at].index, index) === 0 ? rows[at] : undefined;
}

/**
 * Applies rows added and removed to a table's rows (a copy the caller owns: the index it was in does not change):
 * a binary search and an array splice per row. false (rows left as they may be half edited: discard them) when a
 * change touches a row of the configuration; the table is rebuilt then.
 */
export function editRows(cls: ObjectClass, rows: Row[], changes: readonly RowChange[], indexOf: (inst: Instance) => Oid | undefined): boolean {
  const edits: { index: Oid; inst: Instance; added: boolean }[] = [];
  for (const c of changes) {
    const index = indexOf(c.inst);
    if (!index) continue;
    if (findRow(rows, index)?.doc) return false;
    edits.push({ index, inst: c.inst, added: c.added });
  }
  for (const e of edits) {
    const at = rowPosition(rows, e.index);
    const present = at < rows.length && compareOids(rows[at].index, e.index) === 0;
    if (e.added) {
      if (present && rows[at].inst === e.inst) continue;
      const row: Row = { cls, index: e.index, inst: e.inst };
      // the same keys again (removed and added before this request): the row now points at the new instance
      if (present) rows[at] = row;
      else rows.splice(at, 0, row);
    } else if (present && rows[at].inst === e.inst) {
      rows.splice(at, 1);
    }
  }
  return true;
}
