/**
 * Read operations of RFC 3416 over the MIB view: Get (4.2.1), GetNext (4.2.2) and GetBulk (4.2.3),
 * encoding the response's varbinds straight into a writer within a size budget. SNMPv1 rules
 * (RFC 2576 section 4.1.2): no exceptions (noSuchName instead), Counter64 objects are skipped.
 */
import { BerWriter, END_OF_MIB_VIEW, NO_SUCH_INSTANCE, NO_SUCH_OBJECT, oidContentLength } from './ber';
import type { SnmpValue } from './ber';
import type { Varbind } from './message';
import { ErrorStatus, varbindSize, writeVarbindHead } from './message';
import type { MibView } from './mibview';
import type { Oid } from './oid';
import { entryOidLength, writeEntryOid } from './view-index';
import type { Entry, ViewIndex } from './view-index';

export interface ReadResult {
  readonly status: number;
  readonly index: number;
  /** Number of varbinds written. */
  readonly count: number;
}

const OK = (count: number): ReadResult => ({ status: ErrorStatus.noError, index: 0, count });
const ERR = (status: number, index: number): ReadResult => ({ status, index, count: 0 });

/**
 * The first entry at or after position i with a value (SNMPv1: not a Counter64); -1 at the end.
 * Sets found.value and found.entry as a side channel to avoid reading the value twice.
 */
function scan(view: MibView, entries: ViewIndex, i: number, v1: boolean, found: { value: SnmpValue | undefined; entry: Entry | undefined }): number {
  for (; i < entries.length; i++) {
    const e = entries.entry(i)!;
    const v = view.value(e);
    if (v === undefined || (v1 && v.type === 'counter64')) continue;
    found.value = v;
    found.entry = e;
    return i;
  }
  return -1;
}

/**
 * Writes a varbind named by an entry's instance OID or, without an entry, by oid (encoded straight into the
 * writer either way); false, with nothing written, when it does not fit the budget.
 */
function put(w: BerWriter, budget: number, e: Entry | undefined, oid: Oid, v: SnmpValue): boolean {
  const len = e ? entryOidLength(e) : oidContentLength(oid);
  if (w.pos + varbindSize(len, v) > budget) return false;
  writeVarbindHead(w, len, v);
  if (e) writeEntryOid(w, e);
  else w.oidContentOf(oid, len);
  w.value(v);
  return true;
}

export function get(view: MibView, vbs: readonly Varbind[], v1: boolean, w: BerWriter, budget: number): ReadResult {
  for (let i = 0; i < vbs.length; i++) {
    const oid = vbs[i].oid;
    const e = view.exact(oid);
    let v = e ? view.value(e) : undefined;
    if (v1 && v?.type === 'counter64') v = undefined;
    if (v === undefined) {
      if (v1) return ERR(ErrorStatus.noSuchName, i + 1);
      v = view.objectOf(oid) ? NO_SUCH_INSTANCE : NO_SUCH_OBJECT;
    }
    if (!put(w, budget, e, oid, v)) return ERR(ErrorStatus.tooBig, 0);
  }
  return OK(vbs.length);
}

export function getNext(view: MibView, vbs: readonly Varbind[], v1: boolean, w: BerWriter, budget: number): ReadResult {
  const entries = view.index();
  const found: { value: SnmpValue | undefined; entry: Entry | undefined } = { value: undefined, entry: undefined };
  for (let i = 0; i < vbs.length; i++) {
    const at = scan(view, entries, entries.next(vbs[i].oid), v1, found);
    if (at < 0 && v1) return ERR(ErrorStatus.noSuchName, i + 1);
    const ok = at < 0 ? put(w, budget, undefined, vbs[i].oid, END_OF_MIB_VIEW) : put(w, budget, found.entry, vbs[i].oid, found.value!);
    if (!ok) return ERR(ErrorStatus.tooBig, 0);
  }
  return OK(vbs.length);
}

/**
 * GetBulk: N non-repeaters, then up to M repetitions of the R others. The response is cut (at any
 * varbind) to fit the budget; tooBig only when not even one varbind fits.
 */
export function getBulk(view: MibView, vbs: readonly Varbind[], nonRepeaters: number, maxRepetitions: number, w: BerWriter, budget: number): ReadResult {
  const entries = view.index();
  const n = Math.max(0, Math.min(nonRepeaters, vbs.length));
  const m = Math.max(0, maxRepetitions);
  const r = vbs.length - n;
  const found: { value: SnmpValue | undefined; entry: Entry | undefined } = { value: undefined, entry: undefined };
  let count = 0;
  for (let i = 0; i < n; i++) {
    const at = scan(view, entries, entries.next(vbs[i].oid), false, found);
    const ok = at < 0 ? put(w, budget, undefined, vbs[i].oid, END_OF_MIB_VIEW) : put(w, budget, found.entry, vbs[i].oid, found.value!);
    if (!ok) return count ? OK(count) : ERR(ErrorStatus.tooBig, 0);
    count++;
  }
  if (r === 0 || m === 0) return OK(count);
  const pos = new Array<number>(r);
  /** The entry last returned for each repeater (its OID names an endOfMibView after it); undefined: none yet. */
  const last = new Array<Entry | undefined>(r);
  for (let j = 0; j < r; j++) pos[j] = entries.next(vbs[n + j].oid);
  for (let rep = 0; rep < m; rep++) {
    let ended = 0;
    for (let j = 0; j < r; j++) {
      const at = pos[j] < 0 ? -1 : scan(view, entries, pos[j], false, found);
      let ok: boolean;
      if (at < 0) {
        // endOfMibView, named by the last OID returned for this varbind (or the requested one).
        pos[j] = -1;
        ended++;
        ok = put(w, budget, last[j], vbs[n + j].oid, END_OF_MIB_VIEW);
      } else {
        last[j] = found.entry;
        pos[j] = at + 1;
        ok = put(w, budget, found.entry, vbs[n + j].oid, found.value!);
      }
      if (!ok) return count ? OK(count) : ERR(ErrorStatus.tooBig, 0);
      count++;
    }
    if (ended === r) break;
  }
  return OK(count);
}
