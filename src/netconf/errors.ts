/**
 * NETCONF <rpc-error> (RFC 6241 section 4.3 and Appendix A) as typed errors. Operations throw these; the
 * dispatcher renders them. Each class fixes the error-tag; the error-type defaults to the layer RFC 6241
 * gives for the tag.
 */
import { escapeText } from './xml';
import { NC_NS } from './namespaces';

export type ErrorType = 'transport' | 'rpc' | 'protocol' | 'application';
export type ErrorTag =
  | 'in-use' | 'invalid-value' | 'too-big' | 'missing-attribute' | 'bad-attribute' | 'unknown-attribute'
  | 'missing-element' | 'bad-element' | 'unknown-element' | 'unknown-namespace' | 'access-denied'
  | 'lock-denied' | 'resource-denied' | 'rollback-failed' | 'data-exists' | 'data-missing'
  | 'operation-not-supported' | 'operation-failed' | 'partial-operation' | 'malformed-message';

/** error-info contents: element name → text, in the NETCONF base namespace unless ns is given. */
export interface ErrorInfoItem { readonly name: string; readonly value: string; readonly ns?: string }

export interface RpcErrorFields {
  readonly type?: ErrorType;
  /** error-path: an absolute XPath expression with prefixes, and the namespaces of those prefixes. */
  readonly path?: string;
  readonly pathNamespaces?: Readonly<Record<string, string>>;
  readonly appTag?: string;
  readonly info?: readonly ErrorInfoItem[];
  readonly severity?: 'error' | 'warning';
}

export class NetconfError extends Error {
  override readonly name: string = 'NetconfError';
  readonly type: ErrorType;
  constructor(readonly tag: ErrorTag, message: string, readonly fields: RpcErrorFields = {}, defaultType: ErrorType = 'application') {
    super(message);
    this.type = fields.type ?? defaultType;
  }

  /** The <rpc-error> element (in the base namespace, declared by the enclosing rpc-reply). */
  toXml(): string {
    const f = this.fields;
    const parts = [`<rpc-error><error-type>${this.type}</error-type><error-tag>${this.tag}</error-tag>`,
      `<error-severity>${f.severity ?? 'error'}</error-severity>`];
    if (f.appTag) parts.push(`<error-app-tag>${escapeText(f.appTag)}</error-app-tag>`);
    if (f.path) {
      const decls = Object.entries(f.pathNamespaces ?? {}).map(([p, u]) => ` xmlns:${p}="${escapeText(u)}"`).join('');
      parts.push(`<error-path${decls}>${escapeText(f.path)}</error-path>`);
    }
    parts.push(`<error-message xml:lang="en">${escapeText(this.message)}</error-message>`);
    if (f.info?.length) {
      parts.push('<error-info>');
      for (const i of f.info) {
        parts.push(i.ns && i.ns !== NC_NS ? `<${i.name} xmlns="${escapeText(i.ns)}">${escapeText(i.value)}</${i.name}>` : `<${i.name}>${escapeText(i.value)}</${i.name}>`);
      }
      parts.push('</error-info>');
    }
    parts.push('</rpc-error>');
    return parts.join('');
  }
}

/** The element of an error-info bad-element / bad-attribute. */
const info = (name: string, value: string | undefined): ErrorInfoItem[] => (value === undefined ? [] : [{ name, value }]);

export class InUseError extends NetconfError {
  override readonly name = 'InUseError';
  constructor(message: string, f: RpcErrorFields = {}) { super('in-use', message, f, 'protocol'); }
}
export class InvalidValueError extends NetconfError {
  override readonly name = 'InvalidValueError';
  constructor(message: string, f: RpcErrorFields = {}) { super('invalid-value', message, f, 'application'); }
}
export class TooBigError extends NetconfError {
  override readonly name = 'TooBigError';
  constructor(message: string, f: RpcErrorFields = {}) { super('too-big', message, f, 'rpc'); }
}
export class MissingAttributeError extends NetconfError {
  override readonly name = 'MissingAttributeError';
  constructor(attribute: string, element: string, f: RpcErrorFields = {}) {
    super('missing-attribute', `attribute ${attribute} is missing on <${element}>`, { ...f, info: [...info('bad-attribute', attribute), ...info('bad-element', element)] }, 'rpc');
  }
}
export class BadAttributeError extends NetconfError {
  override readonly name = 'BadAttributeError';
  constructor(attribute: string, element: string, message: string, f: RpcErrorFields = {}) {
    super('bad-attribute', message, { ...f, info: [...info('bad-attribute', attribute), ...info('bad-element', element)] }, 'protocol');
  }
}
export class UnknownAttributeError extends NetconfError {
  override readonly name = 'UnknownAttributeError';
  constructor(attribute: string, element: string, f: RpcErrorFields = {}) {
    super('unknown-attribute', `unknown attribute ${attribute} on <${element}>`, { ...f, info: [...info('bad-attribute', attribute), ...info('bad-element', element)] }, 'protocol');
  }
}
export class MissingElementError extends NetconfError {
  override readonly name = 'MissingElementError';
  constructor(element: string, message: string, f: RpcErrorFields = {}) {
    super('missing-element', message, { ...f, info: info('bad-element', element) }, 'protocol');
  }
}
export class BadElementError extends NetconfError {
  override readonly name = 'BadElementError';
  constructor(element: string, message: string, f: RpcErrorFields = {}) {
    super('bad-element', message, { ...f, info: info('bad-element', element) }, 'protocol');
  }
}
export class UnknownElementError extends NetconfError {
  override readonly name = 'UnknownElementError';
  constructor(element: string, message: string, f: RpcErrorFields = {}) {
    super('unknown-element', message, { ...f, info: info('bad-element', element) }, 'protocol');
  }
}
export class UnknownNamespaceError extends NetconfError {
  override readonly name = 'UnknownNamespaceError';
  constructor(element: string, namespace: string, f: RpcErrorFields = {}) {
    super('unknown-namespace', `namespace ${namespace || '(none)'} of <${element}> is not known`,
      { ...f, info: [...info('bad-element', element), ...info('bad-namespace', namespace)] }, 'protocol');
  }
}
export class AccessDeniedError extends NetconfError {
  override readonly name = 'AccessDeniedError';
  constructor(message: string, f: RpcErrorFields = {}) { super('access-denied', message, f, 'protocol'); }
}
export class LockDeniedError extends NetconfError {
  override readonly name = 'LockDeniedError';
  constructor(readonly holder: number, message: string) {
    super('lock-denied', message, { info: [{ name: 'session-id', value: String(holder) }] }, 'protocol');
  }
}
export class ResourceDeniedError extends NetconfError {
  override readonly name = 'ResourceDeniedError';
  constructor(message: string, f: RpcErrorFields = {}) { super('resource-denied', message, f, 'transport'); }
}
export class DataExistsError extends NetconfError {
  override readonly name = 'DataExistsError';
  constructor(message: string, f: RpcErrorFields = {}) { super('data-exists', message, f, 'application'); }
}
export class DataMissingError extends NetconfError {
  override readonly name = 'DataMissingError';
  constructor(message: string, f: RpcErrorFields = {}) { super('data-missing', message, f, 'application'); }
}
export class OperationNotSupportedError extends NetconfError {
  override readonly name = 'OperationNotSupportedError';
  constructor(message: string, f: RpcErrorFields = {}) { super('operation-not-supported', message, f, 'protocol'); }
}
export class OperationFailedError extends NetconfError {
  override readonly name = 'OperationFailedError';
  constructor(message: string, f: RpcErrorFields = {}) { super('operation-failed', message, f, 'application'); }
}
export class MalformedMessageError extends NetconfError {
  override readonly name = 'MalformedMessageError';
  constructor(message: string) { super('malformed-message', message, {}, 'rpc'); }
}

/** Any thrown value as a NetconfError (unexpected errors become operation-failed, without internals). */
export function asNetconfError(e: unknown): NetconfError {
  if (e instanceof NetconfError) return e;
  return new OperationFailedError(`internal error: ${e instanceof Error ? e.message : String(e)}`);
}
