/**
 * RESTCONF errors (RFC 8040 section 7): the NETCONF error classes (src/netconf/errors.ts) with the HTTP status
 * of their error-tag, written as an ietf-restconf:errors document in JSON or XML. STATUS_OF_TAG is the one
 * table from error-tag to status; the few statuses the table cannot tell (401 before a user is known, 404 of an
 * unknown resource, 405, 406, 415) are RestconfError instances that carry their own status.
 */
import { NetconfError, asNetconfError } from '../netconf/errors';
import type { ErrorTag, ErrorType, RpcErrorFields } from '../netconf/errors';
import { escapeText } from '../netconf/xml';

export const RESTCONF_NS = 'urn:ietf:params:xml:ns:yang:ietf-restconf';

/** RFC 8040 section 7, table of error-tag to status-code (the first status where it lists several). */
export const STATUS_OF_TAG: Readonly<Record<ErrorTag, number>> = {
  'in-use': 409, 'invalid-value': 400, 'too-big': 413, 'missing-attribute': 400, 'bad-attribute': 400,
  'unknown-attribute': 400, 'bad-element': 400, 'unknown-element': 400, 'unknown-namespace': 400,
  'access-denied': 403, 'lock-denied': 409, 'resource-denied': 409, 'rollback-failed': 500, 'data-exists': 409,
  'data-missing': 409, 'operation-not-supported': 405, 'operation-failed': 500, 'partial-operation': 500,
  'malformed-message': 400, 'missing-element': 400,
};

/** An error whose status is not the one of its tag in STATUS_OF_TAG (RFC 8040 lists several for some tags). */
export class RestconfError extends NetconfError {
  override readonly name = 'RestconfError';
  constructor(readonly status: number, tag: ErrorTag, type: ErrorType, message: string, fields: RpcErrorFields = {}) {
    super(tag, message, { ...fields, type });
  }
}

export const unauthenticated = (): RestconfError => new RestconfError(401, 'access-denied', 'protocol', 'authentication required');
export const unknownResource = (what: string): RestconfError => new RestconfError(404, 'invalid-value', 'protocol', `no resource ${what}`);
/** 405, with the methods the resource allows (for the Allow header). */
export class MethodNotAllowedError extends RestconfError {
  constructor(method: string, readonly allow: string) {
    super(405, 'operation-not-supported', 'protocol', `method ${method} is not allowed here (allowed: ${allow})`);
  }
}
export const methodNotAllowed = (method: string, allow: string): RestconfError => new MethodNotAllowedError(method, allow);
export const notAcceptable = (accept: string): RestconfError =>
  new RestconfError(406, 'invalid-value', 'protocol', `none of ${accept} can be served: application/yang-data+json or application/yang-data+xml`);
export const unsupportedMediaType = (type: string): RestconfError =>
  new RestconfError(415, 'invalid-value', 'protocol', `content type ${type} is not application/yang-data+json or application/yang-data+xml`);
export const badQuery = (message: string): RestconfError => new RestconfError(400, 'invalid-value', 'protocol', message);

export function statusOf(e: NetconfError): number {
  return e instanceof RestconfError ? e.status : STATUS_OF_TAG[e.tag];
}

function infoObject(e: NetconfError): Record<string, string> | undefined {
  const items = e.fields.info ?? [];
  return items.length ? Object.fromEntries(items.map((i) => [i.name, i.value])) : undefined;
}

/**
 * An error-path in its JSON form (RFC 7951 section 6.11): each prefix becomes its module name, written only where
 * the module changes from the parent step ("/bcm:a/bcm:b[bcm:k='x']" is "/blockchain-mgmt:a/b[k='x']").
 */
export function jsonErrorPath(path: string, namespaces: Readonly<Record<string, string>>, moduleOf: (ns: string) => string): string {
  let out = '';
  let stepModule = '';
  let parentModule = '';
  for (let i = 0; i < path.length;) {
    const c = path[i];
    if (c === '\'' || c === '"') {
      const end = path.indexOf(c, i + 1);
      const stop = end < 0 ? path.length : end + 1;
      // a literal that is an identity (prefix:name of a declared prefix) takes its module's name, as a JSON value does
      const lit = /^([A-Za-z_][A-Za-z0-9_.-]*):([A-Za-z_][A-Za-z0-9_.-]*)$/.exec(path.slice(i + 1, stop - 1));
      out += lit && namespaces[lit[1]] !== undefined ? `${c}${moduleOf(namespaces[lit[1]])}:${lit[2]}${c}` : path.slice(i, stop);
      i = stop;
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*):(?=[A-Za-z_])/.exec(path.slice(i, i + 200));
    if (m && (i === 0 || /[/[\s(=,]/.test(path[i - 1]))) {
      const ns = namespaces[m[1]];
      const module = ns === undefined ? m[1] : moduleOf(ns);
      const inStep = path[i - 1] === '/';
      if (inStep) { parentModule = stepModule; stepModule = module; }
      const context = inStep ? parentModule : stepModule;
      if (module !== context) out += `${module}:`;
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** The error list entries of an errors document (RFC 8040 section 7.1) as JSON objects (error-path in JSON form when moduleOf is given). */
export function errorObjects(errors: readonly NetconfError[], moduleOf?: (ns: string) => string): Record<string, unknown>[] {
  return errors.map((e) => {
    const o: Record<string, unknown> = { 'error-type': e.type, 'error-tag': e.tag };
    if (e.fields.appTag) o['error-app-tag'] = e.fields.appTag;
    if (e.fields.path) o['error-path'] = moduleOf ? jsonErrorPath(e.fields.path, e.fields.pathNamespaces ?? {}, moduleOf) : e.fields.path;
    o['error-message'] = e.message;
    const info = infoObject(e);
    if (info) o['error-info'] = info;
    return o;
  });
}

/** RFC 8040 section 7.1 errors document, application/yang-data+json. */
export function errorsJson(errors: readonly NetconfError[], moduleOf?: (ns: string) => string): string {
  return JSON.stringify({ 'ietf-restconf:errors': { error: errorObjects(errors, moduleOf) } });
}

/** The <error> elements of an errors document (in the namespace of the enclosing element). */
export function errorElementsXml(errors: readonly NetconfError[]): string {
  const out: string[] = [];
  for (const e of errors) {
    out.push(`<error><error-type>${e.type}</error-type><error-tag>${e.tag}</error-tag>`);
    if (e.fields.appTag) out.push(`<error-app-tag>${escapeText(e.fields.appTag)}</error-app-tag>`);
    if (e.fields.path) {
      const decls = Object.entries(e.fields.pathNamespaces ?? {}).map(([p, u]) => ` xmlns:${p}="${escapeText(u)}"`).join('');
      out.push(`<error-path${decls}>${escapeText(e.fields.path)}</error-path>`);
    }
    out.push(`<error-message>${escapeText(e.message)}</error-message>`);
    const info = infoObject(e);
    if (info) out.push(`<error-info>${Object.entries(info).map(([k, v]) => `<${k}>${escapeText(v)}</${k}>`).join('')}</error-info>`);
    out.push('</error>');
  }
  return out.join('');
}

/** The same document, application/yang-data+xml. */
export function errorsXml(errors: readonly NetconfError[]): string {
  return `<errors xmlns="${RESTCONF_NS}">${errorElementsXml(errors)}</errors>`;
}

export { asNetconfError };
