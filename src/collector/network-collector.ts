/**
 * Collection for one network: its node pollers, the ledger tracker fed by the best node, and the
 * network-level values derived from all nodes (best height, per-node lag and sync state, chain tips,
 * consensus window). A poll costs O(1) here (the best node and the reachable count are kept as polls come); derive()
 * reads all nodes, every DERIVE_EVERY_MS in a large network; nothing scans history.
 */
import type { BlockSummary, ChainAdapter, ChainTipObservation, TipStatus } from '../chains/adapter';
import type { NetworkSettings, NodeSettings } from '../config/settings';
import type { InstanceTree, Path, Values } from '../state/tree';
import { Turns } from '../turns';
import { BlockCache } from './block-cache';
import { LedgerTracker } from './ledger-tracker';
import type { ReorgInfo } from './ledger-tracker';
import { NodeBranches } from './node-branches';
import { NodePoller } from './node-poller';
import type { PollResult } from './node-poller';

export const LEDGER = 'main';
/** Runs of the ledger's tracker in a row while it is behind the best head: 4 x 32 blocks per poll at most. */
const CATCH_UP_RUNS = 4;
/** Networks of up to this many nodes derive their network-level values after every poll; larger ones every DERIVE_EVERY_MS. */
export const DERIVE_EACH_POLL_MAX = 64;
export const DERIVE_EVERY_MS = 250;

/** Which of two reports of one tip wins: the lower rank (the best node's view of its own chain first). */
const TIP_RANK: Readonly<Record<TipStatus, number>> = { active: 0, validFork: 1, validHeaders: 2, headersOnly: 3, invalid: 4, unknown: 5 };

export interface NetworkEvents {
  block(network: string, ledger: string, b: BlockSummary): void;
  reorg(network: string, ledger: string, r: ReorgInfo): void;
  reachability(network: string, node: string, reachable: boolean, error: string | undefined): void;
  polled(network: string, node: string, r: PollResult): void;
  problem(network: string, message: string): void;
}

/** Makes a node's adapter for a network (connections are kept for the network's poll interval, as it is when the node is added). */
export type AdapterMaker = (platform: string, node: NodeSettings, network: NetworkSettings) => ChainAdapter;

/** Whether p (when reachable and polled) comes before the best node so far: a higher head, or the same and a lower name. */
function beats(p: NodePoller, best: NodePoller | undefined): boolean {
  if (!p.reachable || !p.last) return false;
  if (!best) return true;
  const h = p.last.head.height;
  const bh = best.last!.head.height;
  return h > bh || (h === bh && p.settings.name < best.settings.name);
}

export class NetworkCollector {
  readonly pollers = new Map<string, NodePoller>();
  readonly tracker: LedgerTracker;
  /** Recent blocks of the network's nodes, shared by the ledger's tracker and the nodes' own. */
  private readonly cache = new BlockCache();
  /** Each node's own chain, for its reorganisations (nodeLedgerState reorgCount). */
  readonly branches = new NodeBranches(this.cache);
  /** What derive() last wrote every node's ledger state for, and what each node added to the chain tips then (tipsOf). */
  private readonly derived: { best?: NodePoller; height?: number } = {};
  private readonly tipsSeen = new WeakMap<NodePoller, string>();
  /** The ledger's tracker moved since the tips were written: a node's head may be on the best chain now. */
  private tipsDirty = false;
  /** Nodes whose ledger state is to be rewritten (drainStates). */
  private readonly stateQueue = new Set<NodePoller>();
  private draining = false;
  /** The tracker's state (and the best node) when the ledger was last written. */
  private ledgerMark: string | undefined;
  /** The ledger tracker's run under way, and whether a poll since asks for one more. */
  private tracking: Promise<void> | undefined;
  private trackAgain = false;
  private running = false;
  /** Nodes polled since the last derive() of a large network, and the timer of the next one. */
  private readonly polledSince = new Set<NodePoller>();
  private deriveTimer: NodeJS.Timeout | undefined;
  /**
   * The best node kept between polls (best()): undefined when none is reachable, null when it is to be found again
   * by a scan. A poll changes it in O(1) (onPolled): 1,000 nodes at 10 s poll 100 times a second, and a scan of
   * them for each poll was a sixth of the bridge's CPU under the collector's load (bench/snmp-latency.js --get-every 0).
   */
  private bestNode: NodePoller | undefined | null = null;
  /** The best node's height when it was found or last polled. */
  private bestHeight = 0;
  /** How many of the pollers are reachable, kept as polls change them (counted again by apply()). */
  private reachableNodes = 0;
  private readonly statePaths = new Map<string, Path>();
  private nameOrder: NodePoller[] | undefined;

  constructor(
    public settings: NetworkSettings,
    private readonly tree: InstanceTree,
    private readonly makeAdapter: AdapterMaker,
    private readonly events: NetworkEvents,
  ) {
    this.tracker = new LedgerTracker(settings.windowSize, {
      block: (b) => this.events.block(this.name, LEDGER, b),
      reorg: (r) => this.events.reorg(this.name, LEDGER, r),
    });
  }

  get name(): string { return this.settings.name; }
  get path(): Path { return [{ cls: 'network', keys: [this.name] }]; }
  private get ledgerPath(): Path { return [...this.path, { cls: 'ledger', keys: [LEDGER] }]; }

  /**
   * The path of a node's ledger state, made once per node: every node's row is rewritten when the best height
   * moves (a thousand rows every block), and three arrays and objects more per row were garbage for nothing.
   */
  private statePath(node: string): Path {
    let p = this.statePaths.get(node);
    if (!p) { p = Object.freeze([...this.ledgerPath, Object.freeze({ cls: 'nodeLedgerState', keys: Object.freeze([node]) })]) as Path; this.statePaths.set(node, p); }
    return p;
  }

  /** Applies (new) settings: starts pollers of added nodes, stops removed ones, restarts changed ones. */
  apply(settings: NetworkSettings): { added: string[]; removed: string[] } {
    // The adapters are made with the network's validators: a change of them makes new adapters.
    const validatorsChanged = JSON.stringify(settings.validators) !== JSON.stringify(this.settings.validators);
    this.settings = settings;
    this.tracker.windowSize = settings.windowSize;
    const added: string[] = [];
    const removed: string[] = [];
    const wanted = new Map(settings.nodes.map((n) => [n.name, n]));
    for (const [name, p] of this.pollers) {
      const w = wanted.get(name);
      if (!w || validatorsChanged || JSON.stringify(w) !== JSON.stringify(p.settings)) {
        p.stop();
        void p.adapter.close().catch(() => undefined);
        this.pollers.delete(name);
        if (!w) {
          this.branches.forget(name);
          this.tree.remove([...this.path, { cls: 'node', keys: [name] }]);
          this.tree.remove(this.statePath(name));
          this.statePaths.delete(name);
          removed.push(name);
        }
      }
    }
    this.tree.set(this.path, {
      platform: settings.platform, pollInterval: settings.pollInterval, adminState: settings.adminState,
      expectedBlockInterval: settings.expectedBlockInterval,
    });
    this.tree.set([...this.path, { cls: 'consensus' }], {
      windowSize: settings.windowSize, quorum: settings.quorum, validators: settings.validators.length ? settings.validators : undefined,
    });
    for (const n of settings.nodes) {
      if (this.pollers.has(n.name)) continue;
      const existed = this.tree.find([...this.path, { cls: 'node', keys: [n.name] }]) !== undefined;
      this.tree.set([...this.path, { cls: 'node', keys: [n.name] }], {
        endpoint: n.endpoint, role: n.role, adminState: n.adminState, wsEndpoint: n.wsEndpoint,
        username: n.username, cookieFile: n.cookieFile,
        ...(existed ? {} : { reachability: 'unknown', operState: 'disabled', stale: false }),
      });
      const poller = new NodePoller(this.name, n, this.makeAdapter(settings.platform, n, settings), {
        tree: this.tree,
        known: this.cache,
        intervalMs: () => this.settings.pollInterval * 1000,
        polled: (p, r, was) => this.onPolled(p, r, was),
      });
      this.pollers.set(n.name, poller);
      if (!existed) added.push(n.name);
      if (this.running && this.polling(n)) poller.start(this.stagger(this.pollers.size - 1));
    }
    if (this.running) for (const p of this.pollers.values()) if (!this.polling(p.settings)) p.stop();
    this.bestNode = null;
    this.nameOrder = undefined;
    this.reachableNodes = 0;
    for (const p of this.pollers.values()) if (p.reachable) this.reachableNodes++;
    this.derive();
    return { added, removed };
  }

  private polling(n: NodeSettings): boolean {
    return this.settings.adminState !== 'locked' && n.adminState !== 'locked';
  }

  start(): void {
    this.running = true;
    let i = 0;
    for (const p of this.pollers.values()) if (this.polling(p.settings)) p.start(this.stagger(i++));
  }

  /**
   * The delay of the i-th node's first poll: the cycles of many nodes are spread over the interval (at most
   * 10 ms apart), so that 1,000 nodes do not all poll in the same turn of the event loop.
   */
  private stagger(i: number): number {
    const n = Math.max(1, this.pollers.size);
    return Math.floor(i * Math.min(10, (this.settings.pollInterval * 1000) / n));
  }

  stop(): void {
    this.running = false;
    if (this.deriveTimer) clearTimeout(this.deriveTimer);
    this.deriveTimer = undefined;
    this.polledSince.clear();
    for (const p of this.pollers.values()) p.stop();
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all([...this.pollers.values()].map((p) => p.adapter.close().catch(() => undefined)));
  }

  /** How many of the network's nodes are reachable (their last poll succeeded). */
  get reachableCount(): number { return this.reachableNodes; }

  private onPolled(p: NodePoller, r: PollResult, was: boolean | undefined): void {
    if ((was === true) !== (p.reachable === true)) this.reachableNodes += p.reachable ? 1 : -1;
    this.noteBest(p);
    this.deriveAfter(p);
    this.events.polled(this.name, p.settings.name, r);
    // A change of reachability, or a first poll that fails (a first success is not news).
    if (was !== undefined ? was !== r.ok : !r.ok) this.events.reachability(this.name, p.settings.name, r.ok, r.error);
    if (!r.ok || !r.observation) { void this.track(); return; }
    this.cache.add(r.observation.head);
    // The ledger first: the blocks it fetches from the best node are then in the cache for the node's own tracker.
    void this.track().then(() => this.followNode(p));
  }

  /** Follows the node's own chain; writes its node ledger state when that counted a reorganisation. */
  private async followNode(p: NodePoller): Promise<void> {
    const own = p.last?.head;
    if (!own || this.pollers.get(p.settings.name) !== p) return;
    // The network's copy of the block when it has one: a thousand nodes' trackers then hold one string per hash, not one each.
    const head = this.cache.get(own.hash) ?? own;
    const node = p.settings.name;
    try {
      if (!(await this.branches.follow(node, p.adapter, head))) return;
    } catch (e) {
      this.events.problem(this.name, `ledger tracking of node ${node}: ${(e as Error).message}`);
      return;
    }
    if (this.pollers.get(node) === p) this.tree.set(this.statePath(node), { ...this.branches.reorgs(node) });
  }

  /** The reachable poller with the highest head (ties: the first by name, in code-point order: no locale rules). */
  best(): NodePoller | undefined {
    if (this.bestNode === null) {
      let best: NodePoller | undefined;
      for (const p of this.pollers.values()) if (beats(p, best)) best = p;
      this.bestNode = best;
      this.bestHeight = best ? best.last!.head.height : 0;
    }
    return this.bestNode;
  }

  /**
   * The best node after a poll of p, without a scan: p takes the place when it beats the best node; the best node
   * itself stays while its head does not go down and it stays reachable, else the next best() scans (once).
   */
  private noteBest(p: NodePoller): void {
    const b = this.bestNode;
    if (b === null) return;
    if (b === p) {
      if (p.reachable && p.last && p.last.head.height >= this.bestHeight) this.bestHeight = p.last.head.height;
      else this.bestNode = null;
    } else if (beats(p, b)) {
      this.bestNode = p;
      this.bestHeight = p.last!.head.height;
    }
  }

  /**
   * Brings the ledger's tracker to the best node's head. A call while a run is under way makes that run go
   * once more (the best head may be newer now) and waits for it: a node's own tracker that follows then
   * finds the network's new blocks in the cache, fetched once for the network, not once per node.
   */
  private track(): Promise<void> {
    if (this.tracking) { this.trackAgain = true; return this.tracking; }
    this.tracking = (async () => {
      // A tracker behind the best head (MAX_BLOCKS_PER_CYCLE per advance) goes on, CATCH_UP_RUNS times at most.
      let behind = 0;
      do {
        this.trackAgain = false;
        await this.trackOnce();
        const head = this.best()?.last?.head.height;
        behind = head !== undefined && (this.tracker.lastHeight ?? head) < head ? behind + 1 : 0;
      } while (this.trackAgain || (behind > 0 && behind < CATCH_UP_RUNS));
    })().finally(() => { this.tracking = undefined; });
    return this.tracking;
  }

  private async trackOnce(): Promise<void> {
    const best = this.best();
    if (!best?.last) return;
    try {
      await this.tracker.advance(this.cache.source(best.adapter, best.last.head), best.last.head);
      // Most polls of a network bring no new block (1,000 nodes at 10 s: a hundred polls a second): nothing to write then.
      const t = this.tracker;
      const mark = `${t.lastHeight}|${t.headHash}|${t.observedBlocks}|${t.reorgCount}|${best.settings.name}`;
      if (mark === this.ledgerMark) return;
      this.ledgerMark = mark;
      this.tipsDirty = true;
      this.writeLedger();
    } catch (e) {
      this.events.problem(this.name, `ledger tracking: ${(e as Error).message}`);
    }
  }

  /**
   * derive() after the poll of p: at once in a network of up to DERIVE_EACH_POLL_MAX nodes; in a larger one, once
   * every DERIVE_EVERY_MS for all the nodes polled meanwhile (1,000 nodes at 10 s poll 100 times a second).
   */
  private deriveAfter(p: NodePoller): void {
    if (this.pollers.size <= DERIVE_EACH_POLL_MAX) { this.derive([p]); return; }
    this.polledSince.add(p);
    if (this.deriveTimer) return;
    this.deriveTimer = setTimeout(() => {
      this.deriveTimer = undefined;
      const polled = [...this.polledSince].filter((x) => this.pollers.get(x.settings.name) === x);
      this.polledSince.clear();
      this.derive(polled);
    }, DERIVE_EVERY_MS);
    this.deriveTimer.unref?.();
  }

  /**
   * Recomputes the network-level values from the pollers' last observations. After the polls of some nodes
   * (polled), the rows that depend on those nodes alone are rewritten for them only: every node's ledger state
   * when the best height changed, the chain tips when the best node changed or a polled node's tips, head or
   * reachability changed or the ledger's tracker moved, the consensus when the best node changed or is among them.
   * So a derive() costs O(nodes) in reading but a few writes (in a large network every DERIVE_EVERY_MS, for
   * the nodes polled meanwhile), and a thousand nodes do not make every poll rewrite a thousand rows.
   */
  derive(polled?: readonly NodePoller[]): void {
    // one pass, no arrays: four times a second over a thousand nodes
    let reachable = 0;
    let knownMax = -Infinity;
    for (const p of this.pollers.values()) {
      if (!p.reachable || !p.last) continue;
      reachable++;
      const k = p.last.ledger.bestKnownHeight;
      if (typeof k === 'number' || typeof k === 'bigint') knownMax = Math.max(knownMax, Number(k));
    }
    const best = this.best();
    const bestHeight = best?.last ? best.last.head.height : undefined;
    const net: Values = {
      nodeCount: this.pollers.size,
      reachableNodeCount: reachable,
      operState: reachable ? 'enabled' : 'disabled',
      bestHeight: bestHeight === undefined ? undefined : BigInt(bestHeight),
      ...(best?.last ? best.last.network : {}),
    };
    this.tree.set(this.path, net);
    if (!best?.last) return;
    const obs = best.last;
    const bestKnown = Math.max(bestHeight!, knownMax);
    this.tree.set(this.ledgerPath, {
      ...obs.ledger,
      height: BigInt(obs.head.height), headHash: obs.head.hash, headTime: obs.head.time * 1000,
      headTxCount: obs.head.txCount, bestKnownHeight: BigInt(bestKnown), lastObserved: Date.now(),
    });
    // A node's ledger state depends on the best height, not on which node is best: another node of the same
    // height becoming best (nodes reaching a new block one after the other, the lowest name last) rewrites none.
    const heightMoved = polled === undefined || bestHeight !== this.derived.height;
    const full = heightMoved || best !== this.derived.best;
    this.derived.best = best;
    this.derived.height = bestHeight;
    if (heightMoved && this.pollers.size > DERIVE_EACH_POLL_MAX) {
      // every node's lag changed: rewritten over turns of the event loop (a thousand rows are milliseconds of work)
      for (const p of this.pollers.values()) this.stateQueue.add(p);
      void this.drainStates();
    } else for (const p of heightMoved ? this.pollers.values() : polled) this.writeNodeState(p);
    let tipsMoved = false;
    for (const p of polled ?? []) {
      const seen = this.tipsOf(p, best);
      if (this.tipsSeen.get(p) !== seen) { this.tipsSeen.set(p, seen); tipsMoved = true; }
    }
    if (full || this.tipsDirty || tipsMoved) {
      this.tipsDirty = false;
      this.writeTips(best);
    }
    if (full || polled!.includes(best)) this.writeConsensus(obs.consensus, obs.validators, obs.validatorRows);
  }

  /**
   * What a node adds to the chain tips (writeTips), as a key: the tips it reports; without a tips API its head,
   * when it is the best node's or off the tracked best chain; nothing when it is unreachable. A node following the
   * best chain block by block (most polls of a large network) adds nothing, before and after: no rewrite of the
   * tips, an O(nodes) pass, for it. The tracker moving or the best node changing rewrite them anyway (derive()).
   */
  private tipsOf(p: NodePoller, best: NodePoller): string {
    if (!p.reachable || !p.last) return '';
    const { tips, head } = p.last;
    if (tips) return JSON.stringify(tips);
    return p === best || this.tracker.hashAt(head.height) !== head.hash ? `${head.height}|${head.hash}` : 'on the best chain';
  }

  /** The ledger state of one node, against the best height of the last derive(). */
  private writeNodeState(p: NodePoller): void {
    if (this.pollers.get(p.settings.name) !== p) return;
    const statePath = this.statePath(p.settings.name);
    if (!p.last) { this.tree.set(statePath, { syncState: 'unknown' }); return; }
    const h = p.last.head.height;
    const lag = Math.max(0, (this.derived.height ?? h) - h);
    const syncState = !p.reachable ? 'unknown' : lag <= 1 ? 'synced'
      : p.lastHeightChange !== undefined && Date.now() - p.lastHeightChange < 2 * this.settings.pollInterval * 1000 ? 'syncing' : 'stalled';
    this.tree.set(statePath, {
      height: BigInt(h), headHash: p.last.head.hash, lag: BigInt(lag), syncState,
      lastBlockTime: p.last.head.time * 1000, ...this.branches.reorgs(p.settings.name),
    });
  }

  /** Writes the queued nodes' ledger states a slice (TURN_SLICE_MS) at a time; one drain runs at a time. */
  private async drainStates(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      const turns = new Turns();
      for (const p of this.stateQueue) {
        this.stateQueue.delete(p);
        this.writeNodeState(p);
        if (turns.due()) await turns.next();
      }
    } finally {
      this.draining = false;
    }
  }

  /** The pollers in name order (code points), sorted once per configuration (apply()), not at each derive(). */
  private byName(): readonly NodePoller[] {
    if (!this.nameOrder) this.nameOrder = [...this.pollers.values()].sort((a, b) => (a.settings.name < b.settings.name ? -1 : a.settings.name > b.settings.name ? 1 : 0));
    return this.nameOrder;
  }

  /** The chain tips from what the reachable nodes saw, in order: the best node first, then the others by name. */
  private writeTips(best: NodePoller): void {
    const bestNode = best.settings.name;
    const rows = new Map<string, { tip: ChainTipObservation; node: string }>();
    const see = (node: string, tips: readonly ChainTipObservation[] | undefined, head: BlockSummary): void => {
      if (tips) {
        for (const reported of tips) {
          let t = reported;
          if (t.status === 'active' && node !== bestNode) {
            // Another node's active tip: on the best chain it is no tip of the network; off it, a fork that node follows.
            if (rows.has(t.hash) || this.tracker.hashAt(t.height) === t.hash) continue;
            t = { ...t, status: 'validFork' };
          }
          const old = rows.get(t.hash);
          if (!old || TIP_RANK[t.status] < TIP_RANK[old.tip.status]) rows.set(t.hash, { tip: t, node });
        }
      } else if (!rows.has(head.hash)) {
        // No tips API: a node's head that is not on the tracked best chain is a fork tip.
        const onBest = node === bestNode || this.tracker.hashAt(head.height) === head.hash;
        if (node === bestNode || !onBest) {
          rows.set(head.hash, { node, tip: { height: head.height, hash: head.hash, branchLength: 0, status: node === bestNode ? 'active' : 'unknown' } });
        }
      }
    };
    see(bestNode, best.last!.tips, best.last!.head);
    for (const p of this.byName()) if (p !== best && p.reachable && p.last) see(p.settings.name, p.last.tips, p.last.head);
    const list = [...rows.values()].sort((a, b) => (a.tip.status === 'active' ? -1 : 0) - (b.tip.status === 'active' ? -1 : 0) || b.tip.height - a.tip.height);
    this.tree.replaceList(this.ledgerPath, 'chainTip', list.slice(0, 64).map((r, i) => ({
      keys: [i + 1],
      values: { height: BigInt(r.tip.height), hash: r.tip.hash, branchLength: r.tip.branchLength, status: r.tip.status, reportedBy: r.node },
    })));
  }

  private writeConsensus(values: Values | undefined, set: { type: string; ids: readonly string[] } | undefined,
    own?: readonly { readonly id: string; readonly values: Values }[]): void {
    const t = this.tracker;
    const path: Path = [...this.path, { cls: 'consensus' }];
    if (own) {
      // The node accounts for its validators itself (beacon networks): its rows and values as they are.
      const algorithm = this.tree.find(this.path)?.get('consensusAlgorithm');
      this.tree.set(path, {
        ...(values ?? {}), algorithm: typeof algorithm === 'string' ? algorithm : undefined,
        windowBlocks: t.windowBlocks || undefined, leaderChanges: t.windowBlocks ? t.leaderChanges : undefined,
      });
      this.tree.replaceList(path, 'validator', own.slice(0, 1000).map((r) => ({ keys: [r.id], values: r.values })));
      return;
    }
    const ids = new Set<string>(set?.ids ?? []);
    for (const id of t.producers.keys()) ids.add(id);
    const rows = [...ids].slice(0, 1000).map((id) => {
      const s = t.producers.get(id);
      return {
        keys: [id],
        values: {
          type: set?.ids.includes(id) ? set.type : 'miner',
          proposedBlocks: s?.count ?? 0,
          lastProposedHeight: s ? BigInt(s.lastHeight) : undefined,
          lastProposedTime: s ? s.lastTime : undefined,
          active: (s?.count ?? 0) > 0,
          missedSlots: t.missedSlots.get(id) ?? (set?.type === 'sealer' && set.ids.includes(id) ? 0n : undefined),
        } as Values,
      };
    });
    const n = rows.length;
    const active = rows.filter((r) => r.values.active === true).length;
    const algorithm = this.tree.find(this.path)?.get('consensusAlgorithm');
    this.tree.set(path, {
      ...(values ?? {}),
      algorithm: typeof algorithm === 'string' ? algorithm : undefined,
      validatorCount: n || undefined,
      activeValidators: n ? active : undefined,
      windowBlocks: t.windowBlocks || undefined,
      leader: t.windowProducer,
      leaderChanges: t.windowBlocks ? t.leaderChanges : undefined,
      faultTolerance: set && set.type !== 'miner' && n ? (algorithm === 'clique' ? Math.floor((n - 1) / 2) : Math.floor((n - 1) / 3)) : undefined,
    });
    this.tree.replaceList(path, 'validator', rows);
  }

  private writeLedger(): void {
    const t = this.tracker;
    this.tree.set(this.ledgerPath, {
      observedBlocks: t.observedBlocks, observedTransactions: t.observedTransactions, reorgCount: t.reorgCount,
      lastReorgTime: t.lastReorg?.time, lastReorgDepth: t.lastReorg?.depth,
      lastReorgOldHead: t.lastReorg?.oldHead || undefined, lastReorgNewHead: t.lastReorg?.newHead,
    });
    const best = this.best();
    if (best?.last) this.writeConsensus(best.last.consensus, best.last.validators, best.last.validatorRows);
  }
}
