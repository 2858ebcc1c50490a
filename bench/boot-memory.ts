/**
 * The bridge's base memory (issue 16 target 4): RSS, V8 heap and external memory after global.gc() at each
 * step of a start, in this one process:
 *   node       the bare Node.js process
 *   modules    after loading the whole product (src/compose and src/bridge)
 *   bridge     a Bridge opened on a new data dir (SQLite), its views composed (src/compose composeBridge)
 *   started    started with a configuration of `nodes` administratively locked nodes (not polled)
 *   idle       2 s later (the views' first timers have run)
 * and which packages of node_modules the start loaded. Run it with and without the bridge's flags
 * (src/runtime-flags.ts) to see what they change:
 *
 *   node --expose-gc [--max-semi-space-size=8 --heap-growing-percent=50] dist/bench/boot-memory.js [--nodes N, default 1000]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';

const mb = (n: number): string => (n / 1048576).toFixed(1).padStart(7);

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

function line(step: string): void {
  gc();
  const m = process.memoryUsage();
  // The young generation's resident pages: after a start, 1 to 32 MB depending on how far V8 grew it (and on
  // whether its memory reducer has shrunk it back yet); the flags of src/runtime-flags.ts bound it.
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  console.log(`${step.padEnd(10)} ${mb(m.rss)} ${mb(m.heapUsed)} ${mb(m.heapTotal)} ${mb(young)} ${mb(m.rss - young)} ${mb(m.external)}`);
}

/** The packages of node_modules loaded so far, by name. */
function loadedPackages(): string[] {
  const names = new Set<string>();
  for (const f of Object.keys(require.cache)) {
    const parts = f.split(`node_modules${path.sep}`);
    if (parts.length < 2) continue;
    const p = parts[parts.length - 1].split(path.sep);
    names.add(p[0].startsWith('@') ? `${p[0]}/${p[1]}` : p[0]);
  }
  return [...names].sort();
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--nodes');
  const nodes = i > 0 ? Number(process.argv[i + 1]) : 1000;
  console.log(`base memory of a bridge with ${nodes} locked nodes (MB, after global.gc())`);
  console.log(`Node.js flags: ${process.execArgv.join(' ') || 'none'}`);
  console.log('step           RSS    heap  heapTot   young RSS-young  extern');
  line('node');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Bridge } = require('../src/bridge') as typeof import('../src/bridge');
  const { composeBridge } = require('../src/compose') as typeof import('../src/compose');
  const { usersConfig } = require('../test/support/netconf') as typeof import('../test/support/netconf');
  /* eslint-enable @typescript-eslint/no-require-imports */
  line('modules');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-boot-'));
  const seed = {
    configuration: { ...usersConfig(), snmpCommunities: [{ name: 'ro', community: 'public', source: '127.0.0.1/32' }] },
    networks: [{ name: 'net0', platform: 'ethereum', adminState: 'locked', pollInterval: 10,
      nodes: Array.from({ length: nodes }, (_, k) => ({ name: `node${k}`, endpoint: `http://127.0.0.1:${10000 + k}` })) }],
  };
  const bridge = new Bridge({ dataDir, seed, log: () => undefined });
  composeBridge(bridge, { snmpPort: 0, sshPort: 0, httpPort: 0, address: '127.0.0.1' });
  line('bridge');
  await bridge.start();
  line('started');
  await new Promise((r) => setTimeout(r, 2000));
  line('idle');
  console.log(`packages loaded: ${loadedPackages().join(' ')}`);
  await bridge.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
