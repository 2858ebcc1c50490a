/**
 * The target of a RESTCONF write (RFC 8040 sections 4.4-4.7): an api-path resolved against the schema of our
 * module (not against the data, since PUT and POST name resources that do not exist yet), with whether the
 * resource and its parent exist in a configuration document. Resources that are not configuration (state,
 * the alarm list, the YANG library) allow GET and HEAD only (405); nodes the schema does not have are 404.
 */
import { fieldOf } from '../config/document';
import type { ConfigObject } from '../config/document';
import { modelIndex } from '../model';
import type { Attribute, ObjectClass } from '../model';
import { scalarOf } from '../model/scalars';
import { classYang, OUR_NS } from '../netconf/schema';
import { badQuery, methodNotAllowed, unknownResource } from './errors';
import type { PathStep } from './path';

export type TargetKind = 'datastore' | 'container' | 'entry' | 'leaf' | 'leaf-list' | 'leaf-list-entry';

/** One step of the target: its node and, for a list entry, its key leaves (name and text). */
export interface TargetStep {
  readonly name: string;
  readonly ns: string;
  readonly module: string;
  readonly keys: readonly KeyLeaf[];
}

/** A key leaf named by the path: its text in the JSON form (RFC 8040 section 3.5.3), an identity's namespace. */
export interface KeyLeaf { readonly name: string; readonly value: string; readonly valueNs?: string }

const QNAME = /^([A-Za-z_][A-Za-z0-9_.-]*):[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A path's key or leaf-list value as a leaf: "module:identity" keeps the module's namespace (for its XML prefix). */
export function keyLeaf(name: string, text: string, nsOfModule: (module: string) => string | undefined): KeyLeaf {
  const m = QNAME.exec(text);
  const ns = m ? nsOfModule(m[1]) : undefined;
  return ns ? { name, value: text, valueNs: ns } : { name, value: text };
}

/** A configuration value in the JSON form of its type (what a path names it by). */
function jsonText(a: Attribute, v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
  return String(scalarOf(a.type).json.encode(a.type, v as never));
}

export interface WriteTarget {
  readonly kind: TargetKind;
  /** The steps from the top-level node to the target (empty for the datastore). */
  readonly steps: readonly TargetStep[];
  /** The class of a container or list entry target, or the class holding a leaf target. */
  readonly cls?: ObjectClass;
  readonly attr?: Attribute;
  /** The resource has a value (a container or the datastore: has any configuration below it). */
  readonly exists: boolean;
  /** A leaf-list entry target: its value (from the path). */
  readonly entryValue?: KeyLeaf;
  /** Every list entry above the target exists. */
  readonly parentExists: boolean;
}

const READ_ONLY = 'GET, HEAD, OPTIONS';

function isEmpty(o: unknown): boolean {
  return o === undefined || (typeof o === 'object' && o !== null && Object.values(o).every((v) => v === undefined));
}

function describe(steps: readonly PathStep[], upTo: number): string {
  return `/${steps.slice(0, upTo + 1).map((s, i) => `${i === 0 || steps[i - 1].module !== s.module ? `${s.module}:` : ''}${s.name}${s.keys ? `=${s.keys.join(',')}` : ''}`).join('/')}`;
}

/** The entry of a list whose keys have these texts. */
function findEntry(list: unknown, keys: readonly Attribute[], texts: readonly string[]): ConfigObject | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as ConfigObject[]).find((e) => keys.every((k, i) => jsonText(k, e[k.name]) === texts[i]));
}

/** Resolves the steps of a write against the model, and their existence in doc (the running configuration). */
export function resolveTarget(steps: readonly PathStep[], doc: ConfigObject, method: string, nsOfModule: (module: string) => string | undefined): WriteTarget {
  if (!steps.length) return { kind: 'datastore', steps: [], exists: !isEmpty(doc), parentExists: true };
  const first = steps[0];
  if (first.ns !== OUR_NS) throw methodNotAllowed(method, READ_ONLY);
  const root = classYang(modelIndex.root);
  if (first.name !== root.name || first.keys) throw unknownResource(describe(steps, 0));
  const out: TargetStep[] = [{ name: first.name, ns: first.ns, module: first.module, keys: [] }];
  let cls = modelIndex.root;
  let obj: ConfigObject | undefined = doc;
  let parentExists = true;
  for (let i = 1; i < steps.length; i++) {
    const s = steps[i];
    const last = i === steps.length - 1;
    const cy = classYang(cls);
    if (s.ns !== OUR_NS) throw unknownResource(describe(steps, i));
    const a = cy.leaves.get(s.name);
    if (a) {
      if (!last) throw unknownResource(describe(steps, i + 1));
      if (a.access !== 'config') throw methodNotAllowed(method, READ_ONLY);
      if (cy.keyNames.includes(s.name)) throw badQuery(`${describe(steps, i)} is a list key: it is written with its entry`);
      out.push({ name: s.name, ns: s.ns, module: s.module, keys: [] });
      const cur = obj?.[a.name];
      if (s.keys) {
        if (!a.multi || s.keys.length !== 1) throw badQuery(`${describe(steps, i)}: only a leaf-list entry is named with =value`);
        const exists = Array.isArray(cur) && (cur as readonly unknown[]).some((v) => jsonText(a, v) === s.keys![0]);
        return { kind: 'leaf-list-entry', steps: out, cls, attr: a, entryValue: keyLeaf(s.name, s.keys[0], nsOfModule), exists, parentExists };
      }
      const exists = a.multi ? Array.isArray(cur) && cur.length > 0 : cur !== undefined;
      return { kind: a.multi ? 'leaf-list' : 'leaf', steps: out, cls, attr: a, exists, parentExists };
    }
    const k = cy.children.get(s.name);
    if (!k) throw unknownResource(describe(steps, i));
    const ky = classYang(k);
    if (!ky.config) throw methodNotAllowed(method, READ_ONLY);
    if (k.kind === 'list') {
      if (!s.keys) throw badQuery(`${describe(steps, i)} is a list: its entry is named with =key`);
      if (s.keys.length !== ky.keys.length) throw badQuery(`${describe(steps, i)}: the list ${s.name} has ${ky.keys.length} key(s) (${ky.keyNames.join(', ')})`);
      out.push({ name: s.name, ns: s.ns, module: s.module, keys: ky.keyNames.map((n, j) => keyLeaf(n, s.keys![j], nsOfModule)) });
      obj = findEntry(obj?.[fieldOf(k)], ky.keys, s.keys);
      if (!last && !obj) parentExists = false;
    } else {
      if (s.keys) throw badQuery(`${describe(steps, i)} is a container: it takes no =key`);
      out.push({ name: s.name, ns: s.ns, module: s.module, keys: [] });
      const c = obj?.[k.name];
      obj = c !== undefined && typeof c === 'object' && !Array.isArray(c) ? (c as ConfigObject) : undefined;
    }
    cls = k;
  }
  const kind: TargetKind = cls.kind === 'list' ? 'entry' : 'container';
  return { kind, steps: out, cls, exists: kind === 'entry' ? obj !== undefined : !isEmpty(obj), parentExists };
}
