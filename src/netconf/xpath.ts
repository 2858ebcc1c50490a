/**
 * XPath 1.0 filters (RFC 6241 section 8.9, :xpath capability) over YANG data (DNode trees). Pure.
 *
 * Supported: absolute and relative location paths; the child, descendant(-or-self), self, parent and
 * ancestor(-or-self) axes with the abbreviations // . ..; name tests with prefixes (resolved through the
 * namespace declarations in scope on the filter element), prefix:* and *; node() and text(); predicates
 * with positions, paths, comparisons (= != < <= > >=), and/or, unions (|), string and number literals and
 * the functions not, true, false, count, string, number, contains, starts-with, string-length,
 * normalize-space, concat, position, last, local-name, name, boolean. A name without a prefix matches
 * that name in any namespace (a convenience: XPath 1.0 would match no YANG data with it).
 *
 * The result of a filter is the selected nodes with their whole subtrees and their ancestors, each list
 * entry on the way with its keys.
 *
 * Bounds: an expression is at most XPATH_LIMITS.maxLength characters and maxTokens tokens, nested at most
 * maxNesting deep (XPathLimitError); every prefix it uses must be declared (XPathError, before evaluation);
 * evaluation spends a WorkBudget (FilterBudgetError when it is exhausted), so "//*[count(//*) > 0]" ends
 * quickly with an error instead of walking the tree once per node.
 */
import type { DNode } from './data';
import { WorkBudget } from './work-budget';

export class XPathError extends Error {
  override readonly name: string = 'XPathError';
}

/** The expression is larger than the server accepts (length, tokens or nesting). */
export class XPathLimitError extends XPathError {
  override readonly name = 'XPathLimitError';
}

export const XPATH_LIMITS = { maxLength: 8192, maxTokens: 2048, maxNesting: 64 } as const;

// ---- tokens -------------------------------------------------------------------------------------

type Tok =
  | { t: 'op'; v: string }
  | { t: 'name'; prefix: string; local: string } // local may be '*'
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'axis'; v: string }
  | { t: 'nodetype'; v: string }
  | { t: 'func'; v: string };

const NCNAME = /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._\-\u00B7\u00C0-\uFFFF]*/y;

function tokenize(src: string): Tok[] {
  if (src.length > XPATH_LIMITS.maxLength) throw new XPathLimitError(`the expression is longer than ${XPATH_LIMITS.maxLength} characters`);
  const out: Tok[] = [];
  let i = 0;
  const prevAllowsOperator = (): boolean => {
    const p = out[out.length - 1];
    if (!p) return false;
    if (p.t === 'op') return p.v === ')' || p.v === ']' || p.v === '.' || p.v === '..' || p.v === '*name';
    return p.t === 'name' || p.t === 'str' || p.t === 'num' || p.t === 'nodetype';
  };
  while (i < src.length) {
    if (out.length > XPATH_LIMITS.maxTokens) throw new XPathLimitError(`the expression has more than ${XPATH_LIMITS.maxTokens} tokens`);
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const two = src.slice(i, i + 2);
    if (['//', '!=', '<=', '>=', '::', '..'].includes(two)) { out.push({ t: 'op', v: two }); i += 2; continue; }
    if ('/[]()@,|=<>+-'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    if (c === '.' && !/[0-9]/.test(src[i + 1] ?? '')) { out.push({ t: 'op', v: '.' }); i++; continue; }
    if (c === '"' || c === '\'') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new XPathError('unterminated string literal');
      out.push({ t: 'str', v: src.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const m = /[0-9]*\.?[0-9]*/y;
      m.lastIndex = i;
      const s = m.exec(src)![0];
      out.push({ t: 'num', v: Number(s) });
      i += s.length;
      continue;
    }
    if (c === '*') {
      if (prevAllowsOperator()) out.push({ t: 'op', v: '*' });
      else out.push({ t: 'name', prefix: '', local: '*' });
      i++;
      continue;
    }
    NCNAME.lastIndex = i;
    const m = NCNAME.exec(src);
    if (!m) throw new XPathError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    let name = m[0];
    i = NCNAME.lastIndex;
    // operator names
    if (prevAllowsOperator() && ['and', 'or', 'div', 'mod'].includes(name)) { out.push({ t: 'op', v: name }); continue; }
    let prefix = '';
    if (src[i] === ':' && src[i + 1] !== ':') {
      if (src[i + 1] === '*') { prefix = name; name = '*'; i += 2; out.push({ t: 'name', prefix, local: name }); continue; }
      NCNAME.lastIndex = i + 1;
      const m2 = NCNAME.exec(src);
      if (!m2) throw new XPathError(`bad qualified name at ${i}`);
      prefix = name;
      name = m2[0];
      i = NCNAME.lastIndex;
    }
    let j = i;
    while (/\s/.test(src[j] ?? '')) j++;
    if (!prefix && src.slice(j, j + 2) === '::') { out.push({ t: 'axis', v: name }); i = j + 2; continue; }
    if (src[j] === '(') {
      if (!prefix && ['node', 'text', 'comment', 'processing-instruction'].includes(name)) { out.push({ t: 'nodetype', v: name }); i = j; continue; }
      out.push({ t: 'func', v: prefix ? `${prefix}:${name}` : name });
      i = j;
      continue;
    }
    out.push({ t: 'name', prefix, local: name });
  }
  if (out.length > XPATH_LIMITS.maxTokens) throw new XPathLimitError(`the expression has more than ${XPATH_LIMITS.maxTokens} tokens`);
  return out;
}

// ---- syntax tree --------------------------------------------------------------------------------

export type NodeTest = { kind: 'name'; prefix: string; local: string } | { kind: 'node' } | { kind: 'text' };
export interface Step { axis: string; test: NodeTest; preds: Expr[] }
export type Expr =
  | { k: 'path'; absolute: boolean; steps: Step[]; base?: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'func'; name: string; args: Expr[] };

const AXES = new Set(['child', 'descendant', 'descendant-or-self', 'self', 'parent', 'ancestor', 'ancestor-or-self', 'attribute']);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok | undefined { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.peek(); return t !== undefined && t.t === 'op' && t.v === v; }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new XPathError(`expected "${v}"`);
    this.i++;
  }

  parse(): Expr {
    const e = this.or();
    if (this.i < this.toks.length) throw new XPathError('unexpected tokens after the expression');
    return e;
  }
  private binary(next: () => Expr, ops: string[]): Expr {
    let l = next();
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && ops.includes(t.v)) { this.i++; l = { k: 'bin', op: t.v, l, r: next() }; } else return l;
    }
  }
  private or(): Expr {
    if (++this.depth > XPATH_LIMITS.maxNesting) throw new XPathLimitError(`the expression is nested deeper than ${XPATH_LIMITS.maxNesting}`);
    const e = this.binary(() => this.and(), ['or']);
    this.depth--;
    return e;
  }
  private and(): Expr { return this.binary(() => this.eq(), ['and']); }
  private eq(): Expr { return this.binary(() => this.rel(), ['=', '!=']); }
  private rel(): Expr { return this.binary(() => this.add(), ['<', '<=', '>', '>=']); }
  private add(): Expr { return this.binary(() => this.mul(), ['+', '-']); }
  private mul(): Expr { return this.binary(() => this.unary(), ['*', 'div', 'mod']); }
  private unary(): Expr {
    if (this.isOp('-')) {
      if (++this.depth > XPATH_LIMITS.maxNesting) throw new XPathLimitError(`the expression is nested deeper than ${XPATH_LIMITS.maxNesting}`);
      this.i++;
      const e: Expr = { k: 'neg', e: this.unary() };
      this.depth--;
      return e;
    }
    return this.union();
  }
  private union(): Expr { return this.binary(() => this.pathExpr(), ['|']); }

  private pathExpr(): Expr {
    const t = this.peek();
    if (!t) throw new XPathError('unexpected end of expression');
    if (t.t === 'str' || t.t === 'num' || t.t === 'func' || (t.t === 'op' && t.v === '(')) {
      const primary = this.primary();
      if (this.isOp('[')) throw new XPathError('predicates on filter expressions are not supported');
      if (this.isOp('/') || this.isOp('//')) {
        const steps = this.relSteps(true);
        return { k: 'path', absolute: false, steps, base: primary };
      }
      return primary;
    }
    if (t.t === 'op' && (t.v === '/' || t.v === '//')) {
      if (t.v === '/') {
        this.i++;
        const n = this.peek();
        const startsStep = n && (n.t === 'name' || n.t === 'axis' || n.t === 'nodetype' || (n.t === 'op' && (n.v === '.' || n.v === '..' || n.v === '@')));
        return { k: 'path', absolute: true, steps: startsStep ? this.relSteps(false) : [] };
      }
      this.i++;
      return { k: 'path', absolute: true, steps: [{ axis: 'descendant-or-self', test: { kind: 'node' }, preds: [] }, ...this.relSteps(false)] };
    }
    return { k: 'path', absolute: false, steps: this.relSteps(false) };
  }

  /** Steps separated by / or //; leadingSep: the first step is preceded by a separator still to read. */
  private relSteps(leadingSep: boolean): Step[] {
    const steps: Step[] = [];
    if (!leadingSep) steps.push(this.step());
    for (;;) {
      if (this.isOp('/')) { this.i++; steps.push(this.step()); continue; }
      if (this.isOp('//')) { this.i++; steps.push({ axis: 'descendant-or-self', test: { kind: 'node' }, preds: [] }, this.step()); continue; }
      return steps;
    }
  }

  private step(): Step {
    const t = this.peek();
    if (t?.t === 'op' && t.v === '.') { this.i++; return { axis: 'self', test: { kind: 'node' }, preds: [] }; }
    if (t?.t === 'op' && t.v === '..') { this.i++; return { axis: 'parent', test: { kind: 'node' }, preds: [] }; }
    let axis = 'child';
    if (t?.t === 'op' && t.v === '@') { this.i++; axis = 'attribute'; } else if (t?.t === 'axis') {
      if (!AXES.has(t.v)) throw new XPathError(`axis ${t.v} is not supported`);
      axis = t.v;
      this.i++;
    }
    const n = this.peek();
    let test: NodeTest;
    if (n?.t === 'name') { test = { kind: 'name', prefix: n.prefix, local: n.local }; this.i++; } else if (n?.t === 'nodetype') {
      this.i++;
      this.expectOp('(');
      this.expectOp(')');
      if (n.v === 'node') test = { kind: 'node' };
      else if (n.v === 'text') test = { kind: 'text' };
      else throw new XPathError(`${n.v}() is not supported`);
    } else throw new XPathError('expected a step');
    const preds: Expr[] = [];
    while (this.isOp('[')) { this.i++; preds.push(this.or()); this.expectOp(']'); }
    return { axis, test, preds };
  }

  private primary(): Expr {
    const t = this.peek()!;
    this.i++;
    if (t.t === 'str') return { k: 'str', v: t.v };
    if (t.t === 'num') return { k: 'num', v: t.v };
    if (t.t === 'op' && t.v === '(') { const e = this.or(); this.expectOp(')'); return e; }
    if (t.t === 'func') {
      this.expectOp('(');
      const args: Expr[] = [];
      if (!this.isOp(')')) {
        args.push(this.or());
        while (this.isOp(',')) { this.i++; args.push(this.or()); }
      }
      this.expectOp(')');
      return { k: 'func', name: t.v, args };
    }
    throw new XPathError('unexpected token');
  }
}

// ---- evaluation -----------------------------------------------------------------------------------

interface XNode { readonly node: DNode; readonly parent: XNode | null; kids?: XNode[] }
type XValue = XNode[] | string | number | boolean;

function kidsOf(x: XNode): XNode[] {
  if (!x.kids) x.kids = (x.node.children ?? []).map((c) => ({ node: c, parent: x }));
  return x.kids;
}

function stringValue(x: XNode, b: WorkBudget): string {
  b.spend();
  if (x.node.value !== undefined) return x.node.value;
  return kidsOf(x).map((k) => stringValue(k, b)).join('');
}

function toStr(v: XValue, b: WorkBudget): string {
  if (Array.isArray(v)) return v.length ? stringValue(v[0], b) : '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return String(v);
}
function toNum(v: XValue, b: WorkBudget): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = toStr(v, b).trim();
  return s === '' ? NaN : Number(s);
}
function toBool(v: XValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  return v;
}

type Resolve = (prefix: string) => string | undefined;

/** Evaluation is written as generators that yield when a slice of the budget is spent (see xpathFilterAsync). */
type Gen<T> = Generator<void, T, void>;

class Evaluator {
  constructor(private readonly resolve: Resolve, private readonly root: XNode, private readonly b: WorkBudget) {}

  private testNode(x: XNode, test: NodeTest): boolean {
    if (test.kind === 'node') return true;
    if (test.kind === 'text') return false;
    if (x === this.root) return false;
    if (test.local !== '*' && test.local !== x.node.name) return false;
    if (!test.prefix) return true;
    const ns = this.resolve(test.prefix);
    if (ns === undefined) throw new XPathError(`prefix ${test.prefix} is not declared on the filter`);
    return ns === x.node.ns;
  }

  private axis(x: XNode, axis: string): XNode[] {
    const out = this.axisNodes(x, axis);
    this.b.spend(out.length + 1);
    return out;
  }

  private axisNodes(x: XNode, axis: string): XNode[] {
    switch (axis) {
      case 'child': return kidsOf(x);
      case 'self': return [x];
      case 'parent': return x.parent ? [x.parent] : [];
      case 'attribute': return [];
      case 'ancestor': case 'ancestor-or-self': {
        const out: XNode[] = [];
        for (let p = axis === 'ancestor' ? x.parent : x; p; p = p.parent) out.push(p);
        return out;
      }
      case 'descendant': case 'descendant-or-self': {
        const out: XNode[] = [];
        const walk = (n: XNode): void => { out.push(n); for (const k of kidsOf(n)) walk(k); };
        if (axis === 'descendant-or-self') walk(x); else for (const k of kidsOf(x)) walk(k);
        return out;
      }
      default: throw new XPathError(`axis ${axis} is not supported`);
    }
  }

  private *steps(ctx: XNode[], steps: Step[]): Gen<XNode[]> {
    let cur = ctx;
    for (const s of steps) {
      const next: XNode[] = [];
      const seen = new Set<XNode>();
      for (const c of cur) {
        if (this.b.due()) yield;
        let cand = this.axis(c, s.axis).filter((x) => this.testNode(x, s.test));
        for (const p of s.preds) {
          const size = cand.length;
          const kept: XNode[] = [];
          for (let i = 0; i < cand.length; i++) {
            this.b.spend();
            if (this.b.due()) yield;
            const v = yield* this.eval(p, cand[i], i + 1, size);
            if (typeof v === 'number' ? v === i + 1 : toBool(v)) kept.push(cand[i]);
          }
          cand = kept;
        }
        for (const x of cand) if (!seen.has(x)) { seen.add(x); next.push(x); }
      }
      cur = next;
    }
    return cur;
  }

  *eval(e: Expr, ctx: XNode, pos: number, size: number): Gen<XValue> {
    switch (e.k) {
      case 'str': return e.v;
      case 'num': return e.v;
      case 'neg': return -toNum(yield* this.eval(e.e, ctx, pos, size), this.b);
      case 'path': {
        let start: XNode[];
        if (e.base) {
          const b = yield* this.eval(e.base, ctx, pos, size);
          if (!Array.isArray(b)) throw new XPathError('a path must start from a node-set');
          start = b;
        } else start = e.absolute ? [this.root] : [ctx];
        return yield* this.steps(start, e.steps);
      }
      case 'bin': return yield* this.binary(e.op, e.l, e.r, ctx, pos, size);
      case 'func': return yield* this.func(e.name, e.args, ctx, pos, size);
    }
  }

  private *binary(op: string, le: Expr, re: Expr, ctx: XNode, pos: number, size: number): Gen<XValue> {
    if (op === 'and') return toBool(yield* this.eval(le, ctx, pos, size)) && toBool(yield* this.eval(re, ctx, pos, size));
    if (op === 'or') return toBool(yield* this.eval(le, ctx, pos, size)) || toBool(yield* this.eval(re, ctx, pos, size));
    const l = yield* this.eval(le, ctx, pos, size);
    const r = yield* this.eval(re, ctx, pos, size);
    if (op === '|') {
      if (!Array.isArray(l) || !Array.isArray(r)) throw new XPathError('| needs node-sets');
      this.b.spend(l.length + r.length);
      const s = new Set(l);
      return [...l, ...r.filter((x) => !s.has(x))];
    }
    if (op === '+' || op === '-' || op === '*' || op === 'div' || op === 'mod') {
      const a = toNum(l, this.b), b = toNum(r, this.b);
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === 'div' ? a / b : a % b;
    }
    return compare(op, l, r, this.b);
  }

  private *func(name: string, args: Expr[], ctx: XNode, pos: number, size: number): Gen<XValue> {
    const self = this;
    function* a(i: number): Gen<XValue> {
      if (!args[i]) throw new XPathError(`${name}() needs more arguments`);
      return yield* self.eval(args[i], ctx, pos, size);
    }
    function* str(i: number): Gen<string> { return args[i] ? toStr(yield* a(i), self.b) : stringValue(ctx, self.b); }
    const toS = (v: XValue): string => toStr(v, this.b);
    switch (name) {
      case 'not': return !toBool(yield* a(0));
      case 'true': return true;
      case 'false': return false;
      case 'boolean': return toBool(yield* a(0));
      case 'count': { const v = yield* a(0); if (!Array.isArray(v)) throw new XPathError('count() needs a node-set'); return v.length; }
      case 'string': return yield* str(0);
      case 'number': return args[0] ? toNum(yield* a(0), this.b) : toNum(stringValue(ctx, this.b), this.b);
      case 'contains': return toS(yield* a(0)).includes(toS(yield* a(1)));
      case 'starts-with': return toS(yield* a(0)).startsWith(toS(yield* a(1)));
      case 'string-length': return (yield* str(0)).length;
      case 'normalize-space': return (yield* str(0)).trim().replace(/\s+/g, ' ');
      case 'concat': {
        const parts: string[] = [];
        for (let i = 0; i < args.length; i++) parts.push(toS(yield* a(i)));
        return parts.join('');
      }
      case 'position': return pos;
      case 'last': return size;
      case 'local-name': case 'name': {
        const v = args[0] ? yield* a(0) : [ctx];
        return Array.isArray(v) && v.length ? v[0].node.name : '';
      }
      default: throw new XPathError(`function ${name}() is not supported`);
    }
  }
}

function compare(op: string, l: XValue, r: XValue, budget: WorkBudget): boolean {
  const cmp = (a: string, b: string, numeric: boolean): boolean => {
    if (op === '=' || op === '!=') {
      const eq = numeric ? Number(a) === Number(b) : a === b;
      return op === '=' ? eq : !eq;
    }
    const x = Number(a), y = Number(b);
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  };
  if (Array.isArray(l) || Array.isArray(r)) {
    const ls = Array.isArray(l) ? l.map((x) => stringValue(x, budget)) : [l];
    const rs = Array.isArray(r) ? r.map((x) => stringValue(x, budget)) : [r];
    for (const a of ls) {
      budget.spend(rs.length);
      for (const b of rs) {
        if (typeof a === 'boolean' || typeof b === 'boolean') {
          const ba = typeof a === 'boolean' ? a : toBool(l), bb = typeof b === 'boolean' ? b : toBool(r);
          if (op === '=' ? ba === bb : op === '!=' ? ba !== bb : cmp(String(+ba), String(+bb), true)) return true;
          continue;
        }
        const numeric = typeof a === 'number' || typeof b === 'number';
        if (cmp(String(a), String(b), numeric)) return true;
      }
    }
    return false;
  }
  if (typeof l === 'boolean' || typeof r === 'boolean') {
    const a = toBool(l), b = toBool(r);
    return op === '=' ? a === b : op === '!=' ? a !== b : cmp(String(+a), String(+b), true);
  }
  const numeric = typeof l === 'number' || typeof r === 'number';
  return cmp(toStr(l, budget), toStr(r, budget), numeric);
}

/** The prefixes of the name tests of an expression. */
function prefixesOf(e: Expr, out: Set<string>): Set<string> {
  switch (e.k) {
    case 'path':
      if (e.base) prefixesOf(e.base, out);
      for (const s of e.steps) {
        if (s.test.kind === 'name' && s.test.prefix) out.add(s.test.prefix);
        for (const p of s.preds) prefixesOf(p, out);
      }
      break;
    case 'bin': prefixesOf(e.l, out); prefixesOf(e.r, out); break;
    case 'neg': prefixesOf(e.e, out); break;
    case 'func': for (const a of e.args) prefixesOf(a, out); break;
    default: break;
  }
  return out;
}

/** Parses an expression and checks that every prefix it uses is declared; throws XPathError (XPathLimitError). */
export function compile(src: string, resolve: Resolve): Expr {
  const expr = new Parser(tokenize(src)).parse();
  for (const p of prefixesOf(expr, new Set())) {
    if (resolve(p) === undefined) throw new XPathError(`prefix ${p} is not declared on the filter (declare it with xmlns:${p})`);
  }
  return expr;
}

/** Checks an expression before use: syntax, bounds and declared prefixes (throws XPathError). */
export function parseXPath(src: string, resolve: Resolve): void {
  compile(src, resolve);
}

/**
 * Evaluates an XPath filter over top-level data nodes and returns the selected subtrees with their
 * ancestors (and the ancestors' list keys). resolve maps a prefix to its namespace.
 */
export function xpathFilter(data: readonly DNode[], select: string, resolve: Resolve, budget = WorkBudget.forData('XPath', data)): DNode[] {
  const g = selectNodes(data, select, resolve, budget);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * xpathFilter that gives the event loop back after every slice of its budget (a few milliseconds), so that a
 * costly filter delays other requests (an SNMP GET, another session) by no more than that.
 */
export async function xpathFilterAsync(data: readonly DNode[], select: string, resolve: Resolve, budget = WorkBudget.forData('XPath', data)): Promise<DNode[]> {
  const g = selectNodes(data, select, resolve, budget);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* selectNodes(data: readonly DNode[], select: string, resolve: Resolve, budget: WorkBudget): Gen<DNode[]> {
  const expr = compile(select, resolve);
  const root: XNode = { node: { name: '', ns: '', children: data }, parent: null };
  const v = yield* new Evaluator(resolve, root, budget).eval(expr, root, 1, 1);
  if (!Array.isArray(v)) throw new XPathError('the expression does not select nodes');
  if (v.includes(root)) return [...data];
  const selected = new Set(v);
  const onPath = new Set<XNode>();
  for (const x of v) for (let p = x.parent; p && !onPath.has(p); p = p.parent) onPath.add(p);
  const build = (x: XNode): DNode | undefined => {
    budget.spend();
    if (selected.has(x)) return x.node;
    if (!onPath.has(x)) return undefined;
    const kc = x.node.keyCount ?? 0;
    const kids: DNode[] = [];
    kidsOf(x).forEach((k, i) => {
      const b = build(k);
      if (b) kids.push(b); else if (i < kc) kids.push(k.node);
    });
    return { ...x.node, children: kids };
  };
  const out: DNode[] = [];
  for (const k of kidsOf(root)) { const b = build(k); if (b) out.push(b); }
  return out;
}
