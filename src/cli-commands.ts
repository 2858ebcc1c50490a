/**
 * bcmgmt command line: its commands (src/cli.ts starts them, after giving the bridge its Node.js flags).
 *   bcmgmt serve [--config FILE] [--data-dir DIR]   run the bridge (no config: an embedded dev chain)
 *   bcmgmt snapshot --config FILE                    poll every node once, print the instance tree as JSON
 *   bcmgmt shards --config FILE --count N            which networks each of N bridges manages (--shard K/N)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge, VERSION } from './bridge';
import { composeBridge } from './compose';
import { Collector } from './collector/collector';
import { ConfigError } from './config/document';
import type { ConfigObject } from './config/document';
import { loadConfigFile } from './config/load';
import { validateDocument } from './config/document';
import { applyOverrides, parseOverride } from './config/overrides';
import type { ConfigOverride } from './config/overrides';
import { networkSettings, rpcTimeoutMs } from './config/settings';
import { SHARD_FILE, formatShard, parseShardCount, parseShardSelector, readDataDirShard, selectShard, shardAssignment, writeDataDirShard } from './config/shard';
import type { ShardSelector } from './config/shard';
import { instanceToJson } from './state/json';
import { InstanceTree } from './state/tree';

interface Args {
  command: string; config?: string; dataDir?: string; importConfig: boolean; help: boolean;
  shard?: ShardSelector; overrides: ConfigOverride[]; count?: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { command: argv[0] ?? 'help', help: false, importConfig: false, overrides: [] };
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--config' || v === '-c') a.config = argv[++i];
    else if (v === '--data-dir' || v === '-d') a.dataDir = argv[++i];
    else if (v === '--import') a.importConfig = true;
    else if (v === '--shard') a.shard = parseShardSelector(argv[++i]);
    else if (v === '--set') a.overrides.push(parseOverride(argv[++i]));
    else if (v === '--count') a.count = parseShardCount(argv[++i]);
    else if (v === '--help' || v === '-h') a.help = true;
    else throw new ConfigError('command line', `unknown argument ${v}`);
  }
  return a;
}

const USAGE = `usage:
  bcmgmt serve [--config FILE [--import]] [--data-dir DIR] [--shard K/N] [--set configuration.ATTR=VALUE]...
      run the bridge. The config file seeds the data dir's configuration on first run; --import replaces it.
      With no config file: two embedded Ethereum dev chains with a workload, contracts and a cross-chain channel.
      --shard K/N: this bridge is the K-th of N sharing the file, and manages only the networks of shard K.
      --set: a per-bridge value laid over the file's configuration container (e.g. configuration.snmpPort=1162).
  bcmgmt snapshot --config FILE [--shard K/N]      poll every configured node once and print the instance tree as JSON
  bcmgmt shards --config FILE --count N            print which networks each of N bridges manages (docs/scaling.md)`;

/** The configuration file as this bridge sees it: its shard's networks, the command line's values laid over. */
function loadSeed(args: Args, file: string): ConfigObject {
  const doc = loadConfigFile(file);
  const mine = args.shard ? selectShard(doc, args.shard) : doc;
  return validateDocument(applyOverrides(mine, args.overrides));
}

function shards(args: Args): void {
  if (!args.config) throw new ConfigError('--config', 'is required for shards');
  if (args.count === undefined) throw new ConfigError('--count', 'is required for shards (how many bridges share the file)');
  const doc = loadConfigFile(args.config);
  const assigned = shardAssignment(doc, args.count);
  const nodes = new Map(((doc.networks as ConfigObject[] | undefined) ?? []).map((n) => [String(n.name), Array.isArray(n.nodes) ? n.nodes.length : 0]));
  for (let k = 1; k <= args.count; k++) {
    const names = [...assigned].filter(([, s]) => s === k).map(([n]) => n);
    const nodeCount = names.reduce((sum, n) => sum + (nodes.get(n) ?? 0), 0);
    console.log(`shard ${k}/${args.count}: ${names.length} network(s), ${nodeCount} node(s)${names.length ? `: ${names.join(', ')}` : ''}`);
  }
}

async function snapshot(args: Args): Promise<void> {
  if (!args.config) throw new ConfigError('--config', 'is required for snapshot');
  const doc = loadSeed(args, args.config);
  const tree = new InstanceTree();
  const collector = new Collector(tree, { rpcTimeoutMs: rpcTimeoutMs(doc) });
  collector.apply(networkSettings(doc));
  await collector.pollAllOnce();
  await collector.pollAllOnce(); // a second round lets the ledger trackers and derived values settle
  process.stdout.write(JSON.stringify(instanceToJson(tree.root), null, 2) + '\n');
  await collector.stop();
}

async function embeddedConfig(): Promise<{ doc: ConfigObject; stop: () => Promise<void>; banner: string }> {
  // Loaded only when needed: the dev chains pull in Hardhat.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demo = require('./devchain/demo') as typeof import('./devchain/demo');
  return demo.startDemo();
}

/** Marks a data dir whose configuration came from the embedded demo (its chains are started again on each run). */
const DEMO_MARKER = 'embedded-demo';

/** The demo's own networks, refreshed with this run's chains; everything else the user configured is kept. */
function refreshDemo(running: ConfigObject, demo: ConfigObject): ConfigObject {
  const fresh = new Map(((demo.networks as ConfigObject[] | undefined) ?? []).map((n) => [String(n.name), n]));
  const kept = ((running.networks as ConfigObject[] | undefined) ?? []).map((n) => {
    const d = fresh.get(String(n.name));
    if (!d) return n;
    const { nodes: _n, contracts: _c, crossChainChannels: _x, ...rest } = n;
    return { ...rest, ...(d.nodes ? { nodes: d.nodes } : {}), ...(d.contracts ? { contracts: d.contracts } : {}),
      ...(d.crossChainChannels ? { crossChainChannels: d.crossChainChannels } : {}) };
  });
  const names = new Set(kept.map((n) => String(n.name)));
  return { ...running, networks: [...kept, ...[...fresh.values()].filter((n) => !names.has(String(n.name)))] };
}

async function serve(args: Args): Promise<void> {
  const dataDir = path.resolve(args.dataDir ?? path.join(process.cwd(), 'data'));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The selector is kept in the data dir: a restart without --shard stays the same shard.
  const shardFile = path.join(dataDir, SHARD_FILE);
  const stored = readDataDirShard(shardFile);
  if (!args.shard && stored) args.shard = stored;
  if (!args.config && args.overrides.length) throw new ConfigError('--set', 'needs --config FILE (it is laid over the file)');
  const bridge = new Bridge({ dataDir, shard: args.shard, log: (l) => console.log(l) });
  if (args.shard && !args.config && (!bridge.datastore.hasStartup() || fs.existsSync(path.join(dataDir, DEMO_MARKER)))) {
    await bridge.stop();
    throw new ConfigError('--shard', 'needs --config FILE on a new data dir (the embedded demo is a single bridge)');
  }
  const views = composeBridge(bridge);
  let stopChain: (() => Promise<void>) | undefined;
  let seed: ConfigObject | undefined;
  let importConfig = args.importConfig;
  const marker = path.join(dataDir, DEMO_MARKER);
  if (args.config) {
    seed = loadSeed(args, args.config);
    fs.rmSync(marker, { force: true });
    if (args.overrides.length && bridge.datastore.hasStartup() && !importConfig) {
      console.log('--set values not applied: they go with the configuration file, which the data dir\'s configuration overrides (--import applies both)');
    }
  } else if (!bridge.datastore.hasStartup() || fs.existsSync(marker)) {
    // No configuration anywhere (or a data dir the demo made): run on the embedded dev chains.
    // Their ports change every run, so the demo's networks are refreshed each time; other edits are kept.
    const e = await embeddedConfig();
    seed = bridge.datastore.hasStartup() ? refreshDemo(bridge.running, e.doc) : e.doc;
    importConfig = true;
    stopChain = e.stop;
    fs.writeFileSync(marker, 'this data dir was configured by the embedded demo of bcmgmt serve\n');
    console.log(e.banner);
  }
  try {
    await bridge.start({ seed, importConfig });
  } catch (e) {
    await stopChain?.();
    await bridge.stop().catch(() => undefined);
    if (e instanceof ConfigError && args.shard && /belongs to shard/.test(e.reason) && !importConfig) {
      throw new ConfigError(e.path, `${e.reason}; the data dir holds a configuration of another selector (--import re-seeds it from the file)`);
    }
    throw e;
  }
  if (args.shard) writeDataDirShard(shardFile, args.shard);
  else fs.rmSync(shardFile, { force: true });
  const shardText = args.shard ? `shard ${formatShard(args.shard)}, ` : '';
  console.log(`bcmgmt ${VERSION} on ${os.hostname()}: ${shardText}collecting ${bridge.collector.networks.size} network(s); data dir ${dataDir}; pid ${process.pid}`);
  for (const line of bridge.banner()) console.log(`  ${line}`);
  const mibs = `${path.join(__dirname, '..', '..', 'node_modules', 'net-snmp', 'lib', 'mibs')}:${path.join(__dirname, '..', '..', 'mibs')}`;
  console.log('poll it:');
  console.log(`  snmpwalk -v2c -c public -M ${mibs} -m BLOCKCHAIN-MGMT-MIB 127.0.0.1:${views.snmp.port} bcmMIB`);
  console.log(`  snmptable -v2c -c public -M ${mibs} -m BLOCKCHAIN-MGMT-MIB -Cb 127.0.0.1:${views.snmp.port} bcmNodeTable`);
  console.log(`  curl -su USER:PASSWORD -H 'Content-Type: application/xml' -d '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>' http://127.0.0.1:${views.netconf.httpPort}/netconf`);
  console.log(`  bcmgmt snapshot, or ncclient: manager.connect(host='127.0.0.1', port=${views.netconf.sshPort}, username=USER, password=PASSWORD, hostkey_verify=False)`);
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await bridge.stop();
    await stopChain?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.command === 'help') { console.log(USAGE); return; }
  if (args.command === 'serve') return serve(args);
  if (args.command === 'snapshot') return snapshot(args);
  if (args.command === 'shards') return shards(args);
  throw new ConfigError('command line', `unknown command ${args.command}\n${USAGE}`);
}

/** Runs the command of the command line; a configuration error ends it with exit status 2 and one line. */
export function runCommandLine(): void {
  main().catch((e: unknown) => {
    if (e instanceof ConfigError) console.error(`bcmgmt: configuration error: ${e.message}`);
    else console.error(`bcmgmt: ${(e as Error).stack ?? String(e)}`);
    process.exit(2);
  });
}
