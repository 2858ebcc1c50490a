/**
 * YANG Patch (RFC 8072): a PATCH whose body is an ietf-yang-patch:yang-patch (application/yang-patch+json or
 * +xml), an ordered list of at most 1,000 edits (create, delete, merge, replace, remove) with targets relative to
 * the request's resource. The edits become one NETCONF edit-config of running (each its own subtree with its nc:operation, in
 * order), so the whole patch is committed or nothing is. insert and move need a list ordered by the user, which the
 * model does not have: refused. The answer is a yang-patch-status: ok, or the errors of the edit that could not be
 * planned (edit-status) or of the commit (global errors).
 */
import type { DNode } from '../netconf/data';
import { MalformedMessageError, NetconfError } from '../netconf/errors';
import { XmlParseError, child, childrenNamed, parseXml } from '../netconf/xml';
import { MAX_BODY_DEPTH, checkIsTarget, editContent, identityNode, jsonToNodes, parseJsonBody, xmlToNode } from './edit';
import { badQuery, errorElementsXml, errorObjects } from './errors';
import type { Encoding } from './media';
import { parseApiPath } from './path';
import type { ConfigObject } from '../config/document';
import { resolveTarget } from './target';

export const YANG_PATCH_NS = 'urn:ietf:params:xml:ns:yang:ietf-yang-patch';
const TYPES: Readonly<Record<string, Encoding>> = { 'application/yang-patch+json': 'json', 'application/yang-patch+xml': 'xml' };
const OPERATIONS = new Set(['create', 'delete', 'insert', 'merge', 'move', 'replace', 'remove']);
/** Most edits in one patch (each is looked up in the configuration before the commit). */
export const MAX_EDITS = 1000;

/** The encoding of a YANG Patch body, undefined for another Content-Type. */
export function yangPatchEncoding(contentType: string | undefined): Encoding | undefined {
  return TYPES[(contentType ?? '').split(';')[0].trim().toLowerCase()];
}

export interface PatchEdit { readonly id: string; readonly operation: string; readonly target: string; readonly value: readonly DNode[] }
export interface YangPatch { readonly patchId: string; readonly edits: readonly PatchEdit[] }

/** An error of one edit (reported in its edit-status). */
export class EditError extends Error {
  constructor(readonly editId: string, readonly error: NetconfError) { super(error.message); }
}

function str(o: Record<string, unknown>, member: string, where: string): string {
  const v = o[member];
  if (typeof v !== 'string' || !v) throw badQuery(`${where} needs ${member} (a string)`);
  return v;
}

function edit(id: string, operation: string, target: string, value: readonly DNode[]): PatchEdit {
  return { id, operation, target, value };
}

function fromJson(text: string, nsOfModule: (m: string) => string | undefined): YangPatch {
  const parsed = parseJsonBody(text);
  const yp = (parsed as Record<string, unknown> | null)?.['ietf-yang-patch:yang-patch'];
  if (yp === null || typeof yp !== 'object' || Array.isArray(yp)) throw badQuery('the body must be an ietf-yang-patch:yang-patch object');
  const o = yp as Record<string, unknown>;
  const patchId = str(o, 'patch-id', 'yang-patch');
  if (!Array.isArray(o.edit) || !o.edit.length) throw badQuery('yang-patch needs at least one edit');
  if (o.edit.length > MAX_EDITS) throw badQuery(`yang-patch has more than ${MAX_EDITS} edits`);
  return {
    patchId,
    edits: o.edit.map((e: unknown, i: number) => {
      if (e === null || typeof e !== 'object' || Array.isArray(e)) throw badQuery(`edit ${i + 1} is not an object`);
      const eo = e as Record<string, unknown>;
      const id = str(eo, 'edit-id', `edit ${i + 1}`);
      const value = eo.value === undefined ? [] : jsonToNodes(eo.value, '', nsOfModule, 2);
      return edit(id, str(eo, 'operation', `edit ${id}`), str(eo, 'target', `edit ${id}`), value);
    }),
  };
}

function fromXml(text: string): YangPatch {
  let root;
  try { root = parseXml(text, { maxDepth: MAX_BODY_DEPTH + 4 }); } catch (e) {
    if (e instanceof XmlParseError) throw new MalformedMessageError(`the body is not well-formed XML: ${e.message}`);
    throw e;
  }
  if (root.name !== 'yang-patch' || root.ns !== YANG_PATCH_NS) throw badQuery(`the body must be a yang-patch element in ${YANG_PATCH_NS}`);
  const text1 = (el: typeof root, name: string, where: string): string => {
    const t = child(el, name, YANG_PATCH_NS)?.text.trim();
    if (!t) throw badQuery(`${where} needs ${name}`);
    return t;
  };
  const edits = childrenNamed(root, 'edit', YANG_PATCH_NS);
  if (!edits.length) throw badQuery('yang-patch needs at least one edit');
  if (edits.length > MAX_EDITS) throw badQuery(`yang-patch has more than ${MAX_EDITS} edits`);
  return {
    patchId: text1(root, 'patch-id', 'yang-patch'),
    edits: edits.map((e, i) => {
      const id = text1(e, 'edit-id', `edit ${i + 1}`);
      const value = child(e, 'value', YANG_PATCH_NS)?.children.map((c) => xmlToNode(c, 3)) ?? [];
      return edit(id, text1(e, 'operation', `edit ${id}`), text1(e, 'target', `edit ${id}`), value);
    }),
  };
}

export function parseYangPatch(text: string, enc: Encoding, nsOfModule: (m: string) => string | undefined): YangPatch {
  return enc === 'json' ? fromJson(text, nsOfModule) : fromXml(text);
}

/** The <config> content of the whole patch; a failing edit throws EditError. basePath: the request's path after /data. */
export function planYangPatch(patch: YangPatch, basePath: string, doc: ConfigObject, nsOfModule: (m: string) => string | undefined): string {
  return patch.edits.map((e) => {
    try {
      if (!OPERATIONS.has(e.operation)) throw badQuery(`operation ${e.operation} is not one of ${[...OPERATIONS].join(', ')}`);
      if (!e.target.startsWith('/')) throw badQuery(`target ${e.target} does not start with /`);
      if (e.operation === 'insert' || e.operation === 'move') throw badQuery(`${e.operation} needs a list ordered by the user; the model has none`);
      const t = resolveTarget(parseApiPath(e.target === '/' ? basePath : `${basePath.replace(/\/+$/, '')}${e.target}`, nsOfModule), doc, 'PATCH', nsOfModule);
      const withValue = e.operation === 'create' || e.operation === 'merge' || e.operation === 'replace';
      if (withValue !== (e.value.length > 0)) throw badQuery(`operation ${e.operation} ${withValue ? 'needs' : 'takes no'} value`);
      if (t.kind === 'datastore') {
        if (e.operation !== 'merge') throw badQuery(`operation ${e.operation} of the whole datastore: only merge (use PUT to replace it)`);
        return editContent(e.value, 'merge', []);
      }
      const ancestors = t.steps.slice(0, -1);
      if (!withValue) return editContent([identityNode(t)], e.operation, ancestors);
      checkIsTarget(e.value, t);
      return editContent(e.value, e.operation, ancestors);
    } catch (err) {
      if (err instanceof NetconfError) throw new EditError(e.id, err);
      throw err;
    }
  }).join('');
}

/** The yang-patch-status of a patch: ok, the errors of one edit, or global errors. */
export function patchStatus(patchId: string, enc: Encoding, moduleOf: (ns: string) => string, failure?: { editId?: string; errors: readonly NetconfError[] }): string {
  if (enc === 'json') {
    const status: Record<string, unknown> = { 'patch-id': patchId };
    if (!failure) status.ok = [null];
    else if (failure.editId !== undefined) status['edit-status'] = { edit: [{ 'edit-id': failure.editId, errors: { error: errorObjects(failure.errors, moduleOf) } }] };
    else status.errors = { error: errorObjects(failure.errors, moduleOf) };
    return JSON.stringify({ 'ietf-yang-patch:yang-patch-status': status });
  }
  const id = patchId.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = !failure ? '<ok/>' : failure.editId !== undefined
    ? `<edit-status><edit><edit-id>${failure.editId.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</edit-id><errors>${errorElementsXml(failure.errors)}</errors></edit></edit-status>`
    : `<errors>${errorElementsXml(failure.errors)}</errors>`;
  return `<yang-patch-status xmlns="${YANG_PATCH_NS}"><patch-id>${id}</patch-id>${body}</yang-patch-status>`;
}
