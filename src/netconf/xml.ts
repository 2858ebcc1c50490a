/**
 * A small, strict, namespace-aware XML 1.0 codec for NETCONF messages. Pure: no I/O, no dependencies.
 *
 * Safety first: a document type declaration (DOCTYPE) anywhere in the input is refused before any parsing
 * (no entity can be declared, so XXE and "billion laughs" cannot happen), only the five predefined entities
 * and character references are recognised, nesting depth is bounded, and characters that XML 1.0 forbids
 * are refused on input and dropped on output. Values are never coerced: "007" stays the string "007".
 *
 * Parsing is linear in the input: duplicate attributes are found with a set, and a namespace scope is copied
 * only by an element whose declarations change it. Nesting depth, attributes per element, prefixes in scope
 * and scope-changing namespace declarations are bounded (ParseOptions), so a hostile message of the largest
 * accepted size costs time in proportion to its size, and parseXmlAsync spreads that time over slices.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  /** Local name. */
  readonly name: string;
  readonly prefix: string;
  /** Namespace URI; '' for an unprefixed attribute (attributes do not take the default namespace). */
  readonly ns: string;
  readonly value: string;
}

export interface XmlElement {
  /** Local name. */
  readonly name: string;
  readonly prefix: string;
  /** Namespace URI; '' when the element is in no namespace. */
  readonly ns: string;
  /** Attributes other than namespace declarations. */
  readonly attrs: readonly XmlAttribute[];
  readonly children: XmlElement[];
  /** Character data directly inside the element (all its text pieces, concatenated; entities decoded). */
  text: string;
  /** Prefixes in scope at this element ('' is the default namespace), for QName values and XPath. */
  readonly scope: ReadonlyMap<string, string>;
  /** Offset of the start tag in the input (for messages). */
  readonly offset: number;
}

export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
  constructor(message: string, readonly offset: number) { super(`${message} (at offset ${offset})`); }
}

export interface ParseOptions {
  /** Deepest element nesting accepted (default 128). */
  readonly maxDepth?: number;
  /** Most elements accepted (default 1,000,000). */
  readonly maxElements?: number;
  /** Most attributes on one element, namespace declarations included (default 64). */
  readonly maxAttributes?: number;
  /** Most namespace prefixes in scope at one element, the default namespace and xml included (default 64). */
  readonly maxPrefixesInScope?: number;
  /** Most namespace declarations in a document that change the scope they appear in (default 4096). */
  readonly maxNamespaceDeclarations?: number;
}

/** The parser's default bounds (documented in the README's security section). */
export const XML_LIMITS = { maxDepth: 128, maxElements: 1_000_000, maxAttributes: 64, maxPrefixesInScope: 64, maxNamespaceDeclarations: 4096 } as const;

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// eslint-disable-next-line no-control-regex
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const INVALID_CHARS_G = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NAME = /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._\-\u00B7\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._\-\u00B7\u00C0-\uFFFF]*)?/y;
const WS = /[ \t\r\n]*/y;

/** Whether the text carries a document type declaration (checked before any parsing). */
export function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text);
}

function decodeEntities(s: string, offset: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&<]*);?/g, (m, body: string, at: number) => {
    if (!m.endsWith(';')) throw new XmlParseError('unterminated entity or character reference', offset + at);
    switch (body) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return '\'';
      default: break;
    }
    let code = NaN;
    if (/^#x[0-9A-Fa-f]{1,6}$/.test(body)) code = parseInt(body.slice(2), 16);
    else if (/^#[0-9]{1,7}$/.test(body)) code = parseInt(body.slice(1), 10);
    else throw new XmlParseError(`undefined entity &${body};`, offset + at);
    if (!(code === 0x9 || code === 0xA || code === 0xD || (code >= 0x20 && code <= 0xD7FF) ||
      (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF))) {
      throw new XmlParseError(`character reference &${body}; is not an XML character`, offset + at);
    }
    return String.fromCodePoint(code);
  });
}

interface Open {
  readonly qname: string;
  readonly el: XmlElement;
}

/** Parses one XML document and returns its root element. Throws XmlParseError. */
export function parseXml(text: string, opts: ParseOptions = {}): XmlElement {
  const steps = parseSteps(text, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Markup items (tags, comments, text) parsed between two yields of parseXmlAsync. */
const ITEMS_PER_SLICE = 256;

/**
 * parseXml that gives the event loop back every ITEMS_PER_SLICE markup items, so that a large message (up to
 * maxRequestSize) never holds other requests (an SNMP GET, another session) for more than a few milliseconds.
 */
export async function parseXmlAsync(text: string, opts: ParseOptions = {}): Promise<XmlElement> {
  const steps = parseSteps(text, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The parser, yielding after every ITEMS_PER_SLICE markup items; returns the root element. */
function* parseSteps(text: string, opts: ParseOptions): Generator<void, XmlElement, void> {
  if (hasDoctype(text)) throw new XmlParseError('a document type declaration (DOCTYPE or ENTITY) is not allowed', Math.max(0, text.search(/<!(DOCTYPE|ENTITY)/i)));
  const bad = INVALID_CHARS.exec(text);
  if (bad) throw new XmlParseError(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`, bad.index);
  const maxDepth = opts.maxDepth ?? XML_LIMITS.maxDepth;
  const maxElements = opts.maxElements ?? XML_LIMITS.maxElements;
  const maxAttributes = opts.maxAttributes ?? XML_LIMITS.maxAttributes;
  const maxPrefixes = opts.maxPrefixesInScope ?? XML_LIMITS.maxPrefixesInScope;
  const maxDeclarations = opts.maxNamespaceDeclarations ?? XML_LIMITS.maxNamespaceDeclarations;
  let declarations = 0;
  let i = text.charCodeAt(0) === 0xFEFF ? 1 : 0;
  const n = text.length;
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  const fail = (msg: string, at = i): never => { throw new XmlParseError(msg, at); };

  const skipWs = (): void => { WS.lastIndex = i; WS.exec(text); i = WS.lastIndex; };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) return fail('expected a name');
    i = NAME.lastIndex;
    return m[0];
  };

  if (text.startsWith('<?xml', i) && /[ \t\r\n?]/.test(text.charAt(i + 5))) {
    const end = text.indexOf('?>', i);
    if (end < 0) fail('unterminated XML declaration');
    const decl = text.slice(i, end);
    const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl);
    if (enc && !/^utf-?8$/i.test(enc[1])) fail(`encoding ${enc[1]} is not supported (UTF-8 only)`);
    i = end + 2;
  }

  let items = 0;
  while (i < n) {
    if (++items % ITEMS_PER_SLICE === 0) yield;
    const lt = text.indexOf('<', i);
    const chunkEnd = lt < 0 ? n : lt;
    if (chunkEnd > i) {
      const raw = text.slice(i, chunkEnd);
      if (stack.length) {
        stack[stack.length - 1].el.text += decodeEntities(raw, i);
      } else if (/[^ \t\r\n]/.test(raw)) {
        fail('text outside the root element', i + raw.search(/[^ \t\r\n]/));
      }
      i = chunkEnd;
      if (lt < 0) break;
    }
    // at '<'
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('unterminated comment');
      if (text.slice(i + 4, end).includes('--')) fail('"--" inside a comment');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      if (!stack.length) fail('CDATA outside the root element');
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) fail('unterminated CDATA section');
      stack[stack.length - 1].el.text += text.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', i)) fail('markup declarations are not allowed');
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) fail('unterminated processing instruction');
      const target = /^<\?([^ \t\r\n?]*)/.exec(text.slice(i, i + 40))?.[1] ?? '';
      if (target.toLowerCase() === 'xml') fail('XML declaration not at the start of the document');
      i = end + 2;
      continue;
    }
    if (text.startsWith('</', i)) {
      const at = i;
      i += 2;
      const qname = readName();
      skipWs();
      if (text.charAt(i) !== '>') fail('expected ">" to close the end tag');
      i++;
      const open = stack.pop();
      if (!open) fail(`end tag </${qname}> without a start tag`, at);
      if (open!.qname !== qname) fail(`end tag </${qname}> does not match <${open!.qname}>`, at);
      continue;
    }
    // start tag
    const at = i;
    if (root && !stack.length) fail('more than one root element');
    i++;
    const qname = readName();
    const rawAttrs: { qname: string; value: string; at: number }[] = [];
    const attrNames = new Set<string>();
    let selfClosing = false;
    for (;;) {
      const before = i;
      skipWs();
      const c = text.charAt(i);
      if (c === '>') { i++; break; }
      if (c === '/' && text.charAt(i + 1) === '>') { i += 2; selfClosing = true; break; }
      if (i >= n) fail('unterminated start tag', at);
      if (i === before) fail('expected white space before an attribute');
      const aAt = i;
      const aName = readName();
      skipWs();
      if (text.charAt(i) !== '=') fail(`expected "=" after attribute ${aName}`);
      i++;
      skipWs();
      const q = text.charAt(i);
      if (q !== '"' && q !== '\'') fail(`attribute ${aName} value must be quoted`);
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail(`unterminated value of attribute ${aName}`);
      const rawValue = text.slice(i + 1, end);
      if (rawValue.includes('<')) fail(`"<" in the value of attribute ${aName}`, i + 1);
      if (attrNames.has(aName)) fail(`duplicate attribute ${aName}`, aAt);
      if (attrNames.size >= maxAttributes) fail(`more than ${maxAttributes} attributes on <${qname}>`, aAt);
      attrNames.add(aName);
      rawAttrs.push({ qname: aName, value: decodeEntities(rawValue.replace(/[\t\r\n]/g, ' '), i + 1), at: aAt });
      i = end + 1;
    }
    // namespaces
    const parentScope = stack.length ? stack[stack.length - 1].el.scope : new Map<string, string>([['xml', XML_NS]]);
    let scope: Map<string, string> | undefined;
    const attrs: XmlAttribute[] = [];
    for (const a of rawAttrs) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) {
        const p = a.qname === 'xmlns' ? '' : a.qname.slice(6);
        if (p === 'xmlns' || (p === 'xml' && a.value !== XML_NS)) fail(`prefix ${p} cannot be declared`, a.at);
        if (p !== '' && a.value === '') fail(`prefix ${p} cannot be undeclared`, a.at);
        if (a.value === XMLNS_NS) fail('the xmlns namespace cannot be declared', a.at);
        if ((scope ?? parentScope).get(p) === a.value) continue; // a redundant declaration changes nothing
        if (++declarations > maxDeclarations) fail(`more than ${maxDeclarations} namespace declarations`, a.at);
        if (!scope) scope = new Map(parentScope);
        scope.set(p, a.value);
        if (scope.size > maxPrefixes) fail(`more than ${maxPrefixes} namespace prefixes in scope`, a.at);
      }
    }
    const sc: ReadonlyMap<string, string> = scope ?? parentScope;
    const seen = new Set<string>();
    for (const a of rawAttrs) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
      const colon = a.qname.indexOf(':');
      const prefix = colon < 0 ? '' : a.qname.slice(0, colon);
      const name = colon < 0 ? a.qname : a.qname.slice(colon + 1);
      let ns = '';
      if (prefix) {
        const u = sc.get(prefix);
        if (u === undefined || u === '') fail(`unbound namespace prefix ${prefix}`, a.at);
        ns = u!;
      }
      const key = `${ns}\u0000${name}`;
      if (seen.has(key)) fail(`duplicate attribute ${a.qname}`, a.at);
      seen.add(key);
      attrs.push({ name, prefix, ns, value: a.value });
    }
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    const ns = sc.get(prefix);
    if (prefix && (ns === undefined || ns === '')) fail(`unbound namespace prefix ${prefix}`, at);
    const el: XmlElement = { name, prefix, ns: ns ?? '', attrs, children: [], text: '', scope: sc, offset: at };
    if (++elements > maxElements) fail(`more than ${maxElements} elements`, at);
    if (stack.length) stack[stack.length - 1].el.children.push(el);
    else root = el;
    if (!selfClosing) {
      if (stack.length >= maxDepth) fail(`elements nested deeper than ${maxDepth}`, at);
      stack.push({ qname, el });
    }
  }
  if (stack.length) fail(`unterminated element <${stack[stack.length - 1].qname}>`, n);
  if (!root) fail('no root element', n);
  return root!;
}

// ---- helpers on parsed elements ---------------------------------------------------------------

/** The first child with this local name (and namespace, when given). */
export function child(el: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

export function childrenNamed(el: XmlElement, name: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** An attribute's value by local name (and namespace: '' for unprefixed attributes, undefined for any). */
export function attr(el: XmlElement, name: string, ns?: string): string | undefined {
  return el.attrs.find((a) => a.name === name && (ns === undefined || a.ns === ns))?.value;
}

/** Resolves a QName value ("bcm:node-unreachable") against an element's scope. */
export function resolveQName(el: XmlElement, value: string): { ns: string; name: string } | undefined {
  const v = value.trim();
  const colon = v.indexOf(':');
  const prefix = colon < 0 ? '' : v.slice(0, colon);
  const ns = el.scope.get(prefix);
  if (colon >= 0 && ns === undefined) return undefined;
  return { ns: ns ?? '', name: colon < 0 ? v : v.slice(colon + 1) };
}

// ---- output ---------------------------------------------------------------------------------------

/** Escapes character data, dropping characters XML 1.0 cannot carry. */
// eslint-disable-next-line no-control-regex
const TEXT_NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeText(s: string): string {
  if (!TEXT_NEEDS_WORK.test(s)) return s;
  let out = s;
  if (INVALID_CHARS.test(out)) out = out.replace(INVALID_CHARS_G, '');
  if (!/[&<>\r]/.test(out)) return out;
  return out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (double-quoted). */
export function escapeAttr(s: string): string {
  let out = s;
  if (INVALID_CHARS.test(out)) out = out.replace(INVALID_CHARS_G, '');
  return out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/**
 * Writes a parsed element back as XML (used to echo filters and for tests). Namespace declarations are
 * written where an element's namespace differs from its parent's.
 */
export function serializeElement(el: XmlElement, parentNs = ''): string {
  const nsDecl = el.ns !== parentNs ? ` xmlns="${escapeAttr(el.ns)}"` : '';
  const declared = new Map<string, string>();
  const attrs = el.attrs.map((a) => {
    if (!a.ns) return ` ${a.name}="${escapeAttr(a.value)}"`;
    const p = a.prefix || 'a';
    declared.set(p, a.ns);
    return ` ${p}:${a.name}="${escapeAttr(a.value)}"`;
  }).join('');
  const decls = [...declared].map(([p, u]) => ` xmlns:${p}="${escapeAttr(u)}"`).join('');
  const inner = el.children.length ? el.children.map((c) => serializeElement(c, el.ns)).join('') : escapeText(el.text);
  return inner === '' ? `<${el.name}${nsDecl}${decls}${attrs}/>` : `<${el.name}${nsDecl}${decls}${attrs}>${inner}</${el.name}>`;
}
