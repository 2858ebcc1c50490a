/**
 * The main thread's side of the socket thread's GET cache (get-cache.ts): after the main thread has answered a
 * v1/v2c GetRequest without error, it teaches the thread the community, source and version it accepted, and the
 * varbind of each OID whose value it can keep current there: a cell of a tree instance (written again on every
 * 'changed' of the instance that touches its attribute, dropped when the value goes or the instance is removed) and
 * the static objects marked constant or sysUpTime (system.ts). Counters, engine time, exceptions and rows made from
 * the configuration alone are not taught: those GETs keep going to the main thread. A configuration commit resets
 * everything (reset()), since communities, sources and configuration values may have changed.
 */
import type { Attribute } from '../model';
import type { Instance, InstanceTree } from '../state/tree';
import type { SnmpValue } from './ber';
import { MAX_PRINCIPALS, MAX_VALUES, principalKey } from './get-cache';
import type { CacheEdit } from './get-cache';
import { encodeVarbinds } from './message';
import type { Pdu } from './message';
import type { MibView, Row } from './mibview';
import type { Oid } from './oid';

interface Cell { readonly key: string; readonly oid: Oid; readonly row: Row; readonly attr: Attribute }

/** Whether an instance is still in the tree (not removed with itself or an ancestor). */
function attached(tree: InstanceTree, inst: Instance): boolean {
  let i = inst;
  for (; i.parent; i = i.parent) if (i.parent.child(i.cls.name, i.keys) !== i) return false;
  return i === tree.root;
}

export class GetCells {
  private readonly cells = new Map<string, Cell>();
  private readonly byInst = new Map<Instance, Cell[]>();
  private readonly statics = new Set<string>();
  private readonly principals = new Set<string>();
  private readonly onChanged = (inst: Instance, names: readonly string[]): void => {
    const cells = this.byInst.get(inst);
    if (!cells) return;
    for (let i = cells.length - 1; i >= 0; i--) {
      const c = cells[i];
      if (!names.includes(c.attr.name)) continue;
      const v = this.view.cellValue(c.row, c.attr);
      if (v) { this.put(c.key, c.oid, v); continue; }
      this.forget(c);
      cells.splice(i, 1);
    }
    if (!cells.length) this.byInst.delete(inst);
  };
  private readonly onRemoved = (inst: Instance): void => {
    const cells = this.byInst.get(inst);
    if (!cells) return;
    this.byInst.delete(inst);
    for (const c of cells) this.forget(c);
  };

  constructor(private readonly tree: InstanceTree, private readonly view: MibView, private readonly edit: (e: CacheEdit) => void) {
    tree.on('changed', this.onChanged);
    tree.on('removed', this.onRemoved);
  }

  /** OIDs taught. */
  get size(): number { return this.cells.size + this.statics.size; }

  /** Forgets everything, here and in the thread; maxSize: the agent's largest answer now. */
  reset(maxSize: number): void {
    this.cells.clear();
    this.byInst.clear();
    this.statics.clear();
    this.principals.clear();
    this.edit({ op: 'reset', maxSize });
  }

  /** After a GetRequest of version (v1/v2c) with community from source was answered without error (the index current). */
  learn(version: number, source: string, community: Buffer, pdu: Pdu): void {
    const p = principalKey(version, source, community);
    if (!this.principals.has(p)) {
      if (this.principals.size >= MAX_PRINCIPALS) return;
      this.principals.add(p);
      this.edit({ op: 'allow', principal: p });
    }
    for (const vb of pdu.varbinds) {
      if (this.size >= MAX_VALUES) return;
      const key = vb.oid.join('.');
      if (this.cells.has(key) || this.statics.has(key)) continue;
      const e = this.view.exact(vb.oid);
      if (!e) continue;
      const oid = [...vb.oid];
      if (e.fixed) {
        const kind = e.fixed.cache;
        if (kind === 'upTime') this.edit({ op: 'put', oid: key, upTime: true });
        else {
          const v = kind === 'constant' ? e.fixed.get() : undefined;
          if (!v) continue;
          this.put(key, oid, v);
        }
        this.statics.add(key);
        continue;
      }
      const inst = e.row?.inst;
      if (!inst || !e.col || !attached(this.tree, inst)) continue;
      // the row's fields now (a packed row reads them from its table; holding it would hold the whole table)
      const row: Row = { cls: e.row!.cls, index: e.row!.index, inst, doc: e.row!.doc };
      const v = this.view.cellValue(row, e.col.attr);
      if (!v) continue;
      const cell: Cell = { key, oid, row, attr: e.col.attr };
      this.cells.set(key, cell);
      const list = this.byInst.get(inst);
      if (list) list.push(cell);
      else this.byInst.set(inst, [cell]);
      this.put(key, oid, v);
    }
  }

  close(): void {
    this.tree.off('changed', this.onChanged);
    this.tree.off('removed', this.onRemoved);
  }

  private put(key: string, oid: Oid, v: SnmpValue): void {
    this.edit({ op: 'put', oid: key, varbind: encodeVarbinds([{ oid, value: v }]), counter64: v.type === 'counter64' });
  }

  private forget(c: Cell): void {
    this.cells.delete(c.key);
    this.edit({ op: 'drop', oid: c.key });
  }
}
