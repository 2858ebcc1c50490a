/**
 * A small YANG statement tree and its printer: 2-space indentation, double-quoted strings escaped and
 * wrapped at word boundaries (RFC 7950 section 6.1.3), single-quoted patterns, "\n" line endings.
 */

/** Argument of a statement: an identifier-like token, a double-quoted string, or a single-quoted string. */
export type Arg =
  | { readonly kind: 'token'; readonly value: string }
  | { readonly kind: 'dq'; readonly value: string }
  | { readonly kind: 'sq'; readonly value: string };

export interface Stmt {
  readonly keyword: string;
  readonly arg?: Arg;
  readonly subs?: readonly Stmt[];
  /** Print an empty line before the statement (between top-level sections). */
  readonly blankBefore?: boolean;
}

/** Maximum line length the printer aims at (longer words are never broken). */
export const LINE_WIDTH = 72;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Throws unless s is a valid YANG identifier (RFC 7950 section 6.2). */
export function identifier(s: string, what: string): string {
  if (!IDENTIFIER.test(s) || /^xml/i.test(s)) throw new Error(`${what}: "${s}" is not a valid YANG identifier`);
  return s;
}

export const token = (value: string): Arg => ({ kind: 'token', value });
export const dq = (value: string): Arg => ({ kind: 'dq', value });
export const sq = (value: string): Arg => {
  if (value.includes("'")) throw new Error(`single-quoted YANG string cannot contain a quote: ${value}`);
  return { kind: 'sq', value };
};

export function stmt(keyword: string, arg?: Arg, subs?: readonly Stmt[], blankBefore = false): Stmt {
  return { keyword, arg, subs, blankBefore };
}

/** Statement with a token argument and optional substatements. */
export function st(keyword: string, value: string | number | boolean, subs?: readonly Stmt[]): Stmt {
  return stmt(keyword, token(String(value)), subs);
}

/** Statement with a double-quoted argument. */
export function sd(keyword: string, value: string, subs?: readonly Stmt[]): Stmt {
  return stmt(keyword, dq(value), subs);
}

/** Escapes a double-quoted string body (backslash, quote, tab; newlines are handled by the printer). */
export function escapeDq(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t');
}

/**
 * Lines of a double-quoted string whose opening quote is at column `col`: paragraphs (split on "\n") are
 * wrapped at spaces; continuation lines are indented one column past the quote, which YANG strips again.
 */
function quotedLines(value: string, col: number, tail: string): string[] {
  const width = Math.max(LINE_WIDTH - col - 1, 30);
  const out: string[] = [];
  const paragraphs = value.split('\n');
  paragraphs.forEach((para) => {
    const words = escapeDq(para).split(/ +/).filter((w) => w.length > 0);
    if (words.length === 0) { out.push(''); return; }
    let cur = '';
    for (const w of words) {
      if (cur === '') cur = w;
      else if (cur.length + 1 + w.length <= width) cur += ` ${w}`;
      else { out.push(cur); cur = w; }
    }
    out.push(cur);
  });
  const pad = ' '.repeat(col + 1);
  return out.map((l, i) => {
    const head = i === 0 ? `${' '.repeat(col)}"` : (l === '' ? '' : pad);
    return head + l + (i === out.length - 1 ? `"${tail}` : '');
  });
}

function printStmt(s: Stmt, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  const hasSubs = s.subs !== undefined && s.subs.length > 0;
  const tail = hasSubs ? ' {' : ';';
  if (s.blankBefore && out.length > 0 && out[out.length - 1] !== '') out.push('');
  const arg = s.arg;
  if (!arg) out.push(`${indent}${s.keyword}${tail}`);
  else if (arg.kind === 'token') out.push(`${indent}${s.keyword} ${arg.value}${tail}`);
  else if (arg.kind === 'sq') out.push(`${indent}${s.keyword} '${arg.value}'${tail}`);
  else {
    const oneLine = `${indent}${s.keyword} "${escapeDq(arg.value)}"${tail}`;
    if (!arg.value.includes('\n') && oneLine.length <= LINE_WIDTH) out.push(oneLine);
    else {
      out.push(`${indent}${s.keyword}`);
      out.push(...quotedLines(arg.value, indent.length + 2, tail));
    }
  }
  if (hasSubs) {
    for (const sub of s.subs!) printStmt(sub, depth + 1, out);
    out.push(`${indent}}`);
  }
}

/** Prints statements (normally one module statement) with an optional leading comment. */
export function printYang(top: Stmt, comment: readonly string[] = []): string {
  const out: string[] = comment.map((c) => `// ${c}`);
  if (out.length) out.push('');
  printStmt(top, 0, out);
  return out.map((l) => l.replace(/[ \t]+$/, '')).join('\n') + '\n';
}
