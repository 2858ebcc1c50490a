/**
 * The collector: keeps the live instance tree current for every configured network. It owns the
 * network collectors, applies configuration changes at runtime (a new network or node starts being
 * collected, a removed one stops and its rows go) and re-emits chain events for fault, performance and
 * log management.
 */
import { EventEmitter } from 'node:events';
import type { AdapterMemory, BlockSummary, ChainAdapter } from '../chains/adapter';
import { adapterFactory } from '../chains/registry';
import type { NetworkSettings, NodeSettings } from '../config/settings';
import type { InstanceTree } from '../state/tree';
import type { ReorgInfo } from './ledger-tracker';
import { NetworkCollector } from './network-collector';
import type { AdapterMaker } from './network-collector';
import type { PollResult } from './node-poller';

export interface CollectorEvents {
  block: [{ network: string; ledger: string; block: BlockSummary }];
  reorg: [{ network: string; ledger: string; reorg: ReorgInfo }];
  reachability: [{ network: string; node: string; reachable: boolean; error?: string }];
  polled: [{ network: string; node: string; result: PollResult }];
  nodeAdded: [{ network: string; node: string }];
  nodeRemoved: [{ network: string; node: string }];
  /** A problem that is not a node's reachability (e.g. ledger tracking failed); never Node's special 'error'. */
  problem: [{ network: string; message: string }];
}

export interface CollectorOptions {
  readonly rpcTimeoutMs: number;
  /** Overrides how adapters are made (tests); default: src/chains/<platform>. */
  readonly makeAdapter?: AdapterMaker;
  /** Where an adapter keeps what must survive a restart (the bridge's database); absent: nothing is kept. */
  readonly memory?: (network: string, node: string) => AdapterMemory;
}

export class Collector extends EventEmitter<CollectorEvents> {
  readonly networks = new Map<string, NetworkCollector>();
  private running = false;
  rpcTimeoutMs: number;
  private readonly makeAdapter: AdapterMaker;

  constructor(readonly tree: InstanceTree, opts: CollectorOptions) {
    super();
    this.rpcTimeoutMs = opts.rpcTimeoutMs;
    this.makeAdapter = opts.makeAdapter ?? ((platform: string, n: NodeSettings, net: NetworkSettings): ChainAdapter => adapterFactory(platform)({
      endpoint: n.endpoint, wsEndpoint: n.wsEndpoint, username: n.username, password: n.password,
      cookieFile: n.cookieFile, timeoutMs: this.rpcTimeoutMs, keepAliveMs: net.pollInterval * 1000 + 2000,
      validators: net.validators, memory: opts.memory?.(net.name, n.name),
    }));
  }

  /** Makes the collected networks exactly the given ones. */
  apply(networks: readonly NetworkSettings[]): void {
    const wanted = new Map(networks.map((n) => [n.name, n]));
    for (const [name, nc] of this.networks) {
      const w = wanted.get(name);
      if (!w || w.platform !== nc.settings.platform) {
        for (const node of nc.pollers.keys()) this.emit('nodeRemoved', { network: name, node });
        void nc.close();
        this.networks.delete(name);
        this.tree.remove([{ cls: 'network', keys: [name] }]);
      }
    }
    for (const s of networks) {
      let nc = this.networks.get(s.name);
      if (!nc) {
        nc = new NetworkCollector(s, this.tree, this.makeAdapter, {
          block: (network, ledger, block) => this.emit('block', { network, ledger, block }),
          reorg: (network, ledger, reorg) => this.emit('reorg', { network, ledger, reorg }),
          reachability: (network, node, reachable, error) => this.emit('reachability', { network, node, reachable, error }),
          polled: (network, node, result) => { this.summarise(); this.emit('polled', { network, node, result }); },
          problem: (network, message) => this.emit('problem', { network, message }),
        });
        this.networks.set(s.name, nc);
      }
      const { added, removed } = nc.apply(s);
      for (const node of added) this.emit('nodeAdded', { network: s.name, node });
      for (const node of removed) this.emit('nodeRemoved', { network: s.name, node });
      if (this.running) nc.start();
    }
    this.summarise();
  }

  start(): void {
    this.running = true;
    for (const nc of this.networks.values()) nc.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.networks.values()].map((nc) => nc.close()));
  }

  /** Polls every node once and waits for the ledger trackers (bcmgmt snapshot). */
  async pollAllOnce(): Promise<void> {
    const all: Promise<void>[] = [];
    for (const nc of this.networks.values()) for (const p of nc.pollers.values()) all.push(p.pollOnce());
    await Promise.all(all);
  }

  private summarise(): void {
    let nodes = 0;
    let reachable = 0;
    for (const nc of this.networks.values()) { nodes += nc.pollers.size; reachable += nc.reachableCount; }
    this.tree.set([], { networkCount: this.networks.size, nodeCount: nodes, reachableNodeCount: reachable });
  }
}
