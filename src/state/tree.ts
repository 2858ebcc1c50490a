/**
 * The live instance tree: one instance per managed object, typed by the information model.
 * Collectors write it; SNMP, NETCONF and HTTP views read it. Nothing else holds live state.
 * Every value carries the time it was observed. Structural changes bump structureVersion so views can
 * cache their indexes; value changes bump valueVersion.
 *
 * Storage is compact (issue 16, target 4): each class has one attribute-name -> slot layout, built once;
 * an instance holds one array of values by slot and one array of unboxed observation times (no object per
 * attribute), and its children (one sorted array per class) only once it has children.
 */
import { EventEmitter } from 'node:events';
import { modelIndex } from '../model';
import type { ObjectClass } from '../model';
import { ChildList, compareKeys } from './child-list';

export { compareKeys };

export type Scalar = string | number | bigint | boolean;
/** A value in the tree. Timestamps are numbers of milliseconds since the epoch; leaf-lists are string arrays. */
export type Value = Scalar | readonly string[];
export type Values = Readonly<Record<string, Value | undefined>>;

/** One step of a path: a class and, for lists, its key values. */
export interface PathSeg { readonly cls: string; readonly keys?: readonly Scalar[] }
export type Path = readonly PathSeg[];

export function keyString(keys: readonly Scalar[] | undefined): string {
  return keys && keys.length ? keys.map(String).join('\u0000') : '';
}

/** The slot of each attribute of a class (model order): shared by all its instances. */
class ClassLayout {
  readonly names: readonly string[];
  readonly slotOf: ReadonlyMap<string, number>;
  /** Slots of the key attributes, in key order. */
  readonly keySlots: readonly number[];

  constructor(readonly cls: ObjectClass) {
    this.names = cls.attributes.map((a) => a.name);
    this.slotOf = new Map(this.names.map((n, i) => [n, i]));
    this.keySlots = (cls.keys ?? []).map((k) => {
      const s = this.slotOf.get(k);
      if (s === undefined) throw new Error(`${cls.name}: key ${k} is no attribute of the class`);
      return s;
    });
  }
}

const layouts = new WeakMap<ObjectClass, ClassLayout>();
function layoutOf(cls: ObjectClass): ClassLayout {
  let l = layouts.get(cls);
  if (!l) { l = new ClassLayout(cls); layouts.set(cls, l); }
  return l;
}

const NO_INSTANCES: readonly Instance[] = Object.freeze([]);
const NO_KEYS: readonly Scalar[] = Object.freeze([]);

/** Tree-internal operations on an instance (InstanceTree keeps versions and emits events around them). */
const WRITE = Symbol('write');
const ADOPT = Symbol('adopt');
const DROP = Symbol('drop');
const KIDS = Symbol('kids');

export class Instance {
  private readonly layout: ClassLayout;
  /** Value of each attribute by slot; undefined: the attribute is absent. */
  private readonly slots: (Value | undefined)[];
  /** Observation time of each slot in ms since the epoch (NaN when absent): a double array, no number objects. */
  private readonly times: number[];
  /** Children, one list per class (a few classes: searched in order), created with the first child. */
  private kids: ChildList<Instance>[] | undefined = undefined;

  constructor(cls: ObjectClass, readonly parent: Instance | null, readonly keys: readonly Scalar[]) {
    this.layout = layoutOf(cls);
    const n = this.layout.names.length;
    this.slots = new Array<Value | undefined>(n).fill(undefined);
    this.times = new Array<number>(n).fill(NaN);
  }

  get cls(): ObjectClass { return this.layout.cls; }

  get(attr: string): Value | undefined {
    const s = this.layout.slotOf.get(attr);
    return s === undefined ? undefined : this.slots[s];
  }

  observedAt(attr: string): number | undefined {
    const s = this.layout.slotOf.get(attr);
    return s === undefined || this.slots[s] === undefined ? undefined : this.times[s];
  }

  /** Whether the attribute has a value. */
  has(attr: string): boolean { return this.get(attr) !== undefined; }

  /** The attributes that have a value, in model order: [name, value, observed at]. */
  *entries(): IterableIterator<[string, Value, number]> {
    const names = this.layout.names;
    for (let s = 0; s < names.length; s++) {
      const v = this.slots[s];
      if (v !== undefined) yield [names[s], v, this.times[s]];
    }
  }

  child(cls: string, keys?: readonly Scalar[]): Instance | undefined {
    return this.childList(cls)?.get(keys ?? NO_KEYS);
  }

  /** How many children of one class there are. */
  childCount(cls: string): number {
    return this.childList(cls)?.size ?? 0;
  }

  /**
   * Children of one class, in key order (numbers numerically, strings lexically): kept in order as they come
   * and go; the same frozen array until the list changes.
   */
  list(cls: string): readonly Instance[] {
    return this.childList(cls)?.sorted() ?? NO_INSTANCES;
  }

  private childList(cls: string): ChildList<Instance> | undefined {
    const kids = this.kids;
    if (kids) for (let i = 0; i < kids.length; i++) if (kids[i].clsName === cls) return kids[i];
    return undefined;
  }

  path(): PathSeg[] {
    const out: PathSeg[] = [];
    for (let i: Instance | null = this; i && i.parent; i = i.parent) out.unshift(i.keys.length ? { cls: i.cls.name, keys: i.keys } : { cls: i.cls.name });
    return out;
  }

  /** The resource identifier used by alarms, performance and logs: "network/dev/node/n1". */
  resource(): string {
    return pathToResource(this.path());
  }

  /** A detached copy: same class, parent and keys (so the same path), values and times as they are now, no children. */
  snapshot(): Instance {
    const copy = new Instance(this.cls, this.parent, this.keys);
    for (let s = 0; s < this.slots.length; s++) { copy.slots[s] = this.slots[s]; copy.times[s] = this.times[s]; }
    return copy;
  }

  /** Writes values (undefined: absent); returns the names whose value changed (undefined: none). Unknown names throw. */
  [WRITE](values: Values, at: number): string[] | undefined {
    let changed: string[] | undefined;
    const slotOf = this.layout.slotOf;
    for (const name in values) {
      if (!Object.hasOwn(values, name)) continue;
      const s = slotOf.get(name);
      if (s === undefined) throw new Error(`${this.cls.name} has no attribute ${name}`);
      const v = values[name];
      const old = this.slots[s];
      if (v === undefined) {
        if (old !== undefined) { this.slots[s] = undefined; this.times[s] = NaN; (changed ??= []).push(name); }
        continue;
      }
      this.slots[s] = v;
      this.times[s] = at;
      if (old === undefined || !sameValue(old, v)) (changed ??= []).push(name);
    }
    return changed;
  }

  /** Adds a child made for this instance, and writes its keys as its key attributes. */
  [ADOPT](child: Instance, at: number): void {
    const slots = child.layout.keySlots;
    for (let i = 0; i < slots.length; i++) { child.slots[slots[i]] = child.keys[i]; child.times[slots[i]] = at; }
    let l = this.childList(child.cls.name);
    if (!l) { l = new ChildList(child.cls.name); (this.kids ??= []).push(l); }
    l.add(child);
  }

  [DROP](child: Instance): void {
    this.childList(child.cls.name)?.delete(child);
  }

  /** Every child, of every class (a copy). */
  [KIDS](): Instance[] {
    const out: Instance[] = [];
    if (this.kids) for (const l of this.kids) for (const c of l.sorted()) out.push(c);
    return out;
  }
}

export function pathToResource(path: Path): string {
  return path.map((s) => (s.keys && s.keys.length ? `${s.cls}/${s.keys.map(String).join(',')}` : s.cls)).join('/');
}

export interface TreeEvents {
  added: [Instance];
  removed: [Instance];
  changed: [Instance, readonly string[]];
}

export class InstanceTree extends EventEmitter<TreeEvents> {
  readonly root = new Instance(modelIndex.root, null, []);
  structureVersion = 0;
  valueVersion = 0;
  /** instances(cls), gathered from the tree when asked and kept until an instance of the class comes or goes. */
  private readonly byClass = new Map<string, readonly Instance[]>();

  constructor() {
    super();
    this.setMaxListeners(100);
  }

  /** The instance at path, or undefined. */
  find(path: Path): Instance | undefined {
    let cur: Instance | undefined = this.root;
    for (const seg of path) {
      cur = cur.child(seg.cls, seg.keys);
      if (!cur) return undefined;
    }
    return cur;
  }

  /** The instance at path, created (with its ancestors) when missing. */
  ensure(path: Path): Instance {
    let cur = this.root;
    for (const seg of path) cur = this.ensureChild(cur, seg.cls, seg.keys ?? []);
    return cur;
  }

  /** The child of parent of class cls with these keys, created when missing. */
  private ensureChild(parent: Instance, clsName: string, keys: readonly Scalar[]): Instance {
    const found = parent.child(clsName, keys);
    if (found) return found;
    const cls = modelIndex.cls(clsName);
    if (cls.parent !== parent.cls.name) throw new Error(`${clsName} is not contained in ${parent.cls.name}`);
    if ((cls.keys?.length ?? 0) !== keys.length) throw new Error(`${clsName} needs ${cls.keys?.length ?? 0} key(s)`);
    const next = new Instance(cls, parent, keys);
    parent[ADOPT](next, Date.now());
    this.byClass.delete(clsName);
    this.structureVersion++;
    this.emit('added', next);
    return next;
  }

  /**
   * Writes values at path (creating the instance). An undefined value makes the attribute absent.
   * Attribute names are checked against the model.
   */
  set(path: Path, values: Values, at: number = Date.now()): Instance {
    const inst = this.ensure(path);
    this.write(inst, values, at);
    return inst;
  }

  write(inst: Instance, values: Values, at: number = Date.now()): void {
    const changed = inst[WRITE](values, at);
    if (changed) {
      this.valueVersion++;
      this.emit('changed', inst, changed);
    }
  }

  /** Removes the instance at path and everything it contains. */
  remove(path: Path): boolean {
    const inst = this.find(path);
    if (!inst || !inst.parent) return false;
    this.detach(inst);
    return true;
  }

  private detach(inst: Instance): void {
    for (const c of inst[KIDS]()) this.detach(c);
    inst.parent?.[DROP](inst);
    this.byClass.delete(inst.cls.name);
    this.structureVersion++;
    this.emit('removed', inst);
  }

  /** Makes the children of one class under parentPath exactly the given rows (e.g. the current peer list). */
  replaceList(parentPath: Path, cls: string, rows: readonly { keys: readonly Scalar[]; values: Values }[], at: number = Date.now()): void {
    const parent = this.ensure(parentPath);
    const keep = new Set(rows.map((r) => keyString(r.keys)));
    for (const old of parent.list(cls)) if (!keep.has(keyString(old.keys))) this.detach(old);
    for (const r of rows) this.write(this.ensureChild(parent, cls, r.keys), r.values, at);
  }

  /**
   * Every instance of a class, anywhere in the tree, in tree order (each parent's children in key order): the
   * same frozen array until an instance of the class comes or goes. Unknown classes have none.
   */
  instances(cls: string): readonly Instance[] {
    let found = this.byClass.get(cls);
    if (!found) {
      const c = modelIndex.byName.get(cls);
      if (!c) return NO_INSTANCES;
      if (c.parent === null) found = c === this.root.cls ? [this.root] : [];
      else {
        const all: Instance[] = [];
        for (const p of this.instances(c.parent)) for (const i of p.list(cls)) all.push(i);
        found = all;
      }
      Object.freeze(found);
      this.byClass.set(cls, found);
    }
    return found;
  }
}

function sameValue(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
