/**
 * Facts about the standard YANG modules the generated module imports or augments. These are properties of
 * RFC modules, not of the information model: the model names standard nodes (ObjectClass.yangExternal,
 * Attribute.yangExternal) by prefixed path, and this table says which module each prefix is and what the
 * renderer must know about the nodes it augments.
 */

export interface StandardModule {
  readonly name: string;
  readonly prefix: string;
  readonly reference: string;
  /** Shipped inside libyang (yanglint loads it without a file); otherwise a copy is kept in yang/. */
  readonly builtIntoLibyang: boolean;
  /** Revision of the copy in yang/ (yang/NAME@REVISION.yang), for the modules libyang does not ship. */
  readonly revision: string;
}

/** In the order the imports are printed. */
export const STANDARD_MODULES: readonly StandardModule[] = [
  { name: 'ietf-yang-types', prefix: 'yang', reference: 'RFC 6991: Common YANG Data Types', builtIntoLibyang: true, revision: '2013-07-15' },
  { name: 'ietf-inet-types', prefix: 'inet', reference: 'RFC 6991: Common YANG Data Types', builtIntoLibyang: true, revision: '2013-07-15' },
  { name: 'ietf-netconf-acm', prefix: 'nacm', reference: 'RFC 8341: Network Configuration Access Control Model', builtIntoLibyang: false, revision: '2018-02-14' },
  { name: 'ietf-yang-smiv2', prefix: 'smiv2', reference: 'RFC 6643: Translation of Structure of Management Information Version 2 (SMIv2) MIB Modules to YANG Modules', builtIntoLibyang: false, revision: '2012-06-22' },
  { name: 'ietf-alarms', prefix: 'al', reference: 'RFC 8632: A YANG Data Model for Alarm Management', builtIntoLibyang: false, revision: '2019-09-11' },
  { name: 'ietf-alarms-x733', prefix: 'x733', reference: 'RFC 8632: A YANG Data Model for Alarm Management', builtIntoLibyang: false, revision: '2019-09-11' },
];

export function standardModuleByPrefix(prefix: string): StandardModule {
  const m = STANDARD_MODULES.find((x) => x.prefix === prefix);
  if (!m) throw new Error(`no standard YANG module with prefix ${prefix} is known (tools/render/yang-standard.ts)`);
  return m;
}

/** A data node of a standard module that the model maps a class onto (and our module augments). */
export interface StandardNode {
  /** Whether the node is configuration; the ietf-alarms lists are all config false. */
  readonly config: boolean;
  /** if-feature expression guarding the node in its module; the augment carries it as well. */
  readonly ifFeature?: string;
}

export const STANDARD_NODES: Readonly<Record<string, StandardNode>> = {
  '/al:alarms/al:alarm-list/al:alarm': { config: false },
  '/al:alarms/al:alarm-list/al:alarm/al:status-change': { config: false, ifFeature: 'al:alarm-history' },
  '/al:alarms/al:alarm-list/al:alarm/al:operator-state-change': { config: false, ifFeature: 'al:operator-actions' },
  '/al:alarms/al:alarm-inventory/al:alarm-type': { config: false },
  '/al:alarms/al:shelved-alarms/al:shelved-alarm': { config: false, ifFeature: 'al:alarm-shelving' },
  '/al:alarms/al:summary/al:alarm-summary': { config: false, ifFeature: 'al:alarm-summary' },
};

export function standardNode(path: string): StandardNode {
  const n = STANDARD_NODES[path];
  if (!n) throw new Error(`standard YANG node ${path} is not known (tools/render/yang-standard.ts)`);
  return n;
}

/** Prefixes used in a prefixed schema path or node name ("/al:alarms/al:alarm-list", "x733:event-type"). */
export function prefixesOf(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*):/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}
