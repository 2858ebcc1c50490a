/**
 * The instance tree and the configuration document as YANG data:
 *   - /bcm:managed-system: configuration attributes from the datastore document (the running configuration
 *     for <get>), state attributes from the live instance tree, merged instance by instance;
 *   - /al:alarms: the classes the model maps onto ietf-alarms (alarm, its status changes, the alarm
 *     inventory), from the tree's instances under fault; attributes with yangExternal become the standard
 *     module's leaves, the others our module's augmenting leaves.
 * Secrets are never rendered. With a projection (projection.ts), /bcm:managed-system is rendered only as far as
 * the projection reaches: the leaves and classes it names, and list entries it names by key found by lookup in
 * the instance tree and the configuration (the whole list only when that is cheaper).
 */
import { fieldOf } from '../config/document';
import type { ConfigObject, ConfigScalar } from '../config/document';
import { modelIndex } from '../model';
import type { Attribute, ObjectClass } from '../model';
import { compareKeys, keyString } from '../state/tree';
import { Turns } from '../turns';
import type { Instance, Scalar, Value } from '../state/tree';
import { inner, leaf, typedLeaf } from './data';
import type { DNode } from './data';
import { ALL, keyedVariants, mergedSub } from './projection';
import type { Condition, Projection, Variant } from './projection';
import { EXTERNAL_LIST_KEYS, OUR_NS, classYang, externalRoots, fromLeafText, leafText, splitQName } from './schema';

type DocValue = ConfigObject[string];

export function asObject(v: DocValue): ConfigObject | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigObject) : undefined;
}

/** Whether an element of a list in the configuration is a row (an object). */
const isRow = (x: unknown): x is ConfigObject => typeof x === 'object' && x !== null;

function asList(v: DocValue): ConfigObject[] {
  return Array.isArray(v) ? (v as unknown[]).filter(isRow) : [];
}

const fieldNames = new Map<ObjectClass, string>();
/** Whether the configuration has entries of the list cls under doc (else the list's entries are the tree's instances). */
export function hasConfigRows(cls: ObjectClass, doc: ConfigObject | undefined): boolean {
  if (!doc) return false;
  let field = fieldNames.get(cls);
  if (field === undefined) { field = fieldOf(cls); fieldNames.set(cls, field); }
  const v = doc[field];
  return Array.isArray(v) && (v as unknown[]).some(isRow);
}

function pushLeaves(out: DNode[], attr: Attribute, v: Value | ConfigScalar | readonly string[] | undefined, name: string, ns: string): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    for (const x of v as readonly string[]) { const t = leafText(attr.type, x); out.push(typedLeaf(name, ns, t.text, t.valueNs, attr.type, x, true)); }
    return;
  }
  const t = leafText(attr.type, v as Value);
  out.push(typedLeaf(name, ns, t.text, t.valueNs, attr.type, v as Scalar, false));
}

export interface RenderOptions {
  /** Include state (config false) attributes and classes: <get>. false: configuration only (<get-config>). */
  readonly state: boolean;
  /**
   * RFC 6243 retrieval mode for configuration leaves with a model default: explicit (default) renders what is
   * stored; report-all adds the default of every such leaf that is absent, in every entry and container
   * rendered; trim leaves out those whose value equals the default.
   */
  readonly withDefaults?: 'explicit' | 'report-all' | 'trim';
}

/** Whether a value is the attribute's default, compared as YANG text (enums kebab-case, numbers canonical). */
function isDefault(a: Attribute, v: Value | DocValue): boolean {
  if (a.default === undefined || Array.isArray(v) || (typeof v === 'object' && v !== null)) return false;
  return leafText(a.type, v as Value).text === leafText(a.type, a.default).text;
}

/**
 * One instance of a class of our module: its keys, attributes and contained classes; with a projection other than
 * ALL, its keys and only the leaves and classes the projection names (list entries looked up by key when it names
 * them).
 */
export function classNode(cls: ObjectClass, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, proj: Projection = ALL): DNode {
  return drain(classSteps(cls, inst, doc, opts, proj));
}

/**
 * The building of classNode, one step per list entry: drained at once (classNode), or in slices that give the
 * event loop back (managedSystemNodeAsync) so that a full <get> of a thousand nodes does not hold it.
 */
export type Steps<T> = Generator<void, T, void>;

function drain<T>(g: Steps<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

async function drainInSlices<T>(g: Steps<T>): Promise<T> {
  const turns = new Turns();
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (turns.due()) await turns.next();
  }
}

/**
 * The value an attribute of our module is rendered with in one instance (configuration from doc, or from the tree
 * when there is no doc and state is rendered; state from the tree), with-defaults applied; undefined: no leaf.
 */
export function renderedValue(a: Attribute, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions): Value | undefined {
  let v: Value | DocValue | undefined;
  if (a.access === 'config') {
    v = doc ? doc[a.name] : opts.state ? inst?.get(a.name) : undefined;
    if (a.default !== undefined && !a.multi) {
      if (v === undefined && opts.withDefaults === 'report-all') v = a.default;
      else if (v !== undefined && opts.withDefaults === 'trim' && isDefault(a, v)) return undefined;
    }
  } else if (opts.state) v = inst?.get(a.name);
  if (v === undefined || (typeof v === 'object' && !Array.isArray(v))) return undefined;
  return v as Value;
}

/** The value of a key attribute in one instance (the configuration's, else the tree's). */
export function keyValue(k: Attribute, inst: Instance | undefined, doc: ConfigObject | undefined): Value | undefined {
  return (doc?.[k.name] ?? inst?.get(k.name)) as Value | undefined;
}

function* classSteps(cls: ObjectClass, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, proj: Projection): Steps<DNode> {
  const cy = classYang(cls);
  const kids: DNode[] = [];
  cy.keys.forEach((k, i) => pushLeaves(kids, k, keyValue(k, inst, doc), cy.keyNames[i], OUR_NS));
  const keyCount = kids.length;
  const pick = proj === ALL ? undefined : proj.kids;
  for (const { attr: a, name } of cy.rendered) {
    if (pick && !pick.has(name)) continue;
    const v = renderedValue(a, inst, doc, opts);
    if (v !== undefined) pushLeaves(kids, a, v, name, OUR_NS);
  }
  for (const [yname, child] of cy.children) {
    if (!opts.state && !classYang(child).config) continue;
    const vs = pick?.get(yname);
    if (pick && !vs) continue;
    if (child.kind === 'container') {
      const n = yield* classSteps(child, inst?.child(child.name), asObject(doc?.[child.name]), opts, vs ? mergedSub(vs) : ALL);
      if (n.children?.length) kids.push(n);
      continue;
    }
    for (const e of yield* listSteps(child, inst, doc, opts, vs)) kids.push(e);
  }
  return inner(cy.name, OUR_NS, kids, cls.kind === 'list' ? keyCount : undefined);
}

interface Entry { keys: Scalar[]; inst?: Instance; doc?: ConfigObject; sub: Projection }

/**
 * Whether a condition on a key can pick entries by lookup: QNames of a content match need their prefixes resolved
 * and a path key names an identity module:identity (both left to the filter or the path); a number only matches integers.
 */
function usableFor(keys: readonly Attribute[]): (i: number, c: Condition) => boolean {
  return (i, c) => {
    const base = keys[i].type.base;
    if (c.kind === 'content' || c.kind === 'path') return base !== 'alarmType';
    if (c.kind === 'integer') return ['int32', 'uint32', 'gauge32', 'counter64', 'gauge64'].includes(base);
    return true;
  };
}

const keyTexts = (keys: readonly Attribute[], values: readonly (Value | DocValue)[]): string =>
  keys.map((k, i) => (values[i] === undefined ? '\u0001' : leafText(k.type, values[i] as Value).text)).join('\u0000');

/** Key values of texts, by the key types (undefined when a text is no value of its type). */
function decodeKeys(keys: readonly Attribute[], texts: readonly string[]): Scalar[] | undefined {
  try { return keys.map((k, i) => fromLeafText(k.type, texts[i]) as Scalar); } catch { return undefined; }
}

/** The instance of a list under parent whose keys have these texts (by lookup; by a scan of the list when the lookup misses). */
function instanceByTexts(cls: ObjectClass, keys: readonly Attribute[], parent: Instance, texts: readonly string[], decoded: Scalar[] | undefined): Instance | undefined {
  const want = texts.join('\u0000');
  const hit = decoded && parent.child(cls.name, decoded);
  if (hit && keyTexts(keys, hit.keys) === want) return hit;
  for (const i of parent.list(cls.name)) if (keyTexts(keys, i.keys) === want) return i;
  return undefined;
}

/** Rows of a list of the configuration document by the key string of their keys, built once per stored array (read-only documents). */
const rowIndexes = new WeakMap<object, Map<string, ConfigObject>>();

function rowByTexts(raw: DocValue, keys: readonly string[], keyAttrs: readonly Attribute[], texts: readonly string[], decoded: Scalar[] | undefined): ConfigObject | undefined {
  if (!Array.isArray(raw)) return undefined;
  let index = rowIndexes.get(raw);
  if (!index) {
    index = new Map();
    for (const d of asList(raw)) index.set(keyString(keys.map((k) => d[k] as Scalar)), d);
    rowIndexes.set(raw, index);
  }
  const want = texts.join('\u0000');
  const hit = decoded && index.get(keyString(decoded));
  if (hit && keyTexts(keyAttrs, keys.map((k) => hit[k])) === want) return hit;
  for (const d of index.values()) if (keyTexts(keyAttrs, keys.map((k) => d[k])) === want) return d;
  return undefined;
}

const listLength = (v: DocValue): number => (Array.isArray(v) ? v.length : 0);

/** A list entry to render: its instance in the tree and its row of the configuration (either may be absent). */
export interface ListEntry { readonly inst?: Instance; readonly doc?: ConfigObject; readonly sub: Projection }

/** The entries of a list, one step each. */
function* entrySteps(cls: ObjectClass, entries: readonly ListEntry[], opts: RenderOptions): Steps<DNode[]> {
  const out: DNode[] = [];
  for (const e of entries) {
    out.push(yield* classSteps(cls, e.inst, e.doc, opts, e.sub));
    yield;
  }
  return out;
}

function* listSteps(cls: ObjectClass, parent: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, vs?: readonly Variant[]): Steps<DNode[]> {
  const keys = cls.keys ?? [];
  const keyAttrs = classYang(cls).keys;
  const keyed = vs ? keyedVariants(vs, classYang(cls).keyNames, usableFor(keyAttrs)) : undefined;
  // lookups only when they are fewer than the entries: rendering by projection never costs more than rendering all
  if (keyed && keyed.size <= (parent?.childCount(cls.name) ?? 0) + listLength(doc?.[fieldOf(cls)])) {
    const entries: Entry[] = [];
    for (const { texts, sub } of keyed.values()) {
      const decoded = decodeKeys(keyAttrs, texts);
      const inst = opts.state && parent ? instanceByTexts(cls, keyAttrs, parent, texts, decoded) : undefined;
      const row = rowByTexts(doc?.[fieldOf(cls)], keys, keyAttrs, texts, decoded);
      if (!inst && !row) continue;
      entries.push({ keys: inst ? [...inst.keys] : keys.map((k) => row![k] as Scalar), inst, doc: row, sub });
    }
    return yield* entrySteps(cls, entries.sort((a, b) => compareKeys(a.keys, b.keys)), opts);
  }
  return yield* entrySteps(cls, listEntries(cls, parent, doc, opts, vs ? mergedSub(vs) : ALL), opts);
}

/**
 * Every entry of a list under parent (instances of the tree when state is rendered, rows of the configuration),
 * merged by key, in key order; each to be rendered with the projection sub.
 */
export function listEntries(cls: ObjectClass, parent: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, sub: Projection = ALL): ListEntry[] {
  const keys = cls.keys ?? [];
  const docRows = asList(doc?.[fieldOf(cls)]);
  const insts = opts.state && parent ? parent.list(cls.name) : [];
  if (!docRows.length) return insts.map((i) => ({ inst: i, sub }));
  // the rows by key (a list's key is mostly one leaf: its text is the key, no string is made for a string key)
  const keyOf = (kv: readonly Scalar[]): string => (kv.length === 1 ? String(kv[0]) : keyString(kv));
  const rowByKey = new Map<string, { keys: Scalar[]; doc: ConfigObject }>();
  for (const d of docRows) {
    const kv = keys.map((k) => d[k] as Scalar);
    rowByKey.set(keyOf(kv), { keys: kv, doc: d }); // of rows with one key, the last (as merged before)
  }
  // the instances are in key order already (Instance.list); each takes its row, the rows left are merged in
  const out: ListEntry[] = [];
  const own: { keys: readonly Scalar[]; inst: Instance; doc: ConfigObject | undefined }[] = [];
  for (const i of insts) {
    const k = keyOf(i.keys);
    const row = rowByKey.get(k);
    if (row) rowByKey.delete(k);
    own.push({ keys: i.keys, inst: i, doc: row?.doc });
  }
  const rest = [...rowByKey.values()].sort((a, b) => compareKeys(a.keys, b.keys));
  let i = 0;
  let j = 0;
  // an instance before a row of equal order, as a stable sort of instances then rows would put them
  while (i < own.length || j < rest.length) {
    if (j >= rest.length || (i < own.length && compareKeys(own[i].keys, rest[j].keys) <= 0)) {
      const e = own[i++];
      out.push(e.doc ? { inst: e.inst, doc: e.doc, sub } : { inst: e.inst, sub });
    } else out.push({ doc: rest[j++].doc, sub });
  }
  return out;
}

/** /bcm:managed-system of <get> (state: true) or of <get-config> (state: false; inst undefined). */
export function managedSystemNode(root: Instance | undefined, doc: ConfigObject, opts: RenderOptions, proj: Projection = ALL): DNode {
  return classNode(modelIndex.root, root, doc, opts, proj);
}

/** managedSystemNode built in slices of about TURN_SLICE_MS (src/turns.ts) that give the event loop back (<get>, <get-config>). */
export function managedSystemNodeAsync(root: Instance | undefined, doc: ConfigObject, opts: RenderOptions, proj: Projection = ALL): Promise<DNode> {
  return drainInSlices(classSteps(modelIndex.root, root, doc, opts, proj));
}

// ---- /al:alarms -----------------------------------------------------------------------------------------

type NsOf = (prefix: string) => string;

function externalEntry(cls: ObjectClass, inst: Instance, nsOf: NsOf): DNode {
  const base = cls.yangExternal!;
  const listName = splitQName(base.split('/').pop()!);
  const keyNames = EXTERNAL_LIST_KEYS[base] ?? [];
  const kids: DNode[] = [];
  const used = new Set<Attribute>();
  for (const k of keyNames) {
    const a = cls.attributes.find((x) => x.yangExternal === k);
    const q = splitQName(k);
    if (a) { used.add(a); pushLeaves(kids, a, inst.get(a.name) ?? '', q.name, nsOf(q.prefix)); } else kids.push(leaf(q.name, nsOf(q.prefix), ''));
  }
  const keyCount = kids.length;
  for (const a of cls.attributes) {
    if (used.has(a) || a.secret) continue;
    const v = inst.get(a.name);
    if (v === undefined) continue;
    if (a.yangExternal) { const q = splitQName(a.yangExternal); pushLeaves(kids, a, v, q.name, nsOf(q.prefix)); } else pushLeaves(kids, a, v, modelIndex.yangLeafName(a), OUR_NS);
  }
  for (const c of modelIndex.childrenOf(cls)) {
    if (!c.yangExternal) continue;
    for (const ci of inst.list(c.name)) kids.push(externalEntry(c, ci, nsOf));
  }
  return inner(listName.name, nsOf(listName.prefix), kids, keyCount);
}

/** The instance of a container class reached from the root through containers only (fault), if any. */
function containerInstance(root: Instance, clsName: string | null): Instance | undefined {
  if (clsName === null) return undefined;
  let cur: Instance | undefined = root;
  for (const c of modelIndex.ancestry(modelIndex.cls(clsName)).slice(1)) {
    if (c.kind !== 'container') return undefined;
    cur = cur?.child(c.name);
  }
  return cur;
}

/**
 * The standard-module part of <get>: for each external class under fault, its instances placed at its
 * yangExternal path (containers created on the way). The alarm-list container also carries the count of
 * alarms and, from fault, when the list last changed.
 */
export function externalNodes(root: Instance, nsOf: NsOf): DNode[] {
  interface Box { name: string; ns: string; kids: (DNode | Box)[] }
  const tops: Box[] = [];
  const find = (list: (DNode | Box)[], name: string, ns: string): Box => {
    let b = list.find((x): x is Box => 'kids' in x && x.name === name && x.ns === ns);
    if (!b) { b = { name, ns, kids: [] }; list.push(b); }
    return b;
  };
  for (const cls of externalRoots()) {
    const owner = containerInstance(root, cls.parent);
    if (!owner) continue;
    const instances = owner.list(cls.name);
    if (!instances.length && cls.name !== 'alarm') continue;
    const segs = cls.yangExternal!.split('/').filter(Boolean).map(splitQName);
    let level: (DNode | Box)[] = tops as (DNode | Box)[];
    for (const s of segs.slice(0, -1)) level = find(level, s.name, nsOf(s.prefix)).kids;
    if (segs.length === 3 && segs[1].name === 'alarm-list' && cls.name === 'alarm') {
      const al = nsOf(segs[0].prefix);
      level.push(leaf('number-of-alarms', al, String(instances.length), undefined, { type: { base: 'uint32' }, value: instances.length }));
      const changed = owner.get('alarmListLastChanged');
      if (changed !== undefined) level.push(leaf('last-changed', al, leafText({ base: 'timestamp' }, changed).text, undefined, { type: { base: 'timestamp' }, value: changed as Scalar }));
    }
    for (const i of instances) level.push(externalEntry(cls, i, nsOf));
  }
  const toNode = (b: DNode | Box): DNode => ('kids' in b ? inner(b.name, b.ns, b.kids.map(toNode)) : b);
  return tops.map(toNode);
}
