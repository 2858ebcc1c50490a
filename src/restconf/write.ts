/**
 * RESTCONF writes on configuration (RFC 8040 sections 4.4-4.7), each one NETCONF edit-config of running through
 * the RPC layer (same access check, lock, validation, commit and audit as NETCONF and SNMP SET):
 *
 *   POST    create the one child resource of the body under the target: 201 + Location; data-exists (409) when present
 *   PUT     create or replace the target: 201 when created, 204 when replaced
 *   PATCH   plain patch, merge into the target, which must exist (404): 204
 *   DELETE  remove the target: 204; data-missing (409) when absent
 *
 * Bodies in JSON (RFC 7951) or XML by Content-Type. Conditional headers (If-Match, If-None-Match,
 * If-Unmodified-Since) are checked against the running datastore's entity-tag in the same turn of the event loop
 * as the commit, so no other commit comes between; every success carries the new ETag and Last-Modified.
 */
import type { Request, Response } from 'express';
import type { User } from '../netconf/auth';
import { inner, leaf } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { AccessDeniedError, TooBigError } from '../netconf/errors';
import type { DefaultOperation } from '../netconf/edit';
import { OUR_NS, classYang } from '../netconf/schema';
import { modelIndex } from '../model';
import { checkIsTarget, editContent, identityNode, parseBody } from './edit';
import { asNetconfError, badQuery, methodNotAllowed, statusOf, unknownResource } from './errors';
import { checkPreconditions, datastoreVersion, versionHeaders } from './etag';
import { MEDIA_TYPE, bodyEncoding } from './media';
import type { Encoding } from './media';
import { parseApiPath } from './path';
import type { RestconfSource } from './datastore';
import { resolveTarget } from './target';
import type { TargetStep, WriteTarget } from './target';
import { EditError, parseYangPatch, patchStatus, planYangPatch, yangPatchEncoding } from './yang-patch';
import { RpcErrors } from '../netconf/edit';

/** One edit-config of running by the user with this <config> content; throws its NetconfError. */
export type EditRunning = (user: User, config: string, defaultOperation: DefaultOperation) => Promise<void>;

export interface WriteContext {
  readonly src: RestconfSource;
  readonly nsOfModule: (module: string) => string | undefined;
  /** The request body, undefined past the size limit (then 413). */
  readonly readBody: (req: Request) => Promise<Buffer | undefined>;
  readonly edit: EditRunning;
}

/** Methods of a configuration data resource (the Allow header). */
export const DATA_METHODS = 'GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE';

/** The path segment of a new child resource (RFC 8040 section 3.5.3), for Location. */
function childSegment(t: WriteTarget, child: DNode, moduleOf: (ns: string) => string): string {
  // a value as a path names it: an identity with its module's name, not an XML prefix
  const text = (n: DNode | undefined): string => {
    const v = n?.value?.trim() ?? '';
    return n?.valueNs === undefined ? v : `${moduleOf(n.valueNs)}:${v.slice(v.indexOf(':') + 1)}`;
  };
  const parent = t.steps[t.steps.length - 1];
  const name = parent && parent.ns === child.ns ? child.name : `${moduleOf(child.ns)}:${child.name}`;
  const cls = t.kind === 'datastore' ? undefined : classYang(t.cls ?? modelIndex.root).children.get(child.name);
  if (cls?.kind === 'list') {
    const keys = classYang(cls).keyNames.map((k) => text((child.children ?? []).find((c) => c.name === k)));
    return `${name}=${keys.map(encodeURIComponent).join(',')}`;
  }
  const a = t.kind === 'datastore' ? undefined : classYang(t.cls ?? modelIndex.root).leaves.get(child.name);
  return a?.multi && child.value !== undefined ? `${name}=${encodeURIComponent(text(child))}` : name;
}

interface Plan { readonly config: string; readonly defaultOperation: DefaultOperation; readonly status: number; readonly location?: string }

function plan(method: string, t: WriteTarget, body: readonly DNode[], ancestors: readonly TargetStep[], req: Request, moduleOf: (ns: string) => string): Plan {
  switch (method) {
    case 'DELETE':
      if (t.kind === 'datastore') throw methodNotAllowed(method, 'GET, HEAD, OPTIONS, POST, PUT, PATCH');
      return { config: editContent([identityNode(t)], 'delete', ancestors), defaultOperation: 'none', status: 204 };
    case 'PUT':
      if (t.kind === 'datastore') {
        // the whole configuration: our module's top node replaced, or removed when the body does not hold it
        const root = classYang(modelIndex.root);
        const ours = body.filter((n) => n.name === root.name && n.ns === OUR_NS);
        return { config: ours.length ? editContent(body, 'replace', []) : editContent([inner(root.name, OUR_NS, [])], 'remove', []), defaultOperation: 'none', status: 204 };
      }
      checkIsTarget(body, t);
      return { config: editContent(body, 'replace', ancestors), defaultOperation: 'none', status: t.exists ? 204 : 201 };
    case 'PATCH':
      if (t.kind === 'datastore') return { config: editContent(body, undefined, []), defaultOperation: 'merge', status: 204 };
      if (!t.exists && t.kind !== 'container') throw unknownResource(req.path);
      checkIsTarget(body, t);
      return { config: editContent(body, 'merge', ancestors), defaultOperation: 'none', status: 204 };
    default: { // POST
      if (t.kind !== 'datastore' && t.kind !== 'container' && t.kind !== 'entry') throw methodNotAllowed(method, 'GET, HEAD, OPTIONS, PUT, PATCH, DELETE');
      if (t.kind === 'entry' && !t.exists) throw unknownResource(req.path);
      if (body.length !== 1) throw badQuery(`the body must hold exactly one child resource to create (it holds ${body.length})`);
      const base = req.path.replace(/\/+$/, '');
      return { config: editContent(body, 'create', t.steps), defaultOperation: 'none', status: 201, location: `${base}/${childSegment(t, body[0], moduleOf)}` };
    }
  }
}

/** A YANG Patch (RFC 8072) of {+restconf}/data{path}: one edit-config of all its edits; the answer is a yang-patch-status. */
async function yangPatch(ctx: WriteContext, req: Request, res: Response, user: User, path: string, text: string, enc: Encoding, replyEnc: Encoding,
  moduleOf: (ns: string) => string): Promise<void> {
  const patch = parseYangPatch(text, enc, ctx.nsOfModule);
  const send = (status: number, failure?: Parameters<typeof patchStatus>[3]): void => {
    res.status(status).set('Content-Type', MEDIA_TYPE[replyEnc]).set('Cache-Control', 'no-cache').send(patchStatus(patch.patchId, replyEnc, moduleOf, failure));
  };
  // from here to the commit nothing awaits (as in writeData)
  const ds = ctx.src.bridge.datastore;
  checkPreconditions(req.headers, datastoreVersion(ds), true, false);
  let config: string;
  try {
    config = planYangPatch(patch, path, ds.get('running'), ctx.nsOfModule);
  } catch (e) {
    if (e instanceof EditError) { send(statusOf(e.error), { editId: e.editId, errors: [e.error] }); return; }
    throw e;
  }
  try {
    await ctx.edit(user, config, 'none');
  } catch (e) {
    const err = asNetconfError(e);
    send(statusOf(err), { errors: err instanceof RpcErrors ? err.errors : [err] });
    return;
  }
  res.set(versionHeaders(datastoreVersion(ds)));
  send(200);
}

/** Handles a POST, PUT, PATCH (plain, or YANG Patch by its Content-Type) or DELETE of {+restconf}/data{path}. */
export async function writeData(ctx: WriteContext, req: Request, res: Response, user: User, path: string, moduleOf: (ns: string) => string, replyEnc: Encoding): Promise<void> {
  if (user.role !== 'admin') throw new AccessDeniedError(`user ${user.name} (role ${user.role}) may not change configuration`);
  const q = req.originalUrl.indexOf('?');
  for (const [name] of new URLSearchParams(q < 0 ? '' : req.originalUrl.slice(q + 1))) {
    throw badQuery(`query parameter ${name} is not supported on ${req.method} (insert and point need a list ordered by the user; the model has none)`);
  }
  const patchEnc = req.method === 'PATCH' ? yangPatchEncoding(req.headers['content-type']) : undefined;
  const enc = req.method === 'DELETE' || patchEnc ? undefined : bodyEncoding(req.headers['content-type']);
  const steps = parseApiPath(path, ctx.nsOfModule);
  const raw = await ctx.readBody(req);
  if (raw === undefined) throw new TooBigError('the request body is larger than the limit (configuration maxRequestSize)');
  if (req.method === 'DELETE' && raw.length) throw badQuery('a DELETE takes no body');
  if (patchEnc) { await yangPatch(ctx, req, res, user, path, raw.toString('utf8'), patchEnc, replyEnc, moduleOf); return; }
  const body = enc ? parseBody(raw.toString('utf8'), enc, ctx.nsOfModule) : [];
  // from here to the commit nothing awaits: the target's existence and the preconditions hold at the commit
  const ds = ctx.src.bridge.datastore;
  const t = resolveTarget(steps, ds.get('running'), req.method, ctx.nsOfModule);
  if (!t.parentExists) throw unknownResource(req.path);
  checkPreconditions(req.headers, datastoreVersion(ds), t.exists || t.kind === 'datastore', false);
  const p = plan(req.method, t, body, t.steps.slice(0, -1), req, moduleOf);
  await ctx.edit(user, p.config, p.defaultOperation);
  if (p.location) res.set('Location', p.location);
  res.status(p.status).set(versionHeaders(datastoreVersion(ds))).set('Cache-Control', 'no-cache').end();
}
