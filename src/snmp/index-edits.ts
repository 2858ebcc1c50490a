/**
 * Row-by-row edits of the MIB view's index (src/snmp/mibview.ts): when a few instances of a table came or went
 * since the last request (a peer connected, a chain tip was replaced, a log record written), the table's packed
 * rows (src/snmp/table-rows.ts) are copied with those rows put in or taken out at their place, found by binary
 * search, instead of the table being rebuilt from the tree. The index's entries are virtual
 * (src/snmp/view-index.ts): nothing else changes.
 */
import type { Instance } from '../state/tree';
import type { Oid } from './oid';
import type { RowEdit, TableRows } from './table-rows';

/** At most this many rows added or removed in a table since the last request are applied one by one; more: the table is rebuilt. */
export const ROW_CHANGES_MAX = 32;

/** An instance added to or removed from the tree. */
export interface RowChange { readonly inst: Instance; readonly added: boolean }

/**
 * The rows with the changes applied (new rows; those given are not changed, an index holding them stays as it
 * is); undefined when a change touches a row of the configuration: the table is rebuilt then.
 */
export function editRows(rows: TableRows, changes: readonly RowChange[], indexOf: (inst: Instance) => Oid | undefined): TableRows | undefined {
  const edits: RowEdit[] = [];
  for (const c of changes) {
    const index = indexOf(c.inst);
    if (index) edits.push({ index, inst: c.inst, added: c.added });
  }
  return rows.edited(edits);
}
