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
import { createNetconfView } from './netconf';
import { createPerformanceManager } from './pm';
import { createSnmpView } from './snmp';

export interface ComposeOptions {
  /** Listener ports (0: a free port), overriding the configuration; for tests. */
  readonly snmpPort?: number;
  readonly sshPort?: number;
  readonly httpPort?: number;
}

export interface Composed {
  readonly snmp: ReturnType<typeof createSnmpView>;
  readonly netconf: ReturnType<typeof createNetconfView>;
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
  const netconf = createNetconfView(bridge, {
    ...(opts.sshPort !== undefined ? { sshPort: opts.sshPort } : {}),
    ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
  });
  bridge.addView(netconf);
  return { snmp, netconf, fault };
}
