/**
 * The NETCONF view of the bridge: NETCONF over SSH (RFC 6242) and the same RPC layer over HTTP.
 *
 *   const view = createNetconfView(bridge, { http });  // http: the bridge's HTTP server (src/http), /netconf mounted on it
 *   bridge.addView(view);                              // started and stopped with the bridge
 *
 * The SSH address and port come from configuration (sshAddress/sshPort) unless given; maxSessions,
 * idleTimeout, maxRequestSize, loginGraceTime and maxStartups are read from the running configuration as it
 * changes. Users are configuration.managementUsers (the view loads them, for SSH and for the HTTP server); with
 * none configured, an admin password is generated into <dataDir>/admin-password (its path, never the password,
 * is logged at start), and the SSH server (and the HTTP server) listen on the loopback interface only.
 */
import type { Bridge, View } from '../bridge';
import { configValue } from '../config/document';
import type { ConfigObject } from '../config/document';
import { modelIndex } from '../model';
import type { HttpHost } from '../http/server';
import { ListenError } from '../listen-error';
import { UserDirectory } from './auth';
import type { User } from './auth';
import { netconfHttpRoutes } from './http';
import { ModuleCatalogue } from './modules';
import { NetconfServer } from './server';
import { NetconfSshServer } from './ssh';

export { registerActionHandler } from './actions';
export type { ActionHandler, ActionRequest, ActionOutput } from './actions';
export * from './errors';
export { hashPassword, verifyPassword } from './auth';
export { NetconfServer } from './server';

export interface NetconfViewOptions {
  /** 0: any free port. Default: configuration sshPort. */
  readonly sshPort?: number;
  /** Address of the SSH server. Default: configuration sshAddress. */
  readonly address?: string;
  /** The yang/ folder (default: the project's). */
  readonly yangDir?: string;
  /** The management users (default: a directory of its own); the view loads them from running. */
  readonly users?: UserDirectory;
  /** The bridge's HTTP server: NETCONF over HTTP is mounted on it at /netconf (none: SSH only). */
  readonly http?: HttpHost<User> & { readonly port: number; readonly address: string };
}

export type NetconfView = View & {
  /** Bound ports (after start; before, the configured ones); httpPort is the HTTP server's (0 without one). */
  readonly sshPort: number;
  readonly httpPort: number;
  /** The RPC layer (for tests and the lead's wiring). */
  readonly rpc: NetconfServer;
  /** The management users, loaded from the running configuration (the HTTP server authenticates with them). */
  readonly users: UserDirectory;
};

const cfgCls = modelIndex.cls('configuration');

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

export function createNetconfView(bridge: Bridge, opts: NetconfViewOptions = {}): NetconfView {
  const catalogue = new ModuleCatalogue(opts.yangDir);
  let cfg: ConfigObject | undefined;
  const setting = (name: string): number => Number(configValue(cfgCls, cfg, name));
  const users = opts.users ?? new UserDirectory(bridge.dataDir);
  const limits = {
    maxSessions: (): number => setting('maxSessions'),
    idleTimeout: (): number => setting('idleTimeout'),
    maxRequestSize: (): number => setting('maxRequestSize'),
    loginGraceTime: (): number => setting('loginGraceTime'),
    maxStartups: (): number => setting('maxStartups'),
  };
  const log = (line: string): void => bridge.log(line);
  const rpc = new NetconfServer(bridge, { catalogue, maxRequestSize: limits.maxRequestSize });
  if (opts.http) opts.http.mount(netconfHttpRoutes(rpc, opts.http));
  let ssh: NetconfSshServer | undefined;
  let sshAddr = '';
  let loaded = false; // the first load at start is said once, below, not as users 'left'
  const reload = (): void => {
    const doc = bridge.datastore.get('running');
    cfg = doc.configuration as ConfigObject | undefined;
    const had = loaded && users.configuredUsers;
    users.load(doc);
    loaded = true;
    if (had && !users.configuredUsers) log(`netconf: no managementUsers left in the configuration; user admin with the password in ${users.generated!.file}`);
  };
  const onCommit = (r: { target: string }): void => { if (r.target === 'running') reload(); };

  const view: NetconfView = {
    name: 'netconf',
    rpc,
    users,
    get sshPort(): number { return ssh?.port || (opts.sshPort ?? setting('sshPort')); },
    get httpPort(): number { return opts.http?.port ?? 0; },
    async start(): Promise<void> {
      reload();
      bridge.datastore.on('committed', onCommit);
      sshAddr = opts.address ?? String(configValue(cfgCls, cfg, 'sshAddress'));
      if (!users.configuredUsers) {
        const g = users.generated!;
        if (!isLoopback(sshAddr)) {
          log(`netconf: no managementUsers configured: listening on 127.0.0.1 only (not ${sshAddr})`);
          sshAddr = '127.0.0.1';
        }
        log(`netconf: no managementUsers configured: user admin, password in ${g.file} (readable by the bridge's user only)`);
      }
      rpc.start();
      ssh = new NetconfSshServer(rpc, users, {
        address: sshAddr, port: opts.sshPort ?? setting('sshPort'), dataDir: bridge.dataDir, limits, log,
      });
      try {
        await ssh.start().catch((e: unknown) => { throw ListenError.from(e, 'NETCONF over SSH', opts.sshPort === undefined ? 'configuration.sshPort' : undefined) ?? e; });
      } catch (e) {
        await view.stop();
        throw e;
      }
    },
    async stop(): Promise<void> {
      bridge.datastore.off('committed', onCommit);
      rpc.stop();
      await ssh?.stop();
    },
    describe(): string {
      const overHttp = opts.http ? `, over HTTP at http://${opts.http.address || '(not started)'}:${opts.http.port}/netconf` : '';
      return `NETCONF over SSH on ${sshAddr || '(not started)'}:${view.sshPort} (subsystem netconf)${overHttp}`;
    },
  };
  return view;
}
