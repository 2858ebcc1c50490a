/**
 * RESTCONF data resource identifiers (RFC 8040 section 3.5.3): the part of the path after {+restconf}/data,
 * "module:name/name=key1,key2/...", parsed into steps and looked up in a DNode tree. Keys are percent-decoded
 * after splitting on commas; a step without a module takes its parent's.
 */
import { scalarOf } from '../model/scalars';
import type { DNode } from '../netconf/data';
import { badQuery, unknownResource } from './errors';

export interface PathStep {
  readonly ns: string;
  readonly module: string;
  readonly name: string;
  readonly keys?: readonly string[];
}

/** More steps than any path of the model: longer paths are refused before any lookup. */
export const MAX_PATH_STEPS = 64;

const IDENT = /^(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)(?:=(.*))?$/s;

function decode(s: string): string {
  try { return decodeURIComponent(s); } catch { throw badQuery(`bad percent-encoding in ${JSON.stringify(s)}`); }
}

/** Steps of an api-path ('' is the datastore itself); nsOfModule answers undefined for an unknown module. */
export function parseApiPath(path: string, nsOfModule: (module: string) => string | undefined): PathStep[] {
  const parts = path.split('/').filter((p, i, all) => p !== '' || (i > 0 && i < all.length - 1));
  if (parts.length > MAX_PATH_STEPS) throw badQuery(`the resource path has more than ${MAX_PATH_STEPS} steps`);
  const steps: PathStep[] = [];
  let module = '';
  for (const raw of parts) {
    const m = IDENT.exec(raw);
    if (!m) throw badQuery(`${JSON.stringify(decode(raw))} is not a resource identifier step`);
    if (m[1] !== undefined) module = m[1];
    if (!module) throw badQuery(`the first step ${JSON.stringify(m[2])} needs its module name (module:${m[2]})`);
    const ns = nsOfModule(module);
    if (ns === undefined) throw unknownResource(`of module ${module}`);
    steps.push({ ns, module, name: m[2], ...(m[3] !== undefined ? { keys: m[3].split(',').map(decode) } : {}) });
  }
  return steps;
}

/** Module name of a namespace: an identityref key is written module:identity in a path (RFC 7951 6.8). */
export type ModuleOf = (ns: string) => string;

/** Whether a key leaf has the value of a path key (identityrefs in their RESTCONF form too). */
function keyMatches(n: DNode | undefined, k: string, moduleOf?: ModuleOf): boolean {
  if (!n || n.value === undefined) return false;
  if (n.value === k) return true;
  const colon = n.value.indexOf(':');
  return n.valueNs !== undefined && moduleOf !== undefined && colon > 0 && `${moduleOf(n.valueNs)}:${n.value.slice(colon + 1)}` === k;
}

/** A leaf's value as a path names it: the JSON form of its type (an identity as module:identity). */
function pathText(n: DNode): string | undefined {
  if (n.typed) return String(scalarOf(n.typed.type).json.encode(n.typed.type, n.typed.value as never));
  return n.value;
}

function matches(n: DNode, s: PathStep, moduleOf?: ModuleOf): boolean {
  if (n.name !== s.name || n.ns !== s.ns) return false;
  if (s.keys === undefined) return true;
  if (n.value !== undefined) return s.keys.length === 1 && pathText(n) === s.keys[0]; // a leaf-list entry
  const kids = n.children ?? [];
  return n.keyCount === s.keys.length && s.keys.every((k, i) => keyMatches(kids[i], k, moduleOf));
}

/** The node a path names in the tree (top nodes given), or a 404 error naming the first step not found. */
export function selectNode(top: readonly DNode[], steps: readonly PathStep[], moduleOf?: ModuleOf): DNode {
  const chain = selectChain(top, steps, moduleOf);
  return chain[chain.length - 1];
}

/** The nodes of each step of a path, the target last. */
export function selectChain(top: readonly DNode[], steps: readonly PathStep[], moduleOf?: ModuleOf): DNode[] {
  const chain: DNode[] = [];
  let level = top;
  let found: DNode | undefined;
  const seen: string[] = [];
  let module = '';
  for (const s of steps) {
    seen.push(`${s.module === module ? '' : `${s.module}:`}${s.name}${s.keys ? `=${s.keys.join(',')}` : ''}`);
    module = s.module;
    const hits = level.filter((n) => matches(n, s, moduleOf));
    if (!hits.length) throw unknownResource(`/${seen.join('/')}`);
    if (hits.length > 1 || (s.keys === undefined && hits[0].keyCount !== undefined)) {
      throw badQuery(`/${seen.join('/')} is a list: its entry is named with =key`);
    }
    found = hits[0];
    chain.push(found);
    level = found.children ?? [];
  }
  if (!found) throw unknownResource('(empty path)');
  return chain;
}
