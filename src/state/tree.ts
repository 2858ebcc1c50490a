/**
 * The live instance tree: one instance per managed object, typed by the information model.
 * Collectors write it; SNMP, NETCONF and HTTP views read it. Nothing else holds live state.
 * Every value carries the time it was observed. Structural changes bump structureVersion so views can
 * cache their indexes; value changes bump valueVersion.
 */
import { EventEmitter } from 'node:events';
import { modelIndex } from '../model';
import type { ObjectClass } from '../model';

export type Scalar = string | number | bigint | boolean;
/** A value in the tree. Timestamps are numbers of milliseconds since the epoch; leaf-lists are string arrays. */
export type Value = Scalar | readonly string[];
export type Values = Readonly<Record<string, Value | undefined>>;

export interface Observed { readonly value: Value; readonly at: number }

/** One step of a path: a class and, for lists, its key values. */
export interface PathSeg { readonly cls: string; readonly keys?: readonly Scalar[] }
export type Path = readonly PathSeg[];

export function keyString(keys: readonly Scalar[] | undefined): string {
  return keys && keys.length ? keys.map(String).join('\u0000') : '';
}

export class Instance {
  readonly values = new Map<string, Observed>();
  readonly children = new Map<string, Map<string, Instance>>();

  constructor(readonly cls: ObjectClass, readonly parent: Instance | null, readonly keys: readonly Scalar[]) {}

  get(attr: string): Value | undefined { return this.values.get(attr)?.value; }
  observedAt(attr: string): number | undefined { return this.values.get(attr)?.at; }

  child(cls: string, keys?: readonly Scalar[]): Instance | undefined {
    return this.children.get(cls)?.get(keyString(keys));
  }

  /** Children of one class, in key order (numbers numerically, strings lexically). */
  list(cls: string): Instance[] {
    const m = this.children.get(cls);
    if (!m) return [];
    return [...m.values()].sort((a, b) => compareKeys(a.keys, b.keys));
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
}

export function pathToResource(path: Path): string {
  return path.map((s) => (s.keys && s.keys.length ? `${s.cls}/${s.keys.map(String).join(',')}` : s.cls)).join('/');
}

export function compareKeys(a: readonly Scalar[], b: readonly Scalar[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number') { if (x !== y) return x - y; continue; }
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
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
  private readonly byClass = new Map<string, Set<Instance>>();

  constructor() {
    super();
    this.setMaxListeners(100);
    this.byClass.set(this.root.cls.name, new Set([this.root]));
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
    for (const seg of path) {
      let next = cur.child(seg.cls, seg.keys);
      if (!next) {
        const cls = modelIndex.cls(seg.cls);
        if (cls.parent !== cur.cls.name) throw new Error(`${seg.cls} is not contained in ${cur.cls.name}`);
        const keys = seg.keys ?? [];
        if ((cls.keys?.length ?? 0) !== keys.length) throw new Error(`${seg.cls} needs ${cls.keys?.length ?? 0} key(s)`);
        next = new Instance(cls, cur, keys);
        cls.keys?.forEach((k, i) => next!.values.set(k, { value: keys[i], at: Date.now() }));
        let m = cur.children.get(seg.cls);
        if (!m) { m = new Map(); cur.children.set(seg.cls, m); }
        m.set(keyString(keys), next);
        let set = this.byClass.get(seg.cls);
        if (!set) { set = new Set(); this.byClass.set(seg.cls, set); }
        set.add(next);
        this.structureVersion++;
        this.emit('added', next);
      }
      cur = next;
    }
    return cur;
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
    const changed: string[] = [];
    for (const [name, v] of Object.entries(values)) {
      if (!attributeNames(inst.cls).has(name)) throw new Error(`${inst.cls.name} has no attribute ${name}`);
      if (v === undefined) {
        if (inst.values.delete(name)) changed.push(name);
        continue;
      }
      const old = inst.values.get(name);
      inst.values.set(name, { value: v, at });
      if (!old || !sameValue(old.value, v)) changed.push(name);
    }
    if (changed.length) {
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
    for (const m of inst.children.values()) for (const c of [...m.values()]) this.detach(c);
    inst.parent?.children.get(inst.cls.name)?.delete(keyString(inst.keys));
    this.byClass.get(inst.cls.name)?.delete(inst);
    this.structureVersion++;
    this.emit('removed', inst);
  }

  /** Makes the children of one class under parentPath exactly the given rows (e.g. the current peer list). */
  replaceList(parentPath: Path, cls: string, rows: readonly { keys: readonly Scalar[]; values: Values }[], at: number = Date.now()): void {
    const parent = this.ensure(parentPath);
    const keep = new Set(rows.map((r) => keyString(r.keys)));
    for (const old of parent.list(cls)) if (!keep.has(keyString(old.keys))) this.detach(old);
    for (const r of rows) this.set([...parentPath, { cls, keys: r.keys }], r.values, at);
  }

  /** Every instance of a class, anywhere in the tree (unordered). */
  instances(cls: string): Instance[] {
    return [...(this.byClass.get(cls) ?? [])];
  }
}

const namesOf = new WeakMap<object, ReadonlySet<string>>();
/** The attribute names of a class, as a set (looked up on every write). */
function attributeNames(cls: { readonly attributes: readonly { readonly name: string }[] }): ReadonlySet<string> {
  let names = namesOf.get(cls);
  if (!names) { names = new Set(cls.attributes.map((a) => a.name)); namesOf.set(cls, names); }
  return names;
}

function sameValue(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
