/**
 * Parsers of the two generated data models, for tests that check the artifacts themselves (not the model
 * they were generated from):
 *   - parseMib: the definitions of an SMIv2 module and their numeric OIDs, resolved through the module's own
 *     `::= { parent n }` assignments down to a small table of standard SNMPv2-SMI arcs;
 *   - parseYang / smiv2Annotations: the statement tree of a YANG module and every RFC 6643 `smiv2:oid` with the
 *     schema node (or identity, notification, smiv2:alias) it annotates;
 *   - crossCheckOids: the OID agreement between the two.
 */

// ---- SMIv2 --------------------------------------------------------------------------------------------

/** Standard arcs a MIB module may hang from (RFC 2578 SNMPv2-SMI, RFC 1155). */
export const STANDARD_ARCS: Readonly<Record<string, string>> = {
  ccitt: '0', iso: '1', 'joint-iso-ccitt': '2', zeroDotZero: '0.0',
  org: '1.3', dod: '1.3.6', internet: '1.3.6.1', directory: '1.3.6.1.1', mgmt: '1.3.6.1.2', 'mib-2': '1.3.6.1.2.1',
  transmission: '1.3.6.1.2.1.10', experimental: '1.3.6.1.3', private: '1.3.6.1.4', enterprises: '1.3.6.1.4.1',
  security: '1.3.6.1.5', snmpV2: '1.3.6.1.6', snmpDomains: '1.3.6.1.6.1', snmpProxys: '1.3.6.1.6.2', snmpModules: '1.3.6.1.6.3',
};

const MACROS = new Set(['MODULE-IDENTITY', 'OBJECT-IDENTITY', 'OBJECT-TYPE', 'NOTIFICATION-TYPE', 'OBJECT-GROUP',
  'NOTIFICATION-GROUP', 'MODULE-COMPLIANCE', 'AGENT-CAPABILITIES']);

export type MibKind = 'MODULE-IDENTITY' | 'OBJECT-IDENTITY' | 'OBJECT-TYPE' | 'NOTIFICATION-TYPE' | 'OBJECT-GROUP' |
  'NOTIFICATION-GROUP' | 'MODULE-COMPLIANCE' | 'AGENT-CAPABILITIES' | 'OBJECT IDENTIFIER';

/** For OBJECT-TYPEs: conceptual table, conceptual row, column of a row, or scalar. */
export type MibRole = 'table' | 'entry' | 'column' | 'scalar';

export interface MibDefinition {
  readonly name: string;
  readonly kind: MibKind;
  /** The OID value as written: the first component's name (or number) and the arcs below it. */
  readonly value: readonly (string | number)[];
  readonly line: number;
  /** Resolved dotted OID; undefined when the value does not resolve. */
  oid?: string;
  /** OBJECT-TYPE only. */
  role?: MibRole;
  readonly syntax?: string;
  readonly access?: string;
  readonly index?: readonly string[];
  /** OBJECTS / NOTIFICATIONS of notifications and groups. */
  readonly objects?: readonly string[];
}

export interface ParsedMib {
  readonly moduleName: string;
  readonly definitions: readonly MibDefinition[];
  readonly byName: ReadonlyMap<string, MibDefinition>;
  /** Definitions by resolved OID (more than one only when the module assigns an OID twice). */
  readonly byOid: ReadonlyMap<string, readonly MibDefinition[]>;
  /** Names whose OID does not resolve. */
  readonly unresolved: readonly string[];
}

interface Token { readonly text: string; readonly line: number; readonly string?: boolean }

/** ASN.1 tokens: `--` comments end at the next `--` or the end of the line; strings hold no quote. */
function mibTokens(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('--', i)) {
      i += 2;
      while (i < text.length && text[i] !== '\n' && !text.startsWith('--', i)) i++;
      if (text.startsWith('--', i)) i += 2;
      continue;
    }
    if (c === '"') {
      const start = line;
      let j = i + 1;
      while (j < text.length && text[j] !== '"') { if (text[j] === '\n') line++; j++; }
      out.push({ text: text.slice(i + 1, j), line: start, string: true });
      i = j + 1;
      continue;
    }
    if (c === "'") { // binary or hexadecimal string: '0A'H
      const j = text.indexOf("'", i + 1);
      const end = j < 0 ? text.length : j + 2;
      out.push({ text: text.slice(i, end), line });
      i = end;
      continue;
    }
    if (text.startsWith('::=', i)) { out.push({ text: '::=', line }); i += 3; continue; }
    if (text.startsWith('..', i)) { out.push({ text: '..', line }); i += 2; continue; }
    if (/[A-Za-z0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9-]/.test(text[j]) && !text.startsWith('--', j)) j++;
      out.push({ text: text.slice(i, j), line });
      i = j;
      continue;
    }
    out.push({ text: c, line });
    i++;
  }
  return out;
}

const isValueName = (t: Token | undefined): boolean => !!t && !t.string && /^[a-z][A-Za-z0-9-]*$/.test(t.text);

/** Index of the token closing the brace opened at tokens[open]. */
function closeBrace(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].string) continue;
    if (tokens[i].text === '{') depth++;
    else if (tokens[i].text === '}' && --depth === 0) return i;
  }
  throw new Error(`MIB: unbalanced { at line ${tokens[open].line}`);
}

/** The names listed in `CLAUSE { a, b }` within tokens[from..to), or undefined. */
function nameList(tokens: readonly Token[], from: number, to: number, clause: string): string[] | undefined {
  for (let i = from; i < to; i++) {
    if (tokens[i].string || tokens[i].text !== clause || tokens[i + 1]?.text !== '{') continue;
    const end = closeBrace(tokens, i + 1);
    return tokens.slice(i + 2, end).filter((t) => !t.string && t.text !== ',' && t.text !== 'IMPLIED').map((t) => t.text);
  }
  return undefined;
}

/** Tokens of `CLAUSE ...` up to the next clause keyword (an all-capitals word), as text. */
function clauseText(tokens: readonly Token[], from: number, to: number, clause: string): string | undefined {
  for (let i = from; i < to; i++) {
    if (tokens[i].string || tokens[i].text !== clause) continue;
    const words: string[] = [];
    for (let j = i + 1; j < to; j++) {
      const t = tokens[j];
      if (!t.string && /^[A-Z][A-Z-]+$/.test(t.text) && !['OF', 'SEQUENCE', 'INTEGER', 'BITS', 'OCTET', 'STRING', 'OBJECT', 'IDENTIFIER', 'SIZE'].includes(t.text)) break;
      words.push(t.text);
    }
    return words.join(' ');
  }
  return undefined;
}

/** The components of an OID value `{ parent 1 2 }` or `{ iso(1) org(3) 6 }`. */
function oidValue(tokens: readonly Token[], open: number, end: number): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = open + 1; i < end; i++) {
    const t = tokens[i];
    if (tokens[i + 1]?.text === '(' && /^\d+$/.test(tokens[i + 2]?.text ?? '')) { out.push(Number(tokens[i + 2].text)); i += 3; continue; }
    out.push(/^\d+$/.test(t.text) ? Number(t.text) : t.text);
  }
  return out;
}

export function parseMib(text: string): ParsedMib {
  const tokens = mibTokens(text);
  const moduleName = tokens[0]?.text ?? '';
  const defs: MibDefinition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!t.string && t.text === 'IMPORTS') { // skip to the closing ;
      while (i < tokens.length && (tokens[i].string || tokens[i].text !== ';')) i++;
      continue;
    }
    const next = tokens[i + 1];
    let kind: MibKind | undefined;
    let body = i + 2;
    if (isValueName(t) && next && !next.string && MACROS.has(next.text)) kind = next.text as MibKind;
    else if (isValueName(t) && next?.text === 'OBJECT' && tokens[i + 2]?.text === 'IDENTIFIER' && tokens[i + 3]?.text === '::=') {
      kind = 'OBJECT IDENTIFIER';
      body = i + 3;
    }
    if (!kind) { i++; continue; }
    let assign = body;
    while (assign < tokens.length && (tokens[assign].string || tokens[assign].text !== '::=')) assign++;
    if (tokens[assign + 1]?.text !== '{') throw new Error(`MIB: ${t.text} (line ${t.line}) has no OID value`);
    const end = closeBrace(tokens, assign + 1);
    const def: MibDefinition = {
      name: t.text, kind, value: oidValue(tokens, assign + 1, end), line: t.line,
      ...(kind === 'OBJECT-TYPE' ? {
        syntax: clauseText(tokens, body, assign, 'SYNTAX'),
        access: clauseText(tokens, body, assign, 'MAX-ACCESS') ?? clauseText(tokens, body, assign, 'ACCESS'),
        index: nameList(tokens, body, assign, 'INDEX') ?? nameList(tokens, body, assign, 'AUGMENTS'),
      } : {}),
      ...(kind === 'NOTIFICATION-TYPE' || kind === 'OBJECT-GROUP' ? { objects: nameList(tokens, body, assign, 'OBJECTS') } : {}),
      ...(kind === 'NOTIFICATION-GROUP' ? { objects: nameList(tokens, body, assign, 'NOTIFICATIONS') } : {}),
    };
    defs.push(def);
    i = end + 1;
  }

  const byName = new Map(defs.map((d) => [d.name, d]));
  // Resolve parents until nothing changes (definitions may refer to later ones).
  for (let changed = true; changed;) {
    changed = false;
    for (const d of defs) {
      if (d.oid !== undefined || d.value.length === 0) continue;
      const [first, ...rest] = d.value;
      const base = typeof first === 'number' ? String(first) : byName.get(first)?.oid ?? STANDARD_ARCS[first];
      if (base === undefined || rest.some((r) => typeof r !== 'number')) continue;
      d.oid = [base, ...rest].join('.');
      changed = true;
    }
  }
  for (const d of defs) {
    if (d.kind !== 'OBJECT-TYPE') continue;
    if (/^SEQUENCE OF\b/.test(d.syntax ?? '')) d.role = 'table';
    else if (d.index) d.role = 'entry';
  }
  for (const d of defs) {
    if (d.kind !== 'OBJECT-TYPE' || d.role) continue;
    const parent = typeof d.value[0] === 'string' ? byName.get(d.value[0]) : undefined;
    d.role = parent?.role === 'entry' ? 'column' : 'scalar';
  }
  const byOid = new Map<string, MibDefinition[]>();
  for (const d of defs) if (d.oid) byOid.set(d.oid, [...(byOid.get(d.oid) ?? []), d]);
  return { moduleName, definitions: defs, byName, byOid, unresolved: defs.filter((d) => d.oid === undefined).map((d) => d.name) };
}

// ---- YANG ---------------------------------------------------------------------------------------------

export interface YangStatement {
  readonly keyword: string;
  readonly arg?: string;
  readonly line: number;
  readonly children: YangStatement[];
}

/** YANG tokens: ; { } and strings (quoted, with + concatenation resolved later) and unquoted words. */
function yangTokens(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? text.length : j + 2;
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end;
      continue;
    }
    if (c === ';' || c === '{' || c === '}' || c === '+') { out.push({ text: c, line }); i++; continue; }
    if (c === '"' || c === "'") {
      const start = line;
      let s = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\n') line++;
        if (c === '"' && text[j] === '\\' && j + 1 < text.length) {
          const e = text[++j];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          continue;
        }
        s += text[j];
      }
      if (j >= text.length) throw new Error(`YANG: unterminated string at line ${start}`);
      out.push({ text: s, line: start, string: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s;{}"']/.test(text[j]) && !text.startsWith('//', j) && !text.startsWith('/*', j)) j++;
    out.push({ text: text.slice(i, j), line });
    i = j;
  }
  return out;
}

/** Parses a YANG module (or submodule) into its statement tree; returns the top statement. */
export function parseYang(text: string): YangStatement {
  const tokens = yangTokens(text);
  let i = 0;
  const statement = (): YangStatement => {
    const kw = tokens[i++];
    if (!kw || kw.string || [';', '{', '}', '+'].includes(kw.text)) throw new Error(`YANG: keyword expected at line ${kw?.line ?? 'end'}`);
    let arg: string | undefined;
    if (tokens[i] && (tokens[i].string || ![';', '{', '}'].includes(tokens[i].text))) {
      arg = tokens[i++].text;
      while (tokens[i]?.text === '+' && !tokens[i].string && tokens[i + 1]?.string) { arg += tokens[i + 1].text; i += 2; }
    }
    const children: YangStatement[] = [];
    const end = tokens[i++];
    if (end?.text === '{' && !end.string) {
      while (tokens[i] && !(tokens[i].text === '}' && !tokens[i].string)) children.push(statement());
      if (!tokens[i]) throw new Error(`YANG: unbalanced { of ${kw.text} at line ${kw.line}`);
      i++;
    } else if (end?.text !== ';' || end.string) throw new Error(`YANG: ; or { expected after ${kw.text} at line ${kw.line}`);
    return { keyword: kw.text, arg, line: kw.line, children };
  };
  const top = statement();
  if (i !== tokens.length) throw new Error(`YANG: text after the module at line ${tokens[i].line}`);
  return top;
}

export interface OidAnnotation {
  readonly oid: string;
  /** Keyword of the annotated statement: leaf, list, container, identity, notification, ..., or "alias". */
  readonly keyword: string;
  /** Its argument: the node, identity or alias name. */
  readonly name: string;
  /** Schema path of a data node ("/managed-system/network/name", or the augment target then the node). */
  readonly path: string;
  /** Target of the augment the node is in, if any. */
  readonly augment?: string;
  readonly line: number;
}

export interface YangAnnotations {
  readonly module: string;
  /** Prefix under which the module imports ietf-yang-smiv2 (RFC 6643). */
  readonly smiv2Prefix: string;
  /** Prefixes of the modules the module imports, by module name. */
  readonly imports: ReadonlyMap<string, string>;
  readonly augments: readonly string[];
  readonly annotations: readonly OidAnnotation[];
}

const SCHEMA_NODES = new Set(['container', 'list', 'leaf', 'leaf-list', 'choice', 'case', 'anydata', 'anyxml',
  'notification', 'rpc', 'action', 'input', 'output']);

/** Every smiv2:oid of a YANG module, with the statement it annotates. */
export function smiv2Annotations(module: YangStatement): YangAnnotations {
  const imports = new Map<string, string>();
  for (const s of module.children) {
    if (s.keyword !== 'import' || !s.arg) continue;
    const prefix = s.children.find((c) => c.keyword === 'prefix')?.arg;
    if (prefix) imports.set(s.arg, prefix);
  }
  const p = imports.get('ietf-yang-smiv2') ?? 'smiv2';
  const annotations: OidAnnotation[] = [];
  const augments: string[] = [];
  const walk = (s: YangStatement, path: string, augment: string | undefined): void => {
    for (const c of s.children) {
      if (c.keyword === `${p}:oid`) {
        const alias = s.keyword === `${p}:alias`;
        annotations.push({ oid: c.arg ?? '', keyword: alias ? 'alias' : s.keyword, name: s.arg ?? '', path: alias ? '' : path, augment, line: c.line });
        continue;
      }
      let sub = path;
      let aug = augment;
      if (c.keyword === 'augment') { augments.push(c.arg ?? ''); sub = c.arg ?? ''; aug = c.arg; }
      else if (c.keyword === 'grouping') sub = `grouping ${c.arg}`;
      else if (c.keyword === 'identity') sub = `identity ${c.arg}`;
      else if (SCHEMA_NODES.has(c.keyword)) sub = `${path}/${c.arg ?? c.keyword}`;
      walk(c, sub, aug);
    }
  };
  walk(module, '', undefined);
  return { module: module.arg ?? '', smiv2Prefix: p, imports, augments, annotations };
}

// ---- cross-check --------------------------------------------------------------------------------------

export interface CrossCheck {
  /** Disagreements; empty when the artifacts agree. */
  readonly problems: string[];
  /**
   * MIB columns with no YANG node of their own, allowed because they render attributes of an ietf-alarms list
   * that the module augments (the standard node holds the value); each with its smiv2:alias, if any.
   */
  readonly exceptions: string[];
  /** MIB objects matched with a YANG node of the same OID. */
  readonly matched: number;
}

/** Lower case without hyphens: "rpc-latency" and "bcmNodeRpcLatency" compare as "rpclatency", "bcmnoderpclatency". */
function squash(name: string): string {
  return name.replace(/-/g, '').toLowerCase();
}

/** Whether a YANG name corresponds to a MIB descriptor: the descriptor is a class prefix followed by the name. */
export function namesCorrespond(yangName: string, descriptor: string): boolean {
  const y = squash(yangName);
  const d = squash(descriptor);
  return d.length > y.length && d.endsWith(y);
}

const COMPATIBLE: Readonly<Record<string, (d: MibDefinition) => boolean>> = {
  leaf: (d) => d.role === 'column' || d.role === 'scalar',
  'leaf-list': (d) => d.role === 'column' || d.role === 'scalar',
  list: (d) => d.role === 'entry' || d.role === 'table',
  container: (d) => d.role === 'table' || d.role === 'entry' || d.kind === 'OBJECT IDENTIFIER' || d.kind === 'OBJECT-IDENTITY',
  identity: (d) => d.kind === 'OBJECT-IDENTITY' || d.kind === 'OBJECT IDENTIFIER',
  notification: (d) => d.kind === 'NOTIFICATION-TYPE',
  alias: () => true,
};

/**
 * The OID agreement of a MIB module and a YANG module:
 *   - every column and scalar of the MIB, and every OBJECT-IDENTITY at a leaf of the OID tree (the alarm types),
 *     is annotated by exactly one YANG statement: a leaf (resp. an identity) whose name is the descriptor without
 *     its prefix, or a smiv2:alias of the same name;
 *   - a column annotated only by an alias (or not at all) is allowed only when it is a column of a table whose
 *     other columns include a leaf of an augment of ietf-alarms: the value is then the standard node's;
 *   - every smiv2:oid of the YANG module is the OID of a MIB definition of a compatible kind, an alias has the
 *     name of that definition, and no OID is annotated twice.
 */
export function crossCheckOids(mib: ParsedMib, yang: YangAnnotations): CrossCheck {
  const problems: string[] = [];
  const exceptions: string[] = [];
  let matched = 0;
  for (const n of mib.unresolved) problems.push(`MIB: OID of ${n} does not resolve`);
  for (const [oid, defs] of mib.byOid) if (defs.length > 1) problems.push(`MIB: ${oid} assigned to ${defs.map((d) => d.name).join(', ')}`);

  const byOid = new Map<string, OidAnnotation[]>();
  for (const a of yang.annotations) byOid.set(a.oid, [...(byOid.get(a.oid) ?? []), a]);
  const where = (a: OidAnnotation): string => a.keyword === 'alias' ? `smiv2:alias ${a.name}` : `${a.keyword} ${a.path || a.name}`;

  // YANG → MIB.
  for (const [oid, anns] of byOid) {
    if (anns.length > 1) problems.push(`YANG: ${oid} annotates ${anns.length} statements: ${anns.map(where).join('; ')}`);
    const def = mib.byOid.get(oid)?.[0];
    for (const a of anns) {
      if (!def) { problems.push(`YANG: ${where(a)} (line ${a.line}) has smiv2:oid ${oid}, which no MIB definition has`); continue; }
      const ok = COMPATIBLE[a.keyword];
      if (!ok || !ok(def)) problems.push(`YANG: ${where(a)} has the OID of ${def.kind} ${def.name}${def.role ? ` (${def.role})` : ''}`);
      if (a.keyword === 'alias' && a.name !== def.name) problems.push(`YANG: smiv2:alias ${a.name} has the OID of ${def.name}`);
    }
  }

  // MIB → YANG.
  const alarmsPrefix = yang.imports.get('ietf-alarms');
  const alarmAugments = new Set(alarmsPrefix ? yang.augments.filter((g) => g.startsWith(`/${alarmsPrefix}:`)) : []);
  const nodeOf = (d: MibDefinition): OidAnnotation | undefined => (byOid.get(d.oid ?? '') ?? []).find((a) => a.keyword !== 'alias');
  const hasChildren = new Set<string>();
  for (const d of mib.definitions) if (typeof d.value[0] === 'string') hasChildren.add(d.value[0]);
  /** Entries with a column that is a leaf of an augment of ietf-alarms. */
  const alarmEntries = new Set<string>();
  for (const d of mib.definitions) {
    const node = d.role === 'column' ? nodeOf(d) : undefined;
    if (node?.augment && alarmAugments.has(node.augment)) alarmEntries.add(String(d.value[0]));
  }
  for (const d of mib.definitions) {
    const data = d.kind === 'OBJECT-TYPE' && (d.role === 'column' || d.role === 'scalar');
    const alarmType = d.kind === 'OBJECT-IDENTITY' && !hasChildren.has(d.name);
    if (!d.oid || !(data || alarmType)) continue;
    const anns = byOid.get(d.oid) ?? [];
    const node = nodeOf(d);
    if (node) {
      if (data && !(node.keyword === 'leaf' || node.keyword === 'leaf-list')) continue; // reported above
      if (!namesCorrespond(node.name, d.name)) problems.push(`${d.name} (${d.oid}) is annotated on ${where(node)}, whose name does not correspond`);
      else matched++;
      continue;
    }
    const alias = anns.find((a) => a.keyword === 'alias');
    if (d.role === 'column' && alarmEntries.has(String(d.value[0]))) {
      exceptions.push(`${d.name} (${d.oid})${alias ? ' [smiv2:alias]' : ' [not annotated]'}`);
      continue;
    }
    problems.push(`${d.kind} ${d.name} (${d.oid}) has no YANG ${alarmType ? 'identity' : 'leaf'} with its OID` +
      (alias ? ' (only a smiv2:alias)' : ''));
  }
  return { problems, exceptions, matched };
}
