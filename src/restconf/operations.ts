/**
 * The POST requests that invoke an operation (invoke.ts): an action at the end of a data resource path, or an
 * RPC of the operations resource; both run through the RPC layer's one-shot session of the user.
 */
import type { Request, Response } from 'express';
import type { User } from '../netconf/auth';
import { ALL } from '../netconf/projection';
import { dataNodes, pathProjection } from './datastore';
import type { RestconfSource } from './datastore';
import { unknownResource } from './errors';
import { RESTCONF_RPCS, actionOperation, outputReply, parseInput, replyOutput, rpcOperation } from './invoke';
import type { ModuleOfNs } from './json';
import { MEDIA_TYPE, bodyEncoding } from './media';
import type { Encoding } from './media';
import { parseApiPath, selectChain } from './path';
import { TooBigError } from '../netconf/errors';

/** What the operations need of the RPC layer. */
export interface OperationSource extends RestconfSource {
  /** Runs one operation (the XML inside <rpc>) in a one-shot session of the user; the <rpc-reply>. */
  oneShot(user: User, operation: string, sourceHost?: string): Promise<string>;
  /** Whether an action with a handler is at this schema path (prefixed: /bcm:managed-system/.../bcm:add-peer). */
  hasAction(schemaPath: string): boolean;
}

export interface InvokeContext {
  readonly src: OperationSource;
  readonly moduleOf: ModuleOfNs;
  readonly nsOfModule: (module: string) => string | undefined;
  readonly readBody: (req: Request) => Promise<Buffer | undefined>;
}

async function inputOf(ctx: InvokeContext, req: Request, ns: string): Promise<ReturnType<typeof parseInput>> {
  const body = await ctx.readBody(req);
  if (body === undefined) throw new TooBigError('the request body is larger than the limit (configuration maxRequestSize)');
  const text = body.toString('utf8');
  if (!text.trim()) return [];
  return parseInput(text, bodyEncoding(req.headers['content-type']), ns, ctx.nsOfModule);
}

async function run(ctx: InvokeContext, req: Request, res: Response, user: User, enc: Encoding, operation: string, ns: string): Promise<void> {
  const out = replyOutput(await ctx.src.oneShot(user, operation, req.socket.remoteAddress ?? ''));
  res.set('Cache-Control', 'no-cache');
  if (!out.length) { res.status(204).end(); return; }
  res.status(200).set('Content-Type', MEDIA_TYPE[enc]).send(outputReply(out, ns, enc, ctx.moduleOf));
}

/**
 * POST {+restconf}/operations/<module>:<rpc> or POST {+restconf}/data/<path>/<action>. rest is the path after
 * {+restconf}. Returns false when the request is a data POST to a data resource (a write, not handled here); a
 * path that names neither an action nor an existing data node is 404.
 */
export async function invokeByPost(ctx: InvokeContext, req: Request, res: Response, user: User, enc: Encoding, rest: string): Promise<boolean> {
  if (rest.startsWith('/operations/')) {
    const name = rest.slice('/operations/'.length);
    const r = RESTCONF_RPCS.find((x) => `${x.module}:${x.name}` === name);
    if (!r) throw unknownResource(`operation ${name}`);
    await run(ctx, req, res, user, enc, rpcOperation(r.name, r.ns, await inputOf(ctx, req, r.ns)), r.ns);
    return true;
  }
  if (!rest.startsWith('/data/')) return false;
  const steps = parseApiPath(rest.slice('/data'.length), ctx.nsOfModule);
  const last = steps[steps.length - 1];
  if (steps.length < 2 || last.keys !== undefined) return false;
  const prefixOf = (ns: string): string => ctx.src.catalogue.byNamespace(ns)?.prefix ?? '?';
  const schemaPath = steps.map((s) => `/${prefixOf(s.ns)}:${s.name}`).join('');
  // only the entry the action is on is built (with everything it holds), not the whole datastore
  const data = await dataNodes(ctx.src, 'all', 'explicit', pathProjection(steps.slice(0, -1), ALL));
  if (!ctx.src.hasAction(schemaPath)) {
    selectChain(data, steps, ctx.moduleOf); // neither an action nor a data node: 404
    return false;
  }
  const ancestors = selectChain(data, steps.slice(0, -1), ctx.moduleOf);
  await run(ctx, req, res, user, enc, actionOperation(ancestors, last.name, last.ns, await inputOf(ctx, req, last.ns)), last.ns);
  return true;
}
