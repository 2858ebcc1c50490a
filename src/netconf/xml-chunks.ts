/**
 * XML written straight into bytes and handed out in chunks of about CHUNK_BYTES, for replies written to the transport
 * while they are produced (a full <get> of a thousand nodes is about 10 MB: it is never held whole). An element may
 * be opened tentatively: its tag is written only when something is written inside it, so that a container found
 * empty leaves nothing (or `<name/>` where an empty element is kept), as the DNode writer (data.ts) does.
 *
 * Each piece of text is copied into one reused byte buffer as it is written, so it dies at once: a full <get> writes
 * half a million leaves, and pieces held in an array until a chunk was joined outlived young-generation collections
 * (they were copied and promoted), and the joined chunk was one more string per 48 KB to collect (issue 16 target 3).
 *
 * A streamed reply's chunks are lent (lend, giveBack): the chunk is the writer's own buffer, handed to the transport
 * without a copy, and given back once the transport has sent it, for the next writer. A full <get> every second made
 * about 10 MB/s of 48-96 KB blocks; they came from the C library's arenas (below MALLOC_MMAP_THRESHOLD_, src/runtime-
 * flags.ts) between longer-lived allocations, and the RSS moved by up to 7.4 MB between half-minute samples.
 */
import type { DNode } from './data';
import { writeNodes } from './data';
import { Turns } from '../turns';
import { escapeText } from './xml';
import { ENCODE_INTO_BYTES } from '../model/scalar/xml';
import type { XmlCodec, XmlValue } from '../model/scalar/xml';

/** Bytes (UTF-8) gathered before a chunk is handed out. */
export const CHUNK_BYTES = 48 * 1024;

/** The buffer's usual capacity: a chunk and the largest usual piece beyond it; a larger piece grows it until the next take. */
const CAPACITY = 2 * CHUNK_BYTES;

const EMPTY = Buffer.alloc(0);

/** Where leafInto has a codec write a value before it is copied in (nothing is written when the codec declines). */
const valueScratch = new Uint8Array(ENCODE_INTO_BYTES);

/** Buffers of CAPACITY given back and not yet reused, at most MAX_SPARE (4 x 96 KB kept at most). */
const MAX_SPARE = 4;
const spare: Buffer[] = [];
/** The memory of the chunks lent and not given back: a chunk is taken back once (a second giveBack does nothing). */
const lent = new WeakSet<ArrayBufferLike>();
/** A lent chunk shorter than this is a copy (a small reply's end does not hold a whole buffer). */
const LEND_MIN = 4096;

/** A buffer of CAPACITY: a spare one, or a new one. */
function bufferOfCapacity(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafe(CAPACITY);
}

/**
 * Gives back a chunk that lend handed out, once nothing reads it any more (the transport's write callback): its
 * buffer is reused by the next writer. A chunk that is never given back is collected as any buffer.
 */
export function giveBack(chunk: Buffer): void {
  const mem = chunk.buffer;
  if (!lent.has(mem)) return;
  lent.delete(mem);
  if (spare.length < MAX_SPARE && mem.byteLength === CAPACITY) spare.push(Buffer.from(mem, 0, CAPACITY));
}

/** How many given-back buffers wait to be reused (for tests). */
export function spareBuffers(): number { return spare.length; }

export class XmlChunks {
  /** Empty after a lend: a buffer is taken again when something is written. */
  private buf: Buffer = bufferOfCapacity();
  /** Bytes written since the last take, in buf[0, pos). */
  private pos = 0;
  /**
   * Open elements, outermost first, in [0, depth): names, and ` xmlns="..."` where the namespace changes. The tags of
   * the first `written` are written; the rest were opened tentatively, nothing written inside them so far. Slots are
   * reused: opening and closing an element allocates nothing.
   */
  private readonly names: string[] = [];
  private readonly decls: string[] = [];
  private depth = 0;
  private written = 0;

  /** Bytes written and not yet taken. */
  get length(): number { return this.pos; }

  /** Writes text (first the tags of the elements opened tentatively around it). */
  write(text: string): void {
    if (this.written < this.depth) this.writeOpenTags();
    this.append(text);
  }

  /** Opens an element; its tag is written with its first content. decl: ` xmlns="..."` where the namespace changes. */
  openElement(name: string, decl = ''): void {
    this.names[this.depth] = name;
    this.decls[this.depth] = decl;
    this.depth++;
  }

  /** Closes the innermost element: `</name>`, or when nothing was written inside it, `<name/>` (keepEmpty) or nothing. */
  closeElement(name: string, keepEmpty: boolean): void {
    const d = --this.depth;
    if (d < this.written) { this.written = d; this.append(tagsOf(name).close); return; }
    if (!keepEmpty) return;
    if (this.written < d) this.writeOpenTags();
    const decl = this.decls[d];
    this.append(decl ? `<${this.names[d]}${decl}/>` : tagsOf(this.names[d]).empty);
    this.written = d;
  }

  /**
   * A leaf element, as leafXml writes it: its tags are made once per leaf name (tagsOf), so that a leaf costs its
   * text and no new string beside.
   */
  leaf(name: string, text: string, valueNs: string | undefined): void {
    if (valueNs && text.indexOf(':') > 0) { this.write(leafXml(name, text, valueNs)); return; }
    const t = tagsOf(name);
    if (text === '') { this.write(t.empty); return; }
    this.write(t.open);
    this.append(escapeText(text));
    this.append(t.close);
  }

  /**
   * A leaf whose text the codec writes straight into the bytes (numbers, times: no string is made); false, and
   * nothing written, when the codec does not write this value so (then leaf()).
   */
  leafInto<T>(name: string, codec: XmlCodec<T>, t: T, v: XmlValue): boolean {
    if (!codec.encodeInto) return false;
    const n = codec.encodeInto(t, v, valueScratch, 0);
    if (n < 0) return false;
    const tags = tagsOf(name);
    if (n === 0) { this.write(tags.empty); return true; }
    this.write(tags.open);
    if (this.pos + n > this.buf.length) this.grow(n);
    for (let i = 0; i < n; i++) this.buf[this.pos + i] = valueScratch[i];
    this.pos += n;
    this.append(tags.close);
    return true;
  }

  /** The tags of the open elements not written yet. */
  private writeOpenTags(): void {
    for (let i = this.written; i < this.depth; i++) {
      const decl = this.decls[i];
      this.append(decl ? `<${this.names[i]}${decl}>` : tagsOf(this.names[i]).open);
    }
    this.written = this.depth;
  }

  /** What was written since the last take, as UTF-8 (a buffer of its own). */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    if (this.buf.length > CAPACITY) this.buf = bufferOfCapacity();
    return out;
  }

  /**
   * What was written since the last take, as UTF-8, without a copy: the writer's buffer itself (the writer takes
   * another when it writes on). The caller must not change it, and gives it back (giveBack) when it is done with it.
   */
  lend(): Buffer {
    if (this.pos < LEND_MIN) return this.take();
    const out = this.buf.subarray(0, this.pos);
    lent.add(out.buffer);
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  /** Copies s into the buffer as UTF-8: ASCII code unit by code unit (no call per piece), the rest by Buffer.write. */
  private append(s: string): void {
    const n = s.length;
    // at most 3 bytes per UTF-16 code unit
    if (this.pos + 3 * n > this.buf.length) this.grow(3 * n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) { this.pos = p + b.write(s.slice(i), p, 'utf8'); return; }
      b[p++] = c;
    }
    this.pos = p;
  }

  private grow(more: number): void {
    if (this.buf.length === 0 && more <= CAPACITY) { this.buf = bufferOfCapacity(); return; }
    const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + more, CAPACITY));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
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
 * Runs steps that write into w, handing out a chunk whenever CHUNK_BYTES were written and giving the event loop
 * back every TURN_SLICE_MS (src/turns.ts). The chunks are lent (XmlChunks.lend): the consumer gives each back when its
 * transport has sent it (giveBack), or drops it. The consumer pulls the next chunk when it has written the last one (backpressure);
 * when it stops pulling (return()), the steps are not run further.
 */
export async function* chunksOf(steps: Iterator<void, void, void>, w: XmlChunks): AsyncGenerator<Buffer, void, void> {
  const turns = new Turns();
  for (;;) {
    const r = steps.next();
    if (w.length >= CHUNK_BYTES) yield w.lend();
    if (r.done) return;
    if (turns.due()) await turns.next();
  }
}
