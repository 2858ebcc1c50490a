/**
 * /bcm:managed-system written as XML straight from the instance tree and the configuration document, without a
 * DNode tree: the unfiltered <get> and <get-config>, whose reply is written to the transport chunk by chunk
 * (xml-chunks.ts). The same text as render.ts classNode written by data.ts nodesToXml, for the whole tree
 * (projection ALL): the same leaves in the same order (secrets are never rendered: classYang's rendered
 * attributes leave them out), containers without content left out, list entries in key order.
 */
import type { ConfigObject } from '../config/document';
import { modelIndex } from '../model';
import { scalarOf } from '../model/scalars';
import type { Attribute, ObjectClass } from '../model';
import type { Instance, Value } from '../state/tree';
import { asObject, keyValue, listEntries, renderedValue } from './render';
import type { RenderOptions, Steps } from './render';
import { OUR_NS, classYang, leafString, leafValueNs } from './schema';
import type { ClassYang } from './schema';
import { escapeText } from './xml';
import type { XmlChunks } from './xml-chunks';

function writeLeaves(w: XmlChunks, attr: Attribute, v: Value | readonly string[] | undefined, name: string): void {
  if (v === undefined) return;
  const codec = scalarOf(attr.type).xml;
  if (codec.encodeInto && w.leafInto(name, codec, attr.type, v)) return;
  const ns = leafValueNs(attr.type);
  if (Array.isArray(v)) {
    for (const x of v as readonly string[]) w.leaf(name, leafString(attr.type, x), ns);
    return;
  }
  w.leaf(name, leafString(attr.type, v as Value), ns);
}

/** The keys and attributes of one instance of a class of our module. */
function writeOwnLeaves(cy: ClassYang, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, w: XmlChunks): void {
  for (let i = 0; i < cy.keys.length; i++) writeLeaves(w, cy.keys[i], keyValue(cy.keys[i], inst, doc), cy.keyNames[i]);
  for (const { attr: a, name } of cy.rendered) writeLeaves(w, a, renderedValue(a, inst, doc, opts), name);
}

/**
 * One instance of a class of our module (keys, attributes, contained classes), one step per list entry.
 * keepEmpty: written as `<name/>` when it has no content (list entries, the root of <get>); otherwise left out.
 */
function* classWrites(cls: ObjectClass, inst: Instance | undefined, doc: ConfigObject | undefined, opts: RenderOptions, w: XmlChunks,
  keepEmpty: boolean, decl = ''): Steps<void> {
  const cy = classYang(cls);
  w.openElement(cy.name, decl);
  writeOwnLeaves(cy, inst, doc, opts, w);
  for (const child of cy.children.values()) {
    if (!opts.state && !classYang(child).config) continue;
    if (child.kind === 'container') {
      yield* classWrites(child, inst?.child(child.name), asObject(doc?.[child.name]), opts, w, false);
      continue;
    }
    const ccy = classYang(child);
    for (const e of listEntries(child, inst, doc, opts)) {
      if (ccy.children.size) yield* classWrites(child, e.inst, e.doc, opts, w, true);
      else {
        // an entry without contained classes (peers: most entries of a full <get>) written without a generator of its own
        w.openElement(ccy.name);
        writeOwnLeaves(ccy, e.inst, e.doc, opts, w);
        w.closeElement(ccy.name, true);
      }
      yield;
    }
  }
  w.closeElement(cy.name, keepEmpty);
}

/**
 * Writes /bcm:managed-system inside a NETCONF <data> element: of <get> (state: true, written even when empty) or of
 * <get-config> (state: false, root undefined; left out when empty), one step per list entry.
 */
export function managedSystemWrites(root: Instance | undefined, doc: ConfigObject, opts: RenderOptions, w: XmlChunks): Steps<void> {
  return classWrites(modelIndex.root, root, doc, opts, w, opts.state, ` xmlns="${escapeText(OUR_NS)}"`);
}
