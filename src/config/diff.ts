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

function diffObject(cls: ObjectClass, a: ConfigObject, b: ConfigObject, path: string, out: string[]): void {
  for (const attr of cls.attributes) {
    if (attr.access !== 'config' || (cls.keys ?? []).includes(attr.name)) continue;
    const x = a[attr.name];
    const y = b[attr.name];
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`~ ${path ? path + '.' : ''}${attr.name}: ${show(cls, attr.name, x)} -> ${show(cls, attr.name, y)}`);
  }
  for (const child of modelIndex.childrenOf(cls).filter(hasConfig)) {
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
