/**
 * RESTCONF write bodies (RFC 8040 sections 4.4-4.6, RFC 7951 JSON or YANG XML) as the <config> of a NETCONF
 * edit-config, so that validation, locks, commit and audit are those of NETCONF: the body becomes DNodes, is
 * checked to be the target resource (PUT, PATCH) or one child of it (POST), gets the nc:operation of the method
 * and is wrapped in the target's ancestors (with their keys, from the path).
 */
import { inner, leaf, nodesToXml } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { MalformedMessageError, NetconfError } from '../netconf/errors';
import type { ErrorTag, ErrorType } from '../netconf/errors';
import { NC_NS } from '../netconf/namespaces';
import { XmlParseError, child, parseXml, resolveQName } from '../netconf/xml';
import type { XmlElement } from '../netconf/xml';
import { RESTCONF_NS, badQuery } from './errors';
import type { Encoding } from './media';
import type { KeyLeaf, TargetStep, WriteTarget } from './target';

/** Deepest nesting accepted in a body (the model is far shallower). */
export const MAX_BODY_DEPTH = 32;

type NsOfModule = (module: string) => string | undefined;

const QNAME = /^([A-Za-z_][A-Za-z0-9_.-]*):[A-Za-z_][A-Za-z0-9_.-]*$/;

function qualified(member: string, parentNs: string, nsOfModule: NsOfModule): { name: string; ns: string } {
  const colon = member.indexOf(':');
  if (colon < 0) {
    if (!parentNs) throw badQuery(`member ${JSON.stringify(member)} needs its module name`);
    return { name: member, ns: parentNs };
  }
  const ns = member.slice(0, colon) === 'ietf-restconf' ? RESTCONF_NS : nsOfModule(member.slice(0, colon));
  if (!ns) throw badQuery(`unknown module in member ${JSON.stringify(member)}`);
  return { name: member.slice(colon + 1), ns };
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length === 1 && v[0] === null) return '';
  throw badQuery(`${JSON.stringify(v)} is not a leaf value`);
}

/** A JSON leaf: an identityref ("module:identity", RFC 7951 section 6.8) keeps the module name as its XML prefix. */
function jsonLeaf(name: string, ns: string, v: unknown, nsOfModule: NsOfModule): DNode {
  const text = scalarText(v);
  const m = typeof v === 'string' ? QNAME.exec(text) : null;
  const valueNs = m ? nsOfModule(m[1]) : undefined;
  return leaf(name, ns, text, valueNs);
}

/** DNodes of the members of a JSON object. */
export function jsonToNodes(obj: unknown, parentNs: string, nsOfModule: NsOfModule, depth = 0): DNode[] {
  if (depth > MAX_BODY_DEPTH) throw badQuery(`the body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badQuery('a JSON object is expected');
  const out: DNode[] = [];
  for (const [member, v] of Object.entries(obj as Record<string, unknown>)) {
    const { name, ns } = qualified(member, parentNs, nsOfModule);
    const one = (x: unknown): DNode => (x !== null && typeof x === 'object' && !Array.isArray(x)
      ? inner(name, ns, jsonToNodes(x, ns, nsOfModule, depth + 1)) : jsonLeaf(name, ns, x, nsOfModule));
    if (Array.isArray(v) && !(v.length === 1 && v[0] === null)) out.push(...v.map(one)); else out.push(one(v));
  }
  return out;
}

/** DNodes of an XML element: one with child elements is inner, one without a leaf (its prefixed value resolved). */
export function xmlToNode(el: XmlElement, depth = 0): DNode {
  if (depth > MAX_BODY_DEPTH) throw badQuery(`the body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  if (el.children.length) return inner(el.name, el.ns, el.children.map((c) => xmlToNode(c, depth + 1)));
  const text = el.text.trim();
  const q = QNAME.test(text) ? resolveQName(el, text) : undefined;
  return leaf(el.name, el.ns, el.text, q?.ns);
}

/** The parsed JSON body, 400 malformed-message when it is not JSON. */
export function parseJsonBody(text: string): unknown {
  try { return JSON.parse(text); } catch (e) { throw new MalformedMessageError(`the body is not JSON: ${e instanceof Error ? e.message : String(e)}`); }
}

/** The top-level nodes of a body; a datastore body (ietf-restconf:data) is unwrapped. */
export function parseBody(text: string, enc: Encoding, nsOfModule: NsOfModule): DNode[] {
  let nodes: DNode[];
  if (enc === 'json') {
    nodes = jsonToNodes(parseJsonBody(text), '', nsOfModule);
  } else {
    let el: XmlElement;
    try { el = parseXml(text, { maxDepth: MAX_BODY_DEPTH + 1 }); } catch (e) {
      if (e instanceof XmlParseError) throw new MalformedMessageError(`the body is not well-formed XML: ${e.message}`);
      throw e;
    }
    nodes = [xmlToNode(el)];
  }
  if (nodes.length === 1 && nodes[0].name === 'data' && nodes[0].ns === RESTCONF_NS) return [...(nodes[0].children ?? [])];
  return nodes;
}

/** A body leaf has the value a path names (an identity: the same namespace and name, whatever the prefix). */
function sameValue(c: DNode, k: KeyLeaf): boolean {
  if (c.value === undefined) return false;
  const v = c.value.trim();
  if (k.valueNs === undefined || c.valueNs === undefined) return v === k.value;
  return c.valueNs === k.valueNs && v.slice(v.indexOf(':') + 1) === k.value.slice(k.value.indexOf(':') + 1);
}

const keyMatches = (n: DNode, step: TargetStep): boolean =>
  step.keys.every((k) => (n.children ?? []).some((c) => c.name === k.name && c.ns === n.ns && sameValue(c, k)));

/** Refuses a PUT or PATCH body that is not exactly the target resource (same name, the keys of the path). */
export function checkIsTarget(nodes: readonly DNode[], target: WriteTarget): void {
  const last = target.steps[target.steps.length - 1];
  if (!last) return;
  const name = `${last.module}:${last.name}`;
  const ok = nodes.length === 1 && nodes[0].name === last.name && nodes[0].ns === last.ns && keyMatches(nodes[0], last) &&
    (target.entryValue === undefined || sameValue(nodes[0], target.entryValue));
  if (!ok) throw badQuery(`the body must be the target resource ${name}${last.keys.length ? ' (one entry, with the keys of the path)' : ''}`);
}

/** The <config> content: nodes with nc:operation (none: no attribute) inside the ancestors (each with its keys). */
export function editContent(nodes: readonly DNode[], operation: string | undefined, ancestors: readonly TargetStep[]): string {
  const opAttr = operation ? ` xmlns:nc="${NC_NS}" nc:operation="${operation}"` : '';
  let xml = nodes.map((n) => {
    const x = nodesToXml([n]);
    return opAttr ? `<${n.name}${opAttr}${x.slice(1 + n.name.length)}` : x;
  }).join('');
  let parentNs = '';
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i];
    parentNs = i > 0 ? ancestors[i - 1].ns : '';
    const keys = a.keys.map((k) => nodesToXml([leaf(k.name, a.ns, k.value, k.valueNs)], a.ns)).join('');
    xml = `<${a.name}${a.ns === parentNs ? '' : ` xmlns="${a.ns}"`}>${keys}${xml}</${a.name}>`;
  }
  return xml;
}

/** The node naming a target (a list entry by its keys, a leaf-list entry by its value), without content: what DELETE sends. */
export function identityNode(t: WriteTarget): DNode {
  const last = t.steps[t.steps.length - 1];
  if (t.kind === 'entry') return inner(last.name, last.ns, last.keys.map((k) => leaf(k.name, last.ns, k.value, k.valueNs)));
  if (t.kind === 'container') return inner(last.name, last.ns, []);
  return leaf(last.name, last.ns, t.entryValue?.value ?? '', t.entryValue?.valueNs);
}

/** Nodes wrapped in ancestors given as data nodes (each with its key leaves), as <config> content (action input). */
export function wrapInAncestors(edit: readonly DNode[], ancestors: readonly DNode[]): string {
  let nodes: readonly DNode[] = edit;
  for (const a of [...ancestors].reverse()) nodes = [inner(a.name, a.ns, [...(a.children ?? []).slice(0, a.keyCount ?? 0), ...nodes])];
  return nodesToXml(nodes);
}

/** The rpc-errors of an <rpc-reply> (none for <ok/>). */
export function replyErrors(reply: string): NetconfError[] {
  const r = parseXml(reply);
  return r.children.filter((c) => c.name === 'rpc-error').map((e) => new NetconfError(
    (child(e, 'error-tag')?.text.trim() ?? 'operation-failed') as ErrorTag,
    child(e, 'error-message')?.text.trim() ?? '',
    { type: (child(e, 'error-type')?.text.trim() ?? 'application') as ErrorType, ...(child(e, 'error-path') ? { path: child(e, 'error-path')!.text.trim() } : {}) }));
}
