/**
 * The RESTCONF routes (RFC 8040) that the HTTP server mounts: root discovery, the API root and its
 * resources, and GET/HEAD of the datastore and of any data resource. The users and roles are those of
 * NETCONF (HTTP basic authentication); every error is an ietf-restconf:errors document in the negotiated
 * encoding. Writes (POST, PUT, PATCH, DELETE) are in write.ts; GET/HEAD with content=config carry the
 * datastore's ETag and Last-Modified and honour the conditional headers (etag.ts); OPTIONS lists the methods.
 * Actions and RPCs by POST (operations.ts), event streams (streams.ts) and /restconf-state (monitoring.ts) are
 * registered here in a few lines.
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { User } from '../netconf/auth';
import type { NetconfError } from '../netconf/errors';
import { RESTCONF_ROOT, hostMeta, operations, rootResource, yangLibraryVersion } from './discovery';
import { readData } from './datastore';
import { streamsWholeDatastore, writeWholeDatastore } from './datastore-stream';
import { baseUrlOf, restconfStateNode } from './monitoring';
import { invokeByPost } from './operations';
import type { OperationSource } from './operations';
import { EventStreams, STREAMS_PATH } from './streams';
import type { StreamSource } from './streams';
import { ChunkedReply, ReplyAbortedError } from '../http/server';
import { Turns } from '../turns';
import { writeDatastoreReply, writeResourceReply } from './encode';
import { asNetconfError, badQuery, errorsJson, errorsXml, methodNotAllowed, statusOf, MethodNotAllowedError, unauthenticated, unknownResource } from './errors';
import { notModified } from './etag';
import { MEDIA_TYPE, negotiate } from './media';
import type { Encoding } from './media';
import { parseApiPath } from './path';
import { limitDepth, parseDataQuery } from './query';
import { DATA_METHODS, writeData } from './write';
import type { EditRunning } from './write';

export interface RestconfOptions {
  /** The user of a request's credentials, or undefined. */
  readonly authenticate: (req: Request) => Promise<User | undefined>;
  readonly realm: string;
  readonly log: (line: string) => void;
  /** The request body, undefined past the size limit (then 413). */
  readonly readBody: (req: Request) => Promise<Buffer | undefined>;
  /** A NETCONF edit-config of running by the user (through the RPC layer); throws its NetconfError. */
  readonly edit: EditRunning;
  /** Most event-stream clients at once. */
  readonly maxStreamClients: () => number;
}

/** What RESTCONF uses of the RPC layer (the NETCONF server has it): data, operations, the notification stream. */
export type RestconfRpc = OperationSource & StreamSource & {
  /** One edit-config of running by a one-shot session of the user (RESTCONF writes); throws its NetconfError. */
  editRunning(user: User, transport: 'http', sourceHost: string, config: string, defaultOperation: Parameters<EditRunning>[2]): Promise<void>;
};

const READ = new Set(['GET', 'HEAD']);
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ACCEPT_PATCH = 'application/yang-data+json, application/yang-data+xml, application/yang-patch+json, application/yang-patch+xml';

function sendError(req: Request, res: Response, e: NetconfError, realm: string, moduleOf: (ns: string) => string): void {
  let enc: Encoding = 'json';
  try { enc = negotiate(req.headers.accept); } catch { /* the error itself goes out in JSON */ }
  const status = statusOf(e);
  if (status === 401) res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
  if (e instanceof MethodNotAllowedError) res.set('Allow', e.allow);
  if (status === 413) { res.set('Connection', 'close'); res.on('finish', () => req.socket.destroySoon?.()); }
  res.status(status).set('Content-Type', MEDIA_TYPE[enc]).set('Cache-Control', 'no-cache').send(enc === 'json' ? errorsJson([e], moduleOf) : errorsXml([e]));
}

export function restconfRouter(src: RestconfRpc, opts: RestconfOptions): Router {
  const router = express.Router();
  const moduleOf = (ns: string): string => src.catalogue.modules.find((m) => m.namespace === ns)?.name ?? ns;
  const nsOfModule = (name: string): string | undefined => src.catalogue.modules.find((m) => m.name === name)?.namespace;
  const invoke = { src, moduleOf, nsOfModule, readBody: opts.readBody };
  const streams = new EventStreams(src, opts.maxStreamClients, moduleOf, opts.log);

  router.get('/.well-known/host-meta', (_req, res) => { res.set('Content-Type', 'application/xrd+xml').send(hostMeta()); });

  /** Runs a handler with the user and the reply encoding, sending any thrown error as an errors document. */
  const handle = (fn: (req: Request, res: Response, user: User, enc: Encoding) => void | Promise<void>, encodingOf = (req: Request): Encoding => negotiate(req.headers.accept)) =>
    (req: Request, res: Response, next: NextFunction): void => {
      void (async () => {
        const user = await opts.authenticate(req);
        if (!user) throw unauthenticated();
        const enc = encodingOf(req);
        await fn(req, res, user, enc);
      })().catch((err: unknown) => {
        if (err instanceof ReplyAbortedError) return; // the client went away in the middle of a reply: nothing to answer
        const e = asNetconfError(err);
        if (e.tag === 'operation-failed') opts.log(`restconf: ${req.method} ${req.path}: ${e.message}`);
        if (res.headersSent) { next(err); return; }
        sendError(req, res, e, opts.realm, moduleOf);
      });
    };

  const reply = (res: Response, enc: Encoding, body: string): void => {
    res.status(200).set('Content-Type', MEDIA_TYPE[enc]).set('Cache-Control', 'no-cache').send(body);
  };

  const search = (req: Request): string => { const i = req.originalUrl.indexOf('?'); return i < 0 ? '' : req.originalUrl.slice(i + 1); };

  const writeCtx = { src, nsOfModule, readBody: opts.readBody, edit: opts.edit };

  const api = handle(async (req, res, user, enc) => {
    const rest = req.path.slice(RESTCONF_ROOT.length);
    const isData = rest === '/data' || rest.startsWith('/data/');
    if (req.method === 'POST' && await invokeByPost(invoke, req, res, user, enc, rest)) return;
    if (!READ.has(req.method)) {
      if (isData && WRITE.has(req.method)) { await writeData(writeCtx, req, res, user, rest.slice('/data'.length), moduleOf, enc); return; }
      if (req.method === 'OPTIONS') {
        if (isData) res.set('Accept-Patch', ACCEPT_PATCH);
        res.status(200).set('Allow', isData ? DATA_METHODS : 'GET, HEAD, OPTIONS').set('Cache-Control', 'no-cache').end();
        return;
      }
      throw methodNotAllowed(req.method, isData ? DATA_METHODS : 'GET, HEAD, OPTIONS');
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
    // only the target and the fields asked for are built (readData); the RESTCONF monitoring state is one more top-level node
    const extra = q.content === 'config' ? [] : [restconfStateNode(baseUrlOf(req))];
    // the whole datastore is written straight from the tree; other reads build only the target and the fields asked for
    const whole = streamsWholeDatastore(steps, q);
    const nodes = whole ? [] : await readData(src, steps, q, nsOfModule, moduleOf, extra);
    // configuration alone has a version (RFC 8040 Appendix B.3.1); state changes without one
    if (q.content === 'config' && notModified(req, res, src.bridge.datastore)) return;
    // written while it is encoded, in slices (a read of the whole datastore is megabytes at a thousand nodes)
    res.status(200).set('Content-Type', MEDIA_TYPE[enc]).set('Cache-Control', 'no-cache');
    const body = new ChunkedReply(res);
    const turns = new Turns();
    if (whole) await writeWholeDatastore(src, q, extra, enc, moduleOf, body, turns);
    else if (!steps.length) await writeDatastoreReply(limitDepth(nodes, q.depth), enc, moduleOf, body, turns);
    else await writeResourceReply(limitDepth(nodes, q.depth)[0], enc, moduleOf, body, turns);
    await body.end();
  });
  const stream = handle((req, res, user, enc) => {
    if (!READ.has(req.method)) throw methodNotAllowed(req.method, 'GET, HEAD');
    if (req.method === 'HEAD') { res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' }).end(); return; }
    streams.open(req, res, user.name, enc, search(req));
  }, (req) => EventStreams.encodingOf(req.path.slice(STREAMS_PATH.length), req.headers.accept).enc);
  // matched by hand, not by an express path pattern: express would percent-decode the path (and fail with a 500 on bad encoding)
  router.use((req, res, next) => {
    if (req.path.startsWith(`${STREAMS_PATH}/`)) stream(req, res, next);
    else if (req.path === RESTCONF_ROOT || req.path.startsWith(`${RESTCONF_ROOT}/`)) api(req, res, next); else next();
  });
  return router;
}
