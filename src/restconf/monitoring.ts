/**
 * ietf-restconf-monitoring data (RFC 8040 section 9): /restconf-state with the server's protocol capabilities
 * (section 9.1: the basic with-defaults mode and one URI per optional query parameter supported) and its event
 * streams (streams.ts) with the location of each encoding, an absolute URL on the address the client used.
 */
import { inner, leaf } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { STREAMS, STREAM_ENCODINGS, streamPath } from './streams';

export const RESTCONF_MONITORING_NS = 'urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring';

/** RFC 8040 section 9.1.1: the basic mode of with-defaults (a leaf equal to its default is reported when set). */
export const DEFAULTS_CAPABILITY = 'urn:ietf:params:restconf:capability:defaults:1.0?basic-mode=explicit';

/** The optional query parameters the server supports, each with its capability URI (RFC 8040 section 9.1.2). */
export const QUERY_CAPABILITIES: readonly { readonly parameter: string; readonly uri: string }[] = [
  { parameter: 'depth', uri: 'urn:ietf:params:restconf:capability:depth:1.0' },
  { parameter: 'with-defaults', uri: 'urn:ietf:params:restconf:capability:with-defaults:1.0' },
  { parameter: 'fields', uri: 'urn:ietf:params:restconf:capability:fields:1.0' },
  { parameter: 'filter', uri: 'urn:ietf:params:restconf:capability:filter:1.0' },
];

/** Other capabilities: YANG Patch (RFC 8072 section 4.1), served by PATCH with an application/yang-patch body. */
export const OTHER_CAPABILITIES: readonly string[] = ['urn:ietf:params:restconf:capability:yang-patch:1.0'];

/** A leaf-list value (JSON arrays). */
const listed = (name: string, ns: string, value: string): DNode => leaf(name, ns, value, undefined, { type: { base: 'text' }, value, multi: true });

/** The /restconf-state node; baseUrl is scheme://host[:port] of the server as the client reaches it. */
export function restconfStateNode(baseUrl: string): DNode {
  const M = RESTCONF_MONITORING_NS;
  return inner('restconf-state', M, [
    inner('capabilities', M, [DEFAULTS_CAPABILITY, ...QUERY_CAPABILITIES.map((q) => q.uri), ...OTHER_CAPABILITIES].map((c) => listed('capability', M, c))),
    inner('streams', M, STREAMS.map((s) => inner('stream', M, [
      leaf('name', M, s.name),
      leaf('description', M, s.description),
      leaf('replay-support', M, String(s.replay), undefined, { type: { base: 'boolean' }, value: s.replay }),
      ...STREAM_ENCODINGS.map((enc) => inner('access', M, [leaf('encoding', M, enc), leaf('location', M, `${baseUrl}${streamPath(s.name, enc)}`)], 1)),
    ], 1))),
  ]);
}

/** scheme://host of a request: its Host header when it is a plain host[:port], else the address it came in on. */
export function baseUrlOf(req: { headers: Record<string, string | string[] | undefined>; socket: { localAddress?: string; localPort?: number } }): string {
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  const host = req.headers.host;
  if (typeof host === 'string' && /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return `${proto}://${host}`;
  const a = req.socket.localAddress ?? '127.0.0.1';
  return `${proto}://${a.includes(':') ? `[${a}]` : a}:${req.socket.localPort ?? 80}`;
}
