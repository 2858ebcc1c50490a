/**
 * Differences between two configuration documents, as audit lines:
 *   "+ networks[ltc].nodes[a]"                      an entry was created
 *   "- networks[ltc].nodes[b]"                      an entry was deleted
 *   "~ networks[ltc].pollInterval: 5 -> 2"          a value changed (secrets shown as ***)
 * Lists are matched by their model keys, so reordering is not a change.
 */
import { modelIndex } from '../model';
import type { ObjectClass } from '../model';
import { fieldOf, hasConfig } from './document';
import type { ConfigObject } from './document';

export function diffDocuments(a: ConfigObject, b: ConfigObject): string[] {
  const out: string[] = [];
  diffObject(modelIndex.root, a, b, '', out);
  return out;
}

function show(cls: ObjectClass, attr: string, v: unknown): string {
  if (v === undefined) return '(default)';
  if (cls.attributes.find((x) => x.name === attr)?.secret) return '***';
  return JSON.stringify(v);
}

function keyOf(cls: ObjectClass, o: ConfigObject): string {
  return (cls.keys ?? []).map((k) => String(o[k])).join(',');
}

/** Per class: its configuration attributes other than keys, and its children that hold configuration. */
const shapes = new Map<ObjectClass, { readonly attrs: readonly string[]; readonly children: readonly ObjectClass[] }>();
function shapeOf(cls: ObjectClass): { readonly attrs: readonly string[]; readonly children: readonly ObjectClass[] } {
  let s = shapes.get(cls);
  if (!s) {
    s = { attrs: cls.attributes.filter((a) => a.access === 'config' && !(cls.keys ?? []).includes(a.name)).map((a) => a.name),
      children: modelIndex.childrenOf(cls).filter(hasConfig) };
    shapes.set(cls, s);
  }
  return s;
}

/** Two values of a configuration attribute are the same (scalars, or leaf-lists compared in order). */
function same(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  return JSON.stringify(x) === JSON.stringify(y);
}

function diffObject(cls: ObjectClass, a: ConfigObject, b: ConfigObject, path: string, out: string[]): void {
  const shape = shapeOf(cls);
  for (const name of shape.attrs) {
    const x = a[name];
    const y = b[name];
    if (!same(x, y)) out.push(`~ ${path ? path + '.' : ''}${name}: ${show(cls, name, x)} -> ${show(cls, name, y)}`);
  }
  for (const child of shape.children) {
    const f = fieldOf(child);
    const where = path ? `${path}.${f}` : f;
    if (child.kind === 'container') {
      diffObject(child, (a[f] as ConfigObject) ?? {}, (b[f] as ConfigObject) ?? {}, where, out);
      continue;
    }
    const xs = new Map(((a[f] as ConfigObject[]) ?? []).map((o) => [keyOf(child, o), o]));
    const ys = new Map(((b[f] as ConfigObject[]) ?? []).map((o) => [keyOf(child, o), o]));
    for (const [k, o] of xs) {
      if (!ys.has(k)) out.push(`- ${where}[${k}]`);
      else diffObject(child, o, ys.get(k)!, `${where}[${k}]`, out);
    }
    for (const [k, o] of ys) {
      if (xs.has(k)) continue;
      out.push(`+ ${where}[${k}]`);
      diffObject(child, {}, o, `${where}[${k}]`, out);
    }
  }
}
