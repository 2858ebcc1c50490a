/**
 * RESTCONF media types (RFC 8040 section 5.2): the encoding of a reply chosen by Accept (JSON when the client
 * takes anything), and the encoding of a request body by Content-Type.
 */
import { notAcceptable, unsupportedMediaType } from './errors';

export type Encoding = 'json' | 'xml';
export const MEDIA_TYPE: Readonly<Record<Encoding, string>> = { json: 'application/yang-data+json', xml: 'application/yang-data+xml' };

const OF_TYPE: Readonly<Record<string, Encoding>> = {
  'application/yang-data+json': 'json', 'application/json': 'json', 'application/yang-data+xml': 'xml', 'application/xml': 'xml', 'text/xml': 'xml',
};

/** The reply encoding for an Accept header (q-values honoured; ties go to the first listed). */
export function negotiate(accept: string | undefined): Encoding {
  if (!accept || !accept.trim()) return 'json';
  const ranges = accept.split(',').map((r, i) => {
    const [type, ...params] = r.trim().toLowerCase().split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1, i };
  }).filter((r) => r.q > 0 && Number.isFinite(r.q)).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (OF_TYPE[r.type]) return OF_TYPE[r.type];
    if (r.type === '*/*' || r.type === 'application/*') return 'json';
  }
  throw notAcceptable(accept);
}

/** The encoding of a request body; a missing or other Content-Type is refused with 415. */
export function bodyEncoding(contentType: string | undefined): Encoding {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const e = OF_TYPE[t];
  if (!e) throw unsupportedMediaType(t || '(none)');
  return e;
}
