/**
 * The bridge process: one live instance tree, the collector that keeps it current, the configuration
 * datastore, and the views (SNMP, NETCONF, HTTP) and management functions that read the tree.
 * Everything is wired here and nowhere else.
 */
import { EventEmitter } from 'node:events';
import type { NodeActionName, Scalar } from './chains/adapter';
import { AdapterMemoryStore } from './collector/adapter-memory';
import { Collector } from './collector/collector';
import { ConfigDatastore } from './config/datastore';
import type { CommitInfo } from './config/datastore';
import { configValue } from './config/document';
import type { ConfigObject } from './config/document';
import { networkSettings, rpcTimeoutMs } from './config/settings';
import { checkShard } from './config/shard';
import type { ShardSelector } from './config/shard';
import { ListenError } from './listen-error';
import { modelIndex } from './model';
import { openDb } from './store/db';
import type { Db } from './store/db';
import { InstanceTree } from './state/tree';
import type { AlarmNotice, LogEntry, ModelEventNotice } from './events';

const configurationCls = modelIndex.cls('configuration');

export const VERSION: string = (require('../../package.json') as { version: string }).version;

/** A northbound view or management function with a lifecycle (SNMP agent, NETCONF server, ...). */
export interface View {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One line for the start-up banner: where it listens and how to use it. */
  describe(): string;
}

/** A node action named a node the bridge does not collect. */
export class NodeNotFoundError extends Error {
  override readonly name = 'NodeNotFoundError';
  constructor(readonly network: string, readonly node: string) { super(`no node ${node} in network ${network} is being collected`); }
}

export interface BridgeOptions {
  readonly dataDir: string;
  /** A configuration document from a file: seeds startup on first run, or replaces it when importConfig. */
  readonly seed?: ConfigObject;
  readonly importConfig?: boolean;
  /** This bridge is one of several sharing a configuration: it refuses any network of another shard. */
  readonly shard?: ShardSelector;
  readonly log?: (line: string) => void;
}

export interface BridgeEvents {
  /** A model event (YANG notification): newBlock, reorg, nodeAdded, nodeRemoved, nodeReachabilityChanged. */
  event: [ModelEventNotice];
  /** An alarm state change (raise, severity change, clear). */
  alarm: [AlarmNotice];
  /** A structured log record (log management writes, filters and forwards it). */
  record: [LogEntry];
}

export class Bridge extends EventEmitter<BridgeEvents> {
  readonly tree = new InstanceTree();
  readonly db: Db;
  readonly datastore: ConfigDatastore;
  readonly collector: Collector;
  readonly startTime = Date.now();
  readonly dataDir: string;
  readonly shard: ShardSelector | undefined;
  private readonly views: View[] = [];

  constructor(private readonly opts: BridgeOptions) {
    super();
    this.dataDir = opts.dataDir;
    this.shard = opts.shard;
    this.db = openDb(opts.dataDir);
    this.datastore = new ConfigDatastore(this.db);
    const memory = new AdapterMemoryStore(this.db);
    this.collector = new Collector(this.tree, { rpcTimeoutMs: 4000, memory: (network, node) => memory.of(network, node) });
    this.tree.set([], { softwareVersion: VERSION, startTime: this.startTime, operState: 'disabled' });
    this.collector.on('problem', (e) => this.record({ severity: 'warning', component: 'collector', msgId: 'COLLECT', message: `network ${e.network}: ${e.message}` }));
    this.datastore.setApplyHook((doc) => this.applyConfig(doc));
    this.publishCollectorEvents();
    this.datastore.on('committed', (r) => {
      if (r.target !== 'running') return;
      this.tree.set([{ cls: 'configuration' }], { lastCommitTime: r.time, lastCommitUser: r.user, commitCount: BigInt(this.datastore.commitCount) });
      this.tree.set([], { lastConfigChange: r.time });
    });
  }

  private publishCollectorEvents(): void {
    const ev = (name: string, params: ModelEventNotice['params']): void => { this.emit('event', { name, params, time: Date.now() }); };
    const c = this.collector;
    c.on('block', ({ network, ledger, block: b }) => ev('newBlock', {
      network, ledger, height: BigInt(b.height), hash: b.hash, time: b.time * 1000, txCount: b.txCount, producer: b.producer,
    }));
    c.on('reorg', ({ network, ledger, reorg: r }) => ev('reorg', {
      network, ledger, depth: r.depth, oldHead: r.oldHead, newHead: r.newHead, height: BigInt(r.height),
    }));
    c.on('nodeAdded', ({ network, node }) => ev('nodeAdded', { network, node }));
    c.on('nodeRemoved', ({ network, node }) => ev('nodeRemoved', { network, node }));
    c.on('reachability', ({ network, node, reachable, error }) => ev('nodeReachabilityChanged', {
      network, node, reachability: reachable ? 'reachable' : 'unreachable', error: reachable ? undefined : error,
    }));
  }

  /** A plain log line from any part of the bridge: printed, and recorded at info by log management. */
  log(line: string, component = 'bridge', msgId = '-'): void {
    this.opts.log?.(line);
    this.emit('record', { severity: 'info', component, msgId, message: line });
  }

  /** A structured log record. */
  record(entry: LogEntry): void {
    if (entry.severity !== 'debug') this.opts.log?.(`${entry.severity} ${entry.component}: ${entry.message}`);
    this.emit('record', entry);
  }

  /** The configuration in effect. */
  get running(): ConfigObject { return this.datastore.get('running'); }

  addView(v: View): void { this.views.push(v); }

  /** Makes a validated configuration document the live one. Throws ConfigError to refuse it. */
  private applyConfig(doc: ConfigObject): void {
    if (this.opts.shard) checkShard(doc, this.opts.shard);
    const nets = networkSettings(doc);
    this.collector.rpcTimeoutMs = rpcTimeoutMs(doc);
    this.collector.apply(nets);
  }

  /**
   * Runs a node action of the model (add/remove peer, set network active, start/stop block production,
   * set log level) through the node's adapter, for any protocol. Logged with the user; the node is polled
   * again at once so its state shows the effect. Rejects with NodeNotFoundError, NotSupportedError or RpcError.
   */
  async nodeAction(network: string, node: string, action: NodeActionName, input: Readonly<Record<string, Scalar>>, user: string): Promise<void> {
    const poller = this.collector.networks.get(network)?.pollers.get(node);
    if (!poller) throw new NodeNotFoundError(network, node);
    const what = `${action}${Object.keys(input).length ? ` ${JSON.stringify(input)}` : ''} on node ${network}/${node}`;
    try {
      await poller.adapter.action(action, input);
    } catch (e) {
      this.record({ severity: 'warning', component: 'config', msgId: 'ACTION', message: `${user}: ${what} failed: ${(e as Error).message}`, sd: { 'bcm@32473': { user, action, network, node } } });
      throw e;
    }
    if (action === 'setLogLevel') this.tree.set([...poller.path, { cls: 'nodeLogControl' }], { level: input.level as string });
    this.record({ severity: 'notice', component: 'config', msgId: 'ACTION', message: `${user}: ${what}`, sd: { 'bcm@32473': { user, action, network, node } } });
    void poller.pollOnce();
  }

  /** Commits a whole new running configuration (all protocols end here). */
  commit(doc: unknown, info: CommitInfo): ReturnType<ConfigDatastore['commit']> {
    return this.datastore.commit('running', doc, info);
  }

  /**
   * Boot: the configuration file seeds startup (and running) on first run, or replaces both with
   * importConfig. Otherwise running is what was last committed (it survives restarts, as in sysrepo),
   * and startup is what copy-config saved. A file is committed to running first, so a document the bridge
   * cannot apply (an unset passwordEnv) changes nothing; and a first start that fails (a bad file, a busy
   * port) leaves no configuration behind, so that the corrected file seeds the next start.
   */
  async start(boot: { seed?: ConfigObject; importConfig?: boolean } = {}): Promise<void> {
    const seed = boot.seed ?? this.opts.seed;
    const firstRun = !this.datastore.hasStartup();
    const hadRunning = this.datastore.has('running');
    try {
      if (seed && (firstRun || (boot.importConfig ?? this.opts.importConfig ?? false))) {
        this.datastore.commit('running', seed, { user: 'bcmgmt', source: 'file' });
        this.datastore.commit('startup', seed, { user: 'bcmgmt', source: 'file' });
      } else if (seed) {
        this.log('configuration file not imported: the data dir already has a configuration (bcmgmt serve --import replaces it)');
      } else if (firstRun) {
        this.datastore.commit('startup', {}, { user: 'bcmgmt', source: 'boot' });
      }
      if (!this.datastore.has('running')) this.datastore.copy('startup', 'running', { user: 'bcmgmt', source: 'boot' });
      this.applyConfig(this.datastore.get('running'));
      this.publishSavedCommit();
      this.collector.start();
      for (const v of this.views) await this.startView(v);
    } catch (e) {
      if (firstRun) {
        this.datastore.discard('startup');
        if (!hadRunning) this.datastore.discard('running');
      }
      throw e;
    }
    this.tree.set([], { operState: 'enabled' });
  }

  /** The last commit to running as saved in the datastore (after a restart, no commit has happened yet). */
  private publishSavedCommit(): void {
    const saved = this.datastore.lastSavedCommit();
    if (!saved) return;
    this.tree.set([{ cls: 'configuration' }], { lastCommitTime: saved.time, lastCommitUser: saved.user, commitCount: BigInt(this.datastore.commitCount) });
    this.tree.set([], { lastConfigChange: saved.time });
  }

  private async startView(v: View): Promise<void> {
    try {
      await v.start();
    } catch (e) {
      const cfg = this.running.configuration as ConfigObject | undefined;
      const field = (port: number): string | undefined => {
        const f = ['snmpPort', 'sshPort', 'httpPort'].find((n) => Number(configValue(configurationCls, cfg, n)) === port);
        return f && `configuration.${f}`;
      };
      throw ListenError.from(e, `${v.name} view`, field) ?? e;
    }
  }

  banner(): string[] { return this.views.map((v) => v.describe()); }

  async stop(): Promise<void> {
    this.tree.set([], { operState: 'disabled' });
    for (const v of [...this.views].reverse()) await v.stop().catch(() => undefined);
    await this.collector.stop();
    this.db.close();
  }
}
