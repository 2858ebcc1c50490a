/**
 * Shared by the benchmarks of the views (bench/netconf-get.ts, bench/metrics.ts): a bridge with the NETCONF
 * and HTTP view whose tree holds one network of synthetic nodes and peers, and latency statistics.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../src/bridge';
import type { ConfigObject } from '../src/config/document';
import { composeManagementViews } from '../src/compose';
import type { NetconfView } from '../src/netconf';
import { createSnmpView } from '../src/snmp';
import type { SnmpView } from '../src/snmp';
import { fillSynthetic, usersConfig } from '../test/support/netconf';

export function stats(ms: number[]): { median: number; p99: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p99: at(0.99), min: s[0], max: s[s.length - 1] };
}

export const fmt = (x: number): string => x.toFixed(2);

/**
 * A started bridge (users admin and reader) with one network of `nodes` nodes of `peers` peers each,
 * administratively locked so that the collector does not poll the fake endpoints; with the SNMP view too
 * when asked (community public). stop() removes its data dir.
 */
export async function syntheticBridge(nodes: number, peers: number, opts: { snmp?: boolean } = {}): Promise<{ bridge: Bridge; view: NetconfView; snmp?: SnmpView; stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-bench-'));
  const seed: ConfigObject = {
    configuration: usersConfig(),
    networks: [{ name: 'net0', platform: 'ethereum', adminState: 'locked', pollInterval: 5,
      nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node${i}`, endpoint: `http://127.0.0.1:${10000 + i}` })) }],
  };
  const bridge = new Bridge({ dataDir, seed });
  const view = composeManagementViews(bridge, { sshPort: 0, httpPort: 0, address: '127.0.0.1' }).netconf;
  const snmp = opts.snmp ? createSnmpView(bridge, { port: 0, address: '127.0.0.1' }) : undefined;
  if (snmp) bridge.addView(snmp);
  await bridge.start();
  fillSynthetic(bridge.tree, 1, nodes, peers);
  return { bridge, view, snmp, stop: async () => { await bridge.stop(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
}
