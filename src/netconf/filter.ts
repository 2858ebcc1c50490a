/**
 * RFC 6241 section 6 subtree filtering over YANG data (DNode trees). Pure.
 *
 *   - namespace selection: a filter node matches data nodes of its namespace; a filter node in no namespace
 *     (xmlns="") matches the name in any namespace;
 *   - containment nodes (with child elements) select the data node when something below them is selected;
 *   - selection nodes (empty) select the whole data subtree;
 *   - content match nodes (leaf text) are conditions on their siblings: all must hold, or the enclosing
 *     instance is not selected; when every sibling is a content match node the whole instance is selected;
 *     identityref values are compared by namespace and name;
 *   - attribute match expressions: the data carries no XML attributes, so a filter node with an
 *     (unqualified) attribute matches nothing.
 * List entries in the output always carry their key leaves.
 *
 * Filter nodes and data nodes are matched through maps by name, and every match tried spends a step of a
 * WorkBudget, so a filter with thousands of siblings ends with FilterBudgetError rather than stalling.
 */
import { isLeaf } from './data';
import type { DNode } from './data';
import { resolveQName } from './xml';
import type { XmlElement } from './xml';
import { WorkBudget } from './work-budget';

const original = new WeakMap<DNode, DNode>();
function origOf(n: DNode): DNode { return original.get(n) ?? n; }
function pruned(from: DNode, children: DNode[]): DNode {
  const n: DNode = { ...from, children };
  original.set(n, origOf(from));
  return n;
}

function nameMatches(f: XmlElement, d: DNode): boolean {
  return f.name === d.name && (f.ns === '' || f.ns === d.ns);
}
function isContentMatch(f: XmlElement): boolean { return f.children.length === 0 && f.text.trim() !== ''; }
function isSelection(f: XmlElement): boolean { return f.children.length === 0 && f.text.trim() === ''; }
function hasAttributeMatch(f: XmlElement): boolean { return f.attrs.some((a) => a.ns === ''); }

function valueMatches(f: XmlElement, d: DNode): boolean {
  if (!isLeaf(d)) return false;
  const want = f.text.trim();
  if (d.valueNs !== undefined) {
    const q = resolveQName(f, want);
    const colon = d.value!.indexOf(':');
    return q !== undefined && q.ns === d.valueNs && q.name === d.value!.slice(colon + 1);
  }
  return d.value === want;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of items) {
    const l = m.get(x.name);
    if (l) l.push(x); else m.set(x.name, [x]);
  }
  return m;
}

/** Children of a data node selected by sibling filter nodes; null when a content match fails. */
function filterChildren(data: readonly DNode[], fkids: readonly XmlElement[], b: WorkBudget): DNode[] | null {
  b.spend(data.length + fkids.length);
  const content = fkids.filter(isContentMatch);
  if (content.length) {
    const dataByName = byName(data);
    for (const cm of content) {
      if (hasAttributeMatch(cm)) return null;
      const same = dataByName.get(cm.name) ?? [];
      b.spend(same.length);
      if (!same.some((d) => nameMatches(cm, d) && valueMatches(cm, d))) return null;
    }
  }
  if (content.length === fkids.length && content.length > 0) return [...data];
  const filtersByName = byName(fkids);
  const out: DNode[] = [];
  for (const d of data) {
    const named = filtersByName.get(d.name);
    if (!named) continue;
    b.spend(named.length);
    const matching = named.filter((f) => nameMatches(f, d) && !hasAttributeMatch(f));
    if (!matching.length) continue;
    if (matching.some((f) => isSelection(f) || (isContentMatch(f) && valueMatches(f, d)))) { out.push(d); continue; }
    const results: DNode[] = [];
    for (const f of matching) {
      if (!f.children.length || isLeaf(d)) continue;
      const r = filterChildren(d.children ?? [], f.children, b);
      if (r === null || r.length === 0) continue;
      b.spend(d.children?.length ?? 0);
      results.push(withKeys(d, r));
    }
    if (results.length === 1) out.push(results[0]);
    else if (results.length > 1) out.push(results.reduce((x, y) => merge(x, y, b)));
  }
  return out;
}

/** A list entry's selected children, with its key leaves first. */
function withKeys(d: DNode, selected: DNode[]): DNode {
  const keys = (d.children ?? []).slice(0, d.keyCount ?? 0);
  const sel = new Set(selected.map(origOf));
  const kids = [...keys.filter((k) => !sel.has(k)), ...selected];
  // keep data order
  const order = new Map((d.children ?? []).map((c, i) => [c, i] as const));
  kids.sort((a, b) => (order.get(origOf(a)) ?? 0) - (order.get(origOf(b)) ?? 0));
  return pruned(d, kids);
}

/** Union of two pruned copies of one data node. */
function merge(a: DNode, b: DNode, budget: WorkBudget): DNode {
  const orig = origOf(a);
  budget.spend((a.children?.length ?? 0) + (b.children?.length ?? 0));
  if (a === orig || b === orig) return orig;
  const pick = new Map<DNode, DNode[]>();
  for (const c of [...(a.children ?? []), ...(b.children ?? [])]) {
    const o = origOf(c);
    const l = pick.get(o);
    if (l) l.push(c); else pick.set(o, [c]);
  }
  const kids: DNode[] = [];
  for (const oc of orig.children ?? []) {
    const versions = pick.get(oc);
    if (!versions) continue;
    kids.push(versions.includes(oc) ? oc : versions.reduce((x, y) => merge(x, y, budget)));
  }
  return pruned(orig, kids);
}

/** Applies a <filter type="subtree"> element's content to top-level data nodes. */
export function subtreeFilter(data: readonly DNode[], filter: XmlElement, budget = WorkBudget.forData('subtree', data)): DNode[] {
  if (!filter.children.length) return [];
  return filterChildren(data, filter.children, budget) ?? [];
}
