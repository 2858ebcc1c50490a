#!/usr/bin/env node
/**
 * bcmgmt command line (the commands: src/cli-commands.ts).
 *   bcmgmt serve [--config FILE] [--data-dir DIR]   run the bridge (no config: an embedded dev chain)
 *   bcmgmt snapshot --config FILE                    poll every node once, print the instance tree as JSON
 *   bcmgmt shards --config FILE --count N            which networks each of N bridges manages (--shard K/N)
 *
 * `serve` runs with the bridge's Node.js flags (src/runtime-flags.ts; BCMGMT_NODE_FLAGS=none turns them off):
 * started without them, the command line starts itself again with them (src/relaunch.ts). Only the two small
 * modules below are loaded before that decision: the parent holds none of the bridge.
 */
import { missingFlags, runtimeFlags } from './runtime-flags';
import { RELAUNCHED_ENV, followLauncher, relaunchWithFlags } from './relaunch';

function start(): void {
  if (process.argv[2] === 'serve') {
    let flags: readonly string[];
    try {
      flags = runtimeFlags();
    } catch (e) {
      console.error(`bcmgmt: configuration error: ${(e as Error).message}`);
      process.exit(2);
    }
    // Once only: the child has the flags on its command line.
    const missing = missingFlags(flags);
    if (missing.length && process.env[RELAUNCHED_ENV] !== '1') { relaunchWithFlags(missing); return; }
  }
  followLauncher();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./cli-commands') as typeof import('./cli-commands')).runCommandLine();
}

start();
