/**
 * The per-block activity feed shared by contract management and cross-chain management: for each new
 * block the collector reports on an Ethereum-family network (its 'block' events: blocks of the tracked
 * best chain after the first head, never history), the block's transactions and receipts are fetched
 * once from the network's best node (ChainAdapter.blockActivity) and handed to every interested
 * listener, in height order, one block at a time per network.
 *
 * Each transaction is handed over once: after a reorganisation the collector reports the blocks of the
 * new branch, and their transactions already handed over in the last RECENT_BLOCKS heights (the same
 * transactions included again) are left out. A transaction of a replaced block that is not included
 * again stays counted, as seen.
 *
 * Bounds: at most MAX_QUEUE blocks wait per network (the oldest are dropped, with a warning, when the
 * chain outpaces the fetches); a fetch is tried FETCH_ATTEMPTS times before the block is given up;
 * transaction hashes of the last RECENT_BLOCKS heights are remembered.
 */
import type { BlockActivity, ChainAdapter } from '../chains/adapter';
import type { Bridge } from '../bridge';

export const MAX_QUEUE = 256;
export const RECENT_BLOCKS = 64;
const FETCH_ATTEMPTS = 3;
const RETRY_MS = 300;

export interface ActivityEvent {
  readonly network: string;
  readonly activity: BlockActivity;
  /** When the collector reported the block (ms since the epoch): the bridge's observation time. */
  readonly observedAt: number;
}

export interface ActivityListener {
  /** Whether blocks of this network are wanted (asked for every block). */
  wants(network: string): boolean;
  /** One block; the next block of the network waits for the returned promise. */
  onBlock(e: ActivityEvent): void | Promise<void>;
}

interface Pending { readonly height: number; readonly hash: string; readonly observedAt: number }
interface NetQueue {
  items: Pending[];
  running: boolean;
  dropped: number;
  warnedNoApi: boolean;
  /** Transactions handed over recently: hash → height of the block they came in. */
  readonly seen: Map<string, number>;
  /** Heights handed over recently with their transaction hashes, in the order handed over. */
  readonly recent: { height: number; hashes: string[] }[];
}

export class ActivityFeed {
  private readonly listeners = new Set<ActivityListener>();
  private readonly queues = new Map<string, NetQueue>();
  private readonly onCollectorBlock = (e: { network: string; block: { height: number; hash: string } }): void => this.enqueue(e.network, e.block.height, e.block.hash);
  private readonly running = new Set<Promise<void>>();
  /** Blocks whose activity could not be fetched, by network (diagnostics and tests). */
  readonly lost = new Map<string, number>();

  constructor(private readonly bridge: Bridge) {}

  /** Adds a listener; the feed listens to the collector while it has any. Returns the unsubscribe function. */
  subscribe(l: ActivityListener): () => void {
    if (!this.listeners.size) this.bridge.collector.on('block', this.onCollectorBlock);
    this.listeners.add(l);
    return () => {
      if (!this.listeners.delete(l)) return;
      if (!this.listeners.size) {
        this.bridge.collector.off('block', this.onCollectorBlock);
        for (const q of this.queues.values()) q.items = [];
      }
    };
  }

  /** The adapter of the network's best node (reachable, highest head), if any. */
  adapter(network: string): ChainAdapter | undefined {
    return this.bridge.collector.networks.get(network)?.best()?.adapter;
  }

  /** Whether a network is reachable: at least one of its nodes answers. */
  reachable(network: string): boolean {
    return this.bridge.collector.networks.get(network)?.best() !== undefined;
  }

  /** Resolves when no block is being processed (stop and tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private enqueue(network: string, height: number, hash: string): void {
    if (![...this.listeners].some((l) => l.wants(network))) return;
    let q = this.queues.get(network);
    if (!q) { q = { items: [], running: false, dropped: 0, warnedNoApi: false, seen: new Map(), recent: [] }; this.queues.set(network, q); }
    q.items.push({ height, hash, observedAt: Date.now() });
    if (q.items.length > MAX_QUEUE) {
      const gone = q.items.splice(0, q.items.length - MAX_QUEUE);
      q.dropped += gone.length;
      this.lose(network, gone.length);
      this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'ACTIVITY',
        message: `network ${network}: ${gone.length} block(s) dropped from the activity queue (more than ${MAX_QUEUE} waiting); their transactions are not counted` });
    }
    if (!q.running) {
      q.running = true;
      const p = this.drain(network, q).finally(() => { q.running = false; this.running.delete(p); });
      this.running.add(p);
    }
  }

  private lose(network: string, n: number): void {
    this.lost.set(network, (this.lost.get(network) ?? 0) + n);
  }

  private async drain(network: string, q: NetQueue): Promise<void> {
    for (let item = q.items.shift(); item; item = q.items.shift()) {
      const fetched = await this.fetch(network, q, item);
      if (!fetched) continue;
      const activity = this.once(q, fetched);
      const e: ActivityEvent = { network, activity, observedAt: item.observedAt };
      for (const l of [...this.listeners]) {
        // A listener that unsubscribed meanwhile (its view is stopping) gets nothing more.
        if (!this.listeners.has(l) || !l.wants(network)) continue;
        try {
          await l.onBlock(e);
        } catch (err) {
          this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'ACTIVITY', message: `network ${network}: block ${item.height}: ${(err as Error).message}` });
        }
      }
    }
  }

  /** The block with the transactions not handed over already (a reorganisation's new branch repeats them). */
  private once(q: NetQueue, b: BlockActivity): BlockActivity {
    const fresh = b.transactions.filter((t) => !q.seen.has(t.hash));
    for (const t of fresh) q.seen.set(t.hash, b.height);
    q.recent.push({ height: b.height, hashes: fresh.map((t) => t.hash) });
    while (q.recent.length && q.recent[0].height <= b.height - RECENT_BLOCKS) {
      for (const h of q.recent.shift()!.hashes) q.seen.delete(h);
    }
    // A reorganisation can leave more than RECENT_BLOCKS entries behind; keep the memory bounded anyway.
    while (q.recent.length > 2 * RECENT_BLOCKS) for (const h of q.recent.shift()!.hashes) q.seen.delete(h);
    return fresh.length === b.transactions.length ? b : { ...b, transactions: fresh };
  }

  private async fetch(network: string, q: NetQueue, item: Pending): Promise<BlockActivity | undefined> {
    let last: unknown;
    for (let attempt = 0; attempt < FETCH_ATTEMPTS; attempt++) {
      if (!this.listeners.size) return undefined;
      const adapter = this.adapter(network);
      if (adapter && !adapter.blockActivity) {
        if (!q.warnedNoApi) {
          q.warnedNoApi = true;
          this.bridge.record({ severity: 'notice', component: 'contract', msgId: 'ACTIVITY', message: `network ${network}: its adapter reports no block activity (not an Ethereum-family network)` });
        }
        return undefined;
      }
      if (adapter?.blockActivity) {
        try {
          return await adapter.blockActivity(item.height, item.hash);
        } catch (e) {
          last = e;
        }
      } else {
        last = new Error('no reachable node');
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
    this.lose(network, 1);
    this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'ACTIVITY',
      message: `network ${network}: transactions of block ${item.height} not counted: ${(last as Error).message ?? String(last)}` });
    return undefined;
  }
}

const feeds = new WeakMap<Bridge, ActivityFeed>();

/** The bridge's one activity feed (contract and cross-chain management share it: one fetch per block). */
export function activityFeed(bridge: Bridge): ActivityFeed {
  let f = feeds.get(bridge);
  if (!f) { f = new ActivityFeed(bridge); feeds.set(bridge, f); }
  return f;
}
