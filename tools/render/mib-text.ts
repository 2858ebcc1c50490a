/**
 * Text helpers of the MIB renderer: SMIv2 string literals (no double quotes, ASCII only), word wrapping,
 * ASN.1 comments and lists of descriptors laid out within the line width.
 */

/** Longest line the renderer writes (RFC 4181 section 3.3 recommends lines of at most 72 characters). */
export const LINE_WIDTH = 72;

/** Indentation of a clause inside a macro (SYNTAX, DESCRIPTION, ...). */
export const CLAUSE_INDENT = '    ';
/** Indentation of the opening quote of a DESCRIPTION text. */
export const TEXT_INDENT = '        ';

const TYPOGRAPHY: Readonly<Record<string, string>> = {
  '\u2018': "'", '\u2019': "'", '\u201c': "'", '\u201d': "'", '\u2013': '-', '\u2014': '-', '\u2026': '...',
  '\u2192': '->', '\u00a0': ' ',
};

/**
 * Makes model text legal inside an SMIv2 string: double quotes become single quotes (RFC 2578 strings
 * cannot contain them), common typography becomes ASCII; anything else outside printable ASCII fails loudly.
 */
export function smiText(text: string, where: string): string {
  let out = '';
  for (const ch of text.replace(/\t/g, ' ')) {
    const c = ch === '"' ? "'" : (TYPOGRAPHY[ch] ?? ch);
    for (const x of c) {
      const code = x.charCodeAt(0);
      if (x !== '\n' && (code < 0x20 || code > 0x7e)) {
        throw new Error(`${where}: character U+${code.toString(16).padStart(4, '0')} cannot be written in an SMIv2 string`);
      }
    }
    out += c;
  }
  return out;
}

/** Greedy word wrap of one paragraph (no newlines) into lines of at most width characters. */
export function wrapWords(text: string, width: number): string[] {
  const words = text.split(/ +/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else { lines.push(line); line = w; }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** Indentation of the continuation lines of a list item. */
const HANGING = '    ';

/**
 * Wraps text whose paragraphs are separated by blank lines ("\n\n") into lines of at most width characters;
 * paragraphs stay separated by one empty line. A paragraph of several lines ("\n") is a list: each line is
 * an item, whose continuation lines are indented.
 */
export function wrapParagraphs(text: string, width: number): string[] {
  const out: string[] = [];
  const paragraphs = text.trim().split(/\n\s*\n/);
  paragraphs.forEach((p, i) => {
    if (i > 0) out.push('');
    const items = p.split('\n');
    if (items.length === 1) { out.push(...wrapWords(p.trim(), width)); return; }
    for (const item of items) {
      const [first, ...rest] = wrapWords(item.trim(), width);
      out.push(first, ...(rest.length ? wrapWords(rest.join(' '), width - HANGING.length).map((l) => `${HANGING}${l}`) : []));
    }
  });
  return out;
}

/**
 * A quoted SMIv2 string on its own lines: the opening quote at indent, continuation lines aligned
 * one column further, so the text reads as a block.
 */
export function quotedBlock(text: string, indent: string, where: string): string[] {
  const clean = smiText(text, where);
  const width = LINE_WIDTH - indent.length - 2;
  const lines = wrapParagraphs(clean, width);
  return lines.map((l, i) => {
    const open = i === 0 ? '"' : ' ';
    const close = i === lines.length - 1 ? '"' : '';
    const body = `${l}${close}`;
    return l === '' && !close ? '' : `${indent}${open}${body}`;
  });
}

/** A DESCRIPTION (or REFERENCE, CONTACT-INFO, ...) clause with its text on the following lines. */
export function textClause(keyword: string, text: string, where: string): string[] {
  return [`${CLAUSE_INDENT}${keyword}`, ...quotedBlock(text, TEXT_INDENT, where)];
}

/** A one-line quoted clause value when it fits, else the block form. */
export function shortTextClause(keyword: string, text: string, where: string): string[] {
  const clean = smiText(text, where);
  const line = `${CLAUSE_INDENT}${keywordPad(keyword)}"${clean}"`;
  if (!clean.includes('\n') && line.length <= LINE_WIDTH) return [line];
  return textClause(keyword, text, where);
}

/** An ASN.1 comment block, wrapped. */
export function comment(text: string, indent = ''): string[] {
  const width = LINE_WIDTH - indent.length - 3;
  // "--" would end the comment (ASN.1 X.680 section 12.6.3).
  return wrapParagraphs(smiText(text, 'comment').replace(/-{2,}/g, '-'), width).map((l) => (l ? `${indent}-- ${l}` : `${indent}--`));
}

/**
 * A braced list of items after a clause keyword ("{ a, b, c }"), flowed over as many lines as needed,
 * continuation lines aligned with the first item.
 */
export function bracedList(keyword: string, items: readonly string[], indent = CLAUSE_INDENT): string[] {
  const head = `${indent}${keywordPad(keyword)}{ `;
  const pad = ' '.repeat(head.length);
  const lines: string[] = [];
  let line = head;
  items.forEach((it, i) => {
    const item = i < items.length - 1 ? `${it},` : `${it} }`;
    const fresh = line === head || line === pad;
    if (!fresh && line.length + 1 + item.length > LINE_WIDTH) { lines.push(line); line = pad + item; }
    else line = fresh ? line + item : `${line} ${item}`;
  });
  lines.push(items.length ? line : `${head}}`);
  return lines;
}

/** A clause keyword padded so that values line up, with at least one space after it. */
export function keywordPad(keyword: string): string {
  return keyword.length >= 12 ? `${keyword} ` : keyword.padEnd(12);
}

/** A clause with a simple value, aligned like the others ("    SYNTAX      Gauge32"). */
export function clause(keyword: string, value: string): string {
  return `${CLAUSE_INDENT}${keywordPad(keyword)}${value}`;
}
