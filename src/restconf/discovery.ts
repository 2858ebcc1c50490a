/**
 * RESTCONF root discovery (RFC 8040 section 3.1) and the API resources that are not data: the host-meta XRD
 * document pointing at {+restconf}, the root resource, yang-library-version and operations (the RPCs of
 * invoke.ts; the model's node actions are under data).
 */
import { escapeAttr } from '../netconf/xml';
import { RESTCONF_RPCS } from './invoke';
import { RESTCONF_NS } from './errors';
import type { Encoding } from './media';

export const RESTCONF_ROOT = '/restconf';
/** Revision of ietf-yang-library the server implements (RFC 8525). */
export const YANG_LIBRARY_VERSION = '2019-01-04';

export function hostMeta(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="restconf" href="${RESTCONF_ROOT}"/>\n</XRD>\n`;
}

export function yangLibraryVersion(enc: Encoding): string {
  return enc === 'json' ? JSON.stringify({ 'ietf-restconf:yang-library-version': YANG_LIBRARY_VERSION })
    : `<yang-library-version xmlns="${RESTCONF_NS}">${YANG_LIBRARY_VERSION}</yang-library-version>`;
}

/** The operations resource (RFC 8040 section 3.3.2): one empty leaf per RPC, [null] in JSON. */
export function operations(enc: Encoding): string {
  if (enc === 'json') return JSON.stringify({ 'ietf-restconf:operations': Object.fromEntries(RESTCONF_RPCS.map((r) => [`${r.module}:${r.name}`, [null]])) });
  return `<operations xmlns="${RESTCONF_NS}">${RESTCONF_RPCS.map((r) => `<${r.name} xmlns="${escapeAttr(r.ns)}"/>`).join('')}</operations>`;
}

export function rootResource(enc: Encoding): string {
  return enc === 'json'
    ? JSON.stringify({ 'ietf-restconf:restconf': { data: {}, operations: {}, 'yang-library-version': YANG_LIBRARY_VERSION } })
    : `<restconf xmlns="${RESTCONF_NS}"><data/><operations/><yang-library-version>${YANG_LIBRARY_VERSION}</yang-library-version></restconf>`;
}
