/**
 * Read operations of RFC 3416 over the MIB view: Get (4.2.1), GetNext (4.2.2) and GetBulk (4.2.3),
 * encoding the response's varbinds straight into a writer within a size budget. SNMPv1 rules
 * (RFC 2576 section 4.1.2): no exceptions (noSuchName instead), Counter64 objects are skipped.
 */
import { BerWriter, END_OF_MIB_VIEW, NO_SUCH_INSTANCE, NO_SUCH_OBJECT, encodeOidContent } from './ber';
import type { SnmpValue } from './ber';
import type { Varbind } from './message';
import { ErrorStatus, varbindSize, writeVarbind } from './message';
import type { MibView } from './mibview';
import { entryOidContent } from './view-index';
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

function fits(w: BerWriter, size: number, budget: number): boolean { return w.pos + size <= budget; }

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
    const enc = e ? entryOidContent(e) : encodeOidContent(oid);
    if (!fits(w, varbindSize(enc.length, v), budget)) return ERR(ErrorStatus.tooBig, 0);
    writeVarbind(w, enc, v);
  }
  return OK(vbs.length);
}

export function getNext(view: MibView, vbs: readonly Varbind[], v1: boolean, w: BerWriter, budget: number): ReadResult {
  const entries = view.index();
  const found: { value: SnmpValue | undefined; entry: Entry | undefined } = { value: undefined, entry: undefined };
  for (let i = 0; i < vbs.length; i++) {
    const at = scan(view, entries, entries.next(vbs[i].oid), v1, found);
    let enc: Buffer;
    let v: SnmpValue;
    if (at < 0) {
      if (v1) return ERR(ErrorStatus.noSuchName, i + 1);
      enc = encodeOidContent(vbs[i].oid);
      v = END_OF_MIB_VIEW;
    } else {
      enc = entryOidContent(found.entry!);
      v = found.value!;
    }
    if (!fits(w, varbindSize(enc.length, v), budget)) return ERR(ErrorStatus.tooBig, 0);
    writeVarbind(w, enc, v);
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
  const put = (enc: Buffer, v: SnmpValue): boolean => {
    if (!fits(w, varbindSize(enc.length, v), budget)) return false;
    writeVarbind(w, enc, v);
    count++;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const at = scan(view, entries, entries.next(vbs[i].oid), false, found);
    const ok = at < 0 ? put(encodeOidContent(vbs[i].oid), END_OF_MIB_VIEW) : put(entryOidContent(found.entry!), found.value!);
    if (!ok) return count ? OK(count) : ERR(ErrorStatus.tooBig, 0);
  }
  if (r === 0 || m === 0) return OK(count);
  const pos = new Array<number>(r);
  const last: Buffer[] = new Array<Buffer>(r);
  for (let j = 0; j < r; j++) pos[j] = entries.next(vbs[n + j].oid);
  for (let rep = 0; rep < m; rep++) {
    let ended = 0;
    for (let j = 0; j < r; j++) {
      const at = pos[j] < 0 ? -1 : scan(view, entries, pos[j], false, found);
      let ok: boolean;
      if (at < 0) {
        // endOfMibView, named by the last OID returned for this varbind (or the requested one).
        last[j] ??= encodeOidContent(vbs[n + j].oid);
        pos[j] = -1;
        ended++;
        ok = put(last[j], END_OF_MIB_VIEW);
      } else {
        last[j] = entryOidContent(found.entry!);
        pos[j] = at + 1;
        ok = put(last[j], found.value!);
      }
      if (!ok) return count ? OK(count) : ERR(ErrorStatus.tooBig, 0);
    }
    if (ended === r) break;
  }
  return OK(count);
}
