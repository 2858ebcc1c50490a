/**
 * The YANG data model as the NETCONF server needs it, derived from the information model through
 * ModelIndex (names are never written twice): for each class, its node name, leaves, contained classes
 * and actions by YANG name; the mapping of classes rendered by standard modules (ietf-alarms); the
 * conversion of values between the instance tree / configuration document and YANG XML text.
 */
import { hasConfig } from '../config/document';
import type { ConfigScalar } from '../config/document';
import { kebab, model, modelIndex } from '../model';
import type { Action, Attribute, ObjectClass, ScalarType } from '../model';
import { scalarOf } from '../model/scalars';
import type { LeafText, QNameResolver } from '../model/scalar/xml';
import type { Value } from '../state/tree';

export const OUR_NS = model.module.namespace;
export const OUR_PREFIX = model.module.yangPrefix;

export interface ClassYang {
  readonly cls: ObjectClass;
  readonly name: string;
  /** Leaves by YANG name (classes of our module; for external classes, only the attributes our module augments). */
  readonly leaves: ReadonlyMap<string, Attribute>;
  /** Contained classes of our module by YANG node name (external ones are rendered elsewhere). */
  readonly children: ReadonlyMap<string, ObjectClass>;
  readonly actions: ReadonlyMap<string, Action>;
  readonly keys: readonly Attribute[];
  /** The class or something below it has configuration. */
  readonly config: boolean;
  /** Attributes our module renders for the class (no secrets, no yangExternal), keys excluded, with their leaf names. */
  readonly rendered: readonly { readonly attr: Attribute; readonly name: string }[];
  /** Leaf names of the keys, in key order. */
  readonly keyNames: readonly string[];
}

const cache = new Map<string, ClassYang>();

export function classYang(cls: ObjectClass): ClassYang {
  let c = cache.get(cls.name);
  if (c) return c;
  const leaves = new Map<string, Attribute>();
  for (const a of cls.attributes) if (!a.yangExternal) leaves.set(modelIndex.yangLeafName(a), a);
  const children = new Map<string, ObjectClass>();
  for (const k of modelIndex.childrenOf(cls)) if (!k.yangExternal) children.set(modelIndex.yangNodeName(k), k);
  const actions = new Map<string, Action>();
  for (const a of cls.actions ?? []) actions.set(kebab(a.name), a);
  const keys = (cls.keys ?? []).map((k) => modelIndex.attr(cls, k));
  const rendered = cls.attributes.filter((a) => !a.secret && !a.yangExternal && !keys.includes(a)).map((a) => ({ attr: a, name: modelIndex.yangLeafName(a) }));
  c = { cls, name: modelIndex.yangNodeName(cls), leaves, children, actions, keys, config: hasConfig(cls), rendered,
    keyNames: keys.map((k) => modelIndex.yangLeafName(k)) };
  cache.set(cls.name, c);
  return c;
}

// ---- classes rendered by standard modules ---------------------------------------------------------

/**
 * Keys of the standard lists the model maps classes onto (RFC 8632): a property of those modules, not of the
 * model. A key the class has no attribute for is rendered as the empty string (alarm-type-qualifier).
 */
export const EXTERNAL_LIST_KEYS: Readonly<Record<string, readonly string[]>> = {
  '/al:alarms/al:alarm-list/al:alarm': ['al:resource', 'al:alarm-type-id', 'al:alarm-type-qualifier'],
  '/al:alarms/al:alarm-list/al:alarm/al:status-change': ['al:time'],
  '/al:alarms/al:alarm-inventory/al:alarm-type': ['al:alarm-type-id', 'al:alarm-type-qualifier'],
};

/** A prefixed name ("al:resource") split. */
export function splitQName(q: string): { prefix: string; name: string } {
  const i = q.indexOf(':');
  return i < 0 ? { prefix: '', name: q } : { prefix: q.slice(0, i), name: q.slice(i + 1) };
}

/** The external classes: those with yangExternal whose parent is not external (their root is under /al:alarms). */
export function externalRoots(): ObjectClass[] {
  return model.classes.filter((c) => c.yangExternal && !(c.parent && modelIndex.cls(c.parent).yangExternal));
}

// ---- values ---------------------------------------------------------------------------------------

export type { LeafText } from '../model/scalar/xml';

/** YANG XML text of a value of a model type (tree values and configuration document values alike). */
export function leafText(type: ScalarType, v: Value | ConfigScalar): LeafText {
  const c = scalarOf(type).xml;
  const text = c.encode(type, v);
  return c.valueNs === undefined ? { text } : { text, valueNs: c.valueNs };
}

/** leafText's text alone (for writers that take the namespace apart, by leafValueNs: no object per value). */
export function leafString(type: ScalarType, v: Value | ConfigScalar): string {
  return scalarOf(type).xml.encode(type, v);
}

/** leafText's valueNs: the namespace the prefix of every text of the type refers to (identityrefs), else undefined. */
export function leafValueNs(type: ScalarType): string | undefined {
  return scalarOf(type).xml.valueNs;
}

/** Model value (for the configuration document) of YANG XML text of an attribute's type; identityrefs resolved by resolve. */
export function fromLeafText(type: ScalarType, text: string, resolve?: QNameResolver): ConfigScalar {
  return scalarOf(type).xml.decode(type, text, resolve);
}

// ---- paths --------------------------------------------------------------------------------------------

/** An XPath string literal. */
export function xpathLiteral(s: string): string {
  if (!s.includes('\'')) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  return `concat('${s.split('\'').join('\', "\'", \'')}')`;
}

/** One step of an instance path in our module: /bcm:node[bcm:name='n1']. */
export function pathStep(cls: ObjectClass, keyValues?: readonly (string | number | bigint | boolean)[]): string {
  const cy = classYang(cls);
  let s = `/${OUR_PREFIX}:${cy.name}`;
  cy.keys.forEach((k, i) => {
    const v = keyValues?.[i];
    if (v !== undefined) s += `[${OUR_PREFIX}:${modelIndex.yangLeafName(k)}=${xpathLiteral(leafText(k.type, v).text)}]`;
  });
  return s;
}
