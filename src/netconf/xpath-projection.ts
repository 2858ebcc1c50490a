/**
 * The projection (projection.ts) of the data an XPath filter may select or look at, so that only that part of the
 * tree is rendered before the filter runs on it. Pruned: absolute location paths of child steps with name tests,
 * and unions of them; a step's first predicate that is a conjunction of leaf = literal names the list entries it
 * keeps (by key lookup when it names every key); the leaves and classes other predicates read are kept whole; the
 * selected nodes are kept whole. Any other expression, or a predicate that reads outside its entry (an absolute
 * path, the parent or ancestor axes), leaves the tree whole (ALL): the filter then sees everything, as before.
 */
import { ALL, mergeProjections } from './projection';
import type { Condition, Projection } from './projection';
import { compile } from './xpath';
import type { Expr, Step } from './xpath';

const EMPTY: Projection = { kids: new Map() };
const whole = (name: string): Projection => ({ kids: new Map([[name, [{ match: new Map(), sub: ALL }]]]) });
const SELF_READING = new Set(['string', 'number', 'string-length', 'normalize-space', 'local-name', 'name']);

/** Whether an expression reads only inside the context node's subtree (no absolute path, no parent or ancestor axis). */
function isLocal(e: Expr): boolean {
  switch (e.k) {
    case 'path':
      if (e.absolute || (e.base && !isLocal(e.base))) return false;
      return e.steps.every((s) => !['parent', 'ancestor', 'ancestor-or-self'].includes(s.axis) && s.preds.every(isLocal));
    case 'bin': return isLocal(e.l) && isLocal(e.r);
    case 'neg': return isLocal(e.e);
    case 'func': return e.args.every(isLocal);
    default: return true;
  }
}

/** What of the context node a local expression reads. */
function needs(e: Expr): Projection {
  switch (e.k) {
    case 'path': {
      if (e.base) return ALL;
      const s = e.steps[0];
      if (!s) return ALL;
      if (s.axis === 'attribute') return EMPTY;
      if (s.axis === 'child' && s.test.kind === 'name' && s.test.local !== '*') return whole(s.test.local);
      return ALL;
    }
    case 'bin': return mergeProjections([needs(e.l), needs(e.r)]);
    case 'neg': return needs(e.e);
    case 'func':
      if (!e.args.length && SELF_READING.has(e.name)) return ALL;
      return mergeProjections([EMPTY, ...e.args.map(needs)]);
    default: return EMPTY;
  }
}

/** The leaf name of a path of one child step with a name test and no predicate. */
function leafName(e: Expr): string | undefined {
  if (e.k !== 'path' || e.absolute || e.base || e.steps.length !== 1) return undefined;
  const s = e.steps[0];
  return s.axis === 'child' && s.test.kind === 'name' && s.test.local !== '*' && !s.preds.length ? s.test.local : undefined;
}

/** The conditions of a conjunction of leaf = literal, or undefined. */
function equalities(e: Expr, out = new Map<string, Condition>()): Map<string, Condition> | undefined {
  if (e.k !== 'bin') return undefined;
  if (e.op === 'and') return equalities(e.l, out) && equalities(e.r, out);
  if (e.op !== '=') return undefined;
  for (const [a, b] of [[e.l, e.r], [e.r, e.l]] as const) {
    const name = leafName(a);
    if (name === undefined || out.has(name)) continue;
    if (b.k === 'str') { out.set(name, { text: b.v, kind: 'exact' }); return out; }
    if (b.k === 'num' && Number.isInteger(b.v)) { out.set(name, { text: String(b.v), kind: 'integer' }); return out; }
  }
  return undefined;
}

/** The projection of the node whose children steps[i] selects; undefined when it cannot be pruned. */
function ofSteps(steps: readonly Step[], i: number): Projection | undefined {
  const s = steps[i];
  if (s.axis !== 'child' || s.test.kind !== 'name' || s.test.local === '*') return undefined;
  let sub = i === steps.length - 1 ? ALL : ofSteps(steps, i + 1);
  if (!sub) return undefined;
  if (!s.preds.every(isLocal)) return undefined;
  const match = (s.preds.length ? equalities(s.preds[0]) : undefined) ?? new Map<string, Condition>();
  sub = mergeProjections([sub, ...s.preds.map(needs)]);
  return { kids: new Map([[s.test.local, [{ match, sub }]]]) };
}

function ofExpr(e: Expr): Projection | undefined {
  if (e.k === 'bin' && e.op === '|') {
    const l = ofExpr(e.l);
    const r = l && ofExpr(e.r);
    return r && mergeProjections([l!, r]);
  }
  if (e.k !== 'path' || !e.absolute || e.base || !e.steps.length) return undefined;
  return ofSteps(e.steps, 0);
}

/** The projection of the top-level data nodes an XPath filter needs (ALL when it cannot tell). */
export function xpathProjection(select: string, resolve: (prefix: string) => string | undefined): Projection {
  let e: Expr;
  try { e = compile(select, resolve); } catch { return ALL; }
  return ofExpr(e) ?? ALL;
}
