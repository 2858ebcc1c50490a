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
import { asObject, hasConfigRows, keyValue, listEntries, renderedValue } from './render';
import type { ListEntry, RenderOptions } from './render';
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
  const keys = cy.keys;
  for (let i = 0; i < keys.length; i++) writeLeaves(w, keys[i], keyValue(keys[i], inst, doc), cy.keyNames[i]);
  const rendered = cy.rendered;
  for (let i = 0; i < rendered.length; i++) {
    const r = rendered[i];
    writeLeaves(w, r.attr, renderedValue(r.attr, inst, doc, opts), r.name);
  }
}

/** Contained classes of our module, in YANG order, as an array (classYang keeps them in a map by name). */
const childArrays = new WeakMap<ClassYang, readonly ObjectClass[]>();
function childClasses(cy: ClassYang): readonly ObjectClass[] {
  let a = childArrays.get(cy);
  if (!a) { a = [...cy.children.values()]; childArrays.set(cy, a); }
  return a;
}

const NO_INSTANCES: readonly Instance[] = [];

/**
 * One instance of a class being written: where its contained classes are, and in the list being written, which
 * entry is next. The entries are the tree's instances themselves (`insts`) unless the configuration has rows of
 * the list too (`entries`, merged by key: listEntries). Frames are kept per depth and reused.
 */
class Frame {
  cy!: ClassYang;
  inst: Instance | undefined;
  doc: ConfigObject | undefined;
  keepEmpty = false;
  /** The next contained class to write (index into childClasses(cy)). */
  child = 0;
  /** The list being written, if any. */
  list: ClassYang | undefined;
  insts: readonly Instance[] = NO_INSTANCES;
  entries: readonly ListEntry[] | undefined;
  at = 0;
}

/**
 * List entries (or containers) written per step: a step is a small part of a turn's slice (TURN_SLICE_MS), which is
 * only checked between steps. Four since the slice is 0.1 ms (sixteen with 0.25 ms; the measurement: src/turns.ts).
 */
const ENTRIES_PER_STEP = 4;

const MORE: IteratorResult<void, void> = Object.freeze({ done: false, value: undefined });
const DONE: IteratorResult<void, void> = Object.freeze({ done: true, value: undefined });

/**
 * Writes one class instance with everything below it (keys, attributes, contained classes: render.ts classNode's
 * text), as an iterator whose next() writes a step of ENTRIES_PER_STEP list entries or containers (the caller
 * hands out a chunk when it has one, between steps: xml-chunks.ts chunksOf). An explicit stack of reused frames rather than nested generators: a full <get> of a
 * thousand nodes writes some 20,000 entries, and the generators' objects and results were a quarter of what the
 * bridge allocated under load (issue 16, target 3).
 */
class ClassWrites implements Iterator<void, void, void> {
  private readonly frames: Frame[] = [];
  private depth = 0;

  constructor(private readonly opts: RenderOptions, private readonly w: XmlChunks,
    cls: ObjectClass, inst: Instance | undefined, doc: ConfigObject | undefined, keepEmpty: boolean, decl: string) {
    this.push(classYang(cls), inst, doc, keepEmpty, decl);
  }

  next(): IteratorResult<void, void> {
    const w = this.w;
    const opts = this.opts;
    let budget = ENTRIES_PER_STEP;
    while (this.depth > 0) {
      if (budget <= 0) return MORE;
      const f = this.frames[this.depth - 1];
      const list = f.list;
      if (list) {
        const n = f.entries ? f.entries.length : f.insts.length;
        if (f.at < n) {
          const e = f.entries?.[f.at];
          const inst = e ? e.inst : f.insts[f.at];
          const doc = e?.doc;
          f.at++;
          budget--;
          if (list.children.size) this.push(list, inst, doc, true, '');
          else {
            // an entry without contained classes (peers: most entries of a full <get>): written whole, no frame
            w.openElement(list.name);
            writeOwnLeaves(list, inst, doc, opts, w);
            w.closeElement(list.name, true);
          }
          continue;
        }
        f.list = undefined;
        f.insts = NO_INSTANCES;
        f.entries = undefined;
      }
      const kids = childClasses(f.cy);
      if (f.child < kids.length) {
        const child = kids[f.child++];
        const ccy = classYang(child);
        if (!opts.state && !ccy.config) continue;
        if (child.kind === 'container') {
          budget--;
          this.push(ccy, f.inst?.child(child.name), asObject(f.doc?.[child.name]), false, '');
          continue;
        }
        f.list = ccy;
        f.at = 0;
        if (hasConfigRows(child, f.doc)) f.entries = listEntries(child, f.inst, f.doc, opts);
        else f.insts = opts.state && f.inst ? f.inst.list(child.name) : NO_INSTANCES;
        continue;
      }
      w.closeElement(f.cy.name, f.keepEmpty);
      f.inst = undefined;
      f.doc = undefined;
      this.depth--;
    }
    return DONE;
  }

  /** Opens an instance's element, writes its keys and attributes, and makes it the innermost frame. */
  private push(cy: ClassYang, inst: Instance | undefined, doc: ConfigObject | undefined, keepEmpty: boolean, decl: string): void {
    let f = this.frames[this.depth];
    if (!f) { f = new Frame(); this.frames[this.depth] = f; }
    this.depth++;
    f.cy = cy;
    f.inst = inst;
    f.doc = doc;
    f.keepEmpty = keepEmpty;
    f.child = 0;
    f.list = undefined;
    this.w.openElement(cy.name, decl);
    writeOwnLeaves(cy, inst, doc, this.opts, this.w);
  }
}

/**
 * Writes /bcm:managed-system inside a NETCONF <data> element: of <get> (state: true, written even when empty) or of
 * <get-config> (state: false, root undefined; left out when empty), a few list entries per step.
 */
export function managedSystemWrites(root: Instance | undefined, doc: ConfigObject, opts: RenderOptions, w: XmlChunks): Iterator<void, void, void> {
  return new ClassWrites(opts, w, modelIndex.root, root, doc, opts.state, ` xmlns="${escapeText(OUR_NS)}"`);
}
