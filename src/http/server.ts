/**
 * The bridge's one HTTP server (express): it owns the listener, its bounds and basic authentication; the
 * views mount their routes on it (NETCONF over HTTP at /netconf, RESTCONF at /.well-known/host-meta and
 * /restconf, the Prometheus exposition at /metrics) and none of them imports another.
 *
 *   const http = new HttpServer(users, { address, port, limits, log });
 *   http.mount(router);                 // any time before or after start(); routes are tried in mount order
 *   await http.start();
 *
 * HTTP basic authentication (the `auth` middleware: 401 with the Basic challenge; a view may answer 401 its own
 * way through `authenticate`). Bounded: request size (each view reads bodies with readBody and the
 * maxRequestSize limit), connections (maxSessions + maxStartups; further ones are closed at accept), the time to
 * send the headers (loginGraceTime, then 408 and close: slow-loris clients), the time of a whole request (60 s)
 * and of an idle keep-alive (5 s). Long-lived responses (RESTCONF event streams) are not cut by these bounds.
 */
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

// Long reply bodies written as they are produced (the views write through the server's reply writer).
export { CHUNK_BYTES, ChunkedReply, ReplyAbortedError } from './chunked-reply';

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

/** Who a request's credentials name: the views read the role. */
export interface HttpUser {
  readonly name: string;
  readonly role: string;
}

/** The management users (the NETCONF users and roles). */
export interface HttpUsers<U extends HttpUser> {
  checkPassword(name: string, password: string): Promise<U | undefined>;
}

export interface HttpOptions {
  readonly address: string;
  readonly port: number;
  readonly limits: HttpLimits;
  readonly log: (line: string) => void;
}

/** What a view sees of the HTTP server when it mounts its routes. */
export interface HttpHost<U extends HttpUser = HttpUser> {
  /** Adds routes; requests no earlier route answered reach them. */
  mount(router: Router): void;
  /** Middleware: 401 (text/plain, Basic challenge) without valid credentials; else res.locals.user is the user. */
  readonly auth: RequestHandler;
  /** The user of a request's basic credentials, if they are right. */
  authenticate(req: Request): Promise<U | undefined>;
  /** The request body, or undefined when it grows past maxRequestSize octets (reading stops). */
  readBody(req: Request): Promise<Buffer | undefined>;
  readonly limits: HttpLimits;
  readonly realm: string;
  readonly log: (line: string) => void;
}

export const REALM = 'bcmgmt';

/** user:password of an Authorization: Basic header. */
export function parseBasicAuth(header: string | undefined): { name: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { name: text.slice(0, i), password: text.slice(i + 1) };
}

export class HttpServer<U extends HttpUser = HttpUser> implements HttpHost<U> {
  private server: http.Server | undefined;
  private readonly mounted = express.Router();
  readonly app: express.Express;
  readonly realm = REALM;
  port = 0;

  constructor(private readonly users: HttpUsers<U>, private readonly opts: HttpOptions) {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use(this.mounted);
    app.use((_req: Request, res: Response) => { res.status(404).type('text/plain').send('not found: the endpoints are /netconf, /metrics and /restconf\n'); });
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      this.opts.log(`http: ${err.message}`);
      if (!res.headersSent) res.status(500).type('text/plain').send('internal error\n');
    });
    this.app = app;
  }

  get limits(): HttpLimits { return this.opts.limits; }
  get log(): (line: string) => void { return this.opts.log; }

  mount(router: Router): void { this.mounted.use(router); }

  readonly auth: RequestHandler = (req, res, next) => {
    this.authenticate(req).then((user) => {
      if (!user) {
        res.status(401).set('WWW-Authenticate', `Basic realm="${REALM}", charset="UTF-8"`).type('text/plain').send('authentication required\n');
        return;
      }
      res.locals.user = user;
      next();
    }, next);
  };

  async authenticate(req: Request): Promise<U | undefined> {
    const cred = parseBasicAuth(req.headers.authorization);
    return cred ? this.users.checkPassword(cred.name, cred.password) : undefined;
  }

  readBody(req: Request): Promise<Buffer | undefined> { return readBody(req, this.opts.limits.maxRequestSize()); }

  async start(): Promise<void> {
    const bounds = (): { headersTimeout: number; maxConnections: number } => ({
      headersTimeout: Math.min(this.opts.limits.loginGraceTime() * 1000, REQUEST_TIMEOUT_MS),
      maxConnections: this.opts.limits.maxSessions() + this.opts.limits.maxStartups(),
    });
    const server = http.createServer({ requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      headersTimeout: bounds().headersTimeout }, this.app);
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
export function readBody(req: Request, max: number): Promise<Buffer | undefined> {
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
