/**
 * Parameters of NETCONF operations: the allowed parameter elements, <source>/<target> datastores, and
 * <filter> (subtree or XPath, RFC 6241 section 6 and 8.9) with how a filter selects from data nodes.
 */
import type { DatastoreName } from '../config/datastore';
import type { DNode } from './data';
import {
  BadAttributeError, BadElementError, InvalidValueError, MissingAttributeError, MissingElementError, OperationFailedError, OperationNotSupportedError,
  TooBigError, UnknownElementError, UnknownNamespaceError,
} from './errors';
import { subtreeFilter } from './filter';
import { NC_NS, NCWD_NS } from './namespaces';
import { attr, child } from './xml';
import type { XmlElement } from './xml';
import { FilterBudgetError } from './work-budget';
import { ALL, subtreeProjection } from './projection';
import type { Projection } from './projection';
import { xpathProjection } from './xpath-projection';
import { XPathError, XPathLimitError, parseXPath, xpathFilter, xpathFilterAsync } from './xpath';

export interface Filter {
  readonly kind: 'subtree' | 'xpath';
  readonly el: XmlElement;
  readonly select?: string;
}

export function checkParams(op: XmlElement, allowed: readonly string[]): void {
  for (const c of op.children) {
    // Unqualified parameters are taken as NETCONF's: ncclient users often pass a bare <config> string.
    // <with-defaults> of RFC 6243 is in its own module's namespace (ietf-netconf-with-defaults augments the operations).
    const withDefaults = c.ns === NCWD_NS && c.name === 'with-defaults';
    if (c.ns !== NC_NS && c.ns !== '' && !withDefaults && !(op.ns !== NC_NS && c.ns === op.ns)) throw new UnknownNamespaceError(c.name, c.ns);
    if (!allowed.includes(c.name)) throw new UnknownElementError(c.name, `<${op.name}> has no parameter <${c.name}>`);
  }
}

/**
 * Retrieval modes of RFC 6243: explicit (the basic mode: values set by a client, as stored), report-all (every
 * configuration leaf that has a default too), trim (leaves equal to their default left out). report-all-tagged
 * is not offered.
 */
export type WithDefaultsMode = 'explicit' | 'report-all' | 'trim';
export const WITH_DEFAULTS_MODES: readonly WithDefaultsMode[] = ['explicit', 'report-all', 'trim'];

/** The <with-defaults> parameter of get, get-config and copy-config (RFC 6243 section 4.5); explicit when absent. */
export function withDefaultsOf(op: XmlElement): WithDefaultsMode {
  const p = child(op, 'with-defaults'); // checkParams admits only its namespace (or NETCONF's, unqualified)
  if (!p) return 'explicit';
  const mode = p.text.trim();
  if ((WITH_DEFAULTS_MODES as readonly string[]).includes(mode)) return mode as WithDefaultsMode;
  const why = mode === 'report-all-tagged' ? 'report-all-tagged is not supported' : `with-defaults ${mode} is not one of report-all, report-all-tagged, trim, explicit`;
  throw new InvalidValueError(`${why} (supported: ${WITH_DEFAULTS_MODES.join(', ')})`, { info: [{ name: 'bad-element', value: 'with-defaults' }] });
}

/** The datastore named by <source> or <target>, or (allowConfig) an inline <config>. */
export function datastoreParam(op: XmlElement, param: 'source' | 'target', allowConfig = false): DatastoreName | XmlElement {
  const p = child(op, param, op.ns === NC_NS ? NC_NS : undefined);
  if (!p) throw new MissingElementError(param, `<${op.name}> needs <${param}>`);
  if (p.children.length !== 1) throw new BadElementError(param, `<${param}> names exactly one datastore`);
  const d = p.children[0];
  if (d.name === 'config' && allowConfig) return d;
  if (d.name === 'running' || d.name === 'startup') return d.name;
  if (d.name === 'candidate') throw new OperationNotSupportedError('there is no candidate datastore (:candidate is not supported)');
  if (d.name === 'url') throw new OperationNotSupportedError(':url is not supported');
  throw new BadElementError(param, `unknown datastore ${d.name}`);
}

export function filterOf(op: XmlElement): Filter | undefined {
  const f = child(op, 'filter');
  if (!f) return undefined;
  const type = attr(f, 'type') ?? 'subtree';
  if (type === 'subtree') return { kind: 'subtree', el: f };
  if (type === 'xpath') {
    const select = attr(f, 'select');
    if (select === undefined) throw new MissingAttributeError('select', 'filter');
    try { parseXPath(select, (p) => f.scope.get(p)); } catch (e) {
      throw filterError(e);
    }
    return { kind: 'xpath', el: f, select };
  }
  throw new BadAttributeError('type', 'filter', `filter type ${type} is not one of subtree, xpath`);
}

export function applyFilter(nodes: readonly DNode[], f: Filter | undefined): DNode[] {
  if (!f) return [...nodes];
  try {
    if (f.kind === 'subtree') return subtreeFilter(nodes, f.el);
    return xpathFilter(nodes, f.select!, (p) => f.el.scope.get(p));
  } catch (e) {
    throw filterError(e);
  }
}

/** applyFilter for replies: an XPath filter gives the event loop back while it is evaluated. */
export async function applyFilterAsync(nodes: readonly DNode[], f: Filter | undefined): Promise<DNode[]> {
  if (f?.kind !== 'xpath') return applyFilter(nodes, f);
  try {
    return await xpathFilterAsync(nodes, f.select!, (p) => f.el.scope.get(p));
  } catch (e) {
    throw filterError(e);
  }
}

/**
 * A filter's error as an rpc-error: a bad select expression (syntax, undeclared prefix) is invalid-value, an
 * expression over the size bounds too-big (RFC 6241 Appendix A: the request is too large for the implementation),
 * both naming the select attribute; a filter that exhausts its evaluation budget is operation-failed. Any other
 * error is returned as it is.
 */
function filterError(e: unknown): unknown {
  const info = [{ name: 'bad-attribute', value: 'select' }, { name: 'bad-element', value: 'filter' }];
  if (e instanceof XPathLimitError) return new TooBigError(`XPath filter: ${e.message}`, { type: 'application', info });
  if (e instanceof XPathError) return new InvalidValueError(`XPath filter: ${e.message}`, { info });
  if (e instanceof FilterBudgetError) return new OperationFailedError(e.message, { appTag: 'filter-step-budget' });
  return e;
}

/**
 * The part of the top-level data a filter may select or look at (everything without a filter): the renderers
 * build only that, and the filter then runs on it.
 */
export function filterProjection(f: Filter | undefined): Projection {
  if (!f) return ALL;
  if (f.kind === 'subtree') return f.el.children.length ? subtreeProjection(f.el.children) : { kids: new Map() };
  return xpathProjection(f.select!, (p) => f.el.scope.get(p));
}

/** Whether a top-level node may be selected by the filter (saves building data nobody asked for). */
export function wants(f: Filter | undefined, name: string, ns: string): boolean {
  if (!f) return true;
  if (f.kind === 'xpath') {
    if (f.select!.includes('|')) return true;
    const steps = /^\s*\/([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/[]|$)/.exec(f.select!);
    if (!steps) return true;
    const prefix = steps[1]?.slice(0, -1);
    return steps[2] === name && (!prefix || f.el.scope.get(prefix) === ns);
  }
  return f.el.children.some((c) => c.name === name && (c.ns === '' || c.ns === ns));
}
