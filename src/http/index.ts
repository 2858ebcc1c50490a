/**
 * The HTTP view: the bridge's one HTTP server (server.ts), created once by the composition (src/compose.ts),
 * which the other views mount their routes on (NETCONF over HTTP, RESTCONF, /metrics).
 *
 *   const http = createHttpView(bridge, { users });   // address and port from the running configuration
 *   mountMetrics(http, bridge.tree);                   // and the other views' routes
 *   bridge.addView(http);                              // after the view that loads the users
 *
 * Address and port are configuration httpAddress/httpPort unless given; maxSessions, maxRequestSize,
 * loginGraceTime and maxStartups are read from the running configuration as it changes. With no management user
 * configured (the generated admin password) the server listens on the loopback interface only.
 */
import type { Bridge, View } from '../bridge';
import { configValue } from '../config/document';
import type { ConfigObject } from '../config/document';
import { ListenError } from '../listen-error';
import { modelIndex } from '../model';
import { HttpServer, REALM } from './server';
import type { HttpHost, HttpLimits, HttpUser, HttpUsers } from './server';

export { HttpServer, parseBasicAuth, readBody } from './server';
export type { HttpHost, HttpLimits, HttpUser, HttpUsers } from './server';
export { mountMetrics } from './metrics';

export interface HttpViewOptions<U extends HttpUser> {
  /** The management users; configuredUsers false: the generated admin only (loopback). */
  readonly users: HttpUsers<U> & { readonly configuredUsers: boolean };
  /** 0: any free port. Default: configuration httpPort. */
  readonly port?: number;
  /** Default: configuration httpAddress. */
  readonly address?: string;
}

export type HttpView<U extends HttpUser = HttpUser> = View & HttpHost<U> & {
  /** Bound port (after start; before, the configured one). */
  readonly port: number;
  readonly address: string;
};

const cfgCls = modelIndex.cls('configuration');

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

export function createHttpView<U extends HttpUser>(bridge: Bridge, opts: HttpViewOptions<U>): HttpView<U> {
  let cfg: ConfigObject | undefined;
  const reload = (): void => { cfg = bridge.datastore.get('running').configuration as ConfigObject | undefined; };
  const onCommit = (r: { target: string }): void => { if (r.target === 'running') reload(); };
  const setting = (name: string): number => Number(configValue(cfgCls, cfg, name));
  const limits: HttpLimits = {
    maxSessions: () => setting('maxSessions'),
    maxRequestSize: () => setting('maxRequestSize'),
    loginGraceTime: () => setting('loginGraceTime'),
    maxStartups: () => setting('maxStartups'),
  };
  const log = (line: string): void => bridge.log(line, 'http');
  let address = '';
  let server: HttpServer<U> | undefined;
  // routes mounted before start are kept and given to the server at start
  const routers: Parameters<HttpHost['mount']>[0][] = [];
  const view: HttpView<U> = {
    name: 'http',
    limits,
    realm: REALM,
    log,
    get port(): number { return server?.port || (opts.port ?? setting('httpPort')); },
    get address(): string { return address; },
    mount(router) { routers.push(router); server?.mount(router); },
    auth: (req, res, next) => {
      if (!server) { res.status(503).type('text/plain').send('starting\n'); return; }
      server.auth(req, res, next);
    },
    authenticate: async (req) => server?.authenticate(req),
    readBody: (req) => server!.readBody(req),
    async start(): Promise<void> {
      reload();
      bridge.datastore.on('committed', onCommit);
      address = opts.address ?? String(configValue(cfgCls, cfg, 'httpAddress'));
      if (!opts.users.configuredUsers && !isLoopback(address)) {
        log(`http: no managementUsers configured: listening on 127.0.0.1 only (not ${address})`);
        address = '127.0.0.1';
      }
      const s = new HttpServer<U>(opts.users, { address, port: opts.port ?? setting('httpPort'), limits, log });
      for (const r of routers) s.mount(r);
      server = s;
      try {
        await s.start();
      } catch (e) {
        server = undefined;
        bridge.datastore.off('committed', onCommit);
        throw ListenError.from(e, 'NETCONF over HTTP', opts.port === undefined ? 'configuration.httpPort' : undefined) ?? e;
      }
    },
    async stop(): Promise<void> {
      bridge.datastore.off('committed', onCommit);
      await server?.stop();
    },
    describe(): string {
      return `HTTP on http://${address || '(not started)'}:${view.port}: /netconf (NETCONF), /restconf (RESTCONF), /metrics (Prometheus)`;
    },
  };
  return view;
}
