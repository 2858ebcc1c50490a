/**
 * The children of one class under one instance of the tree, kept in key order in one array (no map, no key
 * strings): a lookup is a binary search, list() hands out the array itself, frozen, and the next change
 * works on a copy, so an array handed out never changes under its reader (replaceList iterates one while it
 * removes). Appending in key order (log records, alarms, history rows) costs no search.
 */
import type { Scalar } from './tree';

export interface Keyed { readonly keys: readonly Scalar[] }

/** Key order: numbers numerically (NaN by its text, so that it equals no number), anything else by its text; a shorter key list first. */
export function compareKeys(a: readonly Scalar[], b: readonly Scalar[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number' && x === x && y === y) { if (x !== y) return x - y; continue; }
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

/** Whether two key lists name the same entry (as their texts: 1 and '1' are the same key). */
function sameKeys(a: readonly Scalar[], b: readonly Scalar[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && String(a[i]) !== String(b[i])) return false;
  return true;
}

/** Whether the keys have the types of the stored entries' keys (so that the binary search applies). */
function sameTypes(stored: readonly Scalar[], keys: readonly Scalar[]): boolean {
  if (stored.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (typeof stored[i] !== typeof keys[i]) return false;
  return true;
}

export class ChildList<T extends Keyed> {
  private items: T[] = [];
  /** items was handed out (and frozen): the next change copies it first. */
  private shared = false;

  constructor(readonly clsName: string) {}

  get size(): number { return this.items.length; }

  /** The entry with these keys (a key given as text finds a numeric key too), or undefined. */
  get(keys: readonly Scalar[]): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    if (!sameTypes(items[0].keys, keys)) return items.find((c) => sameKeys(c.keys, keys));
    const i = this.search(keys);
    return i >= 0 ? items[i] : undefined;
  }

  /** Adds an entry whose keys are not in the list yet. */
  add(item: T): void {
    const items = this.writable();
    const n = items.length;
    if (n === 0 || compareKeys(items[n - 1].keys, item.keys) < 0) { items.push(item); return; }
    const i = this.search(item.keys);
    if (i >= 0) throw new Error('duplicate keys in a child list');
    items.splice(-i - 1, 0, item);
  }

  /** Removes this entry; false when it is not in the list. */
  delete(item: T): boolean {
    let i = this.search(item.keys);
    if (i < 0 || this.items[i] !== item) i = this.items.indexOf(item);
    if (i < 0) return false;
    this.writable().splice(i, 1);
    return true;
  }

  /** The entries in key order: the same frozen array until the list changes. */
  sorted(): readonly T[] {
    if (!this.shared) { Object.freeze(this.items); this.shared = true; }
    return this.items;
  }

  private writable(): T[] {
    if (this.shared) { this.items = this.items.slice(); this.shared = false; }
    return this.items;
  }

  /** Index of the entry with these keys, or -(insertion point) - 1. */
  private search(keys: readonly Scalar[]): number {
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.items[mid].keys, keys);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }
}
