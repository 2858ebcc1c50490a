/**
 * XML text written in pieces and handed out in chunks of about CHUNK_CHARS, for replies written to the transport
 * while they are produced (a full <get> of a thousand nodes is about 10 MB: it is never held whole). An element may
 * be opened tentatively: its tag is written only when something is written inside it, so that a container found
 * empty leaves nothing (or `<name/>` where an empty element is kept), as the DNode writer (data.ts) does.
 */
import type { DNode } from './data';
import { writeNodes } from './data';
import { Turns } from '../turns';
import { escapeText } from './xml';

/** Characters (UTF-16 code units) gathered before a chunk is handed out: 32-64 KB of UTF-8 for this ASCII-heavy XML. */
export const CHUNK_CHARS = 48 * 1024;

interface PendingOpen { readonly name: string; readonly decl: string }

/**
 * Pieces a chunk is gathered in: one array of this capacity, reused (a growing array per chunk is garbage; joining
 * costs a copy of the whole array, so it is not larger than a chunk needs).
 */
const PIECES = 4096;

export class XmlChunks {
  /** The pieces written since the last take in [0, count); '' beyond. */
  private readonly parts: string[] = new Array<string>(PIECES).fill('');
  private count = 0;
  private chars = 0;
  /** Elements opened whose tag is not written yet (nothing written inside them so far), outermost first. */
  private readonly pending: PendingOpen[] = [];
  /** Open elements, innermost last: whether each one's tag was written. */
  private readonly open: boolean[] = [];

  /** Characters written and not yet taken. */
  get length(): number { return this.chars; }

  /** Writes text (first the tags of the elements opened tentatively around it). */
  write(text: string): void {
    if (this.pending.length) {
      for (const p of this.pending) this.append(p.decl ? `<${p.name}${p.decl}>` : tagsOf(p.name).open);
      this.pending.length = 0;
      this.open.fill(true);
    }
    this.append(text);
  }

  /** Opens an element; its tag is written with its first content. decl: ` xmlns="..."` where the namespace changes. */
  openElement(name: string, decl = ''): void {
    this.pending.push({ name, decl });
    this.open.push(false);
  }

  /** Closes the innermost element: `</name>`, or when nothing was written inside it, `<name/>` (keepEmpty) or nothing. */
  closeElement(name: string, keepEmpty: boolean): void {
    const written = this.open.pop();
    if (written) { this.append(tagsOf(name).close); return; }
    const p = this.pending.pop()!;
    if (keepEmpty) this.write(p.decl ? `<${p.name}${p.decl}/>` : tagsOf(p.name).empty);
  }

  /**
   * A leaf element, as leafXml writes it: its tags are made once per leaf name (tagsOf), so that a leaf costs its
   * text and no new string beside (a full <get> writes half a million leaves).
   */
  leaf(name: string, text: string, valueNs: string | undefined): void {
    if (valueNs && text.indexOf(':') > 0) { this.write(leafXml(name, text, valueNs)); return; }
    const t = tagsOf(name);
    if (text === '') { this.write(t.empty); return; }
    this.write(t.open);
    this.append(escapeText(text));
    this.append(t.close);
  }

  /** What was written since the last take, as one string. */
  take(): string {
    const s = this.count === 1 ? this.parts[0] : this.parts.join('');
    this.parts.fill('', 0, this.count);
    this.count = 0;
    this.chars = 0;
    return s;
  }

  private append(s: string): void {
    if (this.count === PIECES) {
      // many small pieces: gathered into one, the chunk goes on
      const chars = this.chars;
      this.parts[0] = this.take();
      this.count = 1;
      this.chars = chars;
    }
    this.parts[this.count++] = s;
    this.chars += s.length;
  }
}

/**
 * DNodes written into w as data.ts writeNodes writes them, one step per 256 nodes (the alarm list of <get> may hold
 * thousands of entries).
 */
export function* nodeWrites(nodes: readonly DNode[], parentNs: string, w: XmlChunks): Generator<void, void, void> {
  const one: string[] = [];
  // explicit stack: a node to write (with its parent's namespace), or a closing tag
  const stack: ({ n: DNode; ns: string } | string)[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) stack.push({ n: nodes[i], ns: parentNs });
  let steps = 0;
  while (stack.length) {
    const top = stack.pop()!;
    if (typeof top === 'string') { w.write(top); continue; }
    const n = top.n;
    const kids = n.children;
    if (n.value !== undefined || !kids?.length) {
      writeNodes([n], top.ns, one);
      for (const s of one) w.write(s);
      one.length = 0;
    } else {
      w.write(n.ns === top.ns ? `<${n.name}>` : `<${n.name} xmlns="${escapeText(n.ns)}">`);
      stack.push(`</${n.name}>`);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ n: kids[i], ns: n.ns });
    }
    if (++steps % 256 === 0) yield;
  }
}

interface Tags { readonly open: string; readonly close: string; readonly empty: string }
/** Tags by element name: the leaf names of the model (a few hundred), made once. */
const tagCache = new Map<string, Tags>();
const MAX_CACHED_TAGS = 4096;

function tagsOf(name: string): Tags {
  let t = tagCache.get(name);
  if (!t) {
    t = { open: `<${name}>`, close: `</${name}>`, empty: `<${name}/>` };
    if (tagCache.size < MAX_CACHED_TAGS) tagCache.set(name, t);
  }
  return t;
}

/** A leaf element: `<name>text</name>`, or `<name/>` for empty text; valueNs declares the prefix of an identityref value. */
export function leafXml(name: string, text: string, valueNs: string | undefined): string {
  let decl = '';
  if (valueNs) {
    const colon = text.indexOf(':');
    if (colon > 0) decl = ` xmlns:${text.slice(0, colon)}="${escapeText(valueNs)}"`;
  }
  return text === '' ? `<${name}${decl}/>` : `<${name}${decl}>${escapeText(text)}</${name}>`;
}

/**
 * Runs steps that write into w, handing out a chunk whenever CHUNK_CHARS were written and giving the event loop
 * back every TURN_SLICE_MS (src/turns.ts). The consumer pulls the next chunk when it has written the last one (backpressure);
 * when it stops pulling (return()), the steps are not run further.
 */
export async function* chunksOf(steps: Iterator<void, void, void>, w: XmlChunks): AsyncGenerator<string, void, void> {
  const turns = new Turns();
  for (;;) {
    const r = steps.next();
    if (w.length >= CHUNK_CHARS) yield w.take();
    if (r.done) return;
    if (turns.due()) await turns.next();
  }
}
