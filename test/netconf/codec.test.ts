/** The pure parts of the NETCONF layer: the XML codec and RFC 6242 framing. */
import { expect } from 'chai';
import { FrameDecoder, FramingError, encodeFrame, frameEnd, framePiece, framePieceParts } from '../../src/netconf/framing';
import { XmlParseError, escapeText, parseXml, resolveQName, serializeElement } from '../../src/netconf/xml';

describe('NETCONF XML codec (src/netconf/xml)', () => {
  it('parses elements with namespaces, prefixes, attributes and text; keeps values as text', () => {
    const el = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<rpc message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:b="urn:b">' +
      '<get><filter type="subtree"><b:top><b:n>007</b:n><b:t a="x &amp; y">a &lt; b &#x41;&#66;<![CDATA[<raw>]]></b:t></b:top></filter></get><!-- c --></rpc>');
    expect(el.name).to.equal('rpc');
    expect(el.ns).to.equal('urn:ietf:params:xml:ns:netconf:base:1.0');
    expect(el.attrs).to.deep.equal([{ name: 'message-id', prefix: '', ns: '', value: '101' }]);
    const top = el.children[0].children[0].children[0];
    expect(top).to.include({ name: 'top', prefix: 'b', ns: 'urn:b' });
    expect(top.children[0].text).to.equal('007');
    expect(top.children[1].text).to.equal('a < b AB<raw>');
    expect(top.children[1].attrs[0].value).to.equal('x & y');
    expect(resolveQName(top, 'b:thing')).to.deep.equal({ ns: 'urn:b', name: 'thing' });
  });

  it('refuses any DOCTYPE or ENTITY declaration before parsing (XXE, billion laughs)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rpc>&xxe;</rpc>';
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    for (const t of [xxe, laughs, '<a><!doctype x></a>', '<a/><!ENTITY x "y">']) {
      expect(() => parseXml(t), t).to.throw(XmlParseError, /document type declaration/);
    }
  });

  it('refuses undefined entities, bad characters, mismatched and unterminated tags, unbound prefixes, two roots', () => {
    const bad: [string, RegExp][] = [
      ['<a>&nbsp;</a>', /undefined entity/],
      ['<a>&#0;</a>', /not an XML character/],
      ['<a>\u0001</a>', /not allowed in XML/],
      ['<a><b></a>', /does not match/],
      ['<a>', /unterminated element/],
      ['<p:a/>', /unbound namespace prefix p/],
      ['<a/><b/>', /more than one root/],
      ['text', /outside the root/],
      ['<a x="1" x="2"/>', /duplicate attribute/],
      ['<a x=1/>', /must be quoted/],
      ['<a><!-- x -- y --></a>', /"--" inside a comment/],
      ['<?xml version="1.0" encoding="ISO-8859-1"?><a/>', /UTF-8 only/],
    ];
    for (const [t, re] of bad) expect(() => parseXml(t), t).to.throw(XmlParseError, re);
  });

  it('bounds nesting depth and element count', () => {
    const deep = '<a>'.repeat(200) + '</a>'.repeat(200);
    expect(() => parseXml(deep)).to.throw(XmlParseError, /nested deeper than 128/);
    expect(() => parseXml(`<a>${'<b/>'.repeat(20)}</a>`, { maxElements: 10 })).to.throw(XmlParseError, /more than 10 elements/);
  });

  it('escapes output and drops characters XML cannot carry', () => {
    expect(escapeText('a<b>&c\u0000\u0007d\re')).to.equal('a&lt;b&gt;&amp;cd&#13;e');
    const el = parseXml('<a xmlns="urn:x"><b c="q&quot;">t&amp;</b></a>');
    expect(serializeElement(el)).to.equal('<a xmlns="urn:x"><b c="q&quot;">t&amp;</b></a>');
  });
});

describe('NETCONF framing (src/netconf/framing, RFC 6242)', () => {
  const decodeAll = (d: FrameDecoder): string[] => {
    const out: string[] = [];
    for (let m = d.next(); m; m = d.next()) out.push(m.toString());
    return out;
  };

  it('end-of-message framing: messages split anywhere, the delimiter split across pushes', () => {
    const d = new FrameDecoder(1000);
    const stream = '<hello/>]]>]]><rpc a="1"/>]]>]]><rpc a="2"/>]]>]]>';
    const got: string[] = [];
    for (let i = 0; i < stream.length; i += 3) { d.push(Buffer.from(stream.slice(i, i + 3))); got.push(...decodeAll(d)); }
    expect(got).to.deep.equal(['<hello/>', '<rpc a="1"/>', '<rpc a="2"/>']);
  });

  it('chunked framing: several chunks per message, switched to after the hello', () => {
    const d = new FrameDecoder(1000);
    d.push(Buffer.from('<hello/>]]>]]>\n#4\n<rpc\n#3\n/>x\n##\n\n#5\n<b/>y\n##\n'));
    expect(d.next()!.toString()).to.equal('<hello/>');
    d.mode = 'chunked';
    expect(decodeAll(d)).to.deep.equal(['<rpc/>x', '<b/>y']);
    const enc = encodeFrame('<rpc/>', 'chunked', 2);
    expect(enc.toString()).to.equal('\n#2\n<r\n#2\npc\n#2\n/>\n##\n');
    const d2 = new FrameDecoder(100);
    d2.mode = 'chunked';
    d2.push(enc);
    expect(decodeAll(d2)).to.deep.equal(['<rpc/>']);
  });

  it('a message sent in pieces, written as segments (chunk headers apart, the piece not copied), decodes to the message', () => {
    const text = '<rpc-reply message-id="1"><data>' + 'x\u00e9'.repeat(5000) + '</data></rpc-reply>';
    const pieces = [Buffer.from(text.slice(0, 7)), Buffer.from(text.slice(7, 9000)), Buffer.from(text.slice(9000))];
    for (const mode of ['eom', 'chunked'] as const) {
      const segments = pieces.flatMap((p) => framePieceParts(p, mode, 4096));
      expect(Buffer.concat(segments).equals(Buffer.concat(pieces.map((p) => framePiece(p, mode, 4096)))), mode).to.equal(true);
      // the piece's bytes are views of the piece, not copies
      if (mode === 'chunked') expect(segments.some((s) => s.buffer === pieces[1].buffer && s.length === 4096)).to.equal(true);
      const d = new FrameDecoder(1 << 20);
      d.mode = mode;
      d.push(Buffer.concat([...segments, frameEnd(mode)]));
      expect(d.next()?.toString('utf8'), mode).to.equal(text);
    }
    expect(framePieceParts(Buffer.alloc(0), 'chunked')).to.deep.equal([]);
  });

  it('refuses wrong chunk headers and sizes for good', () => {
    const cases: [string, RegExp][] = [
      ['#4\n<rpc', /must start with/],
      ['\n#0\n', /must not start with 0|out of range/],
      ['\n#04\nabcd', /must not start with 0/],
      ['\n#x\n', /decimal digits/],
      ['\n#12345678901\n', /more than 10 digits/],
      ['\n#4\nabcd\n##x', /end-of-chunks marker/],
      ['\n##\n', /without a chunk/],
      ['\n#4\nabcdXX', /must start with/],
      ['\n#99999999999', /more than 10 digits/],
    ];
    for (const [t, re] of cases) {
      const d = new FrameDecoder(1000);
      d.mode = 'chunked';
      d.push(Buffer.from(t));
      expect(() => decodeAll(d), JSON.stringify(t)).to.throw(FramingError, re);
      expect(() => d.next(), 'stays failed').to.throw(FramingError);
    }
  });

  it('bounds the message size in both framings', () => {
    const d = new FrameDecoder(10);
    d.push(Buffer.from('x'.repeat(20)));
    expect(() => d.next()).to.throw(FramingError, /longer than 10/).with.property('kind', 'too-big');
    const c = new FrameDecoder(10);
    c.mode = 'chunked';
    c.push(Buffer.from('\n#8\n12345678\n#8\n'));
    expect(() => decodeAll(c)).to.throw(FramingError, /longer than 10/).with.property('kind', 'too-big');
    const ok = new FrameDecoder(10);
    ok.push(Buffer.from('1234567890]]>]]>'));
    expect(ok.next()!.toString()).to.equal('1234567890');
  });
});
