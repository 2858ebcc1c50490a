/**
 * The SNMP view of the bridge: an agent answering BLOCKCHAIN-MGMT-MIB (and the standard SNMPv2-MIB,
 * SNMP-FRAMEWORK-MIB and USM statistics objects) from the live instance tree over v1, v2c and v3, and
 * sending coldStart and alarm notifications to the configured targets.
 */
import type { Bridge, View } from '../bridge';
import { SnmpAgent } from './agent';
import type { AgentOptions } from './agent';

export { SnmpAgent, MAX_MESSAGE_SIZE } from './agent';
export type { AgentOptions } from './agent';
export { registerWritable } from './writable';
export type { WritableHandler, WritableRefusal } from './writable';

export interface SnmpView extends View {
  /** UDP port the agent listens on (the one picked when opts.port was 0); 0 before start(). */
  readonly port: number;
  readonly agent: SnmpAgent;
}

/**
 * The SNMP agent as a bridge view. Address and port default to the running configuration's
 * configuration.snmpAddress / snmpPort (127.0.0.1:1161); opts override them (port 0: a free port).
 */
export function createSnmpView(bridge: Bridge, opts: AgentOptions = {}): SnmpView {
  let agent: SnmpAgent | undefined;
  const get = (): SnmpAgent => (agent ??= new SnmpAgent(bridge, opts));
  return {
    name: 'snmp',
    get port() { return agent?.port ?? 0; },
    get agent() { return get(); },
    start: () => get().start(),
    stop: async () => { await agent?.stop(); },
    describe: () => get().describe(),
  };
}
