/**
 * The RESTCONF routes (RFC 8040) that the HTTP server mounts: root discovery, the API root and its
 * resources, and GET/HEAD of the datastore and of any data resource. The users and roles are those of
 * NETCONF (HTTP basic authentication); every error is an ietf-restconf:errors document in the negotiated
 * encoding. Writes: plain PATCH (merge, JSON) through NETCONF edit-config; a read-only user gets 403, a body that
 * is not YANG data 415, the other methods 405.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { User } from '../netconf/auth';
import type { NetconfError } from '../netconf/errors';
import { AccessDeniedError, TooBigError } from '../netconf/errors';
import { RESTCONF_ROOT, hostMeta, operations, rootResource, yangLibraryVersion } from './discovery';
import { dataNodes, readData } from './datastore';
import type { RestconfSource } from './datastore';
import { datastoreReply, resourceReply } from './encode';
import { asNetconfError, badQuery, errorsJson, errorsXml, methodNotAllowed, statusOf, MethodNotAllowedError, unauthenticated, unknownResource, unsupportedMediaType } from './errors';
import { MEDIA_TYPE, bodyEncoding, negotiate } from './media';
import type { Encoding } from './media';
import { parseApiPath, selectChain } from './path';
import type { PathStep } from './path';
import { jsonToNodes, parseJsonBody, wrapInAncestors } from './edit';
import { limitDepth, parseDataQuery } from './query';

export interface RestconfOptions {
  /** The user of a request's credentials, or undefined. */
  readonly authenticate: (req: Request) => Promise<User | undefined>;
  readonly realm: string;
  readonly log: (line: string) => void;
  /** The request body, undefined past the size limit (then 413). */
  readonly readBody: (req: Request) => Promise<Buffer | undefined>;
  /** A NETCONF edit-config (merge) of running with this <config> content by the user; its rpc-errors. */
  readonly editConfig: (user: User, config: string) => Promise<NetconfError[]>;
}

const READ = new Set(['GET', 'HEAD']);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sendError(req: Request, res: Response, e: NetconfError, realm: string): void {
  let enc: Encoding = 'json';
  try { enc = negotiate(req.headers.accept); } catch { /* the error itself goes out in JSON */ }
  const status = statusOf(e);
  if (status === 401) res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
  if (e instanceof MethodNotAllowedError) res.set('Allow', e.allow);
  if (status === 413) { res.set('Connection', 'close'); res.on('finish', () => req.socket.destroySoon?.()); }
  res.status(status).set('Content-Type', MEDIA_TYPE[enc]).set('Cache-Control', 'no-cache').send(enc === 'json' ? errorsJson([e]) : errorsXml([e]));
}

export function restconfRouter(src: RestconfSource, opts: RestconfOptions): Router {
  const router = express.Router();
  const moduleOf = (ns: string): string => src.catalogue.modules.find((m) => m.namespace === ns)?.name ?? ns;
  const nsOfModule = (name: string): string | undefined => src.catalogue.modules.find((m) => m.name === name)?.namespace;

  router.get('/.well-known/host-meta', (_req, res) => { res.set('Content-Type', 'application/xrd+xml').send(hostMeta()); });

  /** Runs a handler with the user and the reply encoding, sending any thrown error as an errors document. */
  const handle = (fn: (req: Request, res: Response, user: User, enc: Encoding) => void | Promise<void>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      void (async () => {
        const user = await opts.authenticate(req);
        if (!user) throw unauthenticated();
        const enc = negotiate(req.headers.accept);
        await fn(req, res, user, enc);
      })().catch((err: unknown) => {
        const e = asNetconfError(err);
        if (e.tag === 'operation-failed') opts.log(`restconf: ${req.method} ${req.path}: ${e.message}`);
        if (res.headersSent) { next(err); return; }
        sendError(req, res, e, opts.realm);
      });
    };

  const reply = (res: Response, enc: Encoding, body: string): void => {
    res.status(200).set('Content-Type', MEDIA_TYPE[enc]).set('Cache-Control', 'no-cache').send(body);
  };

  const search = (req: Request): string => { const i = req.originalUrl.indexOf('?'); return i < 0 ? '' : req.originalUrl.slice(i + 1); };

  /** Plain PATCH (merge) of a configuration resource, through NETCONF edit-config. */
  const patch = async (req: Request, res: Response, user: User, steps: readonly PathStep[]): Promise<void> => {
    const body = await opts.readBody(req);
    if (body === undefined) throw new TooBigError('the request body is larger than the limit (configuration maxRequestSize)');
    const edit = jsonToNodes(parseJsonBody(body.toString('utf8')), '', nsOfModule);
    const chain = steps.length ? selectChain(dataNodes(src, 'config', 'explicit'), steps) : [];
    const target = chain[chain.length - 1];
    if (target) {
      const keys = (target.children ?? []).slice(0, target.keyCount ?? 0);
      const same = edit.length > 0 && edit.every((e) => e.name === target.name && e.ns === target.ns &&
        keys.every((k, i) => e.children?.[i]?.name === k.name && e.children[i].value === k.value));
      if (!same) throw badQuery(`the body must hold the target resource ${target.name}${keys.length ? ' with the keys of the path, first' : ''}`);
    }
    const errs = await opts.editConfig(user, wrapInAncestors(edit, chain.slice(0, -1)));
    if (errs.length) throw errs[0];
    res.status(204).set('Cache-Control', 'no-cache').end();
  };

  const api = handle(async (req, res, user, enc) => {
    const rest = req.path.slice(RESTCONF_ROOT.length);
    const isData = rest === '/data' || rest.startsWith('/data/');
    if (!READ.has(req.method)) {
      if (isData && WRITE.has(req.method)) {
        if (user.role !== 'admin') throw new AccessDeniedError(`user ${user.name} (role ${user.role}) may not change configuration`);
        const body = req.method === 'DELETE' ? undefined : bodyEncoding(req.headers['content-type']);
        if (req.method === 'PATCH') {
          if (body !== 'json') throw unsupportedMediaType(`${req.headers['content-type'] ?? ''} (PATCH takes application/yang-data+json for now)`);
          await patch(req, res, user, parseApiPath(rest.slice('/data'.length), nsOfModule));
          return;
        }
      }
      throw methodNotAllowed(req.method, isData ? 'GET, HEAD, PATCH' : 'GET, HEAD');
    }
    if (rest === '' || rest === '/') { reply(res, enc, rootResource(enc)); return; }
    if (rest === '/yang-library-version') { reply(res, enc, yangLibraryVersion(enc)); return; }
    if (rest === '/operations' || rest === '/operations/') {
      if (search(req)) throw badQuery('the operations resource takes no query parameter');
      reply(res, enc, operations(enc));
      return;
    }
    if (!isData) throw unknownResource(req.path);
    const q = parseDataQuery(search(req));
    const steps = parseApiPath(rest.slice('/data'.length), nsOfModule);
    const nodes = readData(src, steps, q, nsOfModule);
    if (!steps.length) { reply(res, enc, datastoreReply(limitDepth(nodes, q.depth), enc, moduleOf)); return; }
    reply(res, enc, resourceReply(limitDepth(nodes, q.depth)[0], enc, moduleOf));
  });
  // matched by hand, not by an express path pattern: express would percent-decode the path (and fail with a 500 on bad encoding)
  router.use((req, res, next) => {
    if (req.path === RESTCONF_ROOT || req.path.startsWith(`${RESTCONF_ROOT}/`)) api(req, res, next); else next();
  });
  return router;
}
