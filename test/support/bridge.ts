/** A Bridge in a temporary data dir, started on a seed configuration, for tests that drive the real product. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../../src/bridge';
import { composeBridge } from '../../src/compose';
import type { Composed } from '../../src/compose';
import type { ConfigObject } from '../../src/config/document';

export interface TestBridge {
  readonly bridge: Bridge;
  readonly dataDir: string;
  /** Stops the bridge; the data dir stays until cleanup(). */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startBridge(seed: ConfigObject | undefined, opts: { dataDir?: string; importConfig?: boolean; setup?: (b: Bridge) => void } = {}): Promise<TestBridge> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-test-'));
  const bridge = new Bridge({ dataDir, seed, importConfig: opts.importConfig });
  opts.setup?.(bridge);
  await bridge.start();
  let stopped = false;
  const stop = async (): Promise<void> => { if (!stopped) { stopped = true; await bridge.stop(); } };
  return {
    bridge, dataDir, stop,
    cleanup: async () => { await stop(); fs.rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** A test bridge with all its views (SNMP, NETCONF over SSH and HTTP, RESTCONF, metrics) composed on free loopback ports. */
export interface ViewsBridge extends TestBridge {
  readonly views: Composed;
}

/** setup: called with the bridge before it starts (a listener that must not miss what the start emits). */
export async function startViewsBridge(seed: ConfigObject | undefined, opts: { dataDir?: string; setup?: (b: Bridge) => void } = {}): Promise<ViewsBridge> {
  let views: Composed | undefined;
  const tb = await startBridge(seed, { dataDir: opts.dataDir, setup: (br) => { views = composeBridge(br, { snmpPort: 0, sshPort: 0, httpPort: 0 }); opts.setup?.(br); } });
  return { ...tb, views: views! };
}
