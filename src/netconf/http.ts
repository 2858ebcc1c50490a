/**
 * NETCONF over HTTP: the RPC layer's routes, mounted on the bridge's HTTP server (src/http).
 *
 *   POST /netconf   body: one <rpc> document (application/xml or text/xml); answer: the <rpc-reply>
 *   GET  /netconf   the server's capabilities, as a <hello>
 *
 * Each request is a one-shot NETCONF session of the authenticated user: operations that need a lasting
 * session (lock, create-subscription) are refused. Bounded: request size (413 with a too-big rpc-error, then
 * the connection is closed) and requests in flight (maxSessions, then 503).
 */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { HttpHost } from '../http/server';
import type { User } from './auth';
import { NC_NS } from './namespaces';
import { giveBack } from './xml-chunks';
import type { NetconfServer } from './server';

function rpcError(tag: string, type: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rpc-reply xmlns="${NC_NS}"><rpc-error><error-type>${type}</error-type><error-tag>${tag}</error-tag>` +
    `<error-severity>error</error-severity><error-message xml:lang="en">${message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</error-message></rpc-error></rpc-reply>`;
}

const noSink = { send: (): void => undefined, close: (): void => undefined };

/**
 * A streamed reply (Handled.stream) as the response body, chunk by chunk: the next chunk is pulled only once the
 * response takes more (backpressure); when the client goes away, the producer is stopped. A failure midway (the
 * status is sent) ends the response abruptly.
 */
async function writeStream(res: Response, chunks: AsyncIterable<Buffer>, log: (line: string) => void): Promise<void> {
  // as res.send would type it (a string body gets the charset)
  res.status(200).set('Content-Type', 'application/xml; charset=utf-8');
  let gone = res.destroyed;
  const onClose = (): void => { gone = true; };
  res.on('close', onClose);
  try {
    if (!res.write('<?xml version="1.0" encoding="UTF-8"?>')) await drained(res);
    for await (const c of chunks) {
      if (gone) break;
      // given back once the socket has sent it (never, if the response is destroyed first: then it is collected)
      if (c.length && !res.write(c, () => giveBack(c))) await drained(res);
      if (gone) break;
    }
    if (!gone) res.end();
  } catch (e) {
    log(`http: netconf reply failed midway: ${(e as Error).message}`);
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

function drained(res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.destroyed) { resolve(); return; }
    const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
    res.once('drain', done);
    res.once('close', done);
  });
}

export function netconfHttpRoutes(rpc: NetconfServer, host: HttpHost<User>): Router {
  const router = express.Router();
  let inFlight = 0;

  const post = async (req: Request, res: Response): Promise<void> => {
    const type = req.headers['content-type'];
    if (type && !/^(application|text)\/([\w.+-]*\+)?xml\b/i.test(type)) {
      res.status(415).type('application/xml').send(rpcError('malformed-message', 'rpc', `content type ${type} is not XML`));
      req.resume();
      return;
    }
    const max = host.limits.maxRequestSize();
    const tooBig = (): void => {
      res.status(413).set('Connection', 'close').type('application/xml')
        .send(rpcError('too-big', 'transport', `the request is larger than ${max} octets (configuration maxRequestSize)`));
      res.on('finish', () => req.socket.destroySoon?.());
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) { tooBig(); return; }
    if (inFlight >= host.limits.maxSessions()) {
      res.status(503).set('Retry-After', '1').type('application/xml').send(rpcError('resource-denied', 'transport', 'too many requests in progress'));
      req.resume();
      return;
    }
    inFlight++;
    try {
      const body = await host.readBody(req);
      if (body === undefined) { tooBig(); return; }
      const s = rpc.openSession(res.locals.user as User, 'http', req.socket.remoteAddress ?? '', noSink);
      try {
        const h = await rpc.handleMessage(s, body.toString('utf8'));
        if (h.stream) await writeStream(res, h.stream, host.log);
        else res.status(200).type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>${h.reply ?? ''}`);
        h.after?.();
      } finally {
        rpc.closeSession(s, 'request done');
      }
    } finally {
      inFlight--;
    }
  };

  router.get('/netconf', host.auth, (req, res) => {
    const s = rpc.openSession(res.locals.user as User, 'http', req.socket.remoteAddress ?? '', noSink);
    try {
      res.type('application/xml').send(rpc.serverHello(s));
    } finally {
      rpc.closeSession(s, 'request done');
    }
  });
  router.post('/netconf', host.auth, (req, res, next) => { void post(req, res).catch(next); });
  router.all('/netconf', (_req, res) => { res.status(405).set('Allow', 'GET, POST').type('text/plain').send('use POST with an <rpc> document\n'); });
  router.use('/netconf', (err: Error, _req: Request, res: Response, _next: NextFunction) => {
    host.log(`http: ${err.message}`);
    if (!res.headersSent) res.status(500).type('application/xml').send(rpcError('operation-failed', 'application', 'internal error'));
  });
  return router;
}
