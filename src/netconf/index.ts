/**
 * The NETCONF view of the bridge: NETCONF over SSH (RFC 6242) and the same RPC layer over HTTP.
 *
 *   const view = createNetconfView(bridge);           // ports and addresses from the running configuration
 *   bridge.addView(view);                              // started and stopped with the bridge
 *
 * Listening addresses and ports come from configuration (sshAddress/sshPort, httpAddress/httpPort) unless
 * given; maxSessions, idleTimeout, maxRequestSize, loginGraceTime and maxStartups are read from the running
 * configuration as it changes.
 * Users are configuration.managementUsers; with none configured, an admin password is generated into
 * <dataDir>/admin-password (its path, never the password, is logged at start), and both servers listen on
 * the loopback interface only.
 */
import type { Bridge, View } from '../bridge';
import { configValue } from '../config/document';
import type { ConfigObject } from '../config/document';
import { modelIndex } from '../model';
import { NetconfHttpServer } from '../http/server';
import { ListenError } from '../listen-error';
import { UserDirectory } from './auth';
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
  /** 0: any free port. Default: configuration httpPort. */
  readonly httpPort?: number;
  /** Address of both servers. Default: configuration sshAddress and httpAddress. */
  readonly address?: string;
  /** The yang/ folder (default: the project's). */
  readonly yangDir?: string;
}

export type NetconfView = View & {
  /** Bound ports (after start; before, the configured ones). */
  readonly sshPort: number;
  readonly httpPort: number;
  /** The RPC layer (for tests and the lead's wiring). */
  readonly rpc: NetconfServer;
};

const cfgCls = modelIndex.cls('configuration');

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

export function createNetconfView(bridge: Bridge, opts: NetconfViewOptions = {}): NetconfView {
  const catalogue = new ModuleCatalogue(opts.yangDir);
  let cfg: ConfigObject | undefined;
  const setting = (name: string): number => Number(configValue(cfgCls, cfg, name));
  const users = new UserDirectory(bridge.dataDir);
  const limits = {
    maxSessions: (): number => setting('maxSessions'),
    idleTimeout: (): number => setting('idleTimeout'),
    maxRequestSize: (): number => setting('maxRequestSize'),
    loginGraceTime: (): number => setting('loginGraceTime'),
    maxStartups: (): number => setting('maxStartups'),
  };
  const log = (line: string): void => bridge.log(line);
  const rpc = new NetconfServer(bridge, { catalogue, maxRequestSize: limits.maxRequestSize });
  let ssh: NetconfSshServer | undefined;
  let httpServer: NetconfHttpServer | undefined;
  let sshAddr = '';
  let httpAddr = '';
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
    get sshPort(): number { return ssh?.port || (opts.sshPort ?? setting('sshPort')); },
    get httpPort(): number { return httpServer?.port || (opts.httpPort ?? setting('httpPort')); },
    async start(): Promise<void> {
      reload();
      bridge.datastore.on('committed', onCommit);
      sshAddr = opts.address ?? String(configValue(cfgCls, cfg, 'sshAddress'));
      httpAddr = opts.address ?? String(configValue(cfgCls, cfg, 'httpAddress'));
      if (!users.configuredUsers) {
        const g = users.generated!;
        if (!isLoopback(sshAddr) || !isLoopback(httpAddr)) {
          log(`netconf: no managementUsers configured: listening on 127.0.0.1 only (not ${sshAddr}, ${httpAddr})`);
          sshAddr = '127.0.0.1';
          httpAddr = '127.0.0.1';
        }
        log(`netconf: no managementUsers configured: user admin, password in ${g.file} (readable by the bridge's user only)`);
      }
      rpc.start();
      ssh = new NetconfSshServer(rpc, users, {
        address: sshAddr, port: opts.sshPort ?? setting('sshPort'), dataDir: bridge.dataDir, limits, log,
      });
      httpServer = new NetconfHttpServer(rpc, users, { address: httpAddr, port: opts.httpPort ?? setting('httpPort'), limits, log });
      try {
        await ssh.start().catch((e: unknown) => { throw ListenError.from(e, 'NETCONF over SSH', opts.sshPort === undefined ? 'configuration.sshPort' : undefined) ?? e; });
        await httpServer.start().catch((e: unknown) => { throw ListenError.from(e, 'NETCONF over HTTP', opts.httpPort === undefined ? 'configuration.httpPort' : undefined) ?? e; });
      } catch (e) {
        await view.stop();
        throw e;
      }
    },
    async stop(): Promise<void> {
      bridge.datastore.off('committed', onCommit);
      rpc.stop();
      await ssh?.stop();
      await httpServer?.stop();
    },
    describe(): string {
      return `NETCONF over SSH on ${sshAddr || '(not started)'}:${view.sshPort} (subsystem netconf), over HTTP at http://${httpAddr}:${view.httpPort}/netconf`;
    },
  };
  return view;
}
