/**
 * The whole product: a Bridge with every management function and view. The order matters once:
 * log management first (it records what the others do), then the functions that write the tree,
 * then the protocol views that read it.
 */
import type { Bridge } from './bridge';
import { createContractManager } from './contract';
import { createCrossChainManager } from './crosschain';
import { createFaultManager } from './fault';
import { createLogManager } from './log';
import { createHttpView, mountMetrics } from './http';
import { createNetconfView } from './netconf';
import { UserDirectory } from './netconf/auth';
import type { User } from './netconf/auth';
import { createPerformanceManager } from './pm';
import { mountRestconf } from './restconf';
import { createSnmpView } from './snmp';

export interface ComposeOptions {
  /** Listener ports (0: a free port), overriding the configuration; for tests. */
  readonly snmpPort?: number;
  readonly sshPort?: number;
  readonly httpPort?: number;
  /** Address of the SSH and HTTP servers, overriding the configuration; for tests. */
  readonly address?: string;
}

export interface ManagementViews {
  readonly netconf: ReturnType<typeof createNetconfView>;
  readonly http: ReturnType<typeof createHttpView<User>>;
}

/**
 * The management views over TCP: the NETCONF view (SSH), and the one HTTP server with the views mounted on it
 * (NETCONF over HTTP, RESTCONF, /metrics), all with the same users. The NETCONF view loads the users, so it is
 * added (and started) before the HTTP server.
 */
export function composeManagementViews(bridge: Bridge, opts: Omit<ComposeOptions, 'snmpPort'> = {}): ManagementViews {
  const users = new UserDirectory(bridge.dataDir);
  const http = createHttpView<User>(bridge, { users, ...(opts.httpPort !== undefined ? { port: opts.httpPort } : {}), ...(opts.address ? { address: opts.address } : {}) });
  const netconf = createNetconfView(bridge, { users, http, ...(opts.sshPort !== undefined ? { sshPort: opts.sshPort } : {}), ...(opts.address ? { address: opts.address } : {}) });
  mountRestconf(http, netconf.rpc);
  mountMetrics(http, bridge.tree);
  bridge.addView(netconf);
  bridge.addView(http);
  return { netconf, http };
}

export interface Composed {
  readonly snmp: ReturnType<typeof createSnmpView>;
  readonly netconf: ReturnType<typeof createNetconfView>;
  readonly http: ManagementViews['http'];
  readonly fault: ReturnType<typeof createFaultManager>;
}

export function composeBridge(bridge: Bridge, opts: ComposeOptions = {}): Composed {
  bridge.addView(createLogManager(bridge));
  const fault = createFaultManager(bridge);
  bridge.addView(fault);
  bridge.addView(createPerformanceManager(bridge, fault));
  bridge.addView(createContractManager(bridge));
  bridge.addView(createCrossChainManager(bridge));
  const snmp = createSnmpView(bridge, opts.snmpPort !== undefined ? { port: opts.snmpPort } : {});
  bridge.addView(snmp);
  const { netconf, http } = composeManagementViews(bridge, opts);
  return { snmp, netconf, http, fault };
}
