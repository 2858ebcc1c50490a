/**
 * RESTCONF plain PATCH (RFC 8040 section 4.6.1) as a NETCONF edit-config merge: the JSON body (RFC 7951) and the
 * target's ancestors (with their keys) become the <config> of an edit-config, so that validation, locks, commit
 * and audit are those of NETCONF. The rpc-errors of the reply come back as NetconfErrors.
 */
import { inner, leaf, nodesToXml } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { MalformedMessageError, NetconfError } from '../netconf/errors';
import type { ErrorTag, ErrorType } from '../netconf/errors';
import { child, parseXml } from '../netconf/xml';
import { badQuery } from './errors';

/** Deepest JSON nesting accepted in a body (the model is far shallower). */
export const MAX_BODY_DEPTH = 32;

type NsOfModule = (module: string) => string | undefined;

function qualified(member: string, parentNs: string, nsOfModule: NsOfModule): { name: string; ns: string } {
  const colon = member.indexOf(':');
  if (colon < 0) {
    if (!parentNs) throw badQuery(`member ${JSON.stringify(member)} needs its module name`);
    return { name: member, ns: parentNs };
  }
  const ns = nsOfModule(member.slice(0, colon));
  if (!ns) throw badQuery(`unknown module in member ${JSON.stringify(member)}`);
  return { name: member.slice(colon + 1), ns };
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length === 1 && v[0] === null) return '';
  throw badQuery(`${JSON.stringify(v)} is not a leaf value`);
}

/** DNodes of the members of a JSON object. */
export function jsonToNodes(obj: unknown, parentNs: string, nsOfModule: NsOfModule, depth = 0): DNode[] {
  if (depth > MAX_BODY_DEPTH) throw badQuery(`the body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badQuery('a JSON object is expected');
  const out: DNode[] = [];
  for (const [member, v] of Object.entries(obj as Record<string, unknown>)) {
    const { name, ns } = qualified(member, parentNs, nsOfModule);
    const one = (x: unknown): DNode => (x !== null && typeof x === 'object' && !Array.isArray(x)
      ? inner(name, ns, jsonToNodes(x, ns, nsOfModule, depth + 1)) : leaf(name, ns, scalarText(x)));
    if (Array.isArray(v) && !(v.length === 1 && v[0] === null)) out.push(...v.map(one)); else out.push(one(v));
  }
  return out;
}

/** The parsed body, 400 malformed-message when it is not JSON. */
export function parseJsonBody(text: string): unknown {
  try { return JSON.parse(text); } catch (e) { throw new MalformedMessageError(`the body is not JSON: ${e instanceof Error ? e.message : String(e)}`); }
}

/** The <config> content: the edit nodes wrapped in the target's ancestors (each with its key leaves). */
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
