/**
 * The HTTP view: the NETCONF RPC layer over plain HTTP (express), and the server the other HTTP faces mount on.
 *
 *   POST /netconf   body: one <rpc> document (application/xml or text/xml); answer: the <rpc-reply>
 *   GET  /netconf   the server's capabilities, as a <hello>
 *   GET  /metrics   the live state in the Prometheus text format (src/http/metrics.ts); any user's role may read it
 *   /.well-known/host-meta, /restconf/...   RESTCONF (src/restconf/router.ts)
 *
 * HTTP basic authentication with the NETCONF users (401 without or with wrong credentials). Each request is
 * a one-shot NETCONF session: operations that need a lasting session (lock, create-subscription) are
 * refused. Bounded: request size (413 with a too-big rpc-error), requests in flight (503), connections
 * (maxSessions + maxStartups; further ones are closed at accept), the time to send the headers (loginGraceTime,
 * then 408 and close: slow-loris clients), the time of a whole request (60 s) and of an idle keep-alive (5 s).
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { User, UserDirectory } from '../netconf/auth';
import { NC_NS } from '../netconf/namespaces';
import type { NetconfServer } from '../netconf/server';
import { restconfRouter } from '../restconf/router';
import { EXPOSITION_CONTENT_TYPE } from './metrics-encoder';
import { renderMetrics } from './metrics';

export interface HttpLimits {
  maxSessions(): number;
  maxRequestSize(): number;
  /** Seconds a client has to send its request headers. */
  loginGraceTime(): number;
  maxStartups(): number;
}

/** Time a whole request may take (headers and body), ms. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** How often Node checks the header and request timeouts of open connections, ms. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

export interface HttpOptions {
  readonly address: string;
  readonly port: number;
  readonly limits: HttpLimits;
  readonly log: (line: string) => void;
}

const REALM = 'bcmgmt';

function rpcError(tag: string, type: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rpc-reply xmlns="${NC_NS}"><rpc-error><error-type>${type}</error-type><error-tag>${tag}</error-tag>` +
    `<error-severity>error</error-severity><error-message xml:lang="en">${message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</error-message></rpc-error></rpc-reply>`;
}

/** user:password of an Authorization: Basic header. */
export function parseBasicAuth(header: string | undefined): { name: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { name: text.slice(0, i), password: text.slice(i + 1) };
}

export class NetconfHttpServer {
  private server: http.Server | undefined;
  private inFlight = 0;
  port = 0;

  constructor(private readonly rpc: NetconfServer, private readonly users: UserDirectory, private readonly opts: HttpOptions) {}

  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    const auth = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const user = await this.authenticate(req);
      if (!user) {
        res.status(401).set('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`).type('text/plain').send('authentication required\n');
        return;
      }
      res.locals.user = user;
      next();
    };
    app.get('/netconf', (req, res, next) => { void auth(req, res, next).catch(next); }, (req, res) => {
      const s = this.rpc.openSession(res.locals.user as User, 'http', req.socket.remoteAddress ?? '', { send: () => undefined, close: () => undefined });
      try {
        res.type('application/xml').send(this.rpc.serverHello(s));
      } finally {
        this.rpc.closeSession(s, 'request done');
      }
    });
    app.post('/netconf', (req, res, next) => { void auth(req, res, next).catch(next); }, (req, res, next) => { void this.post(req, res).catch(next); });
    app.all('/netconf', (_req, res) => { res.status(405).set('Allow', 'GET, POST').type('text/plain').send('use POST with an <rpc> document\n'); });
    app.get('/metrics', (req, res, next) => { void auth(req, res, next).catch(next); }, (_req, res) => {
      res.set('Content-Type', EXPOSITION_CONTENT_TYPE).send(renderMetrics(this.rpc.bridge.tree));
    });
    app.all('/metrics', (_req, res) => { res.status(405).set('Allow', 'GET').type('text/plain').send('use GET\n'); });
    app.use(restconfRouter(this.rpc, {
      authenticate: (req) => this.authenticate(req), realm: REALM, log: this.opts.log,
      readBody: (req) => readBody(req, this.opts.limits.maxRequestSize()),
      edit: (user, config, defaultOperation) => this.rpc.editRunning(user, 'http', '', config, defaultOperation),
    }));
    app.use((_req: Request, res: Response) => { res.status(404).type('text/plain').send('not found: the endpoints are /netconf, /metrics and /restconf\n'); });
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      this.opts.log(`http: ${err.message}`);
      if (!res.headersSent) res.status(500).type('application/xml').send(rpcError('operation-failed', 'application', 'internal error'));
    });
    return app;
  }

  /** The user of a request's basic credentials, if they are right. */
  private async authenticate(req: Request): Promise<User | undefined> {
    const cred = parseBasicAuth(req.headers.authorization);
    return cred ? this.users.checkPassword(cred.name, cred.password) : undefined;
  }

  private async post(req: Request, res: Response): Promise<void> {
    const type = req.headers['content-type'];
    if (type && !/^(application|text)\/([\w.+-]*\+)?xml\b/i.test(type)) {
      res.status(415).type('application/xml').send(rpcError('malformed-message', 'rpc', `content type ${type} is not XML`));
      req.resume();
      return;
    }
    const max = this.opts.limits.maxRequestSize();
    const tooBig = (): void => {
      res.status(413).set('Connection', 'close').type('application/xml')
        .send(rpcError('too-big', 'transport', `the request is larger than ${max} octets (configuration maxRequestSize)`));
      res.on('finish', () => req.socket.destroySoon?.());
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) { tooBig(); return; }
    if (this.inFlight >= this.opts.limits.maxSessions()) {
      res.status(503).set('Retry-After', '1').type('application/xml').send(rpcError('resource-denied', 'transport', 'too many requests in progress'));
      req.resume();
      return;
    }
    this.inFlight++;
    try {
      const body = await readBody(req, max);
      if (body === undefined) { tooBig(); return; }
      const s = this.rpc.openSession(res.locals.user as User, 'http', req.socket.remoteAddress ?? '', { send: () => undefined, close: () => undefined });
      try {
        const h = await this.rpc.handleMessage(s, body.toString('utf8'));
        res.status(200).type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>${h.reply ?? ''}`);
        h.after?.();
      } finally {
        this.rpc.closeSession(s, 'request done');
      }
    } finally {
      this.inFlight--;
    }
  }

  async start(): Promise<void> {
    const bounds = (): { headersTimeout: number; maxConnections: number } => ({
      headersTimeout: Math.min(this.opts.limits.loginGraceTime() * 1000, REQUEST_TIMEOUT_MS),
      maxConnections: this.opts.limits.maxSessions() + this.opts.limits.maxStartups(),
    });
    const server = http.createServer({ requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      headersTimeout: bounds().headersTimeout }, this.app());
    // the limits follow the running configuration (read again at each connection)
    Object.assign(server, bounds());
    server.on('connection', () => Object.assign(server, bounds()));
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 100;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.address, () => { server.off('error', reject); resolve(); });
    });
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}

/** The body, or undefined when it grows past max octets (reading stops). */
function readBody(req: Request, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) { done = true; req.pause(); resolve(undefined); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
    req.on('aborted', () => { if (!done) { done = true; reject(new Error('request aborted')); } });
  });
}
