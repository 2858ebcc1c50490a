/**
 * XmlChunks writes its pieces straight into bytes (src/netconf/xml-chunks.ts): what it hands out, joined, is the
 * UTF-8 of each piece written, whatever the characters (ASCII, two-, three- and four-byte sequences, lone surrogates as
 * Buffer.from writes them) and whatever the size of a piece (beyond the buffer's usual capacity it grows, and after
 * the take it is back to its usual size); tentative elements and leaves are written as leafXml and data.ts write them.
 * A lent chunk is the writer's buffer without a copy, stays as it was until it is given back, and is reused only then.
 */
import { expect } from 'chai';
import { CHUNK_BYTES, XmlChunks, giveBack, leafXml, spareBuffers } from '../../src/netconf/xml-chunks';
import { scalarOf } from '../../src/model/scalars';
import type { ScalarType } from '../../src/model';

/** A deterministic pseudo-random sequence (the same pieces on every run). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
}

const ALPHABET = ['a', 'Z', '7', '<', '&', ' ', '\u00e9', '\u00ff', '\u0100', '\u20ac', '\uffee', '\ud83d\ude00', '\ud800', '\udc00', '\u007f', '\u0080'];

describe('XmlChunks: text written into bytes', () => {
  it('the chunks taken, joined, are the UTF-8 of the pieces written: ASCII, 2-, 3- and 4-byte characters, lone surrogates', () => {
    const next = lcg(16);
    const w = new XmlChunks();
    const pieces: string[] = [];
    const taken: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(next() * 40);
      let s = '';
      for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
      w.write(s);
      pieces.push(s);
      if (w.length >= CHUNK_BYTES) {
        const before = w.length;
        const c = w.take();
        expect(c.length).to.equal(before);
        expect(w.length).to.equal(0);
        taken.push(c);
      }
    }
    taken.push(w.take());
    expect(taken.length, 'chunks').to.be.greaterThan(3);
    // each piece's UTF-8 (a lone surrogate at the end of one piece and one at the start of the next are two U+FFFD)
    const expected = Buffer.concat(pieces.map((s) => Buffer.from(s, 'utf8')));
    expect(Buffer.concat(taken).equals(expected)).to.equal(true);
    // every chunk ends between two pieces: no character is cut in two
    expect(taken.map((c) => c.toString('utf8')).join('')).to.equal(expected.toString('utf8'));
  });

  it('a piece larger than the buffer is written whole, and the buffer is back to its usual size after the take', () => {
    const w = new XmlChunks();
    w.write('<big>');
    const big = '\u20ac'.repeat(100_000) + 'x'.repeat(300_000); // 300,000 + 300,000 bytes
    w.write(big);
    w.write('</big>');
    expect(w.length).to.equal(5 + 600_000 + 6);
    const c = w.take();
    expect(c.toString('utf8')).to.equal(`<big>${big}</big>`);
    w.write('<small/>');
    expect(w.take().toString('utf8')).to.equal('<small/>');
    // the chunk handed out is a copy: writing on does not change it
    w.write('y'.repeat(10));
    expect(c.subarray(0, 5).toString()).to.equal('<big>');
  });

  it('a chunk handed out stays as it was while the writer goes on', () => {
    const w = new XmlChunks();
    w.write('first');
    const a = w.take();
    w.write('SECOND');
    const b = w.take();
    expect(a.toString()).to.equal('first');
    expect(b.toString()).to.equal('SECOND');
  });

  it('elements opened tentatively: written with their first content, <name/> when kept empty, nothing otherwise', () => {
    const w = new XmlChunks();
    w.openElement('outer', ' xmlns="urn:x"');
    w.openElement('empty-dropped');
    w.closeElement('empty-dropped', false);
    w.openElement('empty-kept');
    w.closeElement('empty-kept', true);
    w.openElement('inner');
    w.leaf('name', 'caf\u00e9 <1> & \ud83d\ude00', undefined);
    w.leaf('blank', '', undefined);
    w.leaf('type', 'bcm:node-down', 'urn:bcm');
    w.closeElement('inner', false);
    w.closeElement('outer', true);
    const expected = '<outer xmlns="urn:x"><empty-kept/><inner><name>caf\u00e9 &lt;1&gt; &amp; \ud83d\ude00</name><blank/>' +
      `${leafXml('type', 'bcm:node-down', 'urn:bcm')}</inner></outer>`;
    expect(w.take().toString('utf8')).to.equal(expected);
    w.openElement('nothing');
    w.closeElement('nothing', false);
    expect(w.length).to.equal(0);
  });

  it('leaves written by the codec straight into bytes (integers, times) are the text encode makes; a value it declines leaves nothing written', () => {
    const types: ScalarType[] = [{ base: 'counter64' }, { base: 'int32' }, { base: 'timestamp' }, { base: 'gauge64' }];
    const values = [0, 42, -7, 2 ** 40, 123456789n, 1_767_225_599_999, 2n ** 70n, 1.5, 'text'];
    for (const type of types) {
      const codec = scalarOf(type).xml;
      expect(codec.encodeInto, type.base).to.not.equal(undefined);
      for (const v of values) {
        if (type.base === 'timestamp' && typeof v === 'bigint' && v > 2n ** 53n) continue; // no time: encode leaves it to Date, which throws
        const w = new XmlChunks();
        w.openElement('entry');
        const wrote = w.leafInto('v', codec, type, v);
        if (!wrote) {
          // declined: the element opened tentatively is still not written, so it is dropped on close
          expect(w.length, `${type.base} ${String(v)}`).to.equal(0);
          expect(typeof v === 'string' || (typeof v === 'bigint' && v > 2n ** 53n) || !Number.isInteger(v) || type.base === 'timestamp', `${type.base} ${String(v)} declined`).to.equal(true);
          w.leaf('v', codec.encode(type, v), undefined);
        }
        w.closeElement('entry', false);
        expect(w.take().toString('utf8'), `${type.base} ${String(v)}`).to.equal(`<entry><v>${codec.encode(type, v)}</v></entry>`);
      }
    }
    // a number is written into the bytes: no string made
    const w = new XmlChunks();
    expect(w.leafInto('height', scalarOf({ base: 'counter64' }).xml, { base: 'counter64' }, 9_007_199_254_740_991n)).to.equal(true);
    expect(w.take().toString()).to.equal('<height>9007199254740991</height>');
  });
  it('a lent chunk is the writer\'s buffer, unchanged while the writer goes on, and reused by the next writer only once given back', () => {
    // start from no spare buffer
    const drain: XmlChunks[] = [];
    while (spareBuffers() > 0) drain.push(new XmlChunks());
    const w = new XmlChunks();
    const text = (n: number, c: string): string => c.repeat(n);
    // written in pieces of 1 KB, as a reply is (one piece larger than a third of the buffer grows it)
    const fill = (x: XmlChunks, n: number, c: string): void => { for (let i = 0; i < n; i += 1024) x.write(c.repeat(Math.min(1024, n - i))); };
    fill(w, CHUNK_BYTES, 'a');
    const a = w.lend();
    expect(a.length).to.equal(CHUNK_BYTES);
    fill(w, CHUNK_BYTES + 10, 'b');
    const b = w.lend();
    expect(b.buffer, 'the writer took another buffer after the lend').to.not.equal(a.buffer);
    expect(a.equals(Buffer.from(text(CHUNK_BYTES, 'a'))), 'a lent chunk stays as it was').to.equal(true);
    // not given back: a new writer never writes into it
    const other = new XmlChunks();
    fill(other, CHUNK_BYTES, 'c');
    const c = other.lend();
    expect(c.buffer).to.not.equal(a.buffer);
    expect(c.buffer).to.not.equal(b.buffer);
    expect(a.toString('latin1')).to.equal(text(CHUNK_BYTES, 'a'));
    // given back (twice: the second does nothing): the next writer writes into it
    giveBack(a);
    giveBack(a);
    expect(spareBuffers()).to.equal(1);
    const next = new XmlChunks();
    fill(next, CHUNK_BYTES, 'd');
    const d = next.lend();
    expect(d.buffer, 'the buffer given back is reused').to.equal(a.buffer);
    expect(spareBuffers()).to.equal(0);
    expect(d.toString('latin1')).to.equal(text(CHUNK_BYTES, 'd'));
    expect(b.toString('latin1')).to.equal(text(CHUNK_BYTES + 10, 'b'));
    // a short chunk is a copy: giving it back keeps nothing
    next.write('<tail/>');
    const tail = next.lend();
    expect(tail.toString()).to.equal('<tail/>');
    giveBack(tail);
    expect(spareBuffers()).to.equal(0);
    // a chunk grown beyond the usual capacity is not kept either; at most four buffers are kept
    const big = new XmlChunks();
    big.write(text(3 * CHUNK_BYTES, 'e'));
    const e = big.lend();
    expect(e.length).to.equal(3 * CHUNK_BYTES);
    giveBack(e);
    expect(spareBuffers()).to.equal(0);
    const more = Array.from({ length: 3 }, () => { const m = new XmlChunks(); fill(m, CHUNK_BYTES, 'f'); return m.lend(); });
    for (const x of [b, c, d, ...more]) giveBack(x);
    expect(spareBuffers(), 'six given back, four kept').to.equal(4);
    // take() is still a copy of its own
    const t = new XmlChunks();
    fill(t, CHUNK_BYTES, 'g');
    const g = t.take();
    giveBack(g);
    expect(spareBuffers()).to.equal(3);
    expect(g.toString('latin1')).to.equal(text(CHUNK_BYTES, 'g'));
    void drain;
  });
});
