/**
 * The RESTCONF "fields" query parameter (RFC 8040 section 4.8.3) as a projection (src/netconf/projection.ts) of the
 * target resource, so that the renderers build only the fields asked for:
 *
 *   fields-expr = item *(";" item)      item = path ["(" fields-expr ")"]      path = api-identifier *("/" api-identifier)
 *
 * An api-identifier is [module ":"] name; a name without a module is in its parent's module, and at the datastore
 * level (no target) the first name of a path needs its module. A path selects the descendant it names, whole, with
 * its ancestors up to the target (list entries with their keys); "a(b;c)" selects b and c below a. A malformed
 * expression, an unknown module or an expression over the bounds is 400 invalid-value.
 */
import { ALL, mergeProjections } from '../netconf/projection';
import type { Projection } from '../netconf/projection';
import { badQuery } from './errors';

/** Bounds of an expression: characters and nesting of parentheses. */
export const FIELDS_LIMITS = { maxLength: 4096, maxNesting: 16 } as const;

const IDENT = /(?:([A-Za-z_][A-Za-z0-9_.-]*):)?([A-Za-z_][A-Za-z0-9_.-]*)/y;

class FieldsParser {
  private i = 0;
  constructor(private readonly src: string, private readonly nsOfModule: (module: string) => string | undefined) {}

  private fail(why: string): never {
    throw badQuery(`fields=${this.src} is not a fields expression (RFC 8040 section 4.8.3): ${why} at character ${this.i + 1}`);
  }

  parse(topLevel: boolean): Projection {
    const p = this.expr(topLevel, 0);
    if (this.i < this.src.length) this.fail(`unexpected ${JSON.stringify(this.src[this.i])}`);
    return p;
  }

  private expr(needModule: boolean, depth: number): Projection {
    if (depth > FIELDS_LIMITS.maxNesting) this.fail(`parentheses nested deeper than ${FIELDS_LIMITS.maxNesting}`);
    const items: Projection[] = [this.item(needModule, depth)];
    while (this.src[this.i] === ';') { this.i++; items.push(this.item(needModule, depth)); }
    return mergeProjections(items);
  }

  private item(needModule: boolean, depth: number): Projection {
    const names: string[] = [this.ident(needModule)];
    while (this.src[this.i] === '/') { this.i++; names.push(this.ident(false)); }
    let sub: Projection = ALL;
    if (this.src[this.i] === '(') {
      this.i++;
      sub = this.expr(false, depth + 1);
      if (this.src[this.i] !== ')') this.fail('expected ")"');
      this.i++;
    }
    for (const name of names.reverse()) sub = { kids: new Map([[name, [{ match: new Map(), sub }]]]) };
    return sub;
  }

  private ident(needModule: boolean): string {
    IDENT.lastIndex = this.i;
    const m = IDENT.exec(this.src);
    if (!m) this.fail('expected a node name');
    if (m[1] !== undefined && this.nsOfModule(m[1]) === undefined) throw badQuery(`fields: unknown module ${m[1]}`);
    if (m[1] === undefined && needModule) this.fail(`the name ${m[2]} at the datastore level needs its module (module:${m[2]})`);
    this.i = IDENT.lastIndex;
    return m[2];
  }
}

/** The projection of the target (topLevel: of the datastore's top-level nodes) that a fields expression selects. */
export function parseFields(src: string, topLevel: boolean, nsOfModule: (module: string) => string | undefined): Projection {
  if (src.length > FIELDS_LIMITS.maxLength) throw badQuery(`fields is longer than ${FIELDS_LIMITS.maxLength} characters`);
  if (src === '') throw badQuery('fields is empty');
  return new FieldsParser(src, nsOfModule).parse(topLevel);
}
