/**
 * Projections: the part of the data tree a request needs, so that the renderers (render.ts) build only that part
 * and a filtered <get> or a RESTCONF GET of one resource costs in proportion to its answer, not to the tree.
 *
 * A projection of a data node is ALL (its whole subtree) or a selection of its children by local name. For each
 * name, a selection holds variants (one per filter node, path or field naming it): each variant's conditions on
 * the entry's leaves (content match nodes of a subtree filter, key equalities of an XPath predicate or of a
 * RESTCONF path) and what of the entry it needs. A renderer takes the entries of a list whose keys a variant names
 * by key lookup; a variant that does not name every key of the list takes every entry.
 *
 * Projections derived from filters (subtreeProjection, xpathProjection) only prune: they keep everything the filter
 * may select or look at, and the filter still runs on the pruned data, so the answer is the one it gives on the
 * whole tree. projectNodes applies a projection to built data nodes (the small trees that are not rendered from
 * the instance tree, and the oracle of the tests).
 */
import type { DNode } from './data';
import type { XmlElement } from './xml';

export const ALL = 'all' as const;

/** How a condition's text compares with a leaf: as XML text (subtree content match, QNames resolved) or exactly (XPath string, RESTCONF key). */
export type MatchKind = 'content' | 'exact' | 'integer';

export interface Condition { readonly text: string; readonly kind: MatchKind }

export interface Variant {
  /** Conditions on leaves of the entry (by local name). */
  readonly match: ReadonlyMap<string, Condition>;
  /** The texts of the entry's keys, in key order (a RESTCONF path names an entry so). */
  readonly keys?: readonly string[];
  readonly sub: Projection;
}

export interface Selection { readonly kids: ReadonlyMap<string, readonly Variant[]> }

export type Projection = typeof ALL | Selection;

const NO_MATCH: ReadonlyMap<string, Condition> = new Map();

export function selection(kids: Map<string, Variant[]>): Selection { return { kids }; }

/** Union of projections. */
export function mergeProjections(ps: readonly Projection[]): Projection {
  if (ps.length === 1) return ps[0];
  const kids = new Map<string, Variant[]>();
  for (const p of ps) {
    if (p === ALL) return ALL;
    for (const [name, vs] of p.kids) {
      const l = kids.get(name);
      if (l) l.push(...vs); else kids.set(name, [...vs]);
    }
  }
  return { kids };
}

/** What the entries of a list (or a container, or leaves) named by variants need, whatever their keys. */
export function mergedSub(vs: readonly Variant[]): Projection {
  return mergeProjections(vs.map((v) => v.sub));
}

/**
 * The key tuples variants name, when every variant names every key (keyNames, in order) with a condition usable
 * for a lookup (usable(i, condition)); undefined when some variant may match any entry. Each tuple with the
 * union of what its variants need.
 */
export function keyedVariants(vs: readonly Variant[], keyNames: readonly string[], usable: (i: number, c: Condition) => boolean): Map<string, { texts: string[]; sub: Projection }> | undefined {
  if (!keyNames.length) return undefined;
  const out = new Map<string, { texts: string[]; subs: Projection[] }>();
  for (const v of vs) {
    const texts: string[] = v.keys ? [...v.keys] : [];
    if (v.keys && v.keys.length !== keyNames.length) return undefined;
    for (let i = 0; i < keyNames.length && !v.keys; i++) {
      const c = v.match.get(keyNames[i]);
      if (!c || !usable(i, c)) return undefined;
      texts.push(c.text);
    }
    const k = texts.join('\u0000');
    const e = out.get(k);
    if (e) e.subs.push(v.sub); else out.set(k, { texts, subs: [v.sub] });
  }
  return new Map([...out].map(([k, e]) => [k, { texts: e.texts, sub: mergeProjections(e.subs) }]));
}

// ---- from a subtree filter ------------------------------------------------------------------------------

const isContentMatch = (f: XmlElement): boolean => f.children.length === 0 && f.text.trim() !== '';

/**
 * The projection of the data node a filter node's children (fkids) are matched against (RFC 6241 section 6): all
 * of it when every child is a content match node (the whole instance is selected); otherwise its children named by
 * the filter nodes, a selection node or a content match node needing the whole child, a containment node what its
 * own children need, with its content match children as conditions.
 */
export function subtreeProjection(fkids: readonly XmlElement[]): Projection {
  if (fkids.length && fkids.every(isContentMatch)) return ALL;
  const kids = new Map<string, Variant[]>();
  for (const f of fkids) {
    let v: Variant;
    if (!f.children.length) v = { match: NO_MATCH, sub: ALL };
    else {
      const match = new Map<string, Condition>();
      for (const c of f.children) if (isContentMatch(c) && !match.has(c.name)) match.set(c.name, { text: c.text.trim(), kind: 'content' });
      v = { match, sub: subtreeProjection(f.children) };
    }
    const l = kids.get(f.name);
    if (l) l.push(v); else kids.set(f.name, [v]);
  }
  return { kids };
}

// ---- on built data nodes ----------------------------------------------------------------------------

function conditionHolds(kids: readonly DNode[], c: Condition): boolean {
  return kids.some((k) => k.value !== undefined && (c.kind === 'integer' ? Number(k.value) === Number(c.text) : k.value === c.text));
}

/**
 * The nodes a projection selects among built nodes: those named, each list entry (with its keys) and container
 * with what its variants need; an entry is kept when one variant's conditions hold on it (exact text), a container
 * or entry only when something beyond its keys is selected in it. Content conditions are compared as text.
 */
export function projectNodes(nodes: readonly DNode[], p: Projection): DNode[] {
  if (p === ALL) return [...nodes];
  const out: DNode[] = [];
  for (const n of nodes) {
    const vs = p.kids.get(n.name);
    if (!vs) continue;
    if (n.value !== undefined) { out.push(n); continue; }
    const kc = n.keyCount ?? 0;
    const kids = n.children ?? [];
    const holding = vs.filter((v) => (!v.keys || (v.keys.length === kc && v.keys.every((t, i) => kids[i]?.value === t))) &&
      [...v.match].every(([name, c]) => conditionHolds(kids.filter((k) => k.name === name), c)));
    if (!holding.length) continue;
    const sub = mergedSub(holding);
    if (sub === ALL) { out.push(n); continue; }
    const selected = projectNodes(kids.slice(kc), sub);
    const keys = kids.slice(0, kc);
    const keySelected = keys.some((k) => sub.kids.has(k.name));
    if (!selected.length && !keySelected) continue;
    out.push({ ...n, children: [...keys, ...selected] });
  }
  return out;
}

/** The projection of the top-level node of this name within a projection of the top-level nodes. */
export function topProjection(p: Projection, name: string): Projection {
  return p === ALL ? ALL : mergedSub(p.kids.get(name) ?? []);
}
