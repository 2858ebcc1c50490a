/**
 * RESTCONF query parameters of a data GET (RFC 8040 section 4.8): content, depth, fields and with-defaults, parsed
 * from the raw query string (each at most once; any other parameter is refused with invalid-value), and the
 * depth limit applied to a DNode tree.
 */
import { inner } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { badQuery } from './errors';

export type Content = 'config' | 'nonconfig' | 'all';
export type WithDefaults = 'explicit' | 'report-all' | 'trim';

export interface DataQuery {
  readonly content: Content;
  /** Levels of data nodes returned, the target being level 1; undefined: unbounded. */
  readonly depth?: number;
  readonly withDefaults: WithDefaults;
  /** The fields expression (RFC 8040 section 4.8.3), parsed against the target by src/restconf/fields.ts. */
  readonly fields?: string;
}

const CONTENTS: readonly Content[] = ['config', 'nonconfig', 'all'];
const WITH_DEFAULTS: readonly WithDefaults[] = ['explicit', 'report-all', 'trim'];

export function parseDataQuery(search: string): DataQuery {
  const params = new URLSearchParams(search);
  const seen = new Set<string>();
  let content: Content = 'all';
  let depth: number | undefined;
  let withDefaults: WithDefaults = 'explicit';
  let fields: string | undefined;
  for (const [name, value] of params) {
    if (seen.has(name)) throw badQuery(`query parameter ${name} is given more than once`);
    seen.add(name);
    if (name === 'content') {
      if (!CONTENTS.includes(value as Content)) throw badQuery(`content=${value} is not one of ${CONTENTS.join(', ')}`);
      content = value as Content;
    } else if (name === 'depth') {
      if (value === 'unbounded') depth = undefined;
      else if (/^[1-9][0-9]{0,4}$/.test(value) && Number(value) <= 65535) depth = Number(value);
      else throw badQuery(`depth=${value} is not unbounded or 1..65535`);
    } else if (name === 'with-defaults') {
      if (!WITH_DEFAULTS.includes(value as WithDefaults)) throw badQuery(`with-defaults=${value} is not one of ${WITH_DEFAULTS.join(', ')} (report-all-tagged is not supported)`);
      withDefaults = value as WithDefaults;
    } else if (name === 'fields') fields = value;
    else throw badQuery(`query parameter ${name} is not supported here (content, depth, fields, with-defaults)`);
  }
  return { content, depth, withDefaults, ...(fields !== undefined ? { fields } : {}) };
}

/** The nodes cut below depth levels (the given nodes are level 1). */
export function limitDepth(nodes: readonly DNode[], depth: number | undefined): DNode[] {
  if (depth === undefined) return [...nodes];
  const cut = (n: DNode, level: number): DNode => {
    if (n.value !== undefined) return n;
    const kids = level >= depth ? [] : (n.children ?? []).map((c) => cut(c, level + 1));
    return inner(n.name, n.ns, kids, n.keyCount);
  };
  return nodes.map((n) => cut(n, 1));
}
