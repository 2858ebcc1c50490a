/**
 * YANG instance data as the NETCONF layer handles it: a small, protocol-shaped tree of named nodes in
 * namespaces (containers, list entries, leaves; a leaf-list is a run of leaves with one name). Built from the
 * instance tree, the configuration datastore or the server's own state; filtered (subtree, XPath); written
 * as XML.
 */
import type { ScalarType } from '../model';
import { Turns } from '../turns';
import { escapeText } from './xml';

/** A leaf's value as the tree or the configuration holds it, with its model type (for encodings other than XML text). */
export interface TypedValue {
  readonly type: ScalarType;
  readonly value: string | number | bigint | boolean;
  /** A value of a leaf-list. */
  readonly multi?: boolean;
}

export interface DNode {
  /** YANG local name. */
  readonly name: string;
  readonly ns: string;
  /** Leaf (or leaf-list entry) text; undefined for containers and list entries. */
  readonly value?: string;
  /** Identityref leaves: the namespace of the prefix in value ("bcm:node-unreachable"). */
  readonly valueNs?: string;
  /** Containers and list entries. */
  readonly children?: readonly DNode[];
  /** List entries: how many leading children are the key leaves. */
  readonly keyCount?: number;
  /** Leaves rendered from a model attribute: the value before its XML text (RESTCONF JSON encodes from it). */
  readonly typed?: TypedValue;
}

/**
 * A leaf: one object shape for every leaf, its model type and value held as fields (typed is made on demand), so
 * that rendering tens of thousands of leaves allocates one object per leaf.
 */
class Leaf implements DNode {
  constructor(readonly name: string, readonly ns: string, readonly value: string, readonly valueNs: string | undefined,
    readonly scalarType: ScalarType | undefined, readonly raw: TypedValue['value'] | undefined, readonly multi: boolean) {}

  get typed(): TypedValue | undefined {
    if (this.scalarType === undefined) return undefined;
    return this.multi ? { type: this.scalarType, value: this.raw!, multi: true } : { type: this.scalarType, value: this.raw! };
  }
}

export function leaf(name: string, ns: string, value: string, valueNs?: string, typed?: TypedValue): DNode {
  return new Leaf(name, ns, value, valueNs || undefined, typed?.type, typed?.value, typed?.multi === true);
}

/** A leaf rendered from a model attribute: its XML text, and its type and value (what typed holds) without a TypedValue object. */
export function typedLeaf(name: string, ns: string, text: string, valueNs: string | undefined, type: ScalarType, value: TypedValue['value'], multi: boolean): DNode {
  return new Leaf(name, ns, text, valueNs || undefined, type, value, multi);
}

/** The model type of a leaf rendered from an attribute (typed.type), read without making typed. */
export function scalarTypeOf(n: DNode): ScalarType | undefined { return n instanceof Leaf ? n.scalarType : n.typed?.type; }
/** Its value before its XML text (typed.value). */
export function rawValueOf(n: DNode): TypedValue['value'] | undefined { return n instanceof Leaf ? n.raw : n.typed?.value; }
/** Whether it is a value of a leaf-list (typed.multi). */
export function isMultiValue(n: DNode): boolean { return n instanceof Leaf ? n.multi : n.typed?.multi === true; }

export function inner(name: string, ns: string, children: readonly DNode[], keyCount?: number): DNode {
  return keyCount ? { name, ns, children, keyCount } : { name, ns, children };
}

export function isLeaf(n: DNode): boolean { return n.value !== undefined; }

/** Writes nodes as XML; the default namespace is declared where it changes from parentNs. */
export function writeNodes(nodes: readonly DNode[], parentNs: string, out: string[]): void {
  for (const n of nodes) writeNode(n, parentNs, out);
}

function writeNode(n: DNode, parentNs: string, out: string[]): void {
  const open = n.ns === parentNs ? n.name : `${n.name} xmlns="${escapeText(n.ns)}"`;
  if (n.value !== undefined) {
    let decl = '';
    if (n.valueNs !== undefined) {
      const colon = n.value.indexOf(':');
      if (colon > 0) decl = ` xmlns:${n.value.slice(0, colon)}="${escapeText(n.valueNs)}"`;
    }
    out.push(n.value === '' ? `<${open}${decl}/>` : `<${open}${decl}>${escapeText(n.value)}</${n.name}>`);
    return;
  }
  const kids = n.children ?? [];
  if (!kids.length) { out.push(`<${open}/>`); return; }
  out.push(`<${open}>`);
  for (const c of kids) writeNode(c, n.ns, out);
  out.push(`</${n.name}>`);
}

export function nodesToXml(nodes: readonly DNode[], parentNs = ''): string {
  const out: string[] = [];
  writeNodes(nodes, parentNs, out);
  return out.join('');
}

/**
 * nodesToXml in slices of about TURN_SLICE_MS (src/turns.ts): a full <get> of a thousand nodes writes megabytes, and
 * SNMP requests, polls and other sessions are served between the slices. Same output as nodesToXml.
 */
export async function nodesToXmlAsync(nodes: readonly DNode[], parentNs = ''): Promise<string> {
  const done: string[] = [];
  const out: string[] = [];
  // explicit stack: a node to open (with its parent's namespace), or a closing tag to write
  const stack: ({ n: DNode; ns: string } | string)[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) stack.push({ n: nodes[i], ns: parentNs });
  const turns = new Turns();
  let steps = 0;
  while (stack.length) {
    if (++steps % 128 === 0 && turns.due()) {
      done.push(out.join(''));
      out.length = 0;
      await turns.next();
    }
    const top = stack.pop()!;
    if (typeof top === 'string') { out.push(top); continue; }
    const n = top.n;
    const kids = n.children;
    if (n.value !== undefined || !kids?.length) { writeNode(n, top.ns, out); continue; }
    out.push(n.ns === top.ns ? `<${n.name}>` : `<${n.name} xmlns="${escapeText(n.ns)}">`);
    stack.push(`</${n.name}>`);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ n: kids[i], ns: n.ns });
  }
  done.push(out.join(''));
  return done.join('');
}

/** Text of a leaf-typed node's value as a string (for comparisons). */
export function textOf(n: DNode): string { return n.value ?? ''; }
