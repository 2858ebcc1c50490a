/**
 * /bcm:managed-system written as RFC 7951 JSON straight from the instance tree and the configuration document,
 * without a DNode tree: the RESTCONF read of the whole datastore (the JSON twin of src/netconf/render-stream.ts).
 * The same text as render.ts classNode encoded by json.ts membersJson, for the whole tree (projection ALL): the same
 * members in the same order (keys, attributes, contained classes; secrets never rendered), containers without
 * content left out, list entries in key order as one array, leaf-lists as arrays, values by the scalar table's JSON
 * codecs (identityrefs module:identity).
 */
import type { ConfigObject } from '../config/document';
import { modelIndex } from '../model';
import type { Attribute, ObjectClass } from '../model';
import { scalarOf } from '../model/scalars';
import type { Scalar, Instance, Value } from '../state/tree';
import { asObject, keyValue, listEntries, renderedValue } from '../netconf/render';
import type { RenderOptions, Steps } from '../netconf/render';
import { OUR_NS, classYang, leafString, leafValueNs } from '../netconf/schema';
import type { JsonChunks } from './json-chunks';
import type { ModuleOfNs } from './json';

/** The JSON text of one value of an attribute (leafJson of its typed leaf). */
function valueJson(attr: Attribute, v: Scalar, moduleOf: ModuleOfNs): string {
  const valueNs = leafValueNs(attr.type);
  if (valueNs) {
    const text = leafString(attr.type, v);
    const colon = text.indexOf(':');
    return JSON.stringify(colon > 0 ? `${moduleOf(valueNs)}:${text.slice(colon + 1)}` : text);
  }
  const codec = scalarOf(attr.type).json;
  return JSON.stringify(codec.isXmlText ? leafString(attr.type, v) : codec.encode(attr.type, v));
}

function writeLeaves(w: JsonChunks, attr: Attribute, v: Value | undefined, name: string, moduleOf: ModuleOfNs): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    w.openArray(name);
    for (const x of v as readonly string[]) w.element(valueJson(attr, x, moduleOf));
    w.close(false);
    return;
  }
  w.member(name, valueJson(attr, v as Scalar, moduleOf));
}

/**
 * One instance of a class of our module, one step per list entry: a member `"name":{...}` (member given) or an
 * element `{...}` of its list's array. keepEmpty: written as `{}` when it has no content (list entries, the root of a
 * read with state); otherwise left out.
 */
function* classJson(cls: ObjectClass, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, w: JsonChunks,
  moduleOf: ModuleOfNs, keepEmpty: boolean, member?: string): Steps<void> {
  const cy = classYang(cls);
  w.openObject(member);
  cy.keys.forEach((k, i) => writeLeaves(w, k, keyValue(k, inst, doc), cy.keyNames[i], moduleOf));
  for (const { attr: a, name } of cy.rendered) writeLeaves(w, a, renderedValue(a, inst, doc, opts), name, moduleOf);
  for (const child of cy.children.values()) {
    if (!opts.state && !classYang(child).config) continue;
    if (child.kind === 'container') {
      yield* classJson(child, inst?.child(child.name), asObject(doc?.[child.name]), opts, w, moduleOf, false, classYang(child).name);
      continue;
    }
    const entries = listEntries(child, inst, doc, opts);
    if (!entries.length) continue;
    w.openArray(classYang(child).name);
    for (const e of entries) {
      yield* classJson(child, e.inst, e.doc, opts, w, moduleOf, true);
      yield;
    }
    w.close(false);
  }
  w.close(keepEmpty);
}

/**
 * Writes the member `"blockchain-mgmt:managed-system":{...}` into w: with state (written even when empty) or the
 * configuration alone (root undefined; left out when empty), one step per list entry.
 */
export function managedSystemJson(root: Instance | undefined, doc: ConfigObject, opts: RenderOptions, w: JsonChunks, moduleOf: ModuleOfNs): Steps<void> {
  return classJson(modelIndex.root, root, doc, opts, w, moduleOf, opts.state, `${moduleOf(OUR_NS)}:${classYang(modelIndex.root).name}`);
}
