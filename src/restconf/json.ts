/**
 * YANG data (the DNode tree of src/netconf/data.ts) as RFC 7951 JSON: a member is named module:name where its
 * module differs from its parent's (always at the top), list entries and leaf-list values are arrays, and leaves
 * rendered from a model attribute are encoded by the scalar table's JSON codecs (numbers, booleans, 64-bit
 * integers as strings); other leaves are strings, identityrefs module:identity.
 */
import { scalarOf } from '../model/scalars';
import type { JsonValue } from '../model/scalar/json';
import { isMultiValue, rawValueOf, scalarTypeOf } from '../netconf/data';
import type { DNode } from '../netconf/data';

/** Module name of a namespace (the catalogue of src/netconf/modules.ts). */
export type ModuleOfNs = (ns: string) => string;

export function leafJson(n: DNode, moduleOf: ModuleOfNs): JsonValue {
  if (n.valueNs !== undefined) {
    const colon = n.value!.indexOf(':');
    return colon > 0 ? `${moduleOf(n.valueNs)}:${n.value!.slice(colon + 1)}` : n.value!;
  }
  const type = scalarTypeOf(n);
  if (type) {
    const codec = scalarOf(type).json;
    // the leaf's XML text is its JSON string for these types: not encoded a second time
    return codec.isXmlText ? n.value! : codec.encode(type, rawValueOf(n)!);
  }
  return n.value!;
}

/** Whether same-named siblings form an array: list entries (keyed) and leaf-lists (several, or marked multi). */
export function isArrayMember(first: DNode, count: number): boolean {
  if (first.value === undefined) return first.keyCount !== undefined || count > 1;
  return count > 1 || isMultiValue(first);
}

/** The members of an object holding nodes whose parent is in namespace parentNs ('' at the top). */
export function membersJson(nodes: readonly DNode[], parentNs: string, moduleOf: ModuleOfNs): Record<string, JsonValue> {
  // Same-named siblings (list entries, leaf-list values) come in runs: each run is one member, with no map of groups;
  // a name that comes back after another is gathered by grouped().
  const out: Record<string, JsonValue> = {};
  const n = nodes.length;
  for (let i = 0; i < n;) {
    const first = nodes[i];
    let j = i + 1;
    while (j < n && nodes[j].name === first.name && nodes[j].ns === first.ns) j++;
    const key = first.ns === parentNs ? first.name : `${moduleOf(first.ns)}:${first.name}`;
    if (Object.prototype.hasOwnProperty.call(out, key)) return grouped(nodes, parentNs, moduleOf);
    if (isArrayMember(first, j - i)) {
      const arr: JsonValue[] = [];
      for (let k = i; k < j; k++) arr.push(memberValue(nodes[k], moduleOf));
      out[key] = arr;
    } else out[key] = memberValue(first, moduleOf);
    i = j;
  }
  return out;
}

function memberValue(n: DNode, moduleOf: ModuleOfNs): JsonValue {
  return n.value !== undefined ? leafJson(n, moduleOf) : membersJson(n.children ?? [], n.ns, moduleOf);
}

function grouped(nodes: readonly DNode[], parentNs: string, moduleOf: ModuleOfNs): Record<string, JsonValue> {
  const groups = new Map<string, DNode[]>();
  for (const n of nodes) {
    const key = n.ns === parentNs ? n.name : `${moduleOf(n.ns)}:${n.name}`;
    const g = groups.get(key);
    if (g) g.push(n); else groups.set(key, [n]);
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, g] of groups) out[key] = isArrayMember(g[0], g.length) ? g.map((n) => memberValue(n, moduleOf)) : memberValue(g[0], moduleOf);
  return out;
}
